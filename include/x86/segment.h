/* SPDX-License-Identifier: MIT */
/* The hypervisor's GDT layout (same on every CPU). */
#ifndef X86_SEGMENT_H
#define X86_SEGMENT_H

#define GDT_NULL        0x00
#define GDT_CS64        0x08
#define GDT_DS          0x10
#define GDT_CS32        0x18        /* used only by the AP trampoline */
#define GDT_TSS         0x20        /* 16-byte system descriptor */
#define GDT_ENTRIES     6

/* Interrupt stack table slots (1-based, as in the IDT gate). */
#define IST_NMI         1
#define IST_DF          2
#define IST_MC          3
#define IST_COUNT       3

#endif
