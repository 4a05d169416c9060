/* SPDX-License-Identifier: MIT */
/* Command tables, for dom0's shell and for hv: lookup and the help list. */
#ifndef HV_CMDTAB_H
#define HV_CMDTAB_H

#include <stddef.h>

struct cmd {
    const char *name;
    const char *args;           /* usage after the name, "" for none */
    const char *help;           /* one line */
    int (*fn)(int argc, char **argv);   /* NULL: named, not there yet */
};

/* The entry called name among t[0..n), or NULL. */
const struct cmd *cmd_find(const struct cmd *t, size_t n, const char *name);

/* One line per entry: "  <name> <args>" padded to width, the help, and
 * " (not yet)" for those without a function. */
void cmd_print_help(const struct cmd *t, size_t n, int width);

#endif
