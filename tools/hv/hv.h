/* SPDX-License-Identifier: MIT */
/*
 * hv: the toolstack's command line, `hv <command> [args]`, as dom0's shell
 * runs it (xl's commands, Petrel's names). See docs/dom0.md.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <stddef.h>

/* Run `hv argv[1] ...` (argv[0] is "hv"); output with printf. Returns 0,
 * or 1 when the command failed (its error was printed). */
int hv_main(int argc, char **argv);

/* Provided by the environment: the file called name (dom0: from its
 * initrd). 0, or a negative Xen errno. */
int hv_file(const char *name, const void **data, size_t *size);

#endif
