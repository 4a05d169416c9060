/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the domain builder (tools/libhv/build.c) against a fake
 * hypervisor: the environment's hv_hypercall(), hv_map_foreign() and
 * hv_wait_domain_event() are served here by a model of one domain (its
 * RAM as one host buffer, its special pages, params, ports, start state,
 * scheduling), which checks every call's arguments as Petrel would. The
 * kernel is the real hello test guest (build/guests/hello.elf, found next
 * to this binary's directory), so the ELF and PVH code run as in dom0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/elf.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/hvm/start_info.h>
#include <public/memory.h>
#include "../../tools/libhv/acpi.h"
#include "../../tools/libhv/build.h"
#include "../../tools/libhv/config.h"
#include "../../tools/libhv/libhv.h"
#include "stubs.h"

#define NO_FAIL         0xffffffffu

/* The fake hypervisor: at most one domain, id 5 unless asked for another. */
static struct {
    uint64_t free_pages;
    bool exists;
    domid_t id;
    uint32_t vcpus;
    uint64_t max_pages, tot_pages;
    uint8_t *ram;                       /* gfn < ram_pages */
    uint64_t ram_pages;
    bool *pop;                          /* per RAM gfn */
    bool special[3];                    /* HV_STORE_GFN, HV_CONSOLE_GFN, HV_ACPI_GFN */
    uint8_t acpi[4096];                 /* the ACPI page's contents */
    unsigned int extents[10];           /* populated extents by order */
    uint64_t params[64];
    uint32_t next_port;
    bool started;
    uint64_t rip, rbx;
    uint32_t weight, cap;
    uint64_t affinity[4];
    int maps_live;
    bool destroyed_mapped;              /* destroyed while still mapped */
    unsigned int info_alive;            /* getdomaininfo after destroy: still there */
    unsigned int waits;
    uint32_t fail_domctl, fail_hvm;     /* that command fails with fail_rc */
    unsigned int fail_order;            /* populate of this order gives nothing */
    int fail_rc;
    unsigned int creates;
    /* PCI functions: fake_pci[i]'s owner (0: dom0) and mark. */
    domid_t pci_owner[3];
    bool pci_assignable[3];
    unsigned int assigns, deassigns;
    bool destroyed_holding;             /* destroyed while it held a function */
} hv;

/* The machine's PCI functions: 00:03.0, 00:05.0, 00:06.0. */
static const uint16_t fake_pci[3] = { 0x18, 0x28, 0x30 };

static uint8_t *elf;
static size_t elf_size;
static const char *elf_path;
static struct hv_config cfg;
static char err[200];

static int fake_pci_index(uint16_t seg, uint16_t bdf)
{
    for (int i = 0; i < 3; i++)
        if (!seg && fake_pci[i] == bdf)
            return i;
    return -1;
}

/* assign_device / deassign_device, in the ABI's order of checks. */
static int assign(const struct petrel_domctl *d)
{
    int i = fake_pci_index(d->u.assign_device.seg, d->u.assign_device.bdf);

    if (d->u.assign_device.flags)
        return -XEN_EINVAL;
    if (i < 0)
        return -XEN_ENODEV;
    if (d->cmd == PETREL_DOMCTL_deassign_device) {
        if (hv.pci_owner[i] != hv.id)
            return -XEN_ENOENT;
        hv.pci_owner[i] = 0;
        hv.deassigns++;
        return 0;
    }
    if (!hv.pci_assignable[i])
        return -XEN_EPERM;
    if (hv.pci_owner[i])
        return -XEN_EBUSY;
    hv.pci_owner[i] = hv.id;
    hv.assigns++;
    return 0;
}

static bool holds_pci(domid_t id)
{
    for (int i = 0; i < 3; i++)
        if (hv.pci_owner[i] == id)
            return true;
    return false;
}

static int domctl(struct petrel_domctl *d)
{
    assert_int_equal(d->interface_version, PETREL_CTL_VERSION);
    if (d->cmd == hv.fail_domctl)
        return hv.fail_rc;
    if (d->cmd == PETREL_DOMCTL_createdomain) {
        assert_false(hv.exists);
        hv.creates++;
        hv.exists = true;
        hv.id = d->domain ? d->domain : 5;
        d->domain = hv.id;
        hv.vcpus = d->u.createdomain.max_vcpus;
        hv.max_pages = d->u.createdomain.max_pages;
        return 0;
    }
    if (!hv.exists || d->domain != hv.id) {
        if (d->cmd == PETREL_DOMCTL_getdomaininfo && hv.info_alive) {
            hv.info_alive--;
            return 0;
        }
        return -XEN_ESRCH;
    }
    switch (d->cmd) {
    case PETREL_DOMCTL_destroydomain:
        hv.exists = false;
        hv.destroyed_mapped |= hv.maps_live != 0;
        hv.destroyed_holding |= holds_pci(hv.id);
        for (int i = 0; i < 3; i++)         /* as Petrel's destruction does */
            if (hv.pci_owner[i] == hv.id)
                hv.pci_owner[i] = 0;
        return 0;
    case PETREL_DOMCTL_assign_device:
    case PETREL_DOMCTL_deassign_device:
        return assign(d);
    case PETREL_DOMCTL_getdomaininfo:
        return 0;
    case PETREL_DOMCTL_set_vcpu_start:
        assert_int_equal(d->u.vcpu_start.vcpu, 0);
        hv.started = true;
        hv.rip = d->u.vcpu_start.rip;
        hv.rbx = d->u.vcpu_start.rbx;
        return 0;
    case PETREL_DOMCTL_sched_credit:
        assert_int_equal(d->u.sched_credit.op, PETREL_SCHED_set);
        hv.weight = d->u.sched_credit.weight;
        hv.cap = d->u.sched_credit.cap;
        return 0;
    case PETREL_DOMCTL_setvcpuaffinity:
        assert_true(d->u.vcpuaffinity.vcpu < hv.vcpus && d->u.vcpuaffinity.vcpu < 4);
        hv.affinity[d->u.vcpuaffinity.vcpu] = d->u.vcpuaffinity.cpumap;
        return 0;
    }
    fail_msg("unexpected domctl %u", d->cmd);
    return -XEN_ENOSYS;
}

/* One extent of 2^order pages at gfn: 0 or why not. */
static int populate_one(uint64_t gfn, unsigned int order)
{
    uint64_t n = 1ull << order;

    if (order == hv.fail_order || gfn & (n - 1) || hv.tot_pages + n > hv.max_pages)
        return -XEN_ENOMEM;
    if (gfn == HV_STORE_GFN || gfn == HV_CONSOLE_GFN || gfn == HV_ACPI_GFN) {
        bool *p = &hv.special[gfn == HV_ACPI_GFN ? 2 : gfn == HV_CONSOLE_GFN];

        assert_int_equal(order, 0);
        assert_false(*p);
        *p = true;
    } else {
        assert_true(gfn + n <= hv.ram_pages);
        for (uint64_t i = 0; i < n; i++) {
            assert_false(hv.pop[gfn + i]);
            hv.pop[gfn + i] = true;
        }
    }
    hv.tot_pages += n;
    hv.extents[order]++;
    return 0;
}

static long memory_op(unsigned int cmd, struct xen_memory_reservation *r)
{
    const uint64_t *gfns = (const uint64_t *)(uintptr_t)r->extent_start;
    long done = 0;

    assert_int_equal(cmd, XENMEM_populate_physmap);
    assert_int_equal(r->domid, hv.id);
    assert_true(r->nr_extents >= 1 && r->nr_extents <= 4096);
    assert_true(r->extent_order == 0 || r->extent_order == 9);
    while (done < (long)r->nr_extents && !populate_one(gfns[done], r->extent_order))
        done++;
    return done;
}

/* PETREL_SYSCTL_pci_assignable's list, one entry a call (the caller pages). */
static int pci_list(struct petrel_pci_assignable *a)
{
    struct petrel_pcidev_info *out = (void *)(uintptr_t)a->buffer;

    assert_int_equal(a->op, PETREL_PCI_ASSIGNABLE_list);
    a->total = 3;
    a->nr_devs = 0;
    if (a->first < 3 && a->max_devs) {
        uint32_t i = a->first;

        out[0] = (struct petrel_pcidev_info){
            .bdf = fake_pci[i], .vendor = 0x1234, .device = 0x11e8,
            .owner = hv.pci_owner[i],
            .flags = hv.pci_assignable[i] ? PETREL_PCIDEV_assignable : 0,
        };
        a->nr_devs = 1;
    }
    return 0;
}

long hv_hypercall(unsigned int nr, uintptr_t a1, uintptr_t a2)
{
    if (nr == __HYPERVISOR_sysctl) {
        struct petrel_sysctl *s = (void *)a1;

        if (s->cmd == PETREL_SYSCTL_pci_assignable)
            return pci_list(&s->u.pci_assignable);
        assert_int_equal(s->cmd, PETREL_SYSCTL_physinfo);
        s->u.physinfo.free_pages = hv.free_pages;
        s->u.physinfo.nr_cpus = 2;
        return 0;
    }
    if (nr == __HYPERVISOR_domctl)
        return domctl((void *)a1);
    if (nr == __HYPERVISOR_memory_op)
        return memory_op(a1, (void *)a2);
    if (nr == __HYPERVISOR_hvm_op) {
        struct xen_hvm_param *p = (void *)a2;

        assert_int_equal(a1, HVMOP_set_param);
        assert_int_equal(p->domid, hv.id);
        if (p->index == hv.fail_hvm)
            return hv.fail_rc;
        hv.params[p->index] = p->value;
        return 0;
    }
    if (nr == __HYPERVISOR_event_channel_op) {
        struct evtchn_alloc_unbound *a = (void *)a2;

        assert_int_equal(a1, EVTCHNOP_alloc_unbound);
        assert_int_equal(a->dom, hv.id);
        assert_int_equal(a->remote_dom, 0);
        a->port = hv.next_port++;
        return 0;
    }
    fail_msg("unexpected hypercall %u", nr);
    return -XEN_ENOSYS;
}

void *hv_map_foreign(domid_t dom, const uint64_t *gfns, unsigned int n)
{
    assert_int_equal(dom, hv.id);
    assert_true(n >= 1 && n <= HV_MAP_BATCH);
    if (gfns[0] == HV_ACPI_GFN) {
        if (n != 1 || !hv.special[2])
            return NULL;
        hv.maps_live++;
        return hv.acpi;
    }
    for (unsigned int i = 0; i < n; i++)
        if (gfns[i] != gfns[0] + i || gfns[i] >= hv.ram_pages || !hv.pop[gfns[i]])
            return NULL;
    hv.maps_live += n;
    return hv.ram + (gfns[0] << 12);
}

void hv_unmap_foreign(void *p, unsigned int n)
{
    hv.maps_live -= n;
    assert_true(hv.maps_live >= 0);
}

void hv_wait_domain_event(uint64_t timeout_ns)
{
    assert_true(timeout_ns > 0);
    hv.waits++;
}

/* The loader's messages go to the stubs' log; the last line is the one. */
const char *hv_kmsg_last(void)
{
    static char last[200];
    size_t n = strlen(stub_log);
    const char *s;

    while (n && stub_log[n - 1] == '\n')
        n--;
    for (s = stub_log + n; s > stub_log && s[-1] != '\n'; s--)
        ;
    snprintf(last, sizeof(last), "%.*s", (int)(stub_log + n - s), s);
    return last;
}

void hv_kmsg_clear(void)
{
    stub_log_reset();
}

/* ---- fixtures ---- */

static void load_elf(void)
{
    FILE *f = fopen(elf_path, "rb");
    long n;

    if (!f)
        fail_msg("%s: cannot open (make guests builds it)", elf_path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    elf = malloc((size_t)n);
    assert_non_null(elf);
    assert_int_equal(fread(elf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    elf_size = (size_t)n;
}

static void config(const char *text)
{
    hv_config_free(&cfg);
    if (hv_config_parse(text, strlen(text), &cfg, err, sizeof(err)))
        fail_msg("config: %s", err);
}

static int setup(void **state)
{
    if (!elf)
        load_elf();
    memset(&hv, 0, sizeof(hv));
    hv.free_pages = 1 << 20;
    hv.ram_pages = 16 << 8;             /* 16 MiB: enough for any test */
    hv.ram = calloc(hv.ram_pages, 4096);
    hv.pop = calloc(hv.ram_pages, sizeof(bool));
    hv.next_port = 3;
    hv.fail_domctl = hv.fail_hvm = NO_FAIL;
    hv.fail_order = 99;
    assert_non_null(hv.ram);
    assert_non_null(hv.pop);
    config("name = \"t\"\nkernel = \"hello.elf\"\nmemory = 16\n");
    err[0] = '\0';
    return 0;
}

static int teardown(void **state)
{
    free(hv.ram);
    free(hv.pop);
    hv_config_free(&cfg);
    return 0;
}

static int build(struct hv_build_result *r)
{
    struct hv_build_args a = { .cfg = &cfg, .kernel = elf, .kernel_size = elf_size };

    return hv_build(&a, r, err, sizeof(err));
}

/* After a failed build: nothing left, nothing mapped, err says what. */
static void expect_undone(int rc, int want, const char *text)
{
    assert_int_equal(rc, want);
    assert_false(hv.exists);
    assert_false(hv.destroyed_mapped);
    assert_int_equal(hv.maps_live, 0);
    if (!strstr(err, text))
        fail_msg("error '%s' lacks '%s'", err, text);
}

/* Every PT_LOAD of the file is in the guest at its p_paddr, bss zeroed. */
static void check_kernel_loaded(void)
{
    struct elf_image img;

    assert_int_equal(elf_parse(elf, elf_size, &img), 0);
    for (unsigned int i = 0; i < img.nr_segments; i++) {
        const struct elf_segment *s = &img.segs[i];

        assert_memory_equal(hv.ram + s->paddr, elf + s->offset, s->filesz);
        for (uint64_t b = s->filesz; b < s->memsz; b++)
            assert_int_equal(hv.ram[s->paddr + b], 0);
    }
}

/* ---- tests ---- */

static void test_build_ok(void **state)
{
    struct hv_build_result r;
    const struct hvm_start_info *si;
    uint64_t pages = 0;

    config("name = \"t\"\nkernel = \"hello.elf\"\nmemory = 16\nvcpus = 2\n"
           "cpus = [\"1\", \"0-1\"]\nweight = 512\ncap = 50\ncmdline = \"a=b\"\n");
    assert_int_equal(build(&r), 0);
    assert_true(hv.exists);
    assert_int_equal(r.domid, 5);
    assert_int_equal(hv.vcpus, 2);
    assert_int_equal(hv.max_pages, 16 * 256 + 3);
    for (uint64_t g = 0; g < hv.ram_pages; g++)
        pages += hv.pop[g];
    assert_int_equal(pages, 16 * 256);
    assert_int_equal(hv.extents[9], 8);             /* all of it in 2 MiB */
    assert_int_equal(hv.extents[0], 3);             /* the special pages */
    assert_true(hv.special[0] && hv.special[1] && hv.special[2]);
    assert_int_equal(hv.params[HVM_PARAM_STORE_PFN], HV_STORE_GFN);
    assert_int_equal(hv.params[HVM_PARAM_CONSOLE_PFN], HV_CONSOLE_GFN);
    assert_int_equal(hv.params[HVM_PARAM_STORE_EVTCHN], r.store_port);
    assert_int_equal(hv.params[HVM_PARAM_CONSOLE_EVTCHN], r.console_port);
    assert_int_not_equal(r.store_port, r.console_port);
    assert_true(hv.started);
    assert_int_equal(hv.rip, r.entry);
    assert_int_equal(hv.rbx, r.start_info);
    si = (const void *)(hv.ram + r.start_info);
    assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
    assert_string_equal((const char *)(hv.ram + si->cmdline_paddr), "a=b");
    /* The ACPI page: the RSDP the start info names, a MADT with 2 LAPICs,
     * and the page reserved in the memory map. */
    assert_int_equal(si->rsdp_paddr, HV_ACPI_GFN << 12);
    assert_memory_equal(hv.acpi, "RSD PTR ", 8);
    assert_memory_equal(hv.acpi + HV_ACPI_MADT_OFF, "APIC", 4);
    assert_int_equal(hv.acpi[HV_ACPI_MADT_OFF + 4], 44 + 2 * 8);
    {
        const struct hvm_memmap_table_entry *mm = (const void *)(hv.ram + si->memmap_paddr);
        bool found = false;

        for (uint32_t i = 0; i < si->memmap_entries; i++)
            if (mm[i].addr == HV_ACPI_GFN << 12) {
                assert_int_equal(mm[i].size, 4096);
                assert_int_equal(mm[i].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
                found = true;
            }
        assert_true(found);
    }
    assert_int_equal(hv.weight, 512);
    assert_int_equal(hv.cap, 50);
    assert_int_equal(hv.affinity[0], 2);
    assert_int_equal(hv.affinity[1], 3);
    assert_int_equal(hv.maps_live, 0);
    check_kernel_loaded();
}

static void test_odd_size_uses_small_pages(void **state)
{
    struct hv_build_result r;

    config("name = \"t\"\nkernel = \"hello.elf\"\nmemory = 5\n");
    assert_int_equal(build(&r), 0);
    assert_int_equal(hv.extents[9], 2);
    assert_int_equal(hv.extents[0], 256 + 3);
    assert_int_equal(hv.tot_pages, 5 * 256 + 3);
}

static void test_superpage_refused_falls_back(void **state)
{
    struct hv_build_result r;

    hv.fail_order = 9;
    assert_int_equal(build(&r), 0);
    assert_int_equal(hv.extents[9], 0);
    assert_int_equal(hv.extents[0], 16 * 256 + 3);
}

static void test_not_enough_memory(void **state)
{
    struct hv_build_result r;

    hv.free_pages = 900 * 256;
    config("name = \"t\"\nkernel = \"hello.elf\"\nmemory = 2048\n");
    expect_undone(build(&r), -XEN_ENOMEM, "not enough memory: 2048 MiB asked, 900 MiB free");
    assert_int_equal(hv.creates, 0);
}

static void test_not_an_elf(void **state)
{
    struct hv_build_args a = { .cfg = &cfg, .kernel = "hello", .kernel_size = 5 };
    struct hv_build_result r;

    expect_undone(hv_build(&a, &r, err, sizeof(err)), -XEN_EINVAL, "kernel 'hello.elf': ");
    assert_int_equal(hv.creates, 0);
}

static void test_create_fails(void **state)
{
    struct hv_build_result r;

    hv.fail_domctl = PETREL_DOMCTL_createdomain;
    hv.fail_rc = -XEN_ENOSPC;
    expect_undone(build(&r), -XEN_ENOSPC, "createdomain: no space left (-ENOSPC)");
}

static void test_populate_fails(void **state)
{
    struct hv_build_result r;

    hv.fail_order = 0;
    config("name = \"t\"\nkernel = \"hello.elf\"\nmemory = 5\n");
    expect_undone(build(&r), -XEN_ENOMEM, "populating RAM at gfn 0x400: out of memory");
    assert_int_equal(hv.creates, 1);
}

static void test_param_fails(void **state)
{
    struct hv_build_result r;

    hv.fail_hvm = HVM_PARAM_CONSOLE_EVTCHN;
    hv.fail_rc = -XEN_EINVAL;
    expect_undone(build(&r), -XEN_EINVAL, "HVM params of the rings: invalid argument");
}

static void test_affinity_fails(void **state)
{
    struct hv_build_result r;

    config("name = \"t\"\nkernel = \"hello.elf\"\nmemory = 16\ncpus = \"7\"\n");
    hv.fail_domctl = PETREL_DOMCTL_setvcpuaffinity;
    hv.fail_rc = -XEN_EINVAL;
    expect_undone(build(&r), -XEN_EINVAL, "cpus: vCPU 0 on pCPUs 7: invalid argument");
}

/* ---- pci = [...] ---- */

#define PCI_CFG "name = \"t\"\nkernel = \"hello.elf\"\nmemory = 16\n"

static void test_pci_assigned(void **state)
{
    struct hv_build_result r;

    config(PCI_CFG "pci = [ '00:05.0', '0000:00:06.0' ]\n");
    hv.pci_assignable[1] = hv.pci_assignable[2] = true;
    assert_int_equal(build(&r), 0);
    assert_true(hv.exists);
    assert_int_equal(hv.pci_owner[0], 0);
    assert_int_equal(hv.pci_owner[1], 5);
    assert_int_equal(hv.pci_owner[2], 5);
    assert_int_equal(hv.deassigns, 0);
}

/* The second function is another guest's: the first is taken back before
 * the domain goes, and err names the holder. */
static void test_pci_busy_names_holder(void **state)
{
    struct hv_build_result r;

    config(PCI_CFG "pci = [ '00:05.0', '00:06.0' ]\n");
    hv.pci_assignable[1] = hv.pci_assignable[2] = true;
    hv.pci_owner[2] = 7;
    expect_undone(build(&r), -XEN_EBUSY, "pci 00:06.0: held by domain 7: ");
    assert_int_equal(hv.assigns, 1);
    assert_int_equal(hv.deassigns, 1);
    assert_false(hv.destroyed_holding);
    assert_int_equal(hv.pci_owner[1], 0);
    assert_int_equal(hv.pci_owner[2], 7);
}

/* -EBUSY while dom0 still holds it (a pirq of dom0's on it): no holder. */
static void test_pci_busy_dom0(void **state)
{
    struct hv_build_result r;

    config(PCI_CFG "pci = [ '00:05.0' ]\n");
    hv.pci_assignable[1] = true;
    hv.fail_domctl = PETREL_DOMCTL_assign_device;
    hv.fail_rc = -XEN_EBUSY;
    expect_undone(build(&r), -XEN_EBUSY, "pci 00:05.0: dom0 still uses it");
    assert_false(hv.destroyed_holding);
}

static void test_pci_not_assignable(void **state)
{
    struct hv_build_result r;

    config(PCI_CFG "pci = [ '00:06.0', '00:05.0' ]\n");
    hv.pci_assignable[2] = true;
    expect_undone(build(&r), -XEN_EPERM,
                  "pci 00:05.0: not assignable: run hv pci-assignable-add 00:05.0");
    assert_int_equal(hv.assigns, 1);
    assert_int_equal(hv.deassigns, 1);
    assert_false(hv.destroyed_holding);
    assert_int_equal(hv.pci_owner[2], 0);
}

static void test_pci_no_such_function(void **state)
{
    struct hv_build_result r;

    config(PCI_CFG "pci = [ '00:1f.7' ]\n");
    expect_undone(build(&r), -XEN_ENODEV, "pci 00:1f.7: no such device (-ENODEV)");
    assert_int_equal(hv.assigns, 0);
}

/* A step after the build failed (dom0's backends): undo takes the
 * functions back, then destroys. */
static void test_pci_undo(void **state)
{
    struct hv_build_result r;

    config(PCI_CFG "pci = [ '00:03.0', '00:05.0' ]\n");
    hv.pci_assignable[0] = hv.pci_assignable[1] = true;
    assert_int_equal(build(&r), 0);
    assert_int_equal(hv.pci_owner[0], 5);
    assert_int_equal(hv_build_undo(&cfg, r.domid), 0);
    assert_false(hv.exists);
    assert_int_equal(hv.deassigns, 2);
    assert_false(hv.destroyed_holding);
    assert_int_equal(hv.pci_owner[0], 0);
    assert_int_equal(hv.pci_owner[1], 0);
}

/* The BARs given are reserved in the guest's memory map: page-aligned,
 * sorted, touching ones merged, after its RAM. */
static void test_pci_bars_reserved(void **state)
{
    const struct hv_mem_range bars[3] = {
        { 0xfeb00010, 0xfeb00020 }, { 0xfea00000, 0xfeb00000 }, { 0xfd000000, 0xfd001000 },
    };
    struct hv_build_args a = { .cfg = &cfg, .kernel = elf, .kernel_size = elf_size,
                               .bars = bars, .nr_bars = 3 };
    struct hv_build_result r;
    const struct hvm_start_info *si;
    const struct hvm_memmap_table_entry *mm;

    assert_int_equal(hv_build(&a, &r, err, sizeof(err)), 0);
    si = (const void *)(hv.ram + r.start_info);
    mm = (const void *)(hv.ram + si->memmap_paddr);
    /* RAM, the ACPI page, then the BARs' pages (adjacent ones merged). */
    assert_int_equal(si->memmap_entries, 4);
    assert_int_equal(mm[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    assert_int_equal(mm[1].addr, HV_ACPI_GFN << 12);
    assert_int_equal(mm[1].size, 0x1000);
    assert_int_equal(mm[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
    assert_int_equal(mm[2].addr, 0xfd000000);
    assert_int_equal(mm[2].size, 0x1000);
    assert_int_equal(mm[2].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
    assert_int_equal(mm[3].addr, 0xfea00000);
    assert_int_equal(mm[3].size, 0x101000);
    assert_int_equal(mm[3].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
}

/* A BAR inside the guest's RAM, an empty one: refused before anything. */
static void test_pci_bars_bad(void **state)
{
    struct hv_mem_range bar = { 0x100000, 0x200000 };
    struct hv_build_args a = { .cfg = &cfg, .kernel = elf, .kernel_size = elf_size,
                               .bars = &bar, .nr_bars = 1 };
    struct hv_build_result r;

    expect_undone(hv_build(&a, &r, err, sizeof(err)), -XEN_EINVAL,
                  "pci: a BAR where the guest has RAM");
    bar.end = bar.start;
    expect_undone(hv_build(&a, &r, err, sizeof(err)), -XEN_EINVAL,
                  "pci: a BAR at 0x100000-0x100000");
    assert_int_equal(hv.creates, 0);
}

static void test_destroy_waits_until_gone(void **state)
{
    hv.exists = true;
    hv.id = 9;
    hv.info_alive = 3;                  /* dying for three more looks */
    assert_int_equal(hv_domain_destroy_wait(9), 0);
    assert_int_equal(hv.waits, 3);
}

static void test_destroy_gives_up(void **state)
{
    hv.exists = true;
    hv.id = 9;
    hv.info_alive = 1000000;
    assert_int_equal(hv_domain_destroy_wait(9), -XEN_ETIMEDOUT);
    assert_int_equal(hv.waits, HV_GONE_WAIT_MS / 100);
}

int main(int argc, char **argv)
{
    static char path[4096];
    const char *slash = strrchr(argv[0], '/');
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_build_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odd_size_uses_small_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_superpage_refused_falls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_enough_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_an_elf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_populate_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affinity_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_assigned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_busy_names_holder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_busy_dom0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_not_assignable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_no_such_function, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_undo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_bars_reserved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_bars_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_waits_until_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_gives_up, setup, teardown),
    };

    /* build/unit/test_build -> build/guests/hello.elf */
    snprintf(path, sizeof(path), "%.*s/../guests/hello.elf",
             slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
    elf_path = path;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
