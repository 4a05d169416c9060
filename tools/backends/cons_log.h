/* SPDX-License-Identifier: MIT */
/*
 * The console backend's per-domain output log: the last CONS_LOG_SIZE
 * bytes a guest wrote, replayed when an operator attaches (`hv console`).
 * Pure logic: compiles in dom0 and on the host.
 */
#ifndef BACKENDS_CONS_LOG_H
#define BACKENDS_CONS_LOG_H

#include <stddef.h>
#include <stdint.h>

#define CONS_LOG_SIZE   8192

struct cons_log {
    char buf[CONS_LOG_SIZE];
    uint64_t end;               /* bytes ever appended */
};

/* Keep the last CONS_LOG_SIZE bytes of what was ever appended. */
void cons_log_append(struct cons_log *log, const char *p, size_t n);

/*
 * Give the bytes held to out(arg, p, n), oldest first, in at most two
 * runs. When older bytes were overwritten, the replay starts after the
 * first newline held (no half line), unless there is none. Returns the
 * bytes given.
 */
size_t cons_log_replay(const struct cons_log *log,
                       void (*out)(void *arg, const char *p, size_t n), void *arg);

#endif
