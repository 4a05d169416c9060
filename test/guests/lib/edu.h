/* SPDX-License-Identifier: MIT */
/*
 * QEMU's "edu" device (PCI 1234:11e8; QEMU hw/misc/edu.c,
 * docs/specs/edu.rst) and PCI configuration mechanism #1, shared by the
 * test guests that drive edu (pci-edu, pci-pt) and dom0's `edu` command.
 * edu: BAR0 (1 MiB of registers), an MSI capability, a factorial unit, an
 * interrupt-raise register and a DMA engine between bus addresses and its
 * own 4 KiB buffer at device address EDU_DMA_BUF. No locking: the callers
 * have one vCPU driving it.
 */
#ifndef GUEST_EDU_H
#define GUEST_EDU_H

#include <stdbool.h>
#include <stdint.h>

#define EDU_VENDOR      0x1234
#define EDU_DEVICE      0x11e8
#define EDU_ID          0x00            /* reads 0x010000ed */
#define EDU_ID_VALUE    0x010000edu
#define EDU_ALIVE       0x04            /* reads back the inverse */
#define EDU_FACT        0x08            /* write n, read n! when done */
#define EDU_STATUS      0x20            /* bit 0: computing; bit 7: irq when done */
#define EDU_IRQ_STATUS  0x24
#define EDU_IRQ_RAISE   0x60
#define EDU_IRQ_ACK     0x64
#define EDU_DMA_SRC     0x80
#define EDU_DMA_DST     0x88
#define EDU_DMA_CNT     0x90
#define EDU_DMA_CMD     0x98            /* 1: run, 2: to RAM, 4: interrupt */
#define EDU_DMA_RUN     0x1
#define EDU_DMA_TO_RAM  0x2
#define EDU_DMA_IRQ_EN  0x4
#define EDU_DMA_BUF     0x40000         /* the device's own buffer */
#define EDU_DMA_BUF_SIZE 4096
#define EDU_DMA_IRQ     0x100           /* IRQ_STATUS bit of a DMA's end */

#define PCI_CAP_MSI     0x05

/* ---- configuration space through ports 0xcf8/0xcfc (bdf: bus << 8 | devfn) */
uint32_t cfg1_read(uint16_t bdf, unsigned int reg, unsigned int size);
void cfg1_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v);
/* The capability id's offset in bdf's list (bounded walk), 0 if none. */
uint8_t cfg1_find_cap(uint16_t bdf, uint8_t id);
/* The first function vendor:device on buses 0..7 (function 0 of each
 * slot; the firmware's numbering): true and *bdf. */
bool cfg1_find(uint16_t vendor, uint16_t device, uint16_t *bdf);
/* Turn on memory decoding and bus mastering (MSI and DMA are bus writes);
 * true if COMMAND reads them back set. */
bool cfg1_enable(uint16_t bdf);

/* ---- the device ---- */
struct edu {
    uint16_t bdf;
    volatile uint8_t *regs;             /* BAR0, mapped by the caller */
};

/* The first edu on buses 0..7 (the firmware's numbering): true and *bdf. */
bool edu_find(uint16_t *bdf);
/* BAR0's bus address from config space, 0 if it is not a memory BAR. */
uint64_t edu_bar0(uint16_t bdf);

uint32_t edu_rd(const struct edu *e, unsigned int reg);
void edu_wr(const struct edu *e, unsigned int reg, uint32_t v);
void edu_wr64(const struct edu *e, unsigned int reg, uint64_t v);

/* The id register, and the liveness register inverting v. */
bool edu_alive(const struct edu *e, uint32_t v);
/* n! by the device (its worker thread): true and *out once STATUS says it
 * is done, within spins reads of STATUS. */
bool edu_factorial(const struct edu *e, uint32_t n, uint32_t *out, unsigned long spins);
/* Start a DMA of cnt bytes (at most EDU_DMA_BUF_SIZE) from src to dst, one
 * of them inside edu's buffer, with the interrupt at its end; to_ram: the
 * buffer is the source. The caller waits for the interrupt's event, then
 * calls edu_dma_done(). */
void edu_dma_start(const struct edu *e, uint64_t src, uint64_t dst, uint32_t cnt, bool to_ram);
/* After the event: the DMA finished (its run bit clear) and its interrupt
 * was raised; acknowledges it. */
bool edu_dma_done(const struct edu *e);

#endif
