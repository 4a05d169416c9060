// SPDX-License-Identifier: MIT
/* The 8254 PIT: channel 2 as a one-shot reference for TSC calibration. */
#include <x86/processor.h>
#include <x86/time.h>

#define PIT_HZ          1193182
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PORT_B          0x61            /* bit 0: ch2 gate, 1: speaker, 5: ch2 out */

uint64_t pit_measure_tsc(unsigned int ms)
{
    uint32_t count = PIT_HZ * ms / 1000;
    uint64_t t0, t1;
    unsigned long spins = 0;

    if (!ms || count > 0xffff)
        return 0;
    outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
    outb(PIT_CMD, 0xb0);                /* ch2, lo/hi byte, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    t0 = rdtsc();
    while (!(inb(PORT_B) & 0x20))
        if (++spins > 200000000UL)      /* no PIT: give up */
            return 0;
    t1 = rdtsc();
    return t1 - t0;
}
