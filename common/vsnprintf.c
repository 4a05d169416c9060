/* SPDX-License-Identifier: MIT */
/*
 * vsnprintf() and snprintf(): ISO C formatting without floating point.
 *
 * Conversions: d i u x X o c s p %, with the flags - 0 + space #, a field
 * width and a precision (either may be '*'), and the length modifiers
 * hh h l ll z t j. Where C leaves a case undefined:
 *   - %s of NULL prints "(null)", cut by the precision like any string;
 *   - %p prints like %#lx (with '+' and ' ' giving a sign), and NULL as
 *     "(nil)", all as glibc does;
 *   - the '0' flag pads %s, %c and "(nil)" with spaces;
 *   - %n is not supported, and an unknown conversion is copied out
 *     verbatim from its '%' to its last character.
 * The return value is the length the whole output would have had (a
 * negative number if it exceeds INT_MAX); the buffer is always
 * NUL-terminated when size > 0.
 */
#include <petrel/lib.h>

#define F_LEFT      0x01    /* '-' */
#define F_ZERO      0x02    /* '0' */
#define F_PLUS      0x04    /* '+' */
#define F_SPACE     0x08    /* ' ' */
#define F_ALT       0x10    /* '#' */

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE,
              LEN_PTRDIFF, LEN_MAX };

struct spec {
    unsigned int flags;
    int width;              /* 0: none */
    int prec;               /* -1: none */
    enum length len;
    char conv;
};

/* The output buffer; 'pos' counts everything, written or not. */
struct out {
    char *buf;
    size_t size;
    size_t pos;
};

static void put_char(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_str(struct out *o, const char *s, size_t n)
{
    while (n--)
        put_char(o, *s++);
}

static void put_pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put_char(o, c);
}

static int parse_number(const char **fmt)
{
    int n = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        if (n < 100000000)      /* saturate rather than overflow */
            n = n * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return n;
}

static unsigned int parse_flags(const char **fmt)
{
    unsigned int flags = 0;

    for (;; (*fmt)++) {
        switch (**fmt) {
        case '-': flags |= F_LEFT; break;
        case '0': flags |= F_ZERO; break;
        case '+': flags |= F_PLUS; break;
        case ' ': flags |= F_SPACE; break;
        case '#': flags |= F_ALT; break;
        default: return flags;
        }
    }
}

static enum length parse_length(const char **fmt)
{
    const char *f = *fmt;
    enum length len = LEN_INT;

    switch (*f) {
    case 'h':
        len = f[1] == 'h' ? LEN_CHAR : LEN_SHORT;
        break;
    case 'l':
        len = f[1] == 'l' ? LEN_LLONG : LEN_LONG;
        break;
    case 'z': len = LEN_SIZE; break;
    case 't': len = LEN_PTRDIFF; break;
    case 'j': len = LEN_MAX; break;
    default: return len;
    }
    *fmt += (len == LEN_CHAR || len == LEN_LLONG) ? 2 : 1;
    return len;
}

/*
 * Read one conversion specification, *fmt pointing just past its '%'.
 * Takes the '*' width and precision from 'ap'.
 */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
    sp->flags = parse_flags(fmt);
    if (**fmt == '*') {
        (*fmt)++;
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->flags |= F_LEFT;
            /* -INT_MIN overflows: saturate like parse_number() */
            sp->width = sp->width < -100000000 ? 100000000 : -sp->width;
        }
    } else {
        sp->width = parse_number(fmt);
    }
    sp->prec = -1;
    if (**fmt == '.') {
        (*fmt)++;
        if (**fmt == '*') {
            (*fmt)++;
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;      /* as if omitted (C11 7.21.6.1p5) */
        } else {
            sp->prec = parse_number(fmt);
        }
    }
    sp->len = parse_length(fmt);
    sp->conv = **fmt;
}

static uint64_t get_unsigned(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
    case LEN_MAX: return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static int64_t get_signed(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return va_arg(*ap, ptrdiff_t);   /* signed size_t */
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    case LEN_MAX: return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

/* Write 'v' in 'base' at the end of buf[24]; return the first digit. */
static char *format_digits(uint64_t v, unsigned int base, bool upper,
                           char *end)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;

    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    return p;
}

/*
 * Emit a number: [spaces] [sign] [prefix] [zeros] digits [spaces], where
 * 'sign' is "" or one character and 'prefix' is "", "0x" or "0X".
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t v,
                       const char *sign, const char *prefix)
{
    char buf[24];
    unsigned int base = sp->conv == 'o' ? 8 : sp->conv == 'u' ||
                        sp->conv == 'd' || sp->conv == 'i' ? 10 : 16;
    char *digits = format_digits(v, base, sp->conv == 'X', buf + sizeof(buf));
    int ndigits = buf + sizeof(buf) - digits;
    int zeros, pad, nsign = strlen(sign), nprefix = strlen(prefix);

    if (sp->prec == 0 && v == 0)
        ndigits = 0;                    /* "%.0d" of 0 prints nothing */
    zeros = sp->prec > ndigits ? sp->prec - ndigits : 0;
    if (sp->conv == 'o' && (sp->flags & F_ALT) && zeros == 0 &&
        (ndigits == 0 || digits[0] != '0'))
        zeros = 1;                      /* '#': the first digit is 0 */
    pad = sp->width - nsign - nprefix - zeros - ndigits;
    if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0) {
        zeros += pad > 0 ? pad : 0;
        pad = 0;
    }
    if (!(sp->flags & F_LEFT))
        put_pad(o, ' ', pad);
    put_str(o, sign, nsign);
    put_str(o, prefix, nprefix);
    put_pad(o, '0', zeros);
    put_str(o, digits, ndigits);
    if (sp->flags & F_LEFT)
        put_pad(o, ' ', pad);
}

/* Emit s[0..n) in a field of the spec's width. */
static void put_field(struct out *o, const struct spec *sp, const char *s,
                      size_t n)
{
    int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

    if (!(sp->flags & F_LEFT))
        put_pad(o, ' ', pad);
    put_str(o, s, n);
    if (sp->flags & F_LEFT)
        put_pad(o, ' ', pad);
}

static void convert_signed(struct out *o, const struct spec *sp, va_list *ap)
{
    int64_t v = get_signed(sp->len, ap);
    const char *sign = sp->flags & F_PLUS ? "+" : sp->flags & F_SPACE ? " " : "";

    if (v < 0) {
        sign = "-";
        put_number(o, sp, -(uint64_t)v, sign, "");
    } else {
        put_number(o, sp, v, sign, "");
    }
}

static void convert_unsigned(struct out *o, const struct spec *sp, va_list *ap)
{
    uint64_t v = get_unsigned(sp->len, ap);
    const char *prefix = "";

    if ((sp->flags & F_ALT) && v != 0 && sp->conv != 'o' && sp->conv != 'u')
        prefix = sp->conv == 'X' ? "0X" : "0x";
    put_number(o, sp, v, "", prefix);
}

static void convert_pointer(struct out *o, const struct spec *sp, va_list *ap)
{
    void *p = va_arg(*ap, void *);
    struct spec hex = *sp;

    if (!p) {
        put_field(o, sp, "(nil)", 5);
        return;
    }
    hex.conv = 'x';
    put_number(o, &hex, (uintptr_t)p, sp->flags & F_PLUS ? "+" :
               sp->flags & F_SPACE ? " " : "", "0x");
}

static void convert_string(struct out *o, const struct spec *sp, va_list *ap)
{
    const char *s = va_arg(*ap, const char *);

    if (!s)
        s = "(null)";
    /* With a precision, s need not be NUL-terminated: read no further. */
    put_field(o, sp, s, sp->prec < 0 ? strlen(s) : strnlen(s, sp->prec));
}

/* Emit one conversion; 'start' is its '%', for an unknown one. */
static void convert(struct out *o, const struct spec *sp, va_list *ap,
                    const char *start, const char *end)
{
    char c;

    switch (sp->conv) {
    case 'd': case 'i':
        convert_signed(o, sp, ap);
        break;
    case 'u': case 'x': case 'X': case 'o':
        convert_unsigned(o, sp, ap);
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        put_field(o, sp, &c, 1);
        break;
    case 's':
        convert_string(o, sp, ap);
        break;
    case 'p':
        convert_pointer(o, sp, ap);
        break;
    case '%':
        put_char(o, '%');
        break;
    default:
        put_str(o, start, end - start);
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .size = size, .pos = 0 };
    struct spec sp;
    const char *start;
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put_char(&o, *fmt++);
            continue;
        }
        start = fmt++;
        parse_spec(&fmt, &sp, &args);
        if (*fmt)
            fmt++;              /* past the conversion character */
        convert(&o, &sp, &args, start, fmt);
    }
    va_end(args);
    if (size)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return o.pos > 0x7fffffff ? -1 : (int)o.pos;
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
