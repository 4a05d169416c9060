// SPDX-License-Identifier: MIT
/*
 * The domain builder (build.h). Everything is decided before the domain
 * exists (elf_parse, pvh_plan, the memory check), so that most errors leave
 * nothing to undo; after createdomain any failure destroys the domain and
 * waits until it is gone. Guest memory is written through foreign mappings
 * of up to HV_MAP_BATCH pages, one window at a time: the loader writes
 * mostly in order, so each window is mapped once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <petrel/elf.h>
#include <petrel/guest_mem.h>
#include <public/errno.h>
#include <public/hvm/params.h>
#include <x86/hvm/pvh.h>
#include "acpi.h"
#include "build.h"
#include "config.h"
#include "libhv.h"
#include "pcidev.h"

#define SUPER_ORDER     9                       /* 2 MiB extents */
#define SUPER_PAGES     (1ull << SUPER_ORDER)
#define POP_BATCH       512                     /* extents per populate call */
#define GONE_STEP_NS    100000000ull            /* re-check a dying domain */

struct build {
    const struct hv_build_args *a;
    struct hv_build_result *res;
    char *err;
    size_t errlen;
    struct elf_image img;
    struct pvh_module mod;
    struct pvh_build_args pargs;
    struct pvh_plan plan;
    struct pvh_range reserved[PVH_MAX_RESERVED];
    uint64_t gfns[POP_BATCH];
    /* The mapped window of guest memory: [win_gfn, win_gfn + win_n). */
    uint8_t *win;
    uint64_t win_gfn;
    unsigned int win_n;
    struct pvh_range acpi;              /* the ACPI page, reserved in the map */
    uint8_t acpi_page[HV_ACPI_PAGE_SIZE];
};

static int fail(struct build *b, int rc, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    vsnprintf(b->err, b->errlen, fmt, ap);
    va_end(ap);
    n = strlen(b->err);
    if (rc && n < b->errlen)
        snprintf(b->err + n, b->errlen - n, ": %s (-%s)", hv_strerror(rc),
                 hv_errname(rc));
    return rc ? rc : -XEN_EINVAL;
}

/* ---- guest memory through foreign mappings ---- */

static void win_drop(struct build *b)
{
    if (b->win)
        hv_unmap_foreign(b->win, b->win_n);
    b->win = NULL;
}

/* Map a window holding gfn: up to HV_MAP_BATCH pages of its RAM range. */
static int win_get(struct build *b, uint64_t gfn)
{
    const struct pvh_plan *p = &b->plan;
    uint64_t end = 0;

    if (b->win && gfn >= b->win_gfn && gfn < b->win_gfn + b->win_n)
        return 0;
    win_drop(b);
    for (unsigned int i = 0; i < p->nr_ram; i++)
        if (gfn >= p->ram[i].start >> 12 && gfn < p->ram[i].end >> 12)
            end = p->ram[i].end >> 12;
    if (!end)
        return -XEN_EFAULT;
    b->win_n = end - gfn < HV_MAP_BATCH ? (unsigned int)(end - gfn) : HV_MAP_BATCH;
    for (unsigned int i = 0; i < b->win_n; i++)
        b->gfns[i] = gfn + i;
    b->win = hv_map_foreign(b->res->domid, b->gfns, b->win_n);
    b->win_gfn = gfn;
    return b->win ? 0 : -XEN_EFAULT;
}

/* Copy len bytes of src (zeros when src is NULL) to guest gpa. */
static int gmem_copy(struct build *b, uint64_t gpa, const uint8_t *src, size_t len)
{
    while (len) {
        uint64_t off;
        size_t n;
        int rc = win_get(b, gpa >> 12);

        if (rc)
            return rc;
        off = gpa - (b->win_gfn << 12);
        n = ((uint64_t)b->win_n << 12) - off;
        n = n < len ? n : len;
        if (src) {
            memcpy(b->win + off, src, n);
            src += n;
        } else {
            memset(b->win + off, 0, n);
        }
        gpa += n;
        len -= n;
    }
    return 0;
}

static int gmem_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return gmem_copy(ctx, gpa, src, len);
}

static int gmem_zero(void *ctx, uint64_t gpa, size_t len)
{
    return gmem_copy(ctx, gpa, NULL, len);
}

static const struct guest_mem_ops gmem_ops = { gmem_write, gmem_zero };

/* ---- the steps ---- */

/* The ACPI page and the pages of the passed-through BARs, reserved in the
 * memory map. */
static int reserve_bars(struct build *b)
{
    unsigned int nr = 0;

    if (!pvh_range_add(b->reserved, &nr, PVH_MAX_RESERVED, b->acpi.start, b->acpi.end))
        return fail(b, 0, "the ACPI page's range");
    if (b->a->nr_bars > HV_BUILD_MAX_BARS)
        return fail(b, 0, "pci: more than %u BARs", HV_BUILD_MAX_BARS);
    for (unsigned int i = 0; i < b->a->nr_bars; i++) {
        const struct hv_mem_range *r = &b->a->bars[i];
        uint64_t start = r->start & ~0xfffull, end = (r->end + 0xfff) & ~0xfffull;

        if (r->end <= r->start || end < r->end)
            return fail(b, 0, "pci: a BAR at %#lx-%#lx", (unsigned long)r->start,
                        (unsigned long)r->end);
        if (!pvh_range_add(b->reserved, &nr, PVH_MAX_RESERVED, start, end))
            return fail(b, 0, "pci: more than %u reserved ranges", PVH_MAX_RESERVED);
    }
    b->pargs.reserved = b->reserved;
    b->pargs.nr_reserved = nr;
    return 0;
}

/* The kernel and the layout, before anything exists. */
static int plan(struct build *b)
{
    const struct hv_config *cfg = b->a->cfg;
    int rc;

    hv_kmsg_clear();
    if (elf_parse(b->a->kernel, b->a->kernel_size, &b->img))
        return fail(b, 0, "kernel '%s': %s", cfg->kernel, hv_kmsg_last());
    b->pargs.kernel = &b->img;
    b->pargs.mem_bytes = cfg->memory_mib << 20;
    b->pargs.cmdline = cfg->cmdline;
    /* The ACPI tables' page, reserved in the memory map; the RSDP in it. */
    b->pargs.rsdp_paddr = hv_acpi_build(b->acpi_page, HV_ACPI_GFN << 12, cfg->vcpus);
    if (!b->pargs.rsdp_paddr)
        return fail(b, 0, "ACPI tables for %u vCPUs", cfg->vcpus);
    b->acpi.start = HV_ACPI_GFN << 12;
    b->acpi.end = b->acpi.start + HV_ACPI_PAGE_SIZE;
    if (b->a->ramdisk) {
        b->mod.data = b->a->ramdisk;
        b->mod.size = b->a->ramdisk_size;
        b->pargs.modules = &b->mod;
        b->pargs.nr_modules = 1;
    }
    if ((rc = reserve_bars(b)))
        return rc;
    if ((rc = pvh_plan(&b->pargs, &b->plan))) {
        struct pvh_build_args no_bars = b->pargs;

        /* The same layout without the BARs (the ACPI page only): if that
         * works, they were it. */
        no_bars.reserved = &b->acpi;
        no_bars.nr_reserved = 1;
        if (b->a->nr_bars && !pvh_plan(&no_bars, &b->plan))
            return fail(b, 0, "pci: a BAR where the guest has RAM");
        return fail(b, 0, "kernel '%s': %s", cfg->kernel, hv_kmsg_last());
    }
    return 0;
}

static int check_memory(struct build *b, uint64_t pages)
{
    struct petrel_physinfo pi;
    int rc = hv_physinfo(&pi);

    if (rc)
        return fail(b, rc, "physinfo");
    if (pages <= pi.free_pages)
        return 0;
    fail(b, 0, "not enough memory: %lu MiB asked, %lu MiB free",
         (unsigned long)b->a->cfg->memory_mib, (unsigned long)(pi.free_pages >> 8));
    return -XEN_ENOMEM;
}

/* n extents of 2^order pages from gfn; the extents done or an error. */
static long populate_run(struct build *b, uint64_t gfn, unsigned int n,
                         unsigned int order)
{
    for (unsigned int i = 0; i < n; i++)
        b->gfns[i] = gfn + ((uint64_t)i << order);
    return hv_populate(b->res->domid, b->gfns, n, order);
}

/* 4 KiB pages [gfn, end), every one of them or an error. */
static int populate_small(struct build *b, uint64_t gfn, uint64_t end)
{
    while (gfn < end) {
        unsigned int n = end - gfn < POP_BATCH ? (unsigned int)(end - gfn) : POP_BATCH;
        long done = populate_run(b, gfn, n, 0);

        if (done <= 0)
            return fail(b, done < 0 ? (int)done : -XEN_ENOMEM,
                        "populating RAM at gfn %#lx", (unsigned long)gfn);
        gfn += done;
    }
    return 0;
}

/* RAM [start, end) in gfns: 2 MiB extents where aligned; a 2 MiB extent
 * the hypervisor cannot give (fragmented memory) is taken as 4 KiB pages. */
static int populate_range(struct build *b, uint64_t gfn, uint64_t end)
{
    int rc;

    while (gfn < end) {
        uint64_t next = (gfn + SUPER_PAGES) & ~(SUPER_PAGES - 1);
        long done;

        if ((gfn & (SUPER_PAGES - 1)) || end - gfn < SUPER_PAGES) {
            if ((rc = populate_small(b, gfn, next < end ? next : end)))
                return rc;
            gfn = next < end ? next : end;
            continue;
        }
        done = (end - gfn) >> SUPER_ORDER;
        done = populate_run(b, gfn, done < POP_BATCH ? (unsigned int)done : POP_BATCH,
                            SUPER_ORDER);
        if (done > 0) {
            gfn += (uint64_t)done << SUPER_ORDER;
            continue;
        }
        if ((rc = populate_small(b, gfn, gfn + SUPER_PAGES)))
            return rc;
        gfn += SUPER_PAGES;
    }
    return 0;
}

static int populate(struct build *b)
{
    const struct pvh_plan *p = &b->plan;
    int rc;

    for (unsigned int i = 0; i < p->nr_ram; i++)
        if ((rc = populate_range(b, p->ram[i].start >> 12, p->ram[i].end >> 12)))
            return rc;
    if ((rc = populate_small(b, HV_STORE_GFN, HV_STORE_GFN + 1)) ||
        (rc = populate_small(b, HV_CONSOLE_GFN, HV_CONSOLE_GFN + 1)) ||
        (rc = populate_small(b, HV_ACPI_GFN, HV_ACPI_GFN + 1)))
        return rc;
    b->res->store_gfn = HV_STORE_GFN;
    b->res->console_gfn = HV_CONSOLE_GFN;
    return 0;
}

/* The ACPI page, outside RAM: mapped on its own. */
static int load_acpi(struct build *b)
{
    uint64_t gfn = HV_ACPI_GFN;
    uint8_t *p = hv_map_foreign(b->res->domid, &gfn, 1);

    if (!p)
        return fail(b, -XEN_EFAULT, "writing the ACPI tables");
    memcpy(p, b->acpi_page, HV_ACPI_PAGE_SIZE);
    hv_unmap_foreign(p, 1);
    return 0;
}

static int load(struct build *b)
{
    int rc;

    if ((rc = load_acpi(b)))
        return rc;
    hv_kmsg_clear();
    rc = pvh_write(&b->pargs, &b->plan, &gmem_ops, b);
    win_drop(b);
    if (rc)
        return fail(b, rc, "loading kernel '%s'%s%s", b->a->cfg->kernel,
                    *hv_kmsg_last() ? ": " : "", hv_kmsg_last());
    return 0;
}

static int rings(struct build *b)
{
    struct hv_build_result *r = b->res;
    domid_t d = r->domid;
    int rc;

    if ((rc = hv_evtchn_alloc_unbound(d, 0, &r->store_port)) ||
        (rc = hv_evtchn_alloc_unbound(d, 0, &r->console_port)))
        return fail(b, rc, "event channel for the rings");
    if ((rc = hv_set_param(d, HVM_PARAM_STORE_PFN, r->store_gfn)) ||
        (rc = hv_set_param(d, HVM_PARAM_STORE_EVTCHN, r->store_port)) ||
        (rc = hv_set_param(d, HVM_PARAM_CONSOLE_PFN, r->console_gfn)) ||
        (rc = hv_set_param(d, HVM_PARAM_CONSOLE_EVTCHN, r->console_port)))
        return fail(b, rc, "HVM params of the rings");
    return 0;
}

static int sched(struct build *b)
{
    const struct hv_config *cfg = b->a->cfg;
    domid_t d = b->res->domid;
    int rc;

    if ((rc = hv_sched_credit_set(d, cfg->weight, cfg->cap)))
        return fail(b, rc, "weight %u, cap %u", cfg->weight, cfg->cap);
    for (unsigned int v = 0; v < cfg->vcpus; v++) {
        uint64_t map = cfg->nr_vcpu_cpus ? (v < cfg->nr_vcpu_cpus ? cfg->vcpu_cpus[v] : 0)
                                         : cfg->cpus;
        char cpus[64];

        if (map && (rc = hv_vcpu_affinity_set(d, v, map))) {
            hv_cpus_format(map, 64, cpus, sizeof(cpus));
            return fail(b, rc, "cpus: vCPU %u on pCPUs %s", v, cpus);
        }
    }
    return 0;
}

/* Who holds seg:bdf now: its owner's id, or -1 if the list does not say. */
static int pci_holder(uint16_t seg, uint16_t bdf)
{
    struct petrel_pcidev_info list[16];
    uint32_t first = 0, nr, total;

    do {
        if (hv_pci_list(first, list, 16, &nr, &total))
            return -1;
        for (uint32_t i = 0; i < nr; i++)
            if (list[i].seg == seg && list[i].bdf == bdf)
                return list[i].flags & PETREL_PCIDEV_no_owner ? -1 : list[i].owner;
        first += nr;
    } while (nr && first < total);
    return -1;
}

/* Why assign_device refused cfg's name for seg:bdf, in b->err. */
static int pci_refused(struct build *b, const char *name, uint16_t seg, uint16_t bdf, int rc)
{
    int holder;

    if (rc == -XEN_EPERM)
        return fail(b, rc, "pci %s: not assignable: run hv pci-assignable-add %s", name, name);
    if (rc != -XEN_EBUSY)
        return fail(b, rc, "pci %s", name);
    holder = pci_holder(seg, bdf);
    if (holder > 0 && holder != b->res->domid)
        return fail(b, rc, "pci %s: held by domain %d", name, holder);
    /* dom0's still: a pirq it mapped, a BAR page or requester id it shares */
    return fail(b, rc, "pci %s: dom0 still uses it or it cannot move alone "
                "(docs/pci.md)", name);
}

/* The first n of cfg's pci functions taken back from dom; the first
 * error, or 0. */
static int pci_deassign_n(const struct hv_config *cfg, domid_t dom, unsigned int n)
{
    int first_rc = 0;

    for (unsigned int i = 0; i < n; i++) {
        uint16_t seg, bdf;
        int rc = hv_parse_bdf(cfg->pci[i], &seg, &bdf);

        if (!rc)
            rc = hv_deassign_device(dom, seg, bdf);
        if (rc && !first_rc)
            first_rc = rc;
    }
    return first_rc;
}

/* Every pci = [...] function to the domain, in order; on a refusal those
 * given already are taken back (the caller destroys the domain). */
static int assign_pci(struct build *b)
{
    const struct hv_config *cfg = b->a->cfg;
    domid_t d = b->res->domid;

    for (unsigned int i = 0; i < cfg->nr_pci; i++) {
        uint16_t seg, bdf;
        int rc;

        if (hv_parse_bdf(cfg->pci[i], &seg, &bdf))
            rc = fail(b, -XEN_EINVAL, "pci: '%s' is not [seg:]bus:dev.fn", cfg->pci[i]);
        else if ((rc = hv_assign_device(d, seg, bdf)))
            rc = pci_refused(b, cfg->pci[i], seg, bdf, rc);
        if (rc) {
            pci_deassign_n(cfg, d, i);
            return rc;
        }
    }
    return 0;
}

int hv_build_undo(const struct hv_config *cfg, domid_t dom)
{
    pci_deassign_n(cfg, dom, cfg->nr_pci);
    return hv_domain_destroy_wait(dom);
}

int hv_build(const struct hv_build_args *a, struct hv_build_result *res,
             char *err, size_t errlen)
{
    static struct build bs;
    struct build *b = &bs;
    uint64_t ram_pages;
    int rc;

    memset(b, 0, sizeof(*b));
    memset(res, 0, sizeof(*res));
    b->a = a;
    b->res = res;
    b->err = err;
    b->errlen = errlen;
    err[0] = '\0';
    if ((rc = plan(b)))
        return rc;
    ram_pages = a->cfg->memory_mib << 8;
    if ((rc = check_memory(b, ram_pages + HV_NR_SPECIAL)))
        return rc;
    res->domid = a->domid;
    if ((rc = hv_domain_create(a->cfg->vcpus, ram_pages + HV_NR_SPECIAL, &res->domid)))
        return fail(b, rc, "createdomain");
    res->ram_pages = ram_pages;
    res->entry = b->plan.entry;
    res->start_info = b->plan.start_info_paddr;
    if (!(rc = populate(b)) && !(rc = load(b)) && !(rc = rings(b)) &&
        (rc = hv_vcpu_start(res->domid, 0, b->plan.entry, b->plan.start_info_paddr)))
        rc = fail(b, rc, "vCPU 0's start state");
    if (!rc)
        rc = sched(b);
    if (!rc)
        rc = assign_pci(b);
    if (rc)
        hv_domain_destroy_wait(res->domid);
    return rc;
}

int hv_domain_destroy_wait(domid_t dom)
{
    struct petrel_domaininfo info;
    unsigned int steps = HV_GONE_WAIT_MS / (GONE_STEP_NS / 1000000);
    int rc = hv_domain_destroy(dom);

    if (rc)
        return rc;
    while ((rc = hv_domain_info(dom, &info)) == 0 && steps--)
        hv_wait_domain_event(GONE_STEP_NS);
    if (rc == -XEN_ESRCH)
        return 0;
    return rc ? rc : -XEN_ETIMEDOUT;
}
