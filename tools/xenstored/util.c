/* SPDX-License-Identifier: MIT */
/* Small helpers for the xenstore library: byte buffers, strings, numbers, logging. */
#include "xs_private.h"

void xs_buf_init(struct xs_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->ok = true;
}

void xs_buf_add(struct xs_buf *b, const void *p, size_t n)
{
    if (!b->ok)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *d;

        while (cap < b->len + n)
            cap *= 2;
        d = realloc(b->data, cap);
        if (!d) {
            b->ok = false;
            return;
        }
        b->data = d;
        b->cap = (uint32_t)cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += (uint32_t)n;
}

void xs_buf_str(struct xs_buf *b, const char *s)
{
    xs_buf_add(b, s, strlen(s) + 1);
}

void xs_buf_free(struct xs_buf *b)
{
    free(b->data);
    xs_buf_init(b);
}

char *xs_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

int xs_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0, digit;

    if (!*s)
        return -XEN_EINVAL;
    for (; *s; s++) {
        digit = (uint64_t)(*s - '0');
        if (*s < '0' || *s > '9' || v > (max - digit) / 10)
            return -XEN_EINVAL;
        v = v * 10 + digit;
    }
    *out = v;
    return 0;
}

void xs_log(struct xs *xs, const char *fmt, ...)
{
    char line[160];
    va_list ap;

    if (!xs->ops->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    xs->ops->log(xs->host, line);
}
