/* SPDX-License-Identifier: MIT */
/*
 * Test guest hypercall-bad: hypercalls with bad pointers, bad commands and
 * bad numbers return Xen's errors and leave the guest running; the good
 * calls next to them work. Everything runs twice: through the hypercall
 * page and with VMMCALL/VMCALL issued directly.
 *
 * Xen's return values (xen/common/kernel.c do_xen_version, xen/common/
 * sched/core.c do_sched_op, xen/drivers/char/console.c do_console_io):
 *   - CONSOLEIO_write returns 0 on success (guest_console_write() returns
 *     0 once all bytes are out, not the byte count), -EFAULT when any part
 *     of the buffer cannot be read;
 *   - XENVER_get_features copies the struct in (-EFAULT), returns -EINVAL
 *     for a submap_idx other than 0, copies out and returns 0;
 *   - unknown commands of xen_version, sched_op and console_io, and
 *     unimplemented or out-of-range hypercall numbers, return -ENOSYS.
 * Pointers are guest-virtual: the buffers below are tested through an alias
 * mapping that differs from the guest-physical address.
 */
#include "hypercall.h"
#include "test.h"
#include "x86.h"

TEST_TITLE("bad pointers, commands and numbers give -EFAULT/-EINVAL/-ENOSYS");

#define UNMAPPED_VA     0x0000700000000000UL    /* not in our page tables */
#define NONCANONICAL_VA 0x8000000000000000UL
#define ALIAS_VA        0x0000600000000000UL    /* -> alias_page; next page unmapped */
#define ALIAS_END       (ALIAS_VA + PAGE_SIZE)

static char alias_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static const char *const path_names[] = { [HC_PAGE] = "page", [HC_DIRECT] = "direct" };

static long expect(enum hc_path path, const char *what, long want,
                   unsigned long nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    long rc = hypercall_by(path, nr, a1, a2, a3, 0, 0);

    printf("%-6s %-52s %ld%s\n", path_names[path], what, rc,
           rc == want ? "" : "  <-- wrong");
    if (rc != want)
        test_fail("%s: %s returned %ld, want %ld", path_names[path], what, rc, want);
    return rc;
}

static void bad_pointers(enum hc_path p)
{
    /* "straddle" sits in the last 8 bytes of the mapped page, and the
     * 16-byte buffer runs into the unmapped page after it. */
    memcpy(alias_page + PAGE_SIZE - 8, "straddle", 8);
    expect(p, "console_io write, unmapped buffer", -XEN_EFAULT,
           __HYPERVISOR_console_io, CONSOLEIO_write, 16, UNMAPPED_VA);
    expect(p, "console_io write, non-canonical buffer", -XEN_EFAULT,
           __HYPERVISOR_console_io, CONSOLEIO_write, 16, NONCANONICAL_VA);
    expect(p, "console_io write, buffer running into an unmapped page", -XEN_EFAULT,
           __HYPERVISOR_console_io, CONSOLEIO_write, 16, ALIAS_END - 8);
    expect(p, "sched_op shutdown, unmapped argument", -XEN_EFAULT,
           __HYPERVISOR_sched_op, SCHEDOP_shutdown, UNMAPPED_VA, 0);
    expect(p, "sched_op shutdown, non-canonical argument", -XEN_EFAULT,
           __HYPERVISOR_sched_op, SCHEDOP_shutdown, NONCANONICAL_VA, 0);
    printf("%-6s still running after the bad shutdowns\n", path_names[p]);
    expect(p, "xen_version get_features, unmapped argument", -XEN_EFAULT,
           __HYPERVISOR_xen_version, XENVER_get_features, UNMAPPED_VA, 0);
    expect(p, "xen_version get_features, argument across a page end", -XEN_EFAULT,
           __HYPERVISOR_xen_version, XENVER_get_features, ALIAS_END - 4, 0);
}

static void bad_commands(enum hc_path p)
{
    struct xen_feature_info fi = { .submap_idx = 1, .submap = 0 };

    expect(p, "xen_version get_features, submap_idx 1", -XEN_EINVAL,
           __HYPERVISOR_xen_version, XENVER_get_features, (uintptr_t)&fi, 0);
    expect(p, "xen_version cmd 999", -XEN_ENOSYS,
           __HYPERVISOR_xen_version, 999, 0, 0);
    expect(p, "sched_op cmd 99", -XEN_ENOSYS, __HYPERVISOR_sched_op, 99, 0, 0);
    expect(p, "console_io cmd 99", -XEN_ENOSYS,
           __HYPERVISOR_console_io, 99, 0, (uintptr_t)"x");
    expect(p, "hypercall 60", -XEN_ENOSYS, 60, 0, 0, 0);
    expect(p, "hypercall 63", -XEN_ENOSYS, 63, 0, 0, 0);
    if (p == HC_DIRECT)
        expect(p, "hypercall 1000 (out of range)", -XEN_ENOSYS, 1000, 0, 0, 0);
}

static void good_calls(enum hc_path p)
{
    struct xen_feature_info fi = { .submap_idx = 0, .submap = 0 };
    struct xen_feature_info *alias_fi = (void *)(ALIAS_VA + 64);
    struct xen_feature_info *phys_fi = (void *)(alias_page + 64);
    char msg[64];
    long v;
    int n;

    v = hypercall_by(p, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    printf("%-6s xen_version version: %ld.%ld\n", path_names[p], v >> 16, v & 0xffff);
    CHECK(v > 0);
    CHECK_EQ(v, cpuid(xen_cpuid_base + 1).eax);

    expect(p, "xen_version get_features, submap 0", 0,
           __HYPERVISOR_xen_version, XENVER_get_features, (uintptr_t)&fi, 0);
    printf("%-6s features: %#x\n", path_names[p], fi.submap);
    CHECK(fi.submap & (1u << XENFEAT_auto_translated_physmap));

    /* The same through the alias: the result lands in alias_page. */
    *phys_fi = (struct xen_feature_info){ .submap_idx = 0, .submap = 0 };
    expect(p, "xen_version get_features via an alias mapping", 0,
           __HYPERVISOR_xen_version, XENVER_get_features, (uintptr_t)alias_fi, 0);
    CHECK_EQ(phys_fi->submap, fi.submap);

    n = snprintf(msg, sizeof(msg), "hypercall-bad: console write via %s\n",
                 path_names[p]);
    expect(p, "console_io write", 0, __HYPERVISOR_console_io, CONSOLEIO_write,
           n, (uintptr_t)msg);
    n = snprintf(alias_page, 128, "hypercall-bad: console write via %s, alias\n",
                 path_names[p]);
    expect(p, "console_io write via an alias mapping", 0,
           __HYPERVISOR_console_io, CONSOLEIO_write, n, ALIAS_VA);
    expect(p, "console_io write of 0 bytes from an unmapped buffer", 0,
           __HYPERVISOR_console_io, CONSOLEIO_write, 0, UNMAPPED_VA);
}

void test_main(void)
{
    if (!xen_cpuid_base)
        test_skip("no hypervisor (bare run): nothing to call");
    REQUIRE(!pt_is_mapped(UNMAPPED_VA));
    REQUIRE(pt_map_page(ALIAS_VA, (uintptr_t)alias_page) == 0);
    REQUIRE(pt_is_mapped(ALIAS_VA) && !pt_is_mapped(ALIAS_END));

    for (enum hc_path p = HC_PAGE; p <= HC_DIRECT; p++) {
        good_calls(p);
        bad_pointers(p);
        bad_commands(p);
    }
}
