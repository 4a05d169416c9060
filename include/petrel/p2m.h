/* SPDX-License-Identifier: MIT */
/*
 * The guest-physical map (mm/p2m.c): per domain, guest frame (gfn) -> machine
 * frame (mfn) with a type; the table the CPU walks as AMD's nested page table
 * (nCR3) or Intel's EPT (EPTP). The entry format is chosen at creation; no
 * caller ever sees an entry.
 *
 * Changes that unmap or alter a translation the CPU may have cached go into a
 * struct p2m_batch: the caller flushes the TLBs when the batch says so, then
 * calls p2m_batch_done(), which frees the frames and tables those changes
 * dropped. Freeing them before the flush would let a guest reach memory
 * already handed to someone else.
 */
#ifndef PETREL_P2M_H
#define PETREL_P2M_H

#include <petrel/types.h>

struct p2m;

enum p2m_type {
    P2M_INVALID = 0,    /* nothing mapped (lookup only) */
    P2M_RAM_RW,         /* RAM: read, write, execute; write-back */
    P2M_RAM_RO,         /* RAM: read, execute; writes fault */
    P2M_MMIO,           /* device memory: read, write, no execute; uncached */
    P2M_RESERVED,       /* mapped nowhere: every access faults; type kept */
};

enum p2m_format {
    P2M_FORMAT_NPT,     /* AMD nested paging: long-mode entries (APM vol. 2, 15.25) */
    P2M_FORMAT_EPT,     /* Intel EPT, 4-level (SDM vol. 3C, 29.3) */
};

/* p2m_create() 'caps': what the CPU supports, as the vendor code found it. */
#define P2M_CAP_2M      (1u << 0)   /* 2 MiB leaves (NPT: always; EPT: EPT_VPID_CAP bit 16) */
#define P2M_CAP_1G      (1u << 1)   /* 1 GiB leaves (NPT: CPUID 8000_0001 EDX[26]; EPT: bit 17) */
#define P2M_CAP_NX      (1u << 2)   /* NPT only: host EFER.NXE is set, NX may be used */

/* p2m_set() 'flags' */
#define P2M_OWNED       (1u << 0)   /* the block belongs to the domain: see p2m_set() */
#define P2M_DETACH      (1u << 1)   /* an owned leaf replaced is not freed: see p2m_set() */
#define P2M_NODMA       (1u << 2)   /* a hypervisor frame: the mirror must not give
                                       it to devices (not stored; see p2m_set_mirror()) */

/*
 * What one or more changes left for the caller. Declare one zeroed
 * (P2M_BATCH_INIT), pass it to p2m_set()/p2m_remove(), then:
 *
 *     if (b.flush)
 *         flush this p2m's translations on every CPU (NPT: the domain's
 *         ASIDs; EPT: INVEPT single-context on the EPTP);
 *     p2m_batch_done(&b);
 *
 * 'flush' is set when a translation the CPU may hold in its TLB or paging-
 * structure caches was changed or removed (including a large page split
 * into equal small ones). Adding a mapping where there was none, or over a
 * P2M_RESERVED entry, never sets it: the CPU caches no non-present entry.
 * The other fields are private. A batch may gather any number of changes,
 * from any number of p2ms; it must not be shared by two CPUs at once.
 */
#define P2M_BATCH_SLOTS 14

struct p2m_batch {
    bool flush;                         /* OUT: flush before p2m_batch_done() */
    unsigned int nr;                    /* private: slots used */
    uint64_t slot[P2M_BATCH_SLOTS];     /* private: what was dropped */
    paddr_t more;                       /* private: overflow frames, a list */
};

#define P2M_BATCH_INIT  { .flush = false }

/*
 * A new, empty p2m in format 'fmt' for a guest-physical address width of
 * 'gpa_bits' (13 to 48; the tables always have 4 levels, the width only
 * bounds gfns). 'caps' is P2M_CAP_*; P2M_CAP_1G needs P2M_CAP_2M.
 * Returns NULL on bad arguments or when out of memory.
 * Context: may allocate (heap, frames); any CPU.
 */
struct p2m *p2m_create(enum p2m_format fmt, unsigned int gpa_bits, unsigned int caps);

/*
 * Free every table of 'p', every block it owns (P2M_OWNED) and 'p' itself.
 * The caller guarantees that no CPU uses 'p' any more and that no CPU will
 * use stale translations of it: a new p2m may get the same root, so the
 * EPTP (INVEPT) or ASID must be flushed before it is reused. Batches that
 * still hold blocks dropped from 'p' stay valid: finish them as usual.
 */
void p2m_destroy(struct p2m *p);

/*
 * Map the 2^order guest frames at 'gfn' to the 2^order machine frames at
 * 'mfn' with type 't' (not P2M_INVALID). 'order' is 0 (4 KiB), 9 (2 MiB,
 * needs P2M_CAP_2M) or 18 (1 GiB, needs P2M_CAP_1G); gfn and mfn must be
 * aligned to it; gfn below 2^(gpa_bits - 12), mfn below 2^40 (52-bit
 * addresses). For P2M_RESERVED 'mfn' is only remembered.
 *
 * Whatever was mapped in the range is replaced: a larger page around it is
 * first split into 512 equal entries (repeatedly, down to 'order') so the
 * rest of it stays mapped, with the same type and owned-ness; smaller
 * mappings inside it are dropped with their tables.
 *
 * P2M_OWNED: [mfn, mfn + 2^order) is one block from frame_alloc(order) (or
 * a piece of one cut by frame_split()) that the domain owns, whatever the
 * type (a P2M_RESERVED owned block is kept while unreachable); it is mapped
 * nowhere else as owned. The p2m frees it when the
 * entry is replaced or removed (through the batch) or on p2m_destroy(). A
 * split owned page is frame_split() along with its entry, so each piece is
 * owned, and later freed, on its own. Re-mapping an owned block at its own
 * place (a type change) keeps it: pass P2M_OWNED again; without it the call
 * fails with -EBUSY, since the block would be freed while still mapped.
 *
 * P2M_DETACH: if the entry replaced at 'gfn' is an owned leaf of exactly
 * 'order' (after any split), its block is not freed: it leaves the p2m's
 * count of owned pages and becomes the caller's, who frees it with
 * frame_free() (find it with p2m_lookup() first, under a lock that keeps
 * other writers of that gfn out). Owned blocks inside a replaced table are
 * freed as usual.
 *
 * Returns 0, -EINVAL (bad argument), -EOPNOTSUPP (order the caps exclude),
 * -EBUSY (see above) or -ENOMEM (no frame for a table or for the batch: if
 * 'b' holds blocks, finishing it frees memory). On any error no mapping,
 * table or counter has changed ('b' may have grown a spare frame). 'b' must
 * not be NULL; see struct p2m_batch for what it holds afterwards.
 * Locking: takes p's lock (then the frame allocator's). Not from interrupt
 * handlers.
 */
int p2m_set(struct p2m *p, uint64_t gfn, uint64_t mfn, unsigned int order,
            enum p2m_type t, unsigned int flags, struct p2m_batch *b);

/*
 * Unmap the 2^order guest frames at 'gfn' ('order' 0, 9 or 18 whatever the
 * caps; gfn aligned to it and within gpa_bits). A larger page around the
 * range is split as for p2m_set(); owned blocks in the range go to 'b' and
 * are freed by p2m_batch_done(). P2M_RESERVED entries are removed too.
 * Tables left empty are kept until a larger change or p2m_destroy().
 * Returns 0, -EINVAL, -ENOENT (no mapping of any type in the range: nothing
 * changed) or -ENOMEM (a split needs a table; nothing changed).
 * Locking: as p2m_set().
 */
int p2m_remove(struct p2m *p, uint64_t gfn, unsigned int order, struct p2m_batch *b);

/*
 * Translate 'gfn'. Returns 0 with *mfn (the frame for gfn itself, not the
 * start of its page), *t, *order (of the page that maps it: 0, 9 or 18) and
 * *flags (P2M_OWNED or 0). P2M_RESERVED entries are found like any other.
 * Returns -ENOENT when nothing is mapped, with *t = P2M_INVALID, *mfn = 0,
 * *flags = 0 and *order = the order of the aligned unmapped region around
 * gfn that the tables show (0 to 27: a caller may skip it), or -EINVAL when
 * gfn is beyond gpa_bits. Any output pointer may be NULL.
 * Locking: takes p's lock.
 */
int p2m_lookup(struct p2m *p, uint64_t gfn, uint64_t *mfn, enum p2m_type *t,
               unsigned int *order, unsigned int *flags);

/*
 * Free what the changes gathered in 'b' dropped (owned blocks, tables) and
 * reset 'b' for reuse. Call it after the flush that b->flush asked for.
 * Context: no p2m lock needed or held; takes the frame allocator's lock.
 */
void p2m_batch_done(struct p2m_batch *b);

/*
 * The mirror: a function told of every change to the p2m, so that another
 * translation (the IOMMU's: drivers/iommu/iommu.c) can follow it. After a
 * successful p2m_set() it gets (gfn, mfn, order, t, flags) as p2m_set() got
 * them; after a successful p2m_remove() (gfn, 0, order, P2M_INVALID, 0).
 * Either way the 2^order frames at gfn now map exactly that (or nothing).
 * It runs under p's lock (so the calls come in the order of the changes),
 * before the batch is finished: it may allocate frames and take its own
 * locks (after the p2m lock), and must be done with any dropped frame when
 * it returns. p2m_destroy() does not call it. NULL stops the calls.
 */
typedef void (*p2m_mirror_fn)(void *ctx, uint64_t gfn, uint64_t mfn, unsigned int order,
                              enum p2m_type t, unsigned int flags);
void p2m_set_mirror(struct p2m *p, p2m_mirror_fn fn, void *ctx);

/* The top table's physical address: nCR3, or the EPTP's address field (the
 * vendor adds the EPTP's WB memory type (6) and walk length - 1 (3)).
 * Constant for the p2m's life; no lock. */
paddr_t p2m_root(const struct p2m *p);

/* RAM frames mapped (P2M_RAM_RW and P2M_RAM_RO; a 2 MiB page counts 512),
 * of which owned, and table frames in use. No lock: a snapshot. */
uint64_t p2m_ram_pages(const struct p2m *p);
uint64_t p2m_owned_pages(const struct p2m *p);
uint64_t p2m_table_pages(const struct p2m *p);

#endif
