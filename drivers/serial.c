// SPDX-License-Identifier: MIT
/* 16550 UART at an I/O port or in MMIO: polled transmit; receive by
 * interrupt (legacy COM ports) or a slow poll. */
#include <petrel/console.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <x86/processor.h>

#define UART_CLOCK  115200             /* divisor 1: drivers/uart_parse.c too */
#define THR 0                       /* transmit holding */
#define RBR 0                       /* receive buffer */
#define DLL 0                       /* divisor latch, low (DLAB=1) */
#define IER 1
#define  IER_RDA    0x01            /* received data available */
#define DLM 1                       /* divisor latch, high (DLAB=1) */
#define FCR 2
#define IIR 2
#define LCR 3
#define MCR 4
#define  MCR_DTR    0x01
#define  MCR_RTS    0x02
#define  MCR_OUT2   0x08            /* gates the UART's IRQ line on PCs */
#define LSR 5
#define  LSR_DR     0x01            /* a received byte is waiting */
#define  LSR_THRE   0x20
#define  LCR_DLAB   0x80

/* Register i: an I/O port, or MMIO bytes or 32-bit words (reg_shift 2). */
static uint8_t uart_in(const struct uart_cfg *cfg, unsigned int reg)
{
    if (!cfg->regs)
        return inb(cfg->port + reg);
    if (cfg->reg_shift == 2)
        return *(volatile uint32_t *)(cfg->regs + (reg << 2));
    return cfg->regs[reg];
}

static void uart_out(const struct uart_cfg *cfg, unsigned int reg, uint8_t val)
{
    if (!cfg->regs)
        outb(cfg->port + reg, val);
    else if (cfg->reg_shift == 2)
        *(volatile uint32_t *)(cfg->regs + (reg << 2)) = val;
    else
        cfg->regs[reg] = val;
}

void uart_init(const struct uart_cfg *cfg)
{
    uint16_t div = UART_CLOCK / cfg->baud;

    uart_out(cfg, IER, 0);
    uart_out(cfg, LCR, LCR_DLAB);
    uart_out(cfg, DLL, div & 0xff);
    uart_out(cfg, DLM, div >> 8);
    uart_out(cfg, LCR, cfg->lcr);
    uart_out(cfg, FCR, 0x07);       /* enable and clear FIFOs */
    uart_out(cfg, MCR, MCR_DTR | MCR_RTS);
}

void uart_putc(const struct uart_cfg *cfg, char c)
{
    /* Bounded: a missing UART reads 0xff (THRE set) and we move on. */
    for (unsigned int i = 0; i < 100000; i++)
        if (uart_in(cfg, LSR) & LSR_THRE)
            break;
    uart_out(cfg, THR, c);
}

void uart_rx_irq(const struct uart_cfg *cfg, bool on)
{
    uart_out(cfg, MCR, MCR_DTR | MCR_RTS | (on ? MCR_OUT2 : 0));
    uart_out(cfg, IER, on ? IER_RDA : 0);
    (void)uart_in(cfg, IIR);        /* drop a stale interrupt reason */
}

int uart_getc(const struct uart_cfg *cfg)
{
    uint8_t lsr = uart_in(cfg, LSR);

    /* A missing UART reads all ones: no byte, however often we ask. */
    if (lsr == 0xff || !(lsr & LSR_DR))
        return -1;
    return uart_in(cfg, RBR);
}

unsigned int uart_isa_irq(const struct uart_cfg *cfg)
{
    /* The PC convention: COM1 and COM3 on IRQ 4, COM2 and COM4 on IRQ 3. */
    switch (cfg->regs ? 0 : cfg->port) {
    case 0x3f8: case 0x3e8:
        return 4;
    case 0x2f8: case 0x2e8:
        return 3;
    default:
        return 0;
    }
}
