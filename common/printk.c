// SPDX-License-Identifier: MIT
/*
 * printk and the console. Each line is prefixed "(petrel) [secs.usecs] " and
 * kept in a ring; lines printed before console_init() are replayed then.
 * One lock serialises output so lines from different CPUs never interleave.
 */
#include <stdarg.h>
#include <petrel/cmdline.h>
#include <petrel/console.h>
#include <petrel/ctl_ring.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <petrel/vga_text.h>
#include <petrel/vmap.h>

#define RING_SIZE   PRINTK_RING_SIZE

static char ring[RING_SIZE];
static uint64_t ring_head;          /* bytes ever written; guarded by lock */
static spinlock_t lock = SPINLOCK_INIT;
static bool at_line_start = true;   /* guarded by lock */
static bool raw_mid_line;           /* printk_raw() left a partial line; lock */
static struct uart_cfg uart;        /* port 0 until console_init */
static struct vga_text vga;         /* buf NULL: no VGA console (yet) */
static bool console_ready;
static int loglvl = LOG_INFO;

static void emit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ring[(ring_head + i) & (RING_SIZE - 1)] = s[i];
    ring_head += len;
    if (console_ready)
        console_write(s, len);
}

void console_write(const char *s, size_t len)
{
    if (vga.buf)
        for (size_t i = 0; i < len; i++)
            vga_text_putc(&vga, s[i]);
    if (!uart_present(&uart))
        return;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            uart_putc(&uart, '\r');
        uart_putc(&uart, s[i]);
    }
}

const struct uart_cfg *console_uart(void)
{
    return &uart;
}

static void emit_prefix(void)
{
    char buf[32];
    uint64_t us = time_since_boot_us();
    int n = snprintf(buf, sizeof(buf), "(petrel) [%4lu.%06lu] ",
                     (unsigned long)(us / 1000000), (unsigned long)(us % 1000000));

    emit(buf, n);
}

/* Write text, adding the prefix at the start of each line. Lock held. */
static void emit_lines(const char *s)
{
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);

        if (at_line_start && raw_mid_line) {
            /* dom0's prompt, say: Petrel's line starts on a line of its own. */
            if (console_ready)
                console_write("\n", 1);
            raw_mid_line = false;
        }
        if (at_line_start)
            emit_prefix();
        emit(s, len);
        at_line_start = nl != NULL;
        s += len;
    }
}

void printk(const char *fmt, ...)
{
    char buf[512];
    int level = LOG_INFO;
    unsigned long flags;
    va_list ap;

    if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '3') {
        level = fmt[1] - '0';
        fmt += 2;
    }
    if (level > loglvl)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    flags = spin_lock_irqsave(&lock);
    emit_lines(buf);
    spin_unlock_irqrestore(&lock, flags);
}

void printk_raw(const char *s, size_t len)
{
    unsigned long flags;

    if (!len)
        return;
    flags = spin_lock_irqsave(&lock);
    if (console_ready)
        console_write(s, len);
    raw_mid_line = s[len - 1] != '\n';
    spin_unlock_irqrestore(&lock, flags);
}

uint32_t printk_ring_read(void *unused, uint64_t *index, char *dst, uint32_t want,
                          uint64_t *lost)
{
    unsigned long flags = spin_lock_irqsave(&lock);
    uint64_t start;
    uint32_t n = ctl_ring_window(ring_head, RING_SIZE, *index, want, &start, lost);

    ctl_ring_copy(ring, RING_SIZE, start, dst, n);
    spin_unlock_irqrestore(&lock, flags);
    *index = start + n;
    return n;
}

void console_force_unlock(void)
{
    spinlock_t fresh = SPINLOCK_INIT;

    lock = fresh;
}

/* One word of console=: the index of comN (0-3), -1 for none, -3 for
 * vga; -2 when bad. */
static int console_word(const char *val, size_t len)
{
    if (cmdline_match(val, len, "none"))
        return -1;
    if (cmdline_match(val, len, "vga"))
        return -3;
    for (unsigned int i = 0; i < 4; i++) {
        char name[5] = { 'c', 'o', 'm', (char)('1' + i), 0 };

        if (cmdline_match(val, len, name))
            return i;
    }
    return -2;
}

static const char *find_comma(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',')
            return s + i;
    return NULL;
}

/*
 * console=: a comma-separated list of at most one comN (or none) and vga.
 * Returns the COM index or -1 (no UART), and sets *with_vga; -2 when bad.
 */
static int parse_console(const char *val, size_t len, bool *with_vga)
{
    int com = -1, coms = 0;

    *with_vga = false;
    while (len) {
        const char *comma = find_comma(val, len);
        size_t n = comma ? (size_t)(comma - val) : len;
        int w = console_word(val, n);

        if (w == -2 || (w == -3 && *with_vga))
            return -2;
        if (w == -3)
            *with_vga = true;
        else if (coms++)
            return -2;              /* two UARTs, or none beside one */
        else
            com = w;
        if (!comma)
            break;
        len -= n + 1;
        val = comma + 1;
        if (!len)
            return -2;              /* a trailing comma */
    }
    return com;
}

/* An MMIO UART or PCI card chosen by console_init(), set up by
 * console_init_late(); its COM port's legacy base, for when no card is found. */
static struct uart_cfg pending;
static uint16_t pending_fallback;
static bool want_vga;               /* console=...,vga: set up late too */

/* Make cfg the console's UART and replay what the ring holds from before. */
static void console_start(const struct uart_cfg *cfg)
{
    unsigned long flags = spin_lock_irqsave(&lock);

    uart = *cfg;
    console_ready = true;
    for (uint64_t i = ring_head > RING_SIZE ? ring_head - RING_SIZE : 0; i < ring_head; i++)
        console_write(&ring[i & (RING_SIZE - 1)], 1);
    spin_unlock_irqrestore(&lock, flags);
}

void console_init(const char *cmdline)
{
    static const uint16_t ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
    struct uart_cfg cfg = { .baud = 115200, .lcr = 0x03 };
    char opt[5] = "com1", val[64];
    bool with_vga = false;
    int com = 0;

    /* Bad values keep the defaults; cmdline_parse() warns about them later. */
    if (cmdline_get(cmdline, "console", val, sizeof(val)))
        com = parse_console(val, strlen(val), &with_vga);
    if (com == -2) {
        com = 0;
        with_vga = false;
    }
    want_vga = with_vga;
    if (com >= 0) {
        cfg.port = ports[com];
        opt[3] = (char)('1' + com);
        if (cmdline_get(cmdline, opt, val, sizeof(val)))
            uart_parse(val, &cfg);
    }
    if (cfg.mmio || cfg.pci) {
        pending = cfg;
        pending_fallback = ports[com];
        cfg.mmio = 0;               /* nothing written until it is set up */
        cfg.pci = false;
    } else if (cfg.port) {
        uart_init(&cfg);
    }
    console_start(&cfg);
}

/* com1=...,pci: the first 16550-compatible PCI function, decoding turned
 * on and kept from dom0. 0, or -ENODEV (cfg then at the legacy port). */
static int console_find_pci(struct uart_cfg *cfg)
{
    for (unsigned int i = 0; i < pci_nr_devs(); i++) {
        struct pci_dev *dev = pci_dev_at(i);
        uint16_t cmd;

        if (uart_from_pci(dev, cfg))
            continue;
        cmd = pci_conf_read(dev->bdf, PCI_COMMAND, 2);
        pci_conf_write(dev->bdf, PCI_COMMAND, 2, cmd | (cfg->port ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY));
        dev->hv_owned = true;
        pr_info("console: PCI serial card %02x:%02x.%u (%04x:%04x) at %s %#llx, kept from "
                "dom0\n", PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf),
                dev->vendor, dev->device, cfg->port ? "I/O port" : "MMIO",
                cfg->port ? (unsigned long long)cfg->port : (unsigned long long)cfg->mmio);
        return 0;
    }
    cfg->port = pending_fallback;
    return -ENODEV;
}

/* console=vga: the text screen GRUB left (gfxpayload=text), BIOS only. */
static void console_vga_init(bool efi)
{
    struct vga_text t = { .cols = VGA_TEXT_COLS, .rows = VGA_TEXT_ROWS, .attr = 0x07 };
    unsigned long flags;

    if (efi) {
        pr_warn("console: console=vga: no VGA text mode under UEFI (an EFI framebuffer "
                "console is not done); the serial port only\n");
        return;
    }
    t.buf = ioremap(VGA_TEXT_PA, VGA_TEXT_COLS * VGA_TEXT_ROWS * 2);
    if (!t.buf) {
        pr_err("console: cannot map the VGA text buffer\n");
        return;
    }
    vga_text_clear(&t);
    /* The screen gets what the ring holds, then every line with the UART. */
    flags = spin_lock_irqsave(&lock);
    for (uint64_t i = ring_head > RING_SIZE ? ring_head - RING_SIZE : 0; i < ring_head; i++)
        vga_text_putc(&t, ring[i & (RING_SIZE - 1)]);
    vga = t;
    spin_unlock_irqrestore(&lock, flags);
    pr_info("console: VGA text screen %ux%u at %#x\n", t.cols, t.rows, VGA_TEXT_PA);
}

void console_init_late(bool efi)
{
    struct uart_cfg cfg = pending;
    bool missing = false;

    if (want_vga)
        console_vga_init(efi);
    if (!cfg.mmio && !cfg.pci)
        return;
    if (cfg.pci)
        missing = console_find_pci(&cfg) != 0;
    if (cfg.mmio) {
        cfg.regs = ioremap(cfg.mmio, (size_t)8 << cfg.reg_shift);
        if (!cfg.regs) {
            pr_err("console: cannot map the UART at MMIO %#llx; no console output\n",
                   (unsigned long long)cfg.mmio);
            return;
        }
    }
    uart_init(&cfg);
    console_start(&cfg);
    if (missing)
        pr_err("console: no PCI 16550 serial card found (class 07 00 02-06 with BAR 0); "
               "using the legacy port %#x\n", cfg.port);
    else if (cfg.mmio)
        pr_info("console: UART at MMIO %#llx (%s registers)\n", (unsigned long long)cfg.mmio,
                cfg.reg_shift ? "32-bit" : "byte");
}

static int set_loglvl(const char *val, size_t len)
{
    static const char *const names[] = { "err", "warn", "info", "debug" };
    uint64_t n;

    for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
        if (cmdline_match(val, len, names[i])) {
            loglvl = i;
            return 0;
        }
    if (!val || parse_u64(val, len, false, &n) || n > LOG_DEBUG)
        return -1;
    loglvl = n;
    return 0;
}
CMDLINE_PARAM("loglvl", set_loglvl);

/*
 * console= and comN= take effect in console_init(), before the rest of the
 * command line; these handlers only check the values so that a bad one is
 * warned about like any other option.
 */
static int check_console(const char *val, size_t len)
{
    bool with_vga;

    return val && parse_console(val, len, &with_vga) != -2 ? 0 : -1;
}
CMDLINE_PARAM("console", check_console);

static int check_uart(const char *val, size_t len)
{
    struct uart_cfg cfg = { .baud = 115200, .lcr = 0x03 };
    char buf[48];

    if (!val || len >= sizeof(buf))
        return -1;
    memcpy(buf, val, len);
    buf[len] = 0;
    return uart_parse(buf, &cfg);
}

static int check_com1(const char *val, size_t len) { return check_uart(val, len); }
static int check_com2(const char *val, size_t len) { return check_uart(val, len); }
static int check_com3(const char *val, size_t len) { return check_uart(val, len); }
static int check_com4(const char *val, size_t len) { return check_uart(val, len); }
CMDLINE_PARAM("com1", check_com1);
CMDLINE_PARAM("com2", check_com2);
CMDLINE_PARAM("com3", check_com3);
CMDLINE_PARAM("com4", check_com4);
