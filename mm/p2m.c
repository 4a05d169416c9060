/* SPDX-License-Identifier: MIT */
/* The per-domain guest-physical map (p2m), in NPT or EPT format. */
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/panic.h>
#include <petrel/spinlock.h>

/*
 * Design.
 *
 * Tables. Four levels of 512 8-byte entries, each table one zeroed frame from
 * frame_alloc(0), reached through phys_to_virt(). An entry at level l covers
 * 2^(9l) guest frames; level 3 is the root and holds tables only, levels 2
 * and 1 may hold 1 GiB and 2 MiB leaves, level 0 holds 4 KiB leaves.
 *
 * Entries. Both formats keep the address in bits 51:12 and ignore bits 55:52
 * in every entry (APM vol. 2, 5.4.1: bits 58:52 are free for software; SDM
 * vol. 3C, 29.3.2: bits 56:52 are ignored), so the software state lives
 * there: the type in bits 54:52 and P2M_OWNED in bit 55. Bits 63:56 stay 0
 * (in EPT, bit 63 is "suppress #VE" and 61:57 have meanings under controls
 * Petrel does not enable). Software reads an entry the same in both formats:
 *     0                       empty
 *     type 0, not 0           a table (levels 3 to 1)
 *     type not 0              a leaf of that type
 * Only the hardware bits differ (large leaves add NPT PS / EPT bit 7):
 *     NPT (long-mode entries; nested walks are user accesses, APM 15.25.5)
 *       table    P RW US
 *       RAM_RW   P RW US
 *       RAM_RO   P US
 *       MMIO     P RW US PWT PCD (PAT index 3: UC), NX with P2M_CAP_NX
 *     EPT (SDM 29.3.2; memory types 29.3.7)
 *       table    R W X
 *       RAM_RW   R W X, memory type WB (6)
 *       RAM_RO   R X, WB
 *       MMIO     R W, UC (0)
 * P2M_RESERVED leaves carry no hardware bit: with NPT P = 0 or EPT RWX = 0
 * the CPU ignores the rest of the entry and faults. IPAT stays 0, so the
 * guest's PAT combines with the p2m's type on both vendors alike. NX is set
 * only when the caller says the CPU honours it (without EFER.NXE bit 63 is
 * reserved and would fault).
 *
 * Locking. 'lock' guards the tables and the counters; it is taken before the
 * frame allocator's lock. The CPU walks the tables concurrently (and sets A/D
 * bits in NPT entries), so each entry is written with one 64-bit store, and
 * a new table is filled before the store that links it in.
 *
 * Changes. p2m_set() and p2m_remove() rewrite one entry, 'the target', at
 * level order/9. Under the lock they first plan: walk to the target without
 * touching anything, noting its value (or the piece of the large page around
 * it that it would be) and the tables the path lacks: one per level between
 * the first entry that is not a table and the target. Only when those frames
 * are allocated, and the batch has room, are the tables changed, so an error
 * leaves nothing behind. (Planning counts what a replaced sub-tree maps, so
 * replacing a range of small pages costs a walk of it under the lock.) On
 * the way down an empty entry gets an empty table,
 * and a leaf is split into a table of 512 leaves one level down with its
 * type and owned bit, covering the same frames.
 *
 * Owned blocks. A leaf with P2M_OWNED owns its 2^order frames, one block of
 * the frame allocator. Splitting it frame_split()s the block too, so every
 * piece stays owned by its own entry and can be freed on its own; the buddy
 * rule merges the pieces back when all are free.
 *
 * Dropping. The target's old value leaves the tables: the counters lose what
 * it mapped, the batch asks for a flush if the CPU could see it, and an
 * owned block, or a whole sub-tree (its tables and owned blocks), goes into
 * the batch, to be freed by p2m_batch_done() once the caller has flushed:
 * until then a CPU may still hold the old translation in its TLB, or a table
 * pointer in its paging-structure caches, and would reach a frame that was
 * already handed to someone else. A
 * change drops at most one thing, so a batch slot is one word: the old entry's
 * address, type and owned bits, with its level in bits 1:0. Tables left empty
 * by p2m_remove() are kept; a later larger change or p2m_destroy() frees them.
 */

#define P2M_LEVELS          4
#define P2M_ENTRIES         512
#define P2M_MAX_GPA_BITS    48
#define P2M_MFN_BITS        40              /* 52-bit machine addresses */
#define P2M_ADDR_MASK       0x000ffffffffff000ULL
#define P2M_TYPE_SHIFT      52
#define P2M_TYPE_MASK       (7ULL << P2M_TYPE_SHIFT)
#define P2M_SW_OWNED        (1ULL << 55)
#define P2M_REC_LEVEL       3ULL            /* batch record: level bits */

#define NPT_P               (1ULL << 0)
#define NPT_RW              (1ULL << 1)
#define NPT_US              (1ULL << 2)
#define NPT_PWT             (1ULL << 3)
#define NPT_PCD             (1ULL << 4)
#define NPT_PS              (1ULL << 7)
#define NPT_NX              (1ULL << 63)

#define EPT_R               (1ULL << 0)
#define EPT_W               (1ULL << 1)
#define EPT_X               (1ULL << 2)
#define EPT_MT(t)           ((uint64_t)(t) << 3)
#define EPT_MT_UC           0
#define EPT_MT_WB           6
#define EPT_LARGE           (1ULL << 7)

/* An overflow frame of a batch: [0] next frame, [1] records used, then records. */
#define P2M_BATCH_NEXT      0
#define P2M_BATCH_USED      1
#define P2M_BATCH_FIRST     2

BUILD_BUG_ON((P2M_TYPE_MASK | P2M_SW_OWNED) & (P2M_ADDR_MASK | NPT_NX));
BUILD_BUG_ON(P2M_RESERVED > (P2M_TYPE_MASK >> P2M_TYPE_SHIFT));

struct p2m {
    spinlock_t lock;                /* guards the tables and the counters */
    enum p2m_format fmt;
    unsigned int caps;              /* P2M_CAP_* */
    unsigned int gpa_bits;
    paddr_t root;                   /* level-3 table, for the p2m's life */
    uint64_t ram_pages;             /* RAM frames mapped (lock; read without) */
    uint64_t owned_pages;           /* frames in owned blocks (lock) */
    uint64_t table_pages;           /* table frames, root included (lock) */
    p2m_mirror_fn mirror;           /* told of each change (lock), or NULL */
    void *mirror_ctx;
};

/* What an entry maps, everything below it included. */
struct p2m_tally {
    uint64_t ram, owned, tables, leaves;
};

/* A change of one entry, planned before anything is touched. */
struct p2m_plan {
    unsigned int level;             /* of the target */
    uint64_t old;                   /* its value, once the path is built */
    struct p2m_tally drop;          /* what 'old' maps */
    unsigned int nr_tables;         /* tables the path lacks... */
    paddr_t table[P2M_LEVELS - 1];  /* ...and the frames for them */
};

static const uint64_t npt_leaf_bits[] = {
    [P2M_RAM_RW] = NPT_P | NPT_RW | NPT_US,
    [P2M_RAM_RO] = NPT_P | NPT_US,
    [P2M_MMIO] = NPT_P | NPT_RW | NPT_US | NPT_PWT | NPT_PCD,
    [P2M_RESERVED] = 0,
};

static const uint64_t ept_leaf_bits[] = {
    [P2M_RAM_RW] = EPT_R | EPT_W | EPT_X | EPT_MT(EPT_MT_WB),
    [P2M_RAM_RO] = EPT_R | EPT_X | EPT_MT(EPT_MT_WB),
    [P2M_MMIO] = EPT_R | EPT_W | EPT_MT(EPT_MT_UC),
    [P2M_RESERVED] = 0,
};

/* ---- entries --------------------------------------------------------------- */

static uint64_t *p2m_table(paddr_t pa)
{
    return phys_to_virt(pa);
}

static unsigned int p2m_index(uint64_t gfn, unsigned int level)
{
    return (gfn >> (9 * level)) & (P2M_ENTRIES - 1);
}

static uint64_t p2m_pages(unsigned int level)
{
    return 1ULL << (9 * level);
}

static uint64_t p2m_read(const uint64_t *e)
{
    return __atomic_load_n(e, __ATOMIC_RELAXED);
}

/* One store, ordered after the filling of any table it links. */
static void p2m_write(uint64_t *e, uint64_t v)
{
    __atomic_store_n(e, v, __ATOMIC_RELEASE);
}

static enum p2m_type p2m_type_of(uint64_t e)
{
    return (enum p2m_type)((e & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT);
}

static bool p2m_is_leaf(uint64_t e)
{
    return p2m_type_of(e) != P2M_INVALID;
}

static bool p2m_is_table(uint64_t e)
{
    return e && !p2m_is_leaf(e);
}

/* Can the CPU see (and cache) it? Tables and every leaf but RESERVED. */
static bool p2m_is_present(uint64_t e)
{
    return p2m_is_table(e) || (p2m_is_leaf(e) && p2m_type_of(e) != P2M_RESERVED);
}

static bool p2m_is_ram(enum p2m_type t)
{
    return t == P2M_RAM_RW || t == P2M_RAM_RO;
}

static paddr_t p2m_addr(uint64_t e)
{
    return e & P2M_ADDR_MASK;
}

static uint64_t p2m_make_leaf(const struct p2m *p, paddr_t pa, unsigned int level,
                              enum p2m_type t, bool owned)
{
    uint64_t e = pa | (uint64_t)t << P2M_TYPE_SHIFT | (owned ? P2M_SW_OWNED : 0);

    if (t == P2M_RESERVED)
        return e;
    if (p->fmt == P2M_FORMAT_EPT)
        return e | ept_leaf_bits[t] | (level ? EPT_LARGE : 0);
    e |= npt_leaf_bits[t] | (level ? NPT_PS : 0);
    if (t == P2M_MMIO && (p->caps & P2M_CAP_NX))
        e |= NPT_NX;
    return e;
}

static uint64_t p2m_make_table(const struct p2m *p, paddr_t pa)
{
    if (p->fmt == P2M_FORMAT_EPT)
        return pa | EPT_R | EPT_W | EPT_X;
    return pa | NPT_P | NPT_RW | NPT_US;
}

/* The piece at 'level' for 'gfn' of the leaf 'e' at 'big' (its software bits). */
static uint64_t p2m_piece(uint64_t e, unsigned int big, uint64_t gfn, unsigned int level)
{
    uint64_t off = (gfn & (p2m_pages(big) - 1) & ~(p2m_pages(level) - 1)) << PAGE_SHIFT;

    return p2m_addr(e) + off + (e & (P2M_TYPE_MASK | P2M_SW_OWNED));
}

static void p2m_tally(uint64_t e, unsigned int level, struct p2m_tally *t)
{
    const uint64_t *tab;

    if (p2m_is_leaf(e)) {
        t->leaves++;
        if (p2m_is_ram(p2m_type_of(e)))
            t->ram += p2m_pages(level);
        if (e & P2M_SW_OWNED)
            t->owned += p2m_pages(level);
    } else if (e) {
        tab = p2m_table(p2m_addr(e));
        t->tables++;
        for (unsigned int i = 0; i < P2M_ENTRIES; i++)
            p2m_tally(p2m_read(&tab[i]), level - 1, t);
    }
}

/* Free what 'e' at 'level' holds: its owned block, or its table and all below. */
static void p2m_free_entry(uint64_t e, unsigned int level)
{
    const uint64_t *tab;

    if (p2m_is_leaf(e)) {
        if (e & P2M_SW_OWNED)
            frame_free(p2m_addr(e), 9 * level);
    } else if (e) {
        tab = p2m_table(p2m_addr(e));
        for (unsigned int i = 0; i < P2M_ENTRIES; i++)
            p2m_free_entry(tab[i], level - 1);
        frame_free(p2m_addr(e), 0);
    }
}

/* Counters change under the lock and are read without it. */
static void p2m_count(uint64_t *c, uint64_t add, uint64_t sub)
{
    __atomic_store_n(c, *c + add - sub, __ATOMIC_RELAXED);
}

/* ---- batches --------------------------------------------------------------- */

static bool p2m_batch_has_room(const struct p2m_batch *b)
{
    return b->nr < P2M_BATCH_SLOTS ||
           (b->more && p2m_table(b->more)[P2M_BATCH_USED] < P2M_ENTRIES - P2M_BATCH_FIRST);
}

static int p2m_batch_reserve(struct p2m_batch *b)
{
    paddr_t pa;
    uint64_t *f;

    if (p2m_batch_has_room(b))
        return 0;
    pa = frame_alloc(0);
    if (!pa)
        return -ENOMEM;
    f = p2m_table(pa);
    f[P2M_BATCH_NEXT] = b->more;
    f[P2M_BATCH_USED] = 0;
    b->more = pa;
    return 0;
}

static void p2m_batch_add(struct p2m_batch *b, uint64_t old, unsigned int level)
{
    uint64_t rec = (old & (P2M_ADDR_MASK | P2M_TYPE_MASK | P2M_SW_OWNED)) | level;
    uint64_t *f;

    if (b->nr < P2M_BATCH_SLOTS) {
        b->slot[b->nr++] = rec;
        return;
    }
    f = p2m_table(b->more);
    ASSERT(f[P2M_BATCH_USED] < P2M_ENTRIES - P2M_BATCH_FIRST);
    f[P2M_BATCH_FIRST + f[P2M_BATCH_USED]++] = rec;
}

static void p2m_release(uint64_t rec)
{
    p2m_free_entry(rec & ~P2M_REC_LEVEL, rec & P2M_REC_LEVEL);
}

void p2m_batch_done(struct p2m_batch *b)
{
    while (b->more) {
        paddr_t pa = b->more;
        uint64_t *f = p2m_table(pa);

        for (uint64_t i = 0; i < f[P2M_BATCH_USED]; i++)
            p2m_release(f[P2M_BATCH_FIRST + i]);
        b->more = f[P2M_BATCH_NEXT];
        frame_free(pa, 0);
    }
    for (unsigned int i = 0; i < b->nr; i++)
        p2m_release(b->slot[i]);
    b->nr = 0;
    b->flush = false;
}

/* ---- planning and changing ------------------------------------------------- */

/* Walk to the target for 'gfn' at pl->level; fill in the plan. Lock held. */
static void p2m_plan(struct p2m *p, uint64_t gfn, struct p2m_plan *pl)
{
    const uint64_t *tab = p2m_table(p->root);
    unsigned int l = P2M_LEVELS - 1;
    uint64_t e;

    for (;; l--) {
        e = p2m_read(&tab[p2m_index(gfn, l)]);
        if (l == pl->level || !p2m_is_table(e))
            break;
        tab = p2m_table(p2m_addr(e));
    }
    pl->nr_tables = l - pl->level;
    pl->old = (p2m_is_leaf(e) && l > pl->level) ? p2m_piece(e, l, gfn, pl->level) : e;
    pl->drop = (struct p2m_tally){ 0 };
    p2m_tally(pl->old, pl->level, &pl->drop);
}

/* Allocate the plan's tables, and room in 'b' if it will drop something. */
static int p2m_plan_alloc(struct p2m_plan *pl, bool to_batch, struct p2m_batch *b)
{
    if (to_batch && p2m_batch_reserve(b))
        return -ENOMEM;
    for (unsigned int i = 0; i < pl->nr_tables; i++) {
        pl->table[i] = frame_alloc(0);
        if (!pl->table[i]) {
            while (i--)
                frame_free(pl->table[i], 0);
            return -ENOMEM;
        }
        memset(p2m_table(pl->table[i]), 0, PAGE_SIZE);
    }
    return 0;
}

/* Fill the new table at 'pa' with the 512 pieces of the leaf 'e' at 'level'. */
static void p2m_split(struct p2m *p, uint64_t e, unsigned int level, paddr_t pa,
                      struct p2m_batch *b)
{
    uint64_t *tab = p2m_table(pa);
    paddr_t step = PAGE_SIZE << (9 * (level - 1));
    bool owned = e & P2M_SW_OWNED;

    if (owned)
        frame_split(p2m_addr(e), 9 * level, 9 * (level - 1));
    for (unsigned int i = 0; i < P2M_ENTRIES; i++)
        tab[i] = p2m_make_leaf(p, p2m_addr(e) + i * step, level - 1, p2m_type_of(e), owned);
    if (p2m_is_present(e))
        b->flush = true;            /* the old translation may be cached */
}

/* Build the path to the target with the plan's tables; return the target. */
static uint64_t *p2m_descend(struct p2m *p, uint64_t gfn, const struct p2m_plan *pl,
                             struct p2m_batch *b)
{
    uint64_t *tab = p2m_table(p->root);
    unsigned int next = 0;

    for (unsigned int l = P2M_LEVELS - 1; l > pl->level; l--) {
        uint64_t *e = &tab[p2m_index(gfn, l)];
        uint64_t v = p2m_read(e);

        if (!p2m_is_table(v)) {
            ASSERT(next < pl->nr_tables);
            if (v)
                p2m_split(p, v, l, pl->table[next], b);
            v = p2m_make_table(p, pl->table[next++]);
            p2m_write(e, v);
        }
        tab = p2m_table(p2m_addr(v));
    }
    ASSERT(next == pl->nr_tables);
    p2m_count(&p->table_pages, pl->nr_tables, 0);
    return &tab[p2m_index(gfn, pl->level)];
}

/* Will dropping the target put something in the batch? 'keep': see p2m_drop(). */
static bool p2m_plan_frees(const struct p2m_plan *pl, bool keep)
{
    return p2m_is_table(pl->old) || ((pl->old & P2M_SW_OWNED) && !keep);
}

/* The target's old value has left the tables; 'keep': its block is not freed (the
 * new entry owns it, or the caller took it: P2M_DETACH). */
static void p2m_drop(struct p2m *p, const struct p2m_plan *pl, bool keep,
                     struct p2m_batch *b)
{
    if (p2m_is_present(pl->old))
        b->flush = true;
    p2m_count(&p->ram_pages, 0, pl->drop.ram);
    p2m_count(&p->owned_pages, 0, pl->drop.owned);
    p2m_count(&p->table_pages, 0, pl->drop.tables);
    if (p2m_plan_frees(pl, keep))
        p2m_batch_add(b, pl->old, pl->level);
}

/* ---- the interface ----------------------------------------------------------- */

static bool p2m_range_ok(const struct p2m *p, uint64_t gfn, unsigned int order)
{
    return (order == 0 || order == 9 || order == 18) &&
           IS_ALIGNED(gfn, 1ULL << order) && !(gfn >> (p->gpa_bits - PAGE_SHIFT));
}

static int p2m_check_set(const struct p2m *p, uint64_t gfn, uint64_t mfn,
                         unsigned int order, enum p2m_type t, unsigned int flags)
{
    if (!p2m_range_ok(p, gfn, order) || !IS_ALIGNED(mfn, 1ULL << order) ||
        (mfn >> P2M_MFN_BITS) || t == P2M_INVALID || (unsigned int)t > P2M_RESERVED ||
        (flags & ~(P2M_OWNED | P2M_DETACH | P2M_NODMA)))
        return -EINVAL;
    if ((order == 9 && !(p->caps & P2M_CAP_2M)) || (order == 18 && !(p->caps & P2M_CAP_1G)))
        return -EOPNOTSUPP;
    return 0;
}

struct p2m *p2m_create(enum p2m_format fmt, unsigned int gpa_bits, unsigned int caps)
{
    struct p2m *p;

    if ((fmt != P2M_FORMAT_NPT && fmt != P2M_FORMAT_EPT) || gpa_bits <= PAGE_SHIFT ||
        gpa_bits > P2M_MAX_GPA_BITS || (caps & ~(P2M_CAP_2M | P2M_CAP_1G | P2M_CAP_NX)) ||
        ((caps & P2M_CAP_1G) && !(caps & P2M_CAP_2M)))
        return NULL;
    p = xzalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->root = frame_alloc(0);
    if (!p->root) {
        xfree(p);
        return NULL;
    }
    memset(p2m_table(p->root), 0, PAGE_SIZE);
    p->lock = (spinlock_t)SPINLOCK_INIT;
    p->fmt = fmt;
    p->caps = caps;
    p->gpa_bits = gpa_bits;
    p->table_pages = 1;
    return p;
}

void p2m_destroy(struct p2m *p)
{
    if (!p)
        return;
    p2m_free_entry(p->root, P2M_LEVELS);    /* the root as if an entry above it */
    xfree(p);
}

int p2m_set(struct p2m *p, uint64_t gfn, uint64_t mfn, unsigned int order,
            enum p2m_type t, unsigned int flags, struct p2m_batch *b)
{
    struct p2m_plan pl = { .level = order / 9 };
    bool owned = flags & P2M_OWNED;
    paddr_t pa = mfn << PAGE_SHIFT;
    bool keep;                      /* the same owned block, re-typed */
    bool spare;                     /* the old block is not freed */
    int rc;

    ASSERT(b);
    rc = p2m_check_set(p, gfn, mfn, order, t, flags);
    if (rc)
        return rc;
    spin_lock(&p->lock);
    p2m_plan(p, gfn, &pl);
    keep = p2m_is_leaf(pl.old) && (pl.old & P2M_SW_OWNED) && p2m_addr(pl.old) == pa;
    if (keep && !owned) {
        rc = -EBUSY;                /* it would be freed while still mapped */
        goto out;
    }
    spare = keep || ((flags & P2M_DETACH) && p2m_is_leaf(pl.old));
    rc = p2m_plan_alloc(&pl, p2m_plan_frees(&pl, spare), b);
    if (rc)
        goto out;
    p2m_write(p2m_descend(p, gfn, &pl, b), p2m_make_leaf(p, pa, pl.level, t, owned));
    p2m_drop(p, &pl, spare, b);
    p2m_count(&p->ram_pages, p2m_is_ram(t) ? p2m_pages(pl.level) : 0, 0);
    p2m_count(&p->owned_pages, owned ? p2m_pages(pl.level) : 0, 0);
    if (p->mirror)
        p->mirror(p->mirror_ctx, gfn, mfn, order, t, flags);
out:
    spin_unlock(&p->lock);
    return rc;
}

int p2m_remove(struct p2m *p, uint64_t gfn, unsigned int order, struct p2m_batch *b)
{
    struct p2m_plan pl = { .level = order / 9 };
    int rc;

    ASSERT(b);
    if (!p2m_range_ok(p, gfn, order))
        return -EINVAL;
    spin_lock(&p->lock);
    p2m_plan(p, gfn, &pl);
    rc = -ENOENT;
    if (!pl.drop.leaves)
        goto out;                   /* nothing mapped; empty tables stay */
    rc = p2m_plan_alloc(&pl, p2m_plan_frees(&pl, false), b);
    if (rc)
        goto out;
    p2m_write(p2m_descend(p, gfn, &pl, b), 0);
    p2m_drop(p, &pl, false, b);
    if (p->mirror)
        p->mirror(p->mirror_ctx, gfn, 0, order, P2M_INVALID, 0);
out:
    spin_unlock(&p->lock);
    return rc;
}

int p2m_lookup(struct p2m *p, uint64_t gfn, uint64_t *mfn, enum p2m_type *t,
               unsigned int *order, unsigned int *flags)
{
    const uint64_t *tab = p2m_table(p->root);
    unsigned int l = P2M_LEVELS - 1;
    uint64_t e;

    if (gfn >> (p->gpa_bits - PAGE_SHIFT))
        return -EINVAL;
    spin_lock(&p->lock);
    for (;; l--) {
        e = p2m_read(&tab[p2m_index(gfn, l)]);
        if (!p2m_is_table(e))
            break;
        ASSERT(l > 0);
        tab = p2m_table(p2m_addr(e));
    }
    spin_unlock(&p->lock);
    if (mfn)
        *mfn = e ? (p2m_addr(e) >> PAGE_SHIFT) + (gfn & (p2m_pages(l) - 1)) : 0;
    if (t)
        *t = p2m_type_of(e);
    if (order)
        *order = 9 * l;
    if (flags)
        *flags = (e & P2M_SW_OWNED) ? P2M_OWNED : 0;
    return e ? 0 : -ENOENT;
}

void p2m_set_mirror(struct p2m *p, p2m_mirror_fn fn, void *ctx)
{
    spin_lock(&p->lock);
    p->mirror = fn;
    p->mirror_ctx = ctx;
    spin_unlock(&p->lock);
}

paddr_t p2m_root(const struct p2m *p)
{
    return p->root;
}

uint64_t p2m_ram_pages(const struct p2m *p)
{
    return __atomic_load_n(&p->ram_pages, __ATOMIC_RELAXED);
}

uint64_t p2m_owned_pages(const struct p2m *p)
{
    return __atomic_load_n(&p->owned_pages, __ATOMIC_RELAXED);
}

uint64_t p2m_table_pages(const struct p2m *p)
{
    return __atomic_load_n(&p->table_pages, __ATOMIC_RELAXED);
}
