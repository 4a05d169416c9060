// SPDX-License-Identifier: MIT
/* The comN= option's value: baud, frame format and where the UART is. Pure. */
#include <petrel/console.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/pci.h>

#define UART_CLOCK  115200

/* "8n1": data bits 5-8, parity n/o/e, stop bits 1-2, as an LCR value. */
static int parse_frame(const char *s, size_t len, uint8_t *lcr)
{
    if (len != 3 || s[0] < '5' || s[0] > '8' || !s[1] || !strchr("noe", s[1]) ||
        (s[2] != '1' && s[2] != '2'))
        return -EINVAL;
    *lcr = (s[0] - '5') | (s[2] == '2' ? 0x04 : 0) |
           (s[1] == 'o' ? 0x08 : s[1] == 'e' ? 0x18 : 0);
    return 0;
}

/*
 * Where: an I/O port base ("0x2f8": 8 ports, below 0x10000), or an MMIO
 * base with byte registers ("mmio:0xfe030000") or 32-bit registers 4 bytes
 * apart ("mmio32:0xfe030000", as on Intel's LPSS UARTs), page-offset and
 * all, below 2^52; or "pci", the first PCI serial card (uart_from_pci()).
 */
static int parse_base(const char *s, size_t len, struct uart_cfg *cfg)
{
    static const struct { const char *prefix; uint8_t shift; } mmio[] = {
        { "mmio:", 0 }, { "mmio32:", 2 },
    };
    uint64_t v;

    if (len == 3 && !strncmp(s, "pci", 3)) {
        cfg->port = 0;
        cfg->mmio = 0;
        cfg->reg_shift = 0;
        cfg->pci = true;
        return 0;
    }
    cfg->pci = false;
    for (unsigned int i = 0; i < ARRAY_SIZE(mmio); i++) {
        size_t n = strlen(mmio[i].prefix);

        if (len > n && !strncmp(s, mmio[i].prefix, n)) {
            if (parse_u64(s + n, len - n, false, &v) || !v || v >= (1ULL << 52) ||
                (v & ((1u << mmio[i].shift) - 1)))
                return -EINVAL;
            cfg->port = 0;
            cfg->mmio = v;
            cfg->reg_shift = mmio[i].shift;
            return 0;
        }
    }
    if (parse_u64(s, len, false, &v) || !v || v > 0x10000 - 8)
        return -EINVAL;
    cfg->port = v;
    cfg->mmio = 0;
    cfg->reg_shift = 0;
    return 0;
}

/*
 * "BAUD[,FRAME[,BASE]]", each part optional ("115200", ",8n1",
 * "115200,,0x2f8"). Returns 0 or -EINVAL; cfg keeps its values for what is
 * absent and is left unchanged on an error.
 */
int uart_parse(const char *spec, struct uart_cfg *cfg)
{
    struct uart_cfg new = *cfg;
    const char *part = spec;
    uint64_t baud;

    for (unsigned int i = 0; i < 3; i++) {
        const char *comma = strchr(part, ',');
        size_t len = comma ? (size_t)(comma - part) : strlen(part);
        int rc = 0;

        if (len && i == 0) {
            if (parse_u64(part, len, false, &baud) || baud == 0 || baud > UART_CLOCK)
                return -EINVAL;
            new.baud = baud;
        } else if (len && i == 1) {
            rc = parse_frame(part, len, &new.lcr);
        } else if (len) {
            rc = parse_base(part, len, &new);
        }
        if (rc)
            return rc;
        if (!comma) {
            *cfg = new;
            return 0;
        }
        part = comma + 1;
    }
    return -EINVAL;                 /* a fourth part */
}

int uart_from_pci(const struct pci_dev *dev, struct uart_cfg *cfg)
{
    const struct pci_bar *bar = &dev->bar[0];
    uint8_t progif = dev->class & 0xff;

    /* PCI code and ID assignment: 07 00 02 is a 16550, 03-06 its successors. */
    if ((dev->class >> 8) != 0x0700 || progif < 0x02 || progif > 0x06)
        return -ENODEV;
    if (!dev->nr_bars || !bar->size || !bar->base || bar->size < 8)
        return -ENODEV;
    if (bar->io && bar->base > 0x10000 - 8)
        return -ENODEV;
    cfg->port = bar->io ? (uint16_t)bar->base : 0;
    cfg->mmio = bar->io ? 0 : bar->base;
    cfg->reg_shift = 0;
    cfg->regs = NULL;
    return 0;
}
