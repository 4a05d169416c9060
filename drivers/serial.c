// SPDX-License-Identifier: MIT
/* 16550 UART: polled transmit; receive by interrupt (or a slow poll). */
#include <petrel/console.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <x86/processor.h>

#define UART_CLOCK  115200
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

/*
 * "115200,8n1" (both parts optional). Data bits 5-8, parity n/o/e, stop
 * bits 1-2. Returns 0 or -EINVAL; cfg keeps its defaults for what is absent.
 */
int uart_parse(const char *spec, struct uart_cfg *cfg)
{
    const char *comma = strchr(spec, ',');
    size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
    uint64_t baud;

    if (len) {
        if (parse_u64(spec, len, false, &baud) || baud == 0 || baud > UART_CLOCK)
            return -EINVAL;
        cfg->baud = baud;
    }
    if (!comma)
        return 0;
    spec = comma + 1;
    if (strlen(spec) != 3 || spec[0] < '5' || spec[0] > '8' ||
        !strchr("noe", spec[1]) || (spec[2] != '1' && spec[2] != '2'))
        return -EINVAL;
    cfg->lcr = (spec[0] - '5') | (spec[2] == '2' ? 0x04 : 0) |
               (spec[1] == 'o' ? 0x08 : spec[1] == 'e' ? 0x18 : 0);
    return 0;
}

void uart_init(const struct uart_cfg *cfg)
{
    uint16_t div = UART_CLOCK / cfg->baud;

    outb(cfg->port + IER, 0);
    outb(cfg->port + LCR, LCR_DLAB);
    outb(cfg->port + DLL, div & 0xff);
    outb(cfg->port + DLM, div >> 8);
    outb(cfg->port + LCR, cfg->lcr);
    outb(cfg->port + FCR, 0x07);    /* enable and clear FIFOs */
    outb(cfg->port + MCR, MCR_DTR | MCR_RTS);
}

void uart_putc(const struct uart_cfg *cfg, char c)
{
    /* Bounded: a missing UART reads 0xff (THRE set) and we move on. */
    for (unsigned int i = 0; i < 100000; i++)
        if (inb(cfg->port + LSR) & LSR_THRE)
            break;
    outb(cfg->port + THR, c);
}

void uart_rx_irq(const struct uart_cfg *cfg, bool on)
{
    outb(cfg->port + MCR, MCR_DTR | MCR_RTS | (on ? MCR_OUT2 : 0));
    outb(cfg->port + IER, on ? IER_RDA : 0);
    (void)inb(cfg->port + IIR);     /* drop a stale interrupt reason */
}

int uart_getc(const struct uart_cfg *cfg)
{
    uint8_t lsr = inb(cfg->port + LSR);

    /* A missing UART reads all ones: no byte, however often we ask. */
    if (lsr == 0xff || !(lsr & LSR_DR))
        return -1;
    return inb(cfg->port + RBR);
}

unsigned int uart_isa_irq(const struct uart_cfg *cfg)
{
    /* The PC convention: COM1 and COM3 on IRQ 4, COM2 and COM4 on IRQ 3. */
    return cfg->port == 0x2f8 || cfg->port == 0x2e8 ? 3 : 4;
}
