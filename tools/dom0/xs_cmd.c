// SPDX-License-Identifier: MIT
/*
 * The shell's `xs` command (docs/xenstore.md): dom0's own requests to its
 * xenstored, for operators and tests. `xs read PATH`, `xs write PATH
 * VALUE`, `xs ls [PATH]` (the subtree, one node a line, children indented
 * under their parent as xenstore-ls prints them) and `xs rm PATH`. Paths
 * are absolute or relative to /local/domain/0; errors are named as the
 * wire protocol names them (ENOENT, EACCES, EINVAL, ...).
 */
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "../libhv/libhv.h"
#include "../xenstored/xenstored.h"
#include "dom0.h"
#include "test.h"

#define XS_VALUE_MAX    4096            /* XENSTORE_PAYLOAD_MAX */
#define XS_PATH_MAX     3072            /* an absolute path, as the library */
#define LS_DEPTH_MAX    32              /* deeper subtrees are cut, and said so */

struct ls_walk {
    char path[XS_PATH_MAX + 1];
    char value[XS_VALUE_MAX + 1];
    unsigned int nodes;
};

static int fail(const char *op, const char *path, int rc)
{
    printf("xs: %s %s: %s\n", op, path, rc == -XS_EQUOTA ? "EQUOTA" : hv_errname(rc));
    return 1;
}

/* A value, its bytes shown as they are unless not printable ASCII. */
static void print_value(const char *v, size_t n)
{
    char out[256];
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];

        if (o + 5 > sizeof(out)) {
            console_write(out, o);
            o = 0;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
            out[o++] = (char)c;
        else
            o += snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
    }
    console_write(out, o);
}

static int cmd_read(const char *path)
{
    char *v = malloc(XS_VALUE_MAX + 1);
    int n;

    if (!v)
        return fail("read", path, -XEN_ENOMEM);
    n = xs_local_read(dom0_xs, 0, path, v, XS_VALUE_MAX + 1);
    if (n >= 0) {
        print_value(v, (size_t)n < XS_VALUE_MAX ? (size_t)n : XS_VALUE_MAX);
        printf("\n");
    }
    free(v);
    return n < 0 ? fail("read", path, n) : 0;
}

/* Print the node at w->path (its last component, indented by depth) and
 * its subtree; depth 0 prints only the children. */
static int ls_node(struct ls_walk *w, unsigned int depth)
{
    size_t len = strlen(w->path), at = 0;
    char *names;
    int n, rc = 0;

    if (depth) {
        const char *name = w->path + len;

        while (name > w->path && name[-1] != '/')
            name--;
        n = xs_local_read(dom0_xs, 0, w->path, w->value, sizeof(w->value));
        if (n < 0)
            return n == -XEN_ENOENT ? 0 : n;    /* gone meanwhile */
        printf("%*s%s = \"", (int)(depth - 1), "", name);
        print_value(w->value, (size_t)n < XS_VALUE_MAX ? (size_t)n : XS_VALUE_MAX);
        printf("\"\n");
        w->nodes++;
        if (depth > LS_DEPTH_MAX) {
            printf("%*s(deeper nodes not shown)\n", (int)depth, "");
            return 0;
        }
    }
    if (!(names = malloc(XS_VALUE_MAX)))
        return -XEN_ENOMEM;
    n = xs_local_directory(dom0_xs, 0, w->path, names, XS_VALUE_MAX);
    if (n < 0)
        rc = n == -XEN_ENOENT && depth ? 0 : n;
    while (!rc && n > 0 && at < (size_t)n) {
        size_t nl = strlen(names + at);

        if (len + 1 + nl <= XS_PATH_MAX) {
            w->path[len] = '/';
            memcpy(w->path + len + 1, names + at, nl + 1);
            if (len == 1)                       /* under "/" */
                memmove(w->path + 1, w->path + 2, nl + 1);
            rc = ls_node(w, depth + 1);
            w->path[len] = '\0';
        }
        at += nl + 1;
    }
    free(names);
    return rc;
}

static int cmd_ls(const char *path)
{
    struct ls_walk *w = malloc(sizeof(*w));
    size_t len = strlen(path);
    int rc;

    if (!w)
        return fail("ls", path, -XEN_ENOMEM);
    if (len > XS_PATH_MAX) {
        free(w);
        return fail("ls", path, -XEN_EINVAL);
    }
    if (path[0] == '/')
        memcpy(w->path, path, len + 1);
    else if (snprintf(w->path, sizeof(w->path), "/local/domain/0/%s", path) >
             XS_PATH_MAX) {
        free(w);
        return fail("ls", path, -XEN_EINVAL);
    }
    if (len > 1 && w->path[strlen(w->path) - 1] == '/')
        w->path[strlen(w->path) - 1] = '\0';    /* the library would refuse it */
    w->nodes = 0;
    rc = ls_node(w, 0);
    free(w);
    return rc ? fail("ls", path, rc) : 0;
}

static void print_line(void *arg, const char *line)
{
    (void)arg;
    printf("%s\n", line);
}

int xs_cmd(int argc, char **argv)
{
    const char *op = argc > 1 ? argv[1] : "";
    int rc;

    if (!dom0_xs) {
        printf("xs: xenstored is not running\n");
        return 1;
    }
    if (!strcmp(op, "read") && argc == 3)
        return cmd_read(argv[2]);
    if (!strcmp(op, "write") && argc == 4) {
        rc = xs_local_write(dom0_xs, 0, argv[2], argv[3], strlen(argv[3]));
        return rc ? fail("write", argv[2], rc) : 0;
    }
    if (!strcmp(op, "ls") && argc <= 3)
        return cmd_ls(argc == 3 ? argv[2] : "/");
    if (!strcmp(op, "rm") && argc == 3) {
        rc = xs_local_rm(dom0_xs, 0, argv[2]);
        return rc ? fail("rm", argv[2], rc) : 0;
    }
    if (!strcmp(op, "conns") && argc == 2) {
        xs_describe_conns(dom0_xs, print_line, NULL);
        return 0;
    }
    printf("usage: xs read <path> | xs write <path> <value> | xs ls [path] | xs rm <path> |"
           " xs conns\n");
    return 1;
}
