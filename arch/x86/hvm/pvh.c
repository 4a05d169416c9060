/* SPDX-License-Identifier: MIT */
/* The PVH domain builder: lay out a guest's memory, then fill it. */
#include <petrel/elf.h>
#include <petrel/errno.h>
#include <petrel/guest_mem.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <public/hvm/start_info.h>
#include <x86/hvm/pvh.h>

/*
 * Guest-physical layout of a PVH guest with mem_bytes of RAM:
 *
 *   0 ................ low_end          RAM, low_end = min(mem_bytes, 3 GiB)
 *     [kernel lo, hi)                  the PT_LOAD segments at their p_paddr
 *     [info.start, info.end)           from the page after hi: one or more
 *                                      pages holding, in order,
 *                                        struct hvm_start_info
 *                                        struct hvm_modlist_entry[nr_modules]
 *                                        struct hvm_memmap_table_entry[]
 *                                        the kernel command line, NUL-ended
 *                                        each module's command line
 *     module 0, module 1, ...          each from a page boundary
 *   3 GiB ............ 4 GiB           hole (the vLAPIC page at 0xfee00000; other MMIO)
 *   4 GiB ............ 4 GiB + rest    RAM, when mem_bytes > 3 GiB
 *
 * The start-info block comes before the modules, right after the kernel:
 * Linux reads the module list and the memory map in xen_prepare_pvh()
 * through its early 1 GiB direct map, so they must sit below 1 GiB however
 * large the initrd is. A block above 1 GiB only draws a warning, since other
 * guests may not care.
 *
 * The memory map lists the RAM ranges and nothing else, RAM from 0 as in
 * Xen's PVH domU map: a PVH guest has no BIOS area (Linux reserves
 * 0xA0000-0x100000 on its own). The kernel, the start-info block and the
 * modules stay RAM in that map, as Xen leaves them: Linux copies
 * hvm_start_info in its PVH entry code, copies the memory map and reads the
 * module list in xen_prepare_pvh(), and copies the command line in
 * copy_bootdata(), all before its memblock allocator hands out RAM; it
 * reserves its own image and the initrd (module 0) itself. Modules after the
 * first are not protected by Linux: a guest using them must reserve them.
 *
 * pvh_plan() only computes; pvh_write() only writes what the plan says,
 * through the guest_mem_ops, so that the caller can populate the RAM ranges
 * in between and unit tests can run both against a fake guest memory.
 */

#define pvh_warn(fmt, ...)  pr_warn("pvh: " fmt "\n", ##__VA_ARGS__)

/* Length of a command line, or -E2BIG; NULL counts as empty. */
static int pvh_strlen(const char *s, const char *what, unsigned int idx,
                      uint32_t *len)
{
    size_t n = s ? strnlen(s, PVH_CMDLINE_MAX + 1) : 0;

    if (n > PVH_CMDLINE_MAX) {
        pvh_warn("%s %u: command line longer than %u bytes", what, idx,
                 PVH_CMDLINE_MAX);
        return -E2BIG;
    }
    *len = (uint32_t)n;
    return 0;
}

static int pvh_check_kernel(const struct elf_image *k)
{
    if (!k) {
        pvh_warn("no kernel image");
        return -EINVAL;
    }
    if (!k->has_phys32_entry) {
        pvh_warn("kernel has no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
        return -EINVAL;
    }
    if (k->phys32_entry < k->lo || k->phys32_entry >= k->hi) {
        pvh_warn("PVH entry %#x outside the kernel [%#llx, %#llx)",
                 k->phys32_entry, (unsigned long long)k->lo,
                 (unsigned long long)k->hi);
        return -EINVAL;
    }
    return 0;
}

static int pvh_check_mem(uint64_t mem_bytes)
{
    if (mem_bytes == 0 || !IS_ALIGNED(mem_bytes, PAGE_SIZE)) {
        pvh_warn("guest memory %#llx is not a non-zero multiple of a page",
                 (unsigned long long)mem_bytes);
        return -EINVAL;
    }
    if (mem_bytes > PVH_MAX_MEM) {
        pvh_warn("guest memory %llu MiB is above the limit of %llu MiB",
                 (unsigned long long)(mem_bytes >> 20),
                 (unsigned long long)(PVH_MAX_MEM >> 20));
        return -EINVAL;
    }
    return 0;
}

static int pvh_check_modules(const struct pvh_build_args *a)
{
    if (a->nr_modules > PVH_MAX_MODULES) {
        pvh_warn("%u modules, at most %u", a->nr_modules, PVH_MAX_MODULES);
        return -EINVAL;
    }
    if (a->nr_modules && !a->modules) {
        pvh_warn("%u modules but no module list", a->nr_modules);
        return -EINVAL;
    }
    for (unsigned int i = 0; i < a->nr_modules; i++) {
        if (a->modules[i].size && !a->modules[i].data) {
            pvh_warn("module %u has %llu bytes but no data", i,
                     (unsigned long long)a->modules[i].size);
            return -EINVAL;
        }
    }
    return 0;
}

static bool overlaps(const struct pvh_range *a, uint64_t start, uint64_t end)
{
    return a->start < end && start < a->end;
}

/* The reserved ranges: well-formed, sorted, apart from each other and RAM. */
static int pvh_check_reserved(const struct pvh_build_args *a, const struct pvh_plan *p)
{
    if (a->nr_reserved > PVH_MAX_RESERVED || (a->nr_reserved && !a->reserved)) {
        pvh_warn("%u reserved ranges: at most %u", a->nr_reserved, PVH_MAX_RESERVED);
        return -EINVAL;
    }
    for (unsigned int i = 0; i < a->nr_reserved; i++) {
        const struct pvh_range *r = &a->reserved[i];
        bool bad = r->start >= r->end || !IS_ALIGNED(r->start, PAGE_SIZE) ||
                   !IS_ALIGNED(r->end, PAGE_SIZE) || (i && r->start < r[-1].end);

        for (unsigned int j = 0; j < p->nr_ram && !bad; j++)
            bad = overlaps(&p->ram[j], r->start, r->end);
        if (bad) {
            pvh_warn("reserved range %u [%#llx, %#llx) is malformed, out of order or "
                     "over RAM", i, (unsigned long long)r->start, (unsigned long long)r->end);
            return -EINVAL;
        }
    }
    return 0;
}

/* RAM: [0, low_end) and, past the hole, [4 GiB, 4 GiB + the rest). */
static void pvh_plan_ram(struct pvh_plan *p, uint64_t mem_bytes)
{
    uint64_t low_end = MIN(mem_bytes, PVH_LOW_RAM_END);

    p->ram[0] = (struct pvh_range){ 0, low_end };
    p->nr_ram = 1;
    if (mem_bytes > low_end) {
        p->ram[1] = (struct pvh_range){ PVH_HIGH_RAM_START,
                                        PVH_HIGH_RAM_START + mem_bytes - low_end };
        p->nr_ram = 2;
    }
}

static int pvh_plan_kernel(const struct pvh_build_args *a, struct pvh_plan *p)
{
    const struct elf_image *k = a->kernel;
    uint64_t low_end = p->ram[0].end;

    if (k->hi > low_end) {
        pvh_warn("kernel does not fit: it ends at %#llx, low RAM at %#llx",
                 (unsigned long long)k->hi, (unsigned long long)low_end);
        return -EINVAL;
    }
    if (ALIGN_UP(k->hi, PAGE_SIZE) + PVH_MIN_FREE > a->mem_bytes) {
        pvh_warn("%llu KiB of guest memory leaves less than %llu KiB beyond "
                 "the kernel", (unsigned long long)(a->mem_bytes >> 10),
                 (unsigned long long)(PVH_MIN_FREE >> 10));
        return -EINVAL;
    }
    p->kernel = (struct pvh_range){ k->lo, k->hi };
    p->entry = k->phys32_entry;
    return 0;
}

/* Give 'len' bytes of the info block to a string; 0 when empty. */
static uint64_t pvh_place_string(uint64_t *cursor, uint32_t len)
{
    uint64_t pa = len ? *cursor : 0;

    if (len)
        *cursor += len + 1;
    return pa;
}

/* The start-info block: fixed order, sizes known, strings measured. */
static int pvh_plan_info(const struct pvh_build_args *a, struct pvh_plan *p)
{
    uint64_t cur = ALIGN_UP(p->kernel.end, PAGE_SIZE);
    int rc;

    p->info.start = p->start_info_paddr = cur;
    cur += sizeof(struct hvm_start_info);
    p->modlist_paddr = a->nr_modules ? cur : 0;
    cur += (uint64_t)a->nr_modules * sizeof(struct hvm_modlist_entry);
    p->memmap_paddr = cur;
    p->memmap_entries = p->nr_ram + a->nr_reserved;
    cur += p->memmap_entries * sizeof(struct hvm_memmap_table_entry);
    rc = pvh_strlen(a->cmdline, "kernel", 0, &p->cmdline_len);
    if (rc)
        return rc;
    p->cmdline_paddr = pvh_place_string(&cur, p->cmdline_len);
    for (unsigned int i = 0; i < a->nr_modules; i++) {
        rc = pvh_strlen(a->modules[i].cmdline, "module", i,
                        &p->mods[i].cmdline_len);
        if (rc)
            return rc;
        p->mods[i].cmdline_paddr = pvh_place_string(&cur, p->mods[i].cmdline_len);
    }
    p->info.end = ALIGN_UP(cur, PAGE_SIZE);
    return 0;
}

static int pvh_plan_modules(const struct pvh_build_args *a, struct pvh_plan *p)
{
    uint64_t cur = p->info.end, low_end = p->ram[0].end;

    if (cur > low_end) {
        pvh_warn("no room for the start info: it ends at %#llx, low RAM at %#llx",
                 (unsigned long long)cur, (unsigned long long)low_end);
        return -ENOSPC;
    }
    for (unsigned int i = 0; i < a->nr_modules; i++) {
        uint64_t size = a->modules[i].size;

        /*
         * cur and low_end are page-aligned, so the aligned size fits when
         * the size does; compare before aligning, as size may be near 2^64.
         */
        if (size > low_end - cur) {
            pvh_warn("no room for module %u (%llu KiB) below %#llx", i,
                     (unsigned long long)(size >> 10),
                     (unsigned long long)low_end);
            return -ENOSPC;
        }
        p->mods[i].paddr = cur;
        p->mods[i].size = size;
        cur += ALIGN_UP(size, PAGE_SIZE);
    }
    p->nr_modules = a->nr_modules;
    p->end = cur;
    return 0;
}

int pvh_plan(const struct pvh_build_args *args, struct pvh_plan *plan)
{
    int rc;

    memset(plan, 0, sizeof(*plan));
    rc = pvh_check_kernel(args->kernel);
    if (!rc)
        rc = pvh_check_mem(args->mem_bytes);
    if (!rc)
        rc = pvh_check_modules(args);
    if (rc)
        return rc;
    pvh_plan_ram(plan, args->mem_bytes);
    rc = pvh_check_reserved(args, plan);
    if (!rc)
        rc = pvh_plan_kernel(args, plan);
    if (!rc)
        rc = pvh_plan_info(args, plan);
    if (!rc)
        rc = pvh_plan_modules(args, plan);
    if (rc) {
        memset(plan, 0, sizeof(*plan));
        return rc;
    }
    if (plan->info.end > PVH_LINUX_INFO_LIMIT)
        pvh_warn("start info ends above 1 GiB (%#llx): Linux cannot read it",
                 (unsigned long long)plan->info.end);
    return 0;
}

/* ---- Writing ------------------------------------------------------------ */

/* The plan must have been made from these very arguments. */
static int pvh_check_plan(const struct pvh_build_args *a,
                          const struct pvh_plan *p)
{
    bool same = a->kernel && a->nr_modules == p->nr_modules && p->nr_ram &&
                p->memmap_entries == p->nr_ram + a->nr_reserved &&
                p->entry == a->kernel->phys32_entry &&
                (a->cmdline ? strnlen(a->cmdline, PVH_CMDLINE_MAX + 1) : 0) ==
                p->cmdline_len;

    for (unsigned int i = 0; same && i < a->nr_modules; i++) {
        const char *s = a->modules[i].cmdline;

        same = a->modules[i].size == p->mods[i].size &&
               (s ? strnlen(s, PVH_CMDLINE_MAX + 1) : 0) == p->mods[i].cmdline_len;
    }
    if (!same) {
        pvh_warn("the build arguments do not match the plan");
        return -EINVAL;
    }
    return 0;
}

static int pvh_write_start_info(const struct pvh_build_args *a,
                                const struct pvh_plan *p,
                                const struct guest_mem_ops *ops, void *ctx)
{
    struct hvm_start_info si = {
        .magic = XEN_HVM_START_MAGIC_VALUE,
        .version = 1,
        .flags = a->flags,
        .nr_modules = p->nr_modules,
        .modlist_paddr = p->modlist_paddr,
        .cmdline_paddr = p->cmdline_paddr,
        .rsdp_paddr = a->rsdp_paddr,
        .memmap_paddr = p->memmap_paddr,
        .memmap_entries = p->memmap_entries,
    };

    return ops->write(ctx, p->start_info_paddr, &si, sizeof(si));
}

static int pvh_write_lists(const struct pvh_build_args *a, const struct pvh_plan *p,
                           const struct guest_mem_ops *ops, void *ctx)
{
    int rc = 0;

    for (unsigned int i = 0; i < p->nr_modules && !rc; i++) {
        struct hvm_modlist_entry m = {
            .paddr = p->mods[i].paddr,
            .size = p->mods[i].size,
            .cmdline_paddr = p->mods[i].cmdline_paddr,
        };

        rc = ops->write(ctx, p->modlist_paddr + i * sizeof(m), &m, sizeof(m));
    }
    /* Merge the RAM and the reserved ranges, both sorted. */
    for (unsigned int i = 0, r = 0, m = 0; m < p->memmap_entries && !rc; m++) {
        bool ram = r == a->nr_reserved ||
                   (i < p->nr_ram && p->ram[i].start < a->reserved[r].start);
        const struct pvh_range *from = ram ? &p->ram[i++] : &a->reserved[r++];
        struct hvm_memmap_table_entry e = {
            .addr = from->start,
            .size = from->end - from->start,
            .type = ram ? XEN_HVM_MEMMAP_TYPE_RAM : XEN_HVM_MEMMAP_TYPE_RESERVED,
        };

        rc = ops->write(ctx, p->memmap_paddr + m * sizeof(e), &e, sizeof(e));
    }
    return rc;
}

/* A planned string; its NUL is already there: the block was zeroed. */
static int pvh_write_string(uint64_t pa, const char *s, uint32_t len,
                            const struct guest_mem_ops *ops, void *ctx)
{
    return len ? ops->write(ctx, pa, s, len) : 0;
}

static int pvh_write_strings(const struct pvh_build_args *a,
                             const struct pvh_plan *p,
                             const struct guest_mem_ops *ops, void *ctx)
{
    int rc = pvh_write_string(p->cmdline_paddr, a->cmdline, p->cmdline_len,
                              ops, ctx);

    for (unsigned int i = 0; i < p->nr_modules && !rc; i++)
        rc = pvh_write_string(p->mods[i].cmdline_paddr, a->modules[i].cmdline,
                              p->mods[i].cmdline_len, ops, ctx);
    return rc;
}

int pvh_write(const struct pvh_build_args *args, const struct pvh_plan *plan,
              const struct guest_mem_ops *ops, void *ctx)
{
    int rc = pvh_check_plan(args, plan);

    if (!rc)
        rc = elf_load(args->kernel, ops, ctx);
    if (!rc)
        rc = ops->zero(ctx, plan->info.start, plan->info.end - plan->info.start);
    if (!rc)
        rc = pvh_write_start_info(args, plan, ops, ctx);
    if (!rc)
        rc = pvh_write_lists(args, plan, ops, ctx);
    if (!rc)
        rc = pvh_write_strings(args, plan, ops, ctx);
    for (unsigned int i = 0; i < plan->nr_modules && !rc; i++) {
        if (plan->mods[i].size)
            rc = ops->write(ctx, plan->mods[i].paddr, args->modules[i].data,
                            plan->mods[i].size);
    }
    if (rc)
        pvh_warn("writing the guest failed (%d)", rc);
    return rc;
}

bool pvh_range_add(struct pvh_range *list, unsigned int *nr, unsigned int max,
                   uint64_t start, uint64_t end)
{
    unsigned int at = 0, n = *nr;

    while (at < n && list[at].end < start)
        at++;
    if (at < n && list[at].start <= end) {
        list[at].start = MIN(list[at].start, start);
        list[at].end = MAX(list[at].end, end);
        while (at + 1 < n && list[at + 1].start <= list[at].end) {
            list[at].end = MAX(list[at].end, list[at + 1].end);
            memmove(&list[at + 1], &list[at + 2], (n - at - 2) * sizeof(*list));
            n--;
        }
        *nr = n;
        return true;
    }
    if (n == max)
        return false;
    memmove(&list[at + 1], &list[at], (n - at) * sizeof(*list));
    list[at] = (struct pvh_range){ start, end };
    *nr = n + 1;
    return true;
}
