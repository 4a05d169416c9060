/* SPDX-License-Identifier: MIT */
/*
 * The node tree. Each node holds a value, a permission list and a
 * generation: the store's counter at its last change, its child list
 * included, so a transaction can tell what changed after it started. The
 * store counts the nodes each domain owns (perms[0].domid) for quotas.
 */
#include "xs_private.h"

static struct xs_acct *acct_find(struct xs_store *s, uint16_t domid, bool add)
{
    struct xs_acct *a;
    uint32_t i;

    for (i = 0; i < s->nacct; i++)
        if (s->acct[i].domid == domid)
            return &s->acct[i];
    if (!add)
        return NULL;
    a = realloc(s->acct, (s->nacct + 1) * sizeof(*a));
    if (!a)
        return NULL;
    s->acct = a;
    a[s->nacct].domid = domid;
    a[s->nacct].nodes = 0;
    return &a[s->nacct++];
}

uint32_t xs_store_owned(const struct xs_store *s, uint16_t domid)
{
    struct xs_acct *a = acct_find((struct xs_store *)s, domid, false);

    return a ? a->nodes : 0;
}

/* Count n as its owner's (delta +1) or no longer (-1). */
static void acct_node(struct xs_store *s, const struct xs_node *n, int delta)
{
    struct xs_acct *a = acct_find(s, n->perms[0].domid, delta > 0);

    if (a)
        a->nodes += (uint32_t)delta;
}

static struct xs_node *node_new(const char *name, size_t nlen,
                                const struct xs_perm *perms, uint32_t nperms)
{
    struct xs_node *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->name = malloc(nlen + 1);
    n->perms = malloc(nperms * sizeof(*perms));
    if (!n->name || !n->perms) {
        free(n->name);
        free(n->perms);
        free(n);
        return NULL;
    }
    memcpy(n->name, name, nlen);
    n->name[nlen] = '\0';
    memcpy(n->perms, perms, nperms * sizeof(*perms));
    n->nperms = nperms;
    return n;
}

/* The next node after n in a pre-order walk of top's subtree, or NULL.
 * Walks are iterative: a guest can make paths about 1500 nodes deep. */
static struct xs_node *next_in(const struct xs_node *n, const struct xs_node *top)
{
    if (n->child)
        return n->child;
    for (; n != top; n = n->parent)
        if (n->next)
            return n->next;
    return NULL;
}

static void node_free_one(struct xs_node *n)
{
    free(n->name);
    free(n->value);
    free(n->perms);
    free(n);
}

/* Free top and its subtree, leaves first. */
static void node_free(struct xs_node *top)
{
    struct xs_node *n = top, *parent;

    for (;;) {
        while (n->child)
            n = n->child;
        if (n == top)
            break;
        parent = n->parent;
        parent->child = n->next;
        node_free_one(n);
        n = parent;
    }
    node_free_one(top);
}

int xs_store_init(struct xs_store *s)
{
    static const struct xs_perm root_perm = { 0, XS_PERM_NONE };

    memset(s, 0, sizeof(*s));
    s->root = node_new("", 0, &root_perm, 1);
    if (!s->root)
        return -XEN_ENOMEM;
    s->root->gen = s->root->pgen = ++s->gen;
    acct_node(s, s->root, 1);
    return 0;
}

void xs_store_free(struct xs_store *s)
{
    if (s->root)
        node_free(s->root);
    free(s->acct);
    memset(s, 0, sizeof(*s));
}

static struct xs_node *node_copy_one(const struct xs_node *src, struct xs_node *parent)
{
    struct xs_node *n = node_new(src->name, strlen(src->name), src->perms, src->nperms);

    if (!n)
        return NULL;
    n->parent = parent;
    n->gen = src->gen;
    n->pgen = src->pgen;
    n->vlen = src->vlen;
    if (src->vlen) {
        n->value = malloc(src->vlen);
        if (!n->value) {
            node_free_one(n);
            return NULL;
        }
        memcpy(n->value, src->value, src->vlen);
    }
    return n;
}

/* Copy top's subtree, walking both trees side by side in pre-order. */
static struct xs_node *node_copy(const struct xs_node *top)
{
    struct xs_node *copy = node_copy_one(top, NULL), *d = copy, *c;
    const struct xs_node *s = top;

    while (copy) {
        if (s->child) {
            c = d->child = node_copy_one(s->child, d);
            s = s->child;
        } else {
            for (; s != top && !s->next; s = s->parent)
                d = d->parent;
            if (s == top)
                break;
            c = d->next = node_copy_one(s->next, d->parent);
            s = s->next;
        }
        if (!c)
            goto fail;
        d = c;
    }
    return copy;
fail:
    node_free(copy);
    return NULL;
}

int xs_store_clone(const struct xs_store *src, struct xs_store *dst)
{
    memset(dst, 0, sizeof(*dst));
    dst->root = node_copy(src->root);
    dst->acct = malloc((src->nacct ? src->nacct : 1) * sizeof(*src->acct));
    if (!dst->root || !dst->acct) {
        xs_store_free(dst);
        return -XEN_ENOMEM;
    }
    memcpy(dst->acct, src->acct, src->nacct * sizeof(*src->acct));
    dst->nacct = src->nacct;
    dst->gen = src->gen;
    return 0;
}

static struct xs_node *child_find(const struct xs_node *n, const char *name, size_t len)
{
    struct xs_node *c;

    for (c = n->child; c; c = c->next)
        if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
            return c;
    return NULL;
}

/* Walk path's components from the root as far as nodes exist; *rest is
 * where the walk stopped (at a '/' or the end). */
static struct xs_node *walk(const struct xs_store *s, const char *path, const char **rest)
{
    struct xs_node *n = s->root, *c;
    const char *p = path, *end;

    while (*p == '/' && p[1]) {
        end = p + 1;
        while (*end && *end != '/')
            end++;
        c = child_find(n, p + 1, (size_t)(end - p - 1));
        if (!c)
            break;
        n = c;
        p = end;
    }
    *rest = p;
    return n;
}

struct xs_node *xs_store_lookup(const struct xs_store *s, const char *path)
{
    const char *rest;
    struct xs_node *n = walk(s, path, &rest);

    return (*rest == '\0' || strcmp(rest, "/") == 0) ? n : NULL;
}

struct xs_node *xs_store_nearest(const struct xs_store *s, const char *path)
{
    const char *rest;

    return walk(s, path, &rest);
}

uint32_t xs_store_missing(const struct xs_store *s, const char *path)
{
    const char *rest;
    uint32_t count = 0;

    walk(s, path, &rest);
    if (strcmp(rest, "/") == 0)
        return 0;
    for (; *rest; rest++)
        count += *rest == '/';
    return count;
}

int xs_store_create(struct xs_store *s, const char *path, uint16_t owner,
                    struct xs_node **out)
{
    const char *p, *end;
    struct xs_node *n = walk(s, path, &p), *c, **tail;

    while (*p == '/' && p[1]) {
        end = p + 1;
        while (*end && *end != '/')
            end++;
        c = node_new(p + 1, (size_t)(end - p - 1), n->perms, n->nperms);
        if (!c)
            return -XEN_ENOMEM;
        if (owner)
            c->perms[0].domid = owner;
        c->parent = n;
        for (tail = &n->child; *tail; tail = &(*tail)->next)
            ;
        *tail = c;
        c->gen = c->pgen = n->gen = ++s->gen;
        acct_node(s, c, 1);
        n = c;
        p = end;
    }
    *out = n;
    return 0;
}

int xs_store_set_value(struct xs_store *s, struct xs_node *n, const void *v, uint32_t len)
{
    char *copy = NULL;

    if (len) {
        copy = malloc(len);
        if (!copy)
            return -XEN_ENOMEM;
        memcpy(copy, v, len);
    }
    free(n->value);
    n->value = copy;
    n->vlen = len;
    n->gen = ++s->gen;
    return 0;
}

int xs_store_set_perms(struct xs_store *s, struct xs_node *n,
                       const struct xs_perm *perms, uint32_t count)
{
    struct xs_perm *copy = malloc(count * sizeof(*perms));

    if (!copy)
        return -XEN_ENOMEM;
    memcpy(copy, perms, count * sizeof(*perms));
    acct_node(s, n, -1);
    free(n->perms);
    n->perms = copy;
    n->nperms = count;
    acct_node(s, n, 1);
    n->gen = n->pgen = ++s->gen;
    return 0;
}

static void unaccount(struct xs_store *s, const struct xs_node *top)
{
    const struct xs_node *n;

    for (n = top; n; n = next_in(n, top))
        acct_node(s, n, -1);
}

void xs_store_remove(struct xs_store *s, struct xs_node *n)
{
    struct xs_node **pp;

    if (!n->parent)
        return;     /* the root stays */
    for (pp = &n->parent->child; *pp != n; pp = &(*pp)->next)
        ;
    *pp = n->next;
    n->parent->gen = ++s->gen;
    unaccount(s, n);
    node_free(n);
}

bool xs_store_changed_since(const struct xs_node *top, uint64_t gen, bool subtree)
{
    const struct xs_node *n;

    if (!subtree)
        return top->gen > gen;
    for (n = top; n; n = next_in(n, top))
        if (n->gen > gen)
            return true;
    return false;
}
