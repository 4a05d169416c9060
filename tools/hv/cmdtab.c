// SPDX-License-Identifier: MIT
/* Command tables; see cmdtab.h. */
#include <stdio.h>
#include <string.h>
#include "cmdtab.h"

const struct cmd *cmd_find(const struct cmd *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].name, name))
            return &t[i];
    return NULL;
}

void cmd_print_help(const struct cmd *t, size_t n, int width)
{
    for (size_t i = 0; i < n; i++) {
        char head[64];

        snprintf(head, sizeof(head), "%s %s", t[i].name, t[i].args);
        printf("  %-*s %s%s\n", width, head, t[i].help, t[i].fn ? "" : " (not yet)");
    }
}
