/* SPDX-License-Identifier: MIT */
/*
 * Test guests: a small vsnprintf and printf over the console.
 *
 * Conversions d i u x X c s p %; flags '-', '0', '#'; a field width and a
 * precision (numbers or '*'; the precision only cuts %s); length modifiers
 * hh h l ll z. %p prints like %#lx. Unknown conversions are copied out.
 * printf() formats a line into one buffer and writes it with one
 * console_io call, so a line is not split by other console output.
 */
#include "hypercall.h"
#include "test.h"
#include "x86.h"

#define DEBUGCON_PORT   0xe9    /* QEMU/Bochs debug console, bare runs only */

struct out {
    char *buf;
    size_t size;
    size_t pos;                 /* counts everything, written or not */
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* Digits of v in base (10 or 16) into tmp, backwards; returns the count. */
static int digits(char *tmp, uint64_t v, unsigned int base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;

    do {
        tmp[n++] = set[v % base];
        v /= base;
    } while (v);
    return n;
}

struct spec {
    bool left, zero, alt;
    int width, prec;
    int len;                    /* -2 hh, -1 h, 0 int, 1 l, 2 ll/z */
};

static void put_number(struct out *o, const struct spec *s, uint64_t v,
                       bool neg, unsigned int base, bool upper)
{
    char tmp[24];
    int n = digits(tmp, v, base, upper);
    int prefix = neg + (s->alt && base == 16 && v ? 2 : 0);
    int fill = s->width - n - prefix;

    if (!s->left && !s->zero)
        pad(o, ' ', fill);
    if (neg)
        put(o, '-');
    if (prefix >= 2) {
        put(o, '0');
        put(o, upper ? 'X' : 'x');
    }
    if (!s->left && s->zero)
        pad(o, '0', fill);
    while (n)
        put(o, tmp[--n]);
    if (s->left)
        pad(o, ' ', fill);
}

static void put_string(struct out *o, const struct spec *s, const char *str)
{
    int n = 0;

    if (!str)
        str = "(null)";
    while (str[n] && (s->prec < 0 || n < s->prec))
        n++;
    if (!s->left)
        pad(o, ' ', s->width - n);
    for (int i = 0; i < n; i++)
        put(o, str[i]);
    if (s->left)
        pad(o, ' ', s->width - n);
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
    *s = (struct spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-')
            s->left = true;
        else if (*f == '0')
            s->zero = true;
        else if (*f == '#')
            s->alt = true;
        else
            break;
    }
    if (*f == '*') {
        s->width = va_arg(*ap, int);
        f++;
    }
    while (*f >= '0' && *f <= '9')
        s->width = s->width * 10 + (*f++ - '0');
    if (*f == '.') {
        s->prec = 0;
        if (*++f == '*') {
            s->prec = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            s->prec = s->prec * 10 + (*f++ - '0');
    }
    for (;; f++) {
        if (*f == 'h')
            s->len--;
        else if (*f == 'l')
            s->len++;
        else if (*f == 'z')
            s->len = 2;
        else
            break;
    }
    return f;
}

static uint64_t get_unsigned(const struct spec *s, va_list *ap)
{
    if (s->len >= 1)
        return va_arg(*ap, unsigned long);
    if (s->len == -1)
        return (unsigned short)va_arg(*ap, unsigned int);
    if (s->len <= -2)
        return (unsigned char)va_arg(*ap, unsigned int);
    return va_arg(*ap, unsigned int);
}

static int64_t get_signed(const struct spec *s, va_list *ap)
{
    if (s->len >= 1)
        return va_arg(*ap, long);
    if (s->len == -1)
        return (short)va_arg(*ap, int);
    if (s->len <= -2)
        return (signed char)va_arg(*ap, int);
    return va_arg(*ap, int);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt) {
        const char *start = fmt;
        struct spec s;
        int64_t sv;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &s, &ap);
        switch (*fmt) {
        case 'd':
        case 'i':
            sv = get_signed(&s, &ap);
            put_number(&o, &s, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, 10, false);
            break;
        case 'u':
            put_number(&o, &s, get_unsigned(&s, &ap), false, 10, false);
            break;
        case 'x':
        case 'X':
            put_number(&o, &s, get_unsigned(&s, &ap), false, 16, *fmt == 'X');
            break;
        case 'p':
            s.alt = true;
            put_number(&o, &s, (uintptr_t)va_arg(ap, void *), false, 16, false);
            break;
        case 'c':
            s.prec = -1;
            put_string(&o, &s, (char[2]){ (char)va_arg(ap, int), 0 });
            break;
        case 's':
            put_string(&o, &s, va_arg(ap, const char *));
            break;
        case '%':
            put(&o, '%');
            break;
        default:                /* unknown, or the string ended: copy it */
            while (start < fmt)
                put(&o, *start++);
            if (!*fmt)
                continue;
            put(&o, *fmt);
            break;
        }
        fmt++;
    }
    if (size)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    va_end(ap);
    return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Set by the PV console (pvcons.c) when output goes to its ring. */
void (*console_write_hook)(const char *buf, size_t len);

void console_write(const char *buf, size_t len)
{
    if (console_write_hook) {
        console_write_hook(buf, len);
        return;
    }
    if (xen_cpuid_base) {
        hypervisor_console_io(CONSOLEIO_write, len, buf);
        return;
    }
    while (len--)
        outb(DEBUGCON_PORT, *buf++);
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
