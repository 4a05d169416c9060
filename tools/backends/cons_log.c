// SPDX-License-Identifier: MIT
/* The console backend's per-domain output log: see cons_log.h. */
#include "cons_log.h"

void cons_log_append(struct cons_log *log, const char *p, size_t n)
{
    /* Only the last CONS_LOG_SIZE bytes can stay. */
    if (n > CONS_LOG_SIZE) {
        log->end += n - CONS_LOG_SIZE;
        p += n - CONS_LOG_SIZE;
        n = CONS_LOG_SIZE;
    }
    for (size_t i = 0; i < n; i++)
        log->buf[(log->end + i) % CONS_LOG_SIZE] = p[i];
    log->end += n;
}

size_t cons_log_replay(const struct cons_log *log,
                       void (*out)(void *arg, const char *p, size_t n), void *arg)
{
    uint64_t start = log->end > CONS_LOG_SIZE ? log->end - CONS_LOG_SIZE : 0;
    size_t given = 0;

    if (start) {
        uint64_t at = start;

        while (at < log->end && log->buf[at % CONS_LOG_SIZE] != '\n')
            at++;
        if (at < log->end)
            start = at + 1;
    }
    while (start < log->end) {
        size_t off = start % CONS_LOG_SIZE;
        size_t run = CONS_LOG_SIZE - off;

        if (run > log->end - start)
            run = log->end - start;
        out(arg, log->buf + off, run);
        given += run;
        start += run;
    }
    return given;
}
