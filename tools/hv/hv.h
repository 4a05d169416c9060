/* SPDX-License-Identifier: MIT */
/*
 * hv: the toolstack's command line, `hv <command> [args]`, as dom0's shell
 * runs it (xl's commands, Petrel's names). See docs/dom0.md.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Run `hv argv[1] ...` (argv[0] is "hv"); output with printf. Returns 0,
 * or 1 when the command failed (its error was printed). */
int hv_main(int argc, char **argv);

/* Provided by the environment: the file called name (dom0: from its
 * initrd). 0, or a negative Xen errno. */
int hv_file(const char *name, const void **data, size_t *size);

/* Provided by the environment: the toolstack is about to print outside a
 * command (a domain stopped): end the line being typed, which the
 * environment shows again afterwards. */
void hv_notice_start(void);

/* Provided by the environment: system time in ns. */
uint64_t hv_now_ns(void);

/* Provided by the environment: wait until timeout_ns have passed or a key
 * is typed (consumed); true for a key. Other events are handled meanwhile
 * as during any command. */
bool hv_wait_key(uint64_t timeout_ns);

/* Provided by the environment: read key, a path under domain dom's
 * xenstore home (/local/domain/DOM), into buf, NUL-terminated: its length,
 * or a negative Xen errno (-XEN_ENOENT when there is no such node). */
int hv_xs_read(unsigned int dom, const char *key, char *buf, size_t size);
/* Provided by the environment: write value to key under dom's home. 0 or a
 * negative Xen errno. */
int hv_xs_write(unsigned int dom, const char *key, const char *value);
/* VIRQ_DOM_EXC came: carry out the stopped domains' on_* actions
 * (toolstack.c). The environment calls it from its event loop, never
 * during a command. */
void hv_domains_changed(void);

#endif
