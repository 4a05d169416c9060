// SPDX-License-Identifier: MIT
/* QEMU's edu device and configuration mechanism #1 (edu.h). */
#include "edu.h"
#include "x86.h"

#define CAP_WALK_MAX    48              /* (256 - 64) / 4: more is a loop */

static void cf8(uint16_t bdf, unsigned int reg)
{
    outl(0xcf8, 0x80000000u | (uint32_t)bdf << 8 | (reg & 0xfc));
}

uint32_t cfg1_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
    cf8(bdf, reg);
    if (size == 1)
        return inb(0xcfc + (reg & 3));
    if (size == 2)
        return inw(0xcfc + (reg & 2));
    return inl(0xcfc);
}

void cfg1_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    cf8(bdf, reg);
    if (size == 1)
        outb(0xcfc + (reg & 3), v);
    else if (size == 2)
        outw(0xcfc + (reg & 2), v);
    else
        outl(0xcfc, v);
}

uint8_t cfg1_find_cap(uint16_t bdf, uint8_t id)
{
    uint8_t pos = cfg1_read(bdf, 0x34, 1) & 0xfc;

    for (unsigned int n = 0; n < CAP_WALK_MAX && pos >= 0x40; n++) {
        if (cfg1_read(bdf, pos, 1) == id)
            return pos;
        pos = cfg1_read(bdf, pos + 1, 1) & 0xfc;
    }
    return 0;
}

bool cfg1_enable(uint16_t bdf)
{
    cfg1_write(bdf, 0x04, 2, cfg1_read(bdf, 0x04, 2) | 0x6);
    return (cfg1_read(bdf, 0x04, 2) & 0x6) == 0x6;
}

bool cfg1_find(uint16_t vendor, uint16_t device, uint16_t *bdf)
{
    for (unsigned int bus = 0; bus < 8; bus++)
        for (unsigned int dev = 0; dev < 32; dev++) {
            uint16_t b = (uint16_t)(bus << 8 | dev << 3);

            if (cfg1_read(b, 0, 4) == ((uint32_t)device << 16 | vendor)) {
                *bdf = b;
                return true;
            }
        }
    return false;
}

bool edu_find(uint16_t *bdf)
{
    return cfg1_find(EDU_VENDOR, EDU_DEVICE, bdf);
}

uint64_t edu_bar0(uint16_t bdf)
{
    uint32_t bar = cfg1_read(bdf, 0x10, 4);

    return bar & 1 ? 0 : bar & ~0xfu;
}

uint32_t edu_rd(const struct edu *e, unsigned int reg)
{
    return *(volatile uint32_t *)(e->regs + reg);
}

void edu_wr(const struct edu *e, unsigned int reg, uint32_t v)
{
    *(volatile uint32_t *)(e->regs + reg) = v;
}

void edu_wr64(const struct edu *e, unsigned int reg, uint64_t v)
{
    *(volatile uint64_t *)(e->regs + reg) = v;
}

bool edu_alive(const struct edu *e, uint32_t v)
{
    if (edu_rd(e, EDU_ID) != EDU_ID_VALUE)
        return false;
    edu_wr(e, EDU_ALIVE, v);
    return edu_rd(e, EDU_ALIVE) == ~v;
}

bool edu_factorial(const struct edu *e, uint32_t n, uint32_t *out, unsigned long spins)
{
    edu_wr(e, EDU_STATUS, 0);               /* no interrupt when done */
    edu_wr(e, EDU_FACT, n);
    while (spins-- && (edu_rd(e, EDU_STATUS) & 1))
        asm volatile("pause");
    if (edu_rd(e, EDU_STATUS) & 1)
        return false;
    *out = edu_rd(e, EDU_FACT);
    return true;
}

void edu_dma_start(const struct edu *e, uint64_t src, uint64_t dst, uint32_t cnt, bool to_ram)
{
    /* The device reads and writes memory behind the compiler's back. */
    asm volatile("" ::: "memory");
    edu_wr64(e, EDU_DMA_SRC, src);
    edu_wr64(e, EDU_DMA_DST, dst);
    edu_wr64(e, EDU_DMA_CNT, cnt);
    edu_wr64(e, EDU_DMA_CMD, EDU_DMA_RUN | EDU_DMA_IRQ_EN | (to_ram ? EDU_DMA_TO_RAM : 0));
}

bool edu_dma_done(const struct edu *e)
{
    bool ok;

    asm volatile("" ::: "memory");
    ok = !(edu_rd(e, EDU_DMA_CMD) & EDU_DMA_RUN) &&
         (edu_rd(e, EDU_IRQ_STATUS) & EDU_DMA_IRQ);
    edu_wr(e, EDU_IRQ_ACK, EDU_DMA_IRQ);
    return ok;
}
