// SPDX-License-Identifier: MIT
/*
 * console_io: a guest's writes to the hypervisor console. Output is gathered
 * into lines per domain and logged as "(dN) text"; bytes other than
 * printable ASCII and tab are shown as '.', so a guest cannot forge
 * hypervisor log lines or send escape sequences to the operator's terminal.
 * The one exception is the control domain booted with dom0=kernel
 * (d->console_raw): it owns the console, and its bytes go out as they are
 * (its shell echoes keys and moves the cursor).
 */
#include <petrel/console_input.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <petrel/printk.h>
#include <public/xen.h>
#include <x86/hvm/hvm.h>

#define CHUNK       128
#define MAX_WRITE   16384   /* per call: longer writes are cut, not refused */

static void flush_line(struct domain *d)
{
    d->console_line[d->console_len] = 0;
    printk("(d%u) %s\n", d->id, d->console_line);
    d->console_len = 0;
}

static void put_char(struct domain *d, char c)
{
    if (c == '\n') {
        flush_line(d);
        return;
    }
    if (c == '\r')
        return;
    d->console_line[d->console_len++] = (c == '\t' || (c >= 0x20 && c < 0x7f)) ? c : '.';
    if (d->console_len == sizeof(d->console_line) - 1)
        flush_line(d);
}

void console_io_flush(struct domain *d)
{
    if (d->console_len)
        flush_line(d);
}

static void put_chars(struct domain *d, const char *s, size_t n)
{
    if (d->console_raw) {
        printk_raw(s, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        put_char(d, s[i]);
}

static long console_write(struct vcpu *v, uint64_t count, uint64_t buf)
{
    char chunk[CHUNK];

    while (count) {
        size_t n = MIN(count, sizeof(chunk));

        if (copy_from_guest(v, chunk, buf, n))
            return -EFAULT;
        console_ring_write(&v->domain->console_ring, chunk, n);    /* domctl console_read */
        put_chars(v->domain, chunk, n);
        buf += n;
        count -= n;
    }
    return 0;
}

long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf,
                   uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case CONSOLEIO_write:
        /* Bounded, so a guest cannot hold the CPU (interrupts off) for long. */
        return console_write(v, MIN((uint32_t)count, MAX_WRITE), buf);
    case CONSOLEIO_read:
        /* Serial input, for the control domain only (common/console_input.c). */
        if (!v->domain->privileged)
            return -EPERM;
        return console_input_read(v, buf, MIN(count, MAX_WRITE));
    default:
        return -ENOSYS;
    }
}
