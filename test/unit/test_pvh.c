/* SPDX-License-Identifier: MIT */
/* Unit tests for the PVH layout builder (arch/x86/hvm/pvh.c). */

/*
 * Each test describes a kernel directly as a struct elf_image (so that it
 * may claim any extent without a file that large), plans a guest, populates
 * a fake guest memory with the planned RAM as the hypervisor will, writes
 * it and reads everything back. The start-info layouts are checked against
 * offsets written out from Xen's start_info.h, not against our structs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/elf.h>
#include <petrel/errno.h>
#include <public/hvm/start_info.h>
#include <x86/hvm/pvh.h>
#include "fake_guest.h"
#include "stubs.h"

#define KERNEL_PA   MiB(16)
#define KERNEL_SZ   (MiB(2) + 0x1234)       /* ends off a page boundary */
#define TEXT_SZ     0x2000
#define DATA_SZ     0x1000
#define ENTRY_OFF   0x40
#define SI_SIZE     56                      /* struct hvm_start_info */
#define MOD_SIZE    32                      /* struct hvm_modlist_entry */
#define MAP_SIZE    24                      /* struct hvm_memmap_table_entry */

static uint8_t kdata[TEXT_SZ + DATA_SZ];
static struct elf_image kimg;
static struct pvh_build_args args;
static struct pvh_plan plan;
static struct fake_guest guest;

/* A kernel at 'pa' of 'memsz' bytes: text, then data whose bss runs to the end. */
static void kernel_at(uint64_t pa, uint64_t memsz)
{
    for (size_t i = 0; i < sizeof(kdata); i++)
        kdata[i] = (uint8_t)(i * 13 + 5);
    memset(&kimg, 0, sizeof(kimg));
    kimg.data = kdata;
    kimg.size = sizeof(kdata);
    kimg.is64 = true;
    kimg.machine = 62;
    kimg.nr_segments = 2;
    kimg.segs[0] = (struct elf_segment){ 0, pa, TEXT_SZ, TEXT_SZ };
    kimg.segs[1] = (struct elf_segment){ TEXT_SZ, pa + TEXT_SZ, DATA_SZ,
                                         memsz - TEXT_SZ };
    kimg.lo = pa;
    kimg.hi = pa + memsz;
    kimg.has_phys32_entry = true;
    kimg.phys32_entry = (uint32_t)(pa + ENTRY_OFF);
}

static int setup(void **state)
{
    kernel_at(KERNEL_PA, KERNEL_SZ);
    memset(&args, 0, sizeof(args));
    args.kernel = &kimg;
    args.mem_bytes = MiB(128);
    args.flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    memset(&plan, 0xa5, sizeof(plan));
    stub_log_reset();
    return 0;
}

static int teardown(void **state)
{
    fake_guest_free(&guest);
    return 0;
}

/* Plan, expecting 'rc' and, for an error, one warning mentioning 'what'. */
static void plan_expect(int rc, const char *what)
{
    stub_log_reset();
    assert_int_equal(pvh_plan(&args, &plan), rc);
    if (rc) {
        assert_int_equal(stub_log_warnings, 1);
        if (!stub_log_contains(what))
            fail_msg("log \"%s\" lacks \"%s\"", stub_log, what);
        assert_int_equal(plan.nr_ram, 0);
        assert_int_equal(plan.start_info_paddr, 0);
    }
}

/* Populate the planned RAM in a fake guest, as the hypervisor will. */
static void populate(void)
{
    uint64_t top = plan.ram[plan.nr_ram - 1].end;

    fake_guest_free(&guest);
    fake_guest_init(&guest, top);
    for (unsigned int i = 0; i < plan.nr_ram; i++)
        fake_guest_add_ram(&guest, plan.ram[i].start, plan.ram[i].end);
    /* Dirty what gets written, to see that padding and bss get cleared. */
    fake_guest_fill(&guest, plan.info.start, plan.info.end - plan.info.start, 0xcc);
    fake_guest_fill(&guest, plan.kernel.start, plan.kernel.end - plan.kernel.start,
                    0xcc);
}

static uint64_t rd64(uint64_t gpa)
{
    uint64_t v;

    memcpy(&v, fake_guest_ptr(&guest, gpa), 8);
    return v;
}

static uint32_t rd32(uint64_t gpa)
{
    uint32_t v;

    memcpy(&v, fake_guest_ptr(&guest, gpa), 4);
    return v;
}

static void check_guest_string(uint64_t gpa, const char *s)
{
    if (!s || !*s) {
        assert_int_equal(gpa, 0);
        return;
    }
    assert_true(gpa != 0);
    assert_string_equal((const char *)fake_guest_ptr(&guest, gpa), s);
}

static bool inside(uint64_t gpa, uint64_t len, uint64_t start, uint64_t end)
{
    return gpa >= start && gpa <= end && len <= end - gpa;
}

/* Every write went to the kernel, the start-info block or a module. */
static void check_write_log(void)
{
    assert_true(guest.nr_log <= FAKE_MAX_LOG);
    for (unsigned int i = 0; i < guest.nr_log; i++) {
        const struct fake_op *o = &guest.log[i];
        bool ok = inside(o->gpa, o->len, plan.kernel.start, plan.kernel.end) ||
                  inside(o->gpa, o->len, plan.info.start, plan.info.end);

        for (unsigned int m = 0; m < plan.nr_modules; m++)
            ok |= inside(o->gpa, o->len, plan.mods[m].paddr,
                         plan.mods[m].paddr + plan.mods[m].size);
        if (!ok)
            fail_msg("op %u at %#llx+%#llx outside the plan", i,
                     (unsigned long long)o->gpa, (unsigned long long)o->len);
    }
}

/* The end of the last thing the start-info block holds. */
static uint64_t info_used(void)
{
    uint64_t used = plan.memmap_paddr + plan.memmap_entries * MAP_SIZE;

    used += plan.cmdline_len ? plan.cmdline_len + 1 : 0;
    for (unsigned int i = 0; i < plan.nr_modules; i++)
        used += plan.mods[i].cmdline_len ? plan.mods[i].cmdline_len + 1 : 0;
    return used;
}

/* The memory map: the RAM ranges (type 1) and the reserved ones (type 2),
 * each in its order, all sorted by address. */
static void check_memmap(void)
{
    unsigned int ram = 0, res = 0;

    for (unsigned int i = 0; i < plan.memmap_entries; i++) {
        uint64_t e = plan.memmap_paddr + i * MAP_SIZE;
        const struct pvh_range *r = rd32(e + 16) == 1 ? &plan.ram[ram++] : &args.reserved[res++];

        assert_true(rd32(e + 16) == 1 || rd32(e + 16) == 2);
        assert_true(ram <= plan.nr_ram && res <= args.nr_reserved);
        assert_int_equal(rd64(e), r->start);
        assert_int_equal(rd64(e + 8), r->end - r->start);
        assert_int_equal(rd32(e + 20), 0);
        if (i)
            assert_true(rd64(e) > rd64(e - MAP_SIZE));
    }
    assert_int_equal(ram, plan.nr_ram);
    assert_int_equal(res, args.nr_reserved);
}

/* Write the planned guest and check everything in it against args. */
static void write_and_check(void)
{
    uint64_t si = plan.start_info_paddr;

    populate();
    assert_int_equal(pvh_write(&args, &plan, &fake_guest_ops, &guest), 0);
    assert_int_equal(rd32(si + 0), 0x336ec578);
    assert_int_equal(rd32(si + 4), 1);
    assert_int_equal(rd32(si + 8), args.flags);
    assert_int_equal(rd32(si + 12), args.nr_modules);
    assert_int_equal(rd64(si + 16), plan.modlist_paddr);
    assert_int_equal(rd64(si + 24), plan.cmdline_paddr);
    assert_int_equal(rd64(si + 32), args.rsdp_paddr);
    assert_int_equal(rd64(si + 40), plan.memmap_paddr);
    assert_int_equal(rd32(si + 48), plan.nr_ram + args.nr_reserved);
    assert_int_equal(rd32(si + 52), 0);
    check_memmap();
    check_guest_string(plan.cmdline_paddr, args.cmdline);
    for (unsigned int i = 0; i < args.nr_modules; i++) {
        uint64_t e = plan.modlist_paddr + i * MOD_SIZE;
        const struct pvh_module *m = &args.modules[i];

        assert_int_equal(rd64(e), plan.mods[i].paddr);
        assert_true(IS_ALIGNED(rd64(e), PAGE_SIZE));
        assert_int_equal(rd64(e + 8), m->size);
        check_guest_string(rd64(e + 16), m->cmdline);
        assert_int_equal(rd64(e + 24), 0);
        if (m->size)
            assert_memory_equal(fake_guest_ptr(&guest, rd64(e)), m->data, m->size);
    }
    assert_memory_equal(fake_guest_ptr(&guest, kimg.lo), kdata, TEXT_SZ);
    assert_memory_equal(fake_guest_ptr(&guest, kimg.lo + TEXT_SZ), kdata + TEXT_SZ,
                        DATA_SZ);
    assert_true(fake_guest_all(&guest, kimg.lo + TEXT_SZ + DATA_SZ,
                               kimg.hi - kimg.lo - TEXT_SZ - DATA_SZ, 0));
    assert_true(fake_guest_all(&guest, info_used(), plan.info.end - info_used(), 0));
    check_write_log();
    assert_int_equal(stub_log_warnings, 0);
}

/* ---- Layouts -------------------------------------------------------------- */

static void test_plan_128m(void **state)
{
    uint64_t si = ALIGN_UP(KERNEL_PA + KERNEL_SZ, PAGE_SIZE);

    args.cmdline = "console=hvc0";
    plan_expect(0, NULL);
    assert_int_equal(plan.entry, KERNEL_PA + ENTRY_OFF);
    assert_int_equal(plan.nr_ram, 1);
    assert_int_equal(plan.ram[0].start, 0);
    assert_int_equal(plan.ram[0].end, MiB(128));
    assert_int_equal(plan.kernel.start, KERNEL_PA);
    assert_int_equal(plan.kernel.end, KERNEL_PA + KERNEL_SZ);
    assert_int_equal(si, 0x1202000);
    assert_int_equal(plan.start_info_paddr, si);
    assert_int_equal(plan.info.start, si);
    assert_int_equal(plan.modlist_paddr, 0);
    assert_int_equal(plan.memmap_paddr, si + SI_SIZE);
    assert_int_equal(plan.memmap_entries, 1);
    assert_int_equal(plan.cmdline_paddr, si + SI_SIZE + MAP_SIZE);
    assert_int_equal(plan.cmdline_len, 12);
    assert_int_equal(plan.info.end, si + PAGE_SIZE);
    assert_int_equal(plan.end, si + PAGE_SIZE);
    assert_int_equal(plan.nr_modules, 0);
    assert_int_equal(stub_log_warnings, 0);
    write_and_check();
}

static void test_plan_5g(void **state)
{
    args.mem_bytes = GiB(5);
    args.cmdline = "console=hvc0 loglevel=8";
    plan_expect(0, NULL);
    assert_int_equal(plan.nr_ram, 2);
    assert_int_equal(plan.ram[0].start, 0);
    assert_int_equal(plan.ram[0].end, 0xC0000000);
    assert_int_equal(plan.ram[1].start, GiB(4));
    assert_int_equal(plan.ram[1].end, GiB(6));
    assert_int_equal(plan.memmap_entries, 2);
    assert_int_equal(plan.cmdline_paddr, plan.start_info_paddr + SI_SIZE + 2 * MAP_SIZE);
    write_and_check();
}

/* Reserved ranges (dom0's BARs) go into the map, merged with the RAM. */
static void test_reserved_ranges(void **state)
{
    static const struct pvh_range res[] = {
        { 0xC0000000, 0xC1000000 }, { 0xFEBD0000, 0xFEBD4000 }, { GiB(32), GiB(32) + MiB(2) },
    };

    args.mem_bytes = GiB(5);
    args.reserved = res;
    args.nr_reserved = 3;
    plan_expect(0, NULL);
    assert_int_equal(plan.memmap_entries, 5);
    write_and_check();
}

static void test_reserved_ranges_bad(void **state)
{
    struct pvh_range res[2] = { { 0xC0000000, 0xC1000000 }, { 0xFEBD0000, 0xFEBD4000 } };

    args.mem_bytes = MiB(128);
    args.reserved = res;
    args.nr_reserved = 2;
    res[1].start = 0xC0fff000;                  /* overlaps the first */
    plan_expect(-EINVAL, "reserved range 1");
    res[1].start = 0xFEBD0800;                  /* not page-aligned */
    plan_expect(-EINVAL, "reserved range 1");
    res[1] = (struct pvh_range){ MiB(64), MiB(65) };    /* over RAM, out of order */
    plan_expect(-EINVAL, "reserved range 1");
    res[0] = (struct pvh_range){ MiB(127), MiB(129) };  /* straddles the RAM's end */
    args.nr_reserved = 1;
    plan_expect(-EINVAL, "reserved range 0");
    res[0] = (struct pvh_range){ MiB(200), MiB(200) };  /* empty */
    plan_expect(-EINVAL, "reserved range 0");
    args.nr_reserved = PVH_MAX_RESERVED + 1;
    plan_expect(-EINVAL, "reserved ranges");
}

/* 3 GiB exactly fills low RAM; one page more goes above 4 GiB. */
static void test_plan_3g_edge(void **state)
{
    args.mem_bytes = GiB(3);
    plan_expect(0, NULL);
    assert_int_equal(plan.nr_ram, 1);
    assert_int_equal(plan.ram[0].end, GiB(3));
    args.mem_bytes = GiB(3) + PAGE_SIZE;
    plan_expect(0, NULL);
    assert_int_equal(plan.nr_ram, 2);
    assert_int_equal(plan.ram[1].start, GiB(4));
    assert_int_equal(plan.ram[1].end, GiB(4) + PAGE_SIZE);
}

static void test_modules_and_cmdlines(void **state)
{
    static uint8_t initrd[0x12345], blob[0x1000];
    struct pvh_module mods[2] = {
        { initrd, sizeof(initrd), "initrd" },
        { blob, sizeof(blob), NULL },
    };
    uint64_t si;

    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 31 + 7);
    memset(blob, 0x5a, sizeof(blob));
    args.cmdline = "console=hvc0 root=/dev/ram0";
    args.modules = mods;
    args.nr_modules = 2;
    plan_expect(0, NULL);
    si = plan.start_info_paddr;
    /* start info, 2 module entries, 1 memmap entry, then the strings. */
    assert_int_equal(plan.modlist_paddr, si + SI_SIZE);
    assert_int_equal(plan.memmap_paddr, si + SI_SIZE + 2 * MOD_SIZE);
    assert_int_equal(plan.cmdline_paddr, si + SI_SIZE + 2 * MOD_SIZE + MAP_SIZE);
    assert_int_equal(plan.mods[0].cmdline_paddr,
                     plan.cmdline_paddr + strlen(args.cmdline) + 1);
    assert_int_equal(plan.mods[1].cmdline_paddr, 0);
    /* The modules follow the block, each from a page boundary. */
    assert_int_equal(plan.info.end, si + PAGE_SIZE);
    assert_int_equal(plan.mods[0].paddr, plan.info.end);
    assert_int_equal(plan.mods[1].paddr, plan.info.end + 0x13000);
    assert_int_equal(plan.end, plan.mods[1].paddr + 0x1000);
    write_and_check();
}

/* An empty module takes no room and is passed on with size 0. */
static void test_zero_size_module(void **state)
{
    static uint8_t blob[0x2000];
    struct pvh_module mods[3] = {
        { NULL, 0, "empty" }, { blob, sizeof(blob), "" }, { NULL, 0, NULL },
    };

    memset(blob, 0x77, sizeof(blob));
    args.modules = mods;
    args.nr_modules = 3;
    plan_expect(0, NULL);
    assert_int_equal(plan.mods[0].size, 0);
    assert_int_equal(plan.mods[0].paddr, plan.info.end);
    assert_int_equal(plan.mods[1].paddr, plan.info.end);
    assert_int_equal(plan.mods[2].paddr, plan.info.end + sizeof(blob));
    assert_int_equal(plan.mods[1].cmdline_paddr, 0);
    assert_int_equal(plan.end, plan.info.end + sizeof(blob));
    write_and_check();
}

/* The longest command lines make a start-info block of several pages. */
static void test_long_cmdlines(void **state)
{
    static char lines[PVH_MAX_MODULES + 1][PVH_CMDLINE_MAX + 1];
    static struct pvh_module mods[PVH_MAX_MODULES];
    static uint8_t byte[PVH_MAX_MODULES];
    uint64_t block;

    for (unsigned int i = 0; i <= PVH_MAX_MODULES; i++) {
        memset(lines[i], 'a' + i, PVH_CMDLINE_MAX);
        lines[i][PVH_CMDLINE_MAX] = 0;
    }
    for (unsigned int i = 0; i < PVH_MAX_MODULES; i++) {
        byte[i] = (uint8_t)i;
        mods[i] = (struct pvh_module){ &byte[i], 1, lines[i + 1] };
    }
    args.cmdline = lines[0];
    args.modules = mods;
    args.nr_modules = PVH_MAX_MODULES;
    plan_expect(0, NULL);
    block = SI_SIZE + PVH_MAX_MODULES * MOD_SIZE + MAP_SIZE +
            (PVH_MAX_MODULES + 1) * (PVH_CMDLINE_MAX + 1);
    assert_int_equal(plan.info.end - plan.info.start, ALIGN_UP(block, PAGE_SIZE));
    assert_int_equal(plan.mods[1].paddr, plan.mods[0].paddr + PAGE_SIZE);
    write_and_check();
}

static void test_cmdline_too_long(void **state)
{
    static char line[PVH_CMDLINE_MAX + 2];
    struct pvh_module mod = { NULL, 0, line };

    memset(line, 'x', PVH_CMDLINE_MAX + 1);
    args.cmdline = line;
    plan_expect(-E2BIG, "kernel 0: command line longer than 4096 bytes");
    args.cmdline = "ok";
    args.modules = &mod;
    args.nr_modules = 1;
    plan_expect(-E2BIG, "module 0: command line longer than 4096 bytes");
}

static void test_empty_cmdline(void **state)
{
    args.cmdline = "";
    plan_expect(0, NULL);
    assert_int_equal(plan.cmdline_paddr, 0);
    assert_int_equal(plan.cmdline_len, 0);
    write_and_check();
    args.cmdline = NULL;
    plan_expect(0, NULL);
    assert_int_equal(plan.cmdline_paddr, 0);
    write_and_check();
}

/* The block ends above 1 GiB: allowed, but Linux could not read it. */
static void test_info_above_1g_warns(void **state)
{
    kernel_at(GiB(1), MiB(4));
    args.mem_bytes = GiB(2);
    stub_log_reset();
    assert_int_equal(pvh_plan(&args, &plan), 0);
    assert_int_equal(stub_log_warnings, 1);
    assert_true(stub_log_contains("above 1 GiB"));
}

/* ---- Refusals ------------------------------------------------------------- */

static void test_no_pvh_entry(void **state)
{
    kimg.has_phys32_entry = false;
    plan_expect(-EINVAL, "no XEN_ELFNOTE_PHYS32_ENTRY note");
    kimg.has_phys32_entry = true;
    kimg.phys32_entry = (uint32_t)kimg.hi;
    plan_expect(-EINVAL, "PVH entry 0x1201234 outside the kernel");
    args.kernel = NULL;
    plan_expect(-EINVAL, "no kernel image");
}

static void test_bad_mem_bytes(void **state)
{
    args.mem_bytes = 0;
    plan_expect(-EINVAL, "not a non-zero multiple of a page");
    args.mem_bytes = MiB(128) + 1;
    plan_expect(-EINVAL, "not a non-zero multiple of a page");
    args.mem_bytes = PVH_MAX_MEM + PAGE_SIZE;
    plan_expect(-EINVAL, "above the limit of 1048576 MiB");
    args.mem_bytes = PVH_MAX_MEM;
    plan_expect(0, NULL);
    assert_int_equal(plan.ram[1].end, GiB(4) + PVH_MAX_MEM - GiB(3));
}

static void test_kernel_too_big(void **state)
{
    kernel_at(KERNEL_PA, MiB(128));         /* ends at 144 MiB > 128 MiB */
    plan_expect(-EINVAL, "kernel does not fit");
    kernel_at(GiB(3) - MiB(1), MiB(2));     /* runs into the hole */
    args.mem_bytes = GiB(8);
    plan_expect(-EINVAL, "kernel does not fit");
    kernel_at(GiB(2), GiB(3));              /* spans the hole */
    plan_expect(-EINVAL, "kernel does not fit");
}

static void test_mem_too_small(void **state)
{
    uint64_t need = ALIGN_UP(KERNEL_PA + KERNEL_SZ, PAGE_SIZE) + PVH_MIN_FREE;

    args.mem_bytes = need - PAGE_SIZE;
    plan_expect(-EINVAL, "leaves less than 1024 KiB beyond the kernel");
    args.mem_bytes = need;
    plan_expect(0, NULL);
    write_and_check();
}

static void test_no_space_for_modules(void **state)
{
    static uint8_t data[16];
    struct pvh_module mod = { data, MiB(16), NULL };
    uint64_t room;

    args.mem_bytes = MiB(32);
    args.modules = &mod;
    args.nr_modules = 1;
    plan_expect(-ENOSPC, "no room for module 0 (16384 KiB)");
    /* Exactly what is left after the start-info page fits. */
    room = MiB(32) - ALIGN_UP(KERNEL_PA + KERNEL_SZ, PAGE_SIZE) - PAGE_SIZE;
    mod.size = room;
    plan_expect(0, NULL);
    assert_int_equal(plan.end, MiB(32));
    mod.size = room - PAGE_SIZE + 1;        /* rounds up to the same */
    plan_expect(0, NULL);
    mod.size = room + 1;
    plan_expect(-ENOSPC, "no room for module 0");
    mod.size = UINT64_MAX;                  /* no wrap-around */
    plan_expect(-ENOSPC, "no room for module 0");
    mod.size = UINT64_MAX - PAGE_SIZE + 2;  /* would align up to 0 */
    plan_expect(-ENOSPC, "no room for module 0");
}

/* The kernel ends just below 3 GiB: its start info has no room left. */
static void test_no_space_for_start_info(void **state)
{
    static char line[PVH_CMDLINE_MAX + 1];

    kernel_at(GiB(3) - MiB(4), MiB(4) - PAGE_SIZE);
    args.mem_bytes = GiB(5);
    plan_expect(0, NULL);                   /* one page fits */
    assert_int_equal(plan.info.end, GiB(3));
    memset(line, 'y', PVH_CMDLINE_MAX);
    args.cmdline = line;                    /* two pages do not */
    plan_expect(-ENOSPC, "no room for the start info");
}

static void test_bad_module_list(void **state)
{
    static struct pvh_module mods[PVH_MAX_MODULES + 1];

    args.modules = mods;
    args.nr_modules = PVH_MAX_MODULES + 1;
    plan_expect(-EINVAL, "17 modules, at most 16");
    args.modules = NULL;
    args.nr_modules = 1;
    plan_expect(-EINVAL, "1 modules but no module list");
    args.modules = mods;
    mods[0].size = 5;
    plan_expect(-EINVAL, "module 0 has 5 bytes but no data");
}

/* ---- Writing failures ----------------------------------------------------- */

/* Every op that fails makes pvh_write fail with its error, at any point. */
static void test_write_fault_propagates(void **state)
{
    static uint8_t blob[0x3000];
    struct pvh_module mods[2] = { { blob, sizeof(blob), "a" },
                                  { blob, 0x10, "b" } };
    unsigned int total;

    args.cmdline = "x";
    args.modules = mods;
    args.nr_modules = 2;
    plan_expect(0, NULL);
    populate();
    assert_int_equal(pvh_write(&args, &plan, &fake_guest_ops, &guest), 0);
    total = guest.nr_ops;
    assert_true(total > 8);
    for (unsigned int n = 1; n <= total; n++) {
        populate();
        guest.fail_at = n;
        stub_log_reset();
        assert_int_equal(pvh_write(&args, &plan, &fake_guest_ops, &guest), -EFAULT);
        assert_int_equal(guest.nr_ops, n);
        assert_true(stub_log_contains("writing the guest failed (-14)"));
    }
}

/* RAM the caller forgot to populate is a fault, not a crash. */
static void test_write_unpopulated(void **state)
{
    plan_expect(0, NULL);
    populate();
    guest.nr_ram = 0;
    fake_guest_add_ram(&guest, 0, plan.info.start);
    assert_int_equal(pvh_write(&args, &plan, &fake_guest_ops, &guest), -EFAULT);
}

static void test_write_args_changed(void **state)
{
    args.cmdline = "one";
    plan_expect(0, NULL);
    populate();
    args.cmdline = "three";
    stub_log_reset();
    assert_int_equal(pvh_write(&args, &plan, &fake_guest_ops, &guest), -EINVAL);
    assert_true(stub_log_contains("do not match the plan"));
    assert_int_equal(guest.nr_ops, 0);
}

/* ---- With the ELF parser in front ---------------------------------------- */

/* An ELF64 file as Linux lays it out, parsed, planned and written. */
static void test_from_elf_file(void **state)
{
    static uint8_t f[0x3000];
    uint64_t entry = 0x1000850;
    uint32_t note[3] = { 4, 8, 18 };
    uint8_t eh[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    uint64_t ph[2][7] = {
        /* type|flags, offset, vaddr, paddr, filesz, memsz, align */
        { 1 | (5ULL << 32), 0x1000, 0xffffffff81000000ULL, 0x1000000,
          0x1000, 0x1000, 0x200000 },
        { 4 | (4ULL << 32), 0x200, 0, 0, 24, 24, 4 },
    };
    uint16_t h16[] = { 2, 62 };                 /* e_type, e_machine */
    uint32_t ver = 1;
    uint64_t phoff = 64;
    uint16_t phent[2] = { 56, 2 };              /* e_phentsize, e_phnum */

    memcpy(eh + 16, h16, 4);
    memcpy(eh + 20, &ver, 4);
    memcpy(eh + 32, &phoff, 8);
    memcpy(eh + 54, phent, 4);
    memcpy(f, eh, 64);
    memcpy(f + 64, ph, sizeof(ph));
    memcpy(f + 0x200, note, 12);
    memcpy(f + 0x20c, "Xen", 4);
    memcpy(f + 0x210, &entry, 8);
    memset(f + 0x1000, 0x90, 0x1000);
    assert_int_equal(elf_parse(f, sizeof(f), &kimg), 0);
    plan_expect(0, NULL);
    assert_int_equal(plan.entry, 0x1000850);
    assert_int_equal(plan.start_info_paddr, 0x1001000);
    populate();
    assert_int_equal(pvh_write(&args, &plan, &fake_guest_ops, &guest), 0);
    assert_true(fake_guest_all(&guest, 0x1000000, 0x1000, 0x90));
    assert_int_equal(rd32(0x1001000), XEN_HVM_START_MAGIC_VALUE);
}

/* pvh_range_add(): sorted, overlapping and touching ranges merged, a
 * range bridging two merges all three, a full list refuses a new one. */
static void test_range_add(void **state)
{
    struct pvh_range l[3];
    unsigned int n = 0;

    assert_true(pvh_range_add(l, &n, 3, 0x5000, 0x6000));
    assert_true(pvh_range_add(l, &n, 3, 0x1000, 0x2000));
    assert_true(pvh_range_add(l, &n, 3, 0x9000, 0xa000));
    assert_int_equal(n, 3);
    assert_int_equal(l[0].start, 0x1000);
    assert_int_equal(l[1].start, 0x5000);
    assert_int_equal(l[2].start, 0x9000);
    assert_false(pvh_range_add(l, &n, 3, 0xc000, 0xd000));     /* full */
    assert_int_equal(n, 3);
    assert_true(pvh_range_add(l, &n, 3, 0x6000, 0x7000));      /* touches l[1] */
    assert_int_equal(n, 3);
    assert_int_equal(l[1].end, 0x7000);
    assert_true(pvh_range_add(l, &n, 3, 0x1800, 0x5800));      /* bridges l[0], l[1] */
    assert_int_equal(n, 2);
    assert_int_equal(l[0].start, 0x1000);
    assert_int_equal(l[0].end, 0x7000);
    assert_int_equal(l[1].start, 0x9000);
    assert_int_equal(l[1].end, 0xa000);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_plan_128m),
        T(test_plan_5g),
        T(test_reserved_ranges),
        T(test_reserved_ranges_bad),
        T(test_plan_3g_edge),
        T(test_modules_and_cmdlines),
        T(test_zero_size_module),
        T(test_long_cmdlines),
        T(test_cmdline_too_long),
        T(test_empty_cmdline),
        T(test_info_above_1g_warns),
        T(test_no_pvh_entry),
        T(test_bad_mem_bytes),
        T(test_kernel_too_big),
        T(test_mem_too_small),
        T(test_no_space_for_modules),
        T(test_no_space_for_start_info),
        T(test_bad_module_list),
        T(test_write_fault_propagates),
        T(test_write_unpopulated),
        T(test_write_args_changed),
        T(test_from_elf_file),
        T(test_range_add),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
