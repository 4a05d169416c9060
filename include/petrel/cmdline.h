/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor command line: "console=com1 loglvl=debug dom0_mem=512M ...".
 *
 * Options register themselves with CMDLINE_PARAM(); cmdline_parse() walks
 * the command line once and calls each option's handler, in order.
 *
 * Syntax: options are separated by spaces (or tabs, CR, LF). An option is
 * "key=value" or a bare "key". In keys, '-' and '_' are the same character.
 * A double quote makes the spaces up to the next double quote part of the
 * option; a value that starts with a quote loses it and, if the value ends
 * with one, that one too: dom0_args="a b" gives the value 'a b'. There is no
 * negation syntax: "noKEY" or "no-KEY" is just another key, and an option
 * that wants a boolean takes "KEY=0" or "KEY=off" (cmdline_parse_bool()).
 */
#ifndef PETREL_CMDLINE_H
#define PETREL_CMDLINE_H

#include <petrel/types.h>

/*
 * A known option. set() gets the value, which is NOT NUL-terminated: it is
 * 'len' bytes into the command line. A bare key gives val NULL and len 0;
 * "key=" gives a non-NULL val and len 0. set() returns 0, or a negative
 * errno for a value it rejects (cmdline_parse() then warns). It runs once
 * per occurrence, early in boot, on the boot CPU.
 */
struct cmdline_param {
    const char *name;
    int (*set)(const char *val, size_t len);
};

/*
 * Register option 'name' (a string) with handler 'fn'. At file scope; one
 * registration per handler per file. Every registration of a name gets
 * called, in no defined order. The linker gathers the entries between
 * __start_petrel_params and __stop_petrel_params (arch/x86/petrel.ld must
 * KEEP the section and define both).
 */
#define CMDLINE_PARAM(name, fn)                                             \
    static const struct cmdline_param __cmdline_param_##fn                  \
        __attribute__((used, section("petrel_params"), aligned(8))) =       \
        { name, fn }

/*
 * Apply every option of 'cmdline' (NUL-terminated; NULL is empty) in
 * order, so that the last of a repeated key wins. An unknown key, or a
 * value that set() rejects, is warned about and skipped: never fatal.
 */
void cmdline_parse(const char *cmdline);

/*
 * Find the last occurrence of 'key' in 'cmdline', for the few options
 * needed before cmdline_parse() runs (console=). Copies its value into
 * buf[size], NUL-terminated and cut to size - 1 bytes if longer ("" for a
 * bare key). Returns whether the key was found. Needs nothing set up.
 */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

/*
 * Helpers for set() handlers: each takes (val, len) as set() got them and
 * returns 0 (setting *out) or -EINVAL (leaving *out alone).
 *   cmdline_parse_bool: a bare key, 1 yes on true -> true; 0 no off false
 *                       -> false.
 *   cmdline_parse_size: a number with an optional K, M or G suffix
 *                       (parse_u64() syntax).
 *   cmdline_parse_uint: a decimal or 0x-hex number that fits unsigned int.
 * cmdline_match() tells whether the value is exactly 'word'.
 */
int cmdline_parse_bool(const char *val, size_t len, bool *out);
int cmdline_parse_size(const char *val, size_t len, uint64_t *out);
int cmdline_parse_uint(const char *val, size_t len, unsigned int *out);
bool cmdline_match(const char *val, size_t len, const char *word);

#endif
