/* SPDX-License-Identifier: MIT */
/*
 * Transactions. TRANSACTION_START copies the store (as Xen's spec says);
 * requests in the transaction read and change the copy and note the paths
 * they read or changed. Commit checks that none of those paths changed in
 * the store since the start (a node's generation past the start's, or a
 * node that went: its nearest surviving parent's generation moved, unless
 * the node is known to have been missing at the start too), else
 * EAGAIN; then it replays each changed path from the copy into the store
 * (a removed path loses its old subtree first) and fires the watches.
 */
#include "xs_private.h"

struct xs_txn_path {
    char *path;
    bool flag;              /* access: whole subtree; change: removal */
    bool absent;            /* access: known missing at the start */
    bool parent;            /* access: only existence and permissions count */
};

struct xs_txn {
    struct xs_txn *next;
    uint32_t id;
    uint64_t start_gen;     /* the store's generation at the start */
    uint32_t start_owned;   /* nodes the domain owned at the start */
    struct xs_store store;
    struct xs_txn_path *acc, *chg;
    uint32_t nacc, nchg;
};

struct xs_store *xs_txn_store(struct xs_txn *t)
{
    return &t->store;
}

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
    struct xs_txn *t;

    for (t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

int xs_txn_start(struct xs_conn *c, uint32_t *id)
{
    struct xs *xs = c->xs;
    struct xs_txn *t;

    if (c->domid && c->ntxns >= xs->quota.transactions)
        return -XS_EQUOTA;
    t = calloc(1, sizeof(*t));
    if (!t)
        return -XEN_ENOMEM;
    if (xs_store_clone(&xs->store, &t->store)) {
        free(t);
        return -XEN_ENOMEM;
    }
    do
        t->id = ++c->next_txid;
    while (t->id == 0 || xs_txn_find(c, t->id));
    t->start_gen = xs->store.gen;
    t->start_owned = xs_store_owned(&xs->store, c->domid);
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    *id = t->id;
    return 0;
}

/* Add an entry for the first len bytes of path to a list, once; the first
 * note's absent stays. */
static int note(struct xs_txn_path **list, uint32_t *n, const char *path, size_t len,
                struct xs_txn_path how)
{
    struct xs_txn_path *l;
    uint32_t i;

    for (i = 0; i < *n; i++)
        if (strncmp((*list)[i].path, path, len) == 0 && (*list)[i].path[len] == '\0' &&
            (*list)[i].flag == how.flag && (*list)[i].parent == how.parent)
            return 0;
    l = realloc(*list, (*n + 1) * sizeof(**list));
    if (!l)
        return -XEN_ENOMEM;
    *list = l;
    how.path = malloc(len + 1);
    if (!how.path)
        return -XEN_ENOMEM;
    memcpy(how.path, path, len);
    how.path[len] = '\0';
    l[*n] = how;
    (*n)++;
    return 0;
}

int xs_txn_note_access(struct xs_txn *t, const char *path, bool subtree)
{
    struct xs_txn_path how = { .flag = subtree };

    /* Missing below a parent the transaction has not changed: it was
     * missing at the start too. */
    if (!xs_store_lookup(&t->store, path))
        how.absent = xs_store_nearest(&t->store, path)->gen <= t->start_gen;
    return note(&t->acc, &t->nacc, path, strlen(path), how);
}

int xs_txn_note_parent(struct xs_txn *t, const char *path, size_t len)
{
    struct xs_txn_path how = { .parent = true };
    char buf[XS_PATH_BUF];
    const struct xs_node *n;

    /* A parent this transaction made itself (a node made or re-permitted
     * after the start, in the copy) is no condition on the store: commit
     * makes it. Noting it would fail every commit that writes two nodes
     * under a new directory (Linux's netfront: queue-0/tx-ring-ref, then
     * queue-0/rx-ring-ref) with EAGAIN, for ever. */
    if (len && len < sizeof(buf)) {
        memcpy(buf, path, len);
        buf[len] = '\0';
        n = xs_store_lookup(&t->store, buf);
        if (n && n->pgen > t->start_gen)
            return 0;
    }

    return note(&t->acc, &t->nacc, path, len ? len : 1, how);
}

int xs_txn_note_change(struct xs_txn *t, const char *path, bool rm)
{
    struct xs_txn_path how = { .flag = rm };

    return note(&t->chg, &t->nchg, path, strlen(path), how);
}

static void xs_txn_free(struct xs_txn *t)
{
    uint32_t i;

    for (i = 0; i < t->nacc; i++)
        free(t->acc[i].path);
    for (i = 0; i < t->nchg; i++)
        free(t->chg[i].path);
    free(t->acc);
    free(t->chg);
    xs_store_free(&t->store);
    free(t);
}

static bool conflicts(const struct xs_store *s, const struct xs_txn *t)
{
    const struct xs_node *n;
    uint32_t i;

    for (i = 0; i < t->nacc; i++) {
        n = xs_store_lookup(s, t->acc[i].path);
        if (t->acc[i].parent) {
            if (!n || n->pgen > t->start_gen)
                return true;
            continue;
        }
        if (n && xs_store_changed_since(n, t->start_gen, t->acc[i].flag))
            return true;
        /* Gone: its nearest parent shows the removal, if it was there. */
        if (!n && !t->acc[i].absent &&
            xs_store_nearest(s, t->acc[i].path)->gen > t->start_gen)
            return true;
    }
    return false;
}

/* Make path in the store what it is in the copy; after an RM, only what
 * the transaction made again below path survives. */
static int replay(struct xs_store *s, const struct xs_store *copy, char *path, bool rm)
{
    const struct xs_node *want = xs_store_lookup(copy, path), *src;
    struct xs_node *n = xs_store_lookup(s, path);
    char *p, saved;
    int rc = 0;

    if (n && (rm || !want)) {
        xs_store_remove(s, n);
        n = NULL;
    }
    if (!want)
        return 0;
    /* Create missing parents one by one with the copy's permissions; path
     * is cut short at each '/' for a moment. */
    for (p = path + 1; !n && !rc; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        saved = *p;
        *p = '\0';
        if (!xs_store_lookup(s, path)) {
            rc = xs_store_create(s, path, 0, &n);
            src = xs_store_lookup(copy, path);
            if (!rc)
                rc = xs_store_set_perms(s, n, src->perms, src->nperms);
            if (!rc)
                rc = xs_store_set_value(s, n, src->value, src->vlen);
        }
        *p = saved;
        n = saved ? NULL : xs_store_lookup(s, path);
    }
    if (rc)
        return rc;
    rc = xs_store_set_perms(s, n, want->perms, want->nperms);
    return rc ? rc : xs_store_set_value(s, n, want->value, want->vlen);
}

/* Fire the watches for one change: removals before the replay, with the
 * removed node's permissions, the others after it. */
static void fire_change(struct xs *xs, const struct xs_txn_path *chg, bool rm)
{
    const struct xs_node *n = xs_store_lookup(&xs->store, chg->path);

    if (n && chg->flag == rm)
        xs_watch_fire(xs, chg->path, n->perms, n->nperms, rm);
}

/* Whether committing would take a domain past its node quota: each
 * transaction was checked against its own copy only. */
static bool over_quota(const struct xs_conn *c, const struct xs_txn *t)
{
    uint32_t now = xs_store_owned(&c->xs->store, c->domid);
    uint32_t after = xs_store_owned(&t->store, c->domid);

    return c->domid && after > t->start_owned &&
           now + (after - t->start_owned) > c->xs->quota.nodes;
}

int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
    struct xs *xs = c->xs;
    struct xs_txn **pp;
    uint32_t i;
    int rc = 0;

    for (pp = &c->txns; *pp != t; pp = &(*pp)->next)
        ;
    *pp = t->next;
    c->ntxns--;
    if (commit && conflicts(&xs->store, t))
        rc = -XEN_EAGAIN;
    else if (commit && over_quota(c, t))
        rc = -XS_EQUOTA;
    for (i = 0; commit && !rc && i < t->nchg; i++)
        fire_change(xs, &t->chg[i], true);
    for (i = 0; commit && !rc && i < t->nchg; i++)
        rc = replay(&xs->store, &t->store, t->chg[i].path, t->chg[i].flag);
    for (i = 0; commit && !rc && i < t->nchg; i++)
        fire_change(xs, &t->chg[i], false);
    xs_txn_free(t);
    return rc;
}

void xs_txn_free_all(struct xs_conn *c)
{
    struct xs_txn *t;

    while ((t = c->txns)) {
        c->txns = t->next;
        xs_txn_free(t);
    }
    c->ntxns = 0;
}
