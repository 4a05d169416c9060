// SPDX-License-Identifier: MIT
/* The legacy 8259 PICs: remapped away from the exception vectors and masked. */
#include <x86/processor.h>

#define PIC1_CMD    0x20
#define PIC1_DATA   0x21
#define PIC2_CMD    0xa0
#define PIC2_DATA   0xa1

void pic_disable(void)
{
    /* ICW1-4: edge, cascade; vectors 0x20/0x28; slave on IR2; 8086 mode. */
    outb(PIC1_CMD, 0x11);
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, 0x20);
    outb(PIC2_DATA, 0x28);
    outb(PIC1_DATA, 0x04);
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}
