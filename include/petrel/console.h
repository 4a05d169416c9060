/* SPDX-License-Identifier: MIT */
/*
 * The console: where printk's lines go. Keeps every line in a ring (so lines
 * printed before the serial port is set up are not lost) and writes them to
 * the UART chosen by 'console='.
 */
#ifndef PETREL_CONSOLE_H
#define PETREL_CONSOLE_H

#include <petrel/types.h>

struct boot_info;

/*
 * Set up the UART from console= and comN= and replay the early lines. An
 * MMIO UART or a PCI card waits for console_init_late(), after the page
 * tables and the PCI scan (its lines stay in the ring until then).
 */
void console_init(const char *cmdline);
/* Find (PCI), map (MMIO) and set up the UART console_init() left
 * pending, and the VGA text screen (console=vga; not when efi). After
 * pci_init(). */
void console_init_late(bool efi);
/* Write raw bytes to the console device (no time stamp, no lock). */
void console_write(const char *s, size_t len);
/* panic(): make printk ignore a lock another CPU may hold forever. */
void console_force_unlock(void);

/* drivers/serial.c: a 16550 at an I/O port or in MMIO. */
struct uart_cfg {
    uint16_t port;                  /* I/O base, 0 = none (or MMIO) */
    uint8_t reg_shift;              /* MMIO: register i at mmio + (i << reg_shift) */
    uint8_t lcr;                    /* data bits, parity, stop bits */
    bool pci;                       /* com1=...,pci: the first PCI serial card */
    uint32_t baud;
    uint64_t mmio;                  /* MMIO base (physical), 0 = none */
    volatile uint8_t *regs;         /* MMIO: mapped base, NULL until mapped */
};
/* drivers/uart_parse.c: "BAUD[,8n1[,BASE]]", BASE an I/O port (0x2f8),
 * mmio:ADDR / mmio32:ADDR, or pci. 0 or -EINVAL (cfg unchanged). */
int uart_parse(const char *spec, struct uart_cfg *cfg);
struct pci_dev;
/* If dev is a 16550-compatible serial function (class 07 00, prog-if
 * 02-06) with BAR 0 assigned, point cfg at BAR 0 (I/O or byte MMIO) and
 * return 0; else -ENODEV. Pure. */
int uart_from_pci(const struct pci_dev *dev, struct uart_cfg *cfg);
/* Can the console write to it: an I/O port, or MMIO once mapped. */
static inline bool uart_present(const struct uart_cfg *cfg)
{
    return cfg->port || cfg->regs;
}
void uart_init(const struct uart_cfg *cfg);
void uart_putc(const struct uart_cfg *cfg, char c);
/* Receive interrupts on or off (IER, and MCR.OUT2 which gates the line). */
void uart_rx_irq(const struct uart_cfg *cfg, bool on);
/* The next received byte, or -1 when none is waiting. */
int uart_getc(const struct uart_cfg *cfg);
/* The ISA IRQ of a standard COM port (4 for COM1/COM3, 3 for COM2/COM4);
 * 0 for any other UART (its input is polled). */
unsigned int uart_isa_irq(const struct uart_cfg *cfg);
/* The UART the console writes to (port 0: none). common/printk.c. */
const struct uart_cfg *console_uart(void);


/* Seconds/microseconds since boot for the time stamp (arch/x86/tsc.c). */
uint64_t time_since_boot_us(void);

#endif
