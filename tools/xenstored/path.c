/* SPDX-License-Identifier: MIT */
/*
 * Xenstore path rules (docs/misc/xenstore.txt): absolute paths start with
 * '/', others are relative to /local/domain/<domid>; only alphanumerics and
 * "-/_@"; no empty, doubled or trailing '/' (except "/" itself); at most
 * XENSTORE_REL_PATH_MAX bytes relative, XENSTORE_ABS_PATH_MAX absolute.
 */
#include "xs_private.h"

static bool xs_path_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' || c == '@';
}

static int xs_path_check(const char *p)
{
    size_t i, n = strlen(p);

    if (n == 0 || p[0] != '/' || n > XENSTORE_ABS_PATH_MAX)
        return -XEN_EINVAL;
    if (n == 1)
        return 0;
    if (p[n - 1] == '/')
        return -XEN_EINVAL;
    for (i = 0; i < n; i++) {
        if (!xs_path_char_ok(p[i]))
            return -XEN_EINVAL;
        if (p[i] == '/' && p[i + 1] == '/')
            return -XEN_EINVAL;
    }
    return 0;
}

int xs_path_canonical(uint16_t domid, const char *path, char *out)
{
    size_t n = strlen(path);
    int len;

    if (path[0] == '/') {
        if (n > XENSTORE_ABS_PATH_MAX)
            return -XEN_EINVAL;
        memcpy(out, path, n + 1);
    } else {
        if (n == 0 || n > XENSTORE_REL_PATH_MAX)
            return -XEN_EINVAL;
        len = snprintf(out, XS_PATH_BUF, "/local/domain/%u/%s", domid, path);
        if (len < 0 || len >= XS_PATH_BUF)
            return -XEN_EINVAL;
    }
    return xs_path_check(out);
}

bool xs_path_within(const char *path, const char *base)
{
    size_t n = strlen(base);

    if (strncmp(path, base, n) != 0)
        return false;
    if (n == 1)     /* everything is within "/" */
        return true;
    return path[n] == '\0' || path[n] == '/';
}

int xs_path_watch(uint16_t domid, const char *path, char *out, bool *relative)
{
    size_t n = strlen(path);

    *relative = false;
    if (path[0] == '@') {
        if (n > XENSTORE_REL_PATH_MAX)
            return -XEN_EINVAL;
        memcpy(out, path, n + 1);
        return 0;
    }
    *relative = path[0] != '/';
    return xs_path_canonical(domid, path, out);
}
