// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/iommu/amd_iommu_pt.c and amd_iommu_ir.c on the
 * real frame allocator, with the command buffer faked (each invalidation
 * recorded): device table entries, I/O page-table entries and interrupt
 * remapping entries checked bit by bit against the AMD IOMMU spec's
 * formats (2.2.2, 2.2.3, 2.2.5), the invalidations each change needs, and
 * every frame back when a space ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/acpi.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/pci.h>
#include "../../drivers/iommu/amd_iommu.h"
#include "frame_fixture.h"

/* ---- what the files need of the rest of Petrel ------------------------------- */

struct ivrs_info amd_ivrs;
bool iommu_opt_intremap = true;

static struct pci_dev devs[3];
static unsigned int nr_devs;

unsigned int pci_nr_devs(void)
{
    return nr_devs;
}

struct pci_dev *pci_dev_at(unsigned int i)
{
    return i < nr_devs ? &devs[i] : NULL;
}

/* The commands, as issued: 'D' devtab entry, 'P' pages, 'I' interrupt table. */
static char cmds[64][8];
static unsigned int nr_cmds;

static void record(char kind, unsigned int id)
{
    if (nr_cmds < 64)
        snprintf(cmds[nr_cmds++], sizeof(cmds[0]), "%c%04x", kind, id);
}

void amd_flush_dte(uint16_t devid)
{
    record('D', devid);
}

void amd_flush_domain(uint16_t did)
{
    record('P', did);
}

void amd_flush_irt(uint16_t devid)
{
    record('I', devid);
}

static bool issued(const char *cmd)
{
    for (unsigned int i = 0; i < nr_cmds; i++)
        if (!strcmp(cmds[i], cmd))
            return true;
    return false;
}

/* ---- fixture: one unit covering bus 0 and bus 1 behind an alias ------------ */

static const uint64_t *dte(uint16_t id)
{
    return &amd_devtab[4 * (uint32_t)id];
}

static int group_setup(void **state)
{
    struct ivrs_unit *u = &amd_ivrs.unit[0];

    (void)state;
    if (frame_fixture_init(64))
        return -1;
    amd_ivrs.nr_units = 1;
    u->nr_ranges = 2;
    u->range[0] = (struct ivrs_range){ .first = 0x0000, .last = 0x00ff, .setting = 0x07 };
    u->range[1] = (struct ivrs_range){ .first = 0x0101, .last = 0x01ff, .aliased = true,
                                       .alias = 0x0100 };
    u->nr_special = 1;
    u->special[0] = (struct ivrs_special){ .variety = IVRS_SPECIAL_IOAPIC, .handle = 0,
                                           .devid = 0x00a0, .setting = 0xc0 };
    nr_devs = 3;
    devs[0].bdf = PCI_BDF(0, 4, 0);
    devs[1].bdf = PCI_BDF(1, 1, 0);
    devs[2].bdf = PCI_BDF(1, 2, 0);
    return amd_pt_init();
}

static void test_blocking_entries(void **state)
{
    uint64_t root = dte(0)[0] & 0x000ffffffffff000ull;

    (void)state;
    /* V, TV, Mode 4, a table, IR = IW = 0, domain id 0: for every id. */
    assert_int_equal(dte(0)[0] & ~0x000ffffffffff000ull, 1 | 2 | 4 << 9);
    assert_int_not_equal(root, 0);
    assert_int_equal(dte(0xffff)[0], dte(0)[0]);
    assert_int_equal(dte(0x1234)[1], 0);
    for (unsigned int i = 0; i < 512; i++)
        assert_int_equal(((const uint64_t *)phys_to_virt(root))[i], 0);
}

static void test_map_and_walk(void **state)
{
    uint64_t before = frame_free_count(), e;
    struct iommu_space *s;
    const uint64_t *t;

    (void)state;
    nr_cmds = 0;
    s = amd_space_create(7);
    assert_non_null(s);
    assert_true(issued("P0008"));          /* domain id 7 + 1, flushed first */
    assert_int_equal(amd_map(s, 0x12345, 0xabcde, IOMMU_READ | IOMMU_WRITE), 0);
    assert_int_equal(amd_map(s, 0x12346, 0x77, IOMMU_READ), 0);
    assert_int_equal(amd_map(s, 0x12345, 0xabcdf, IOMMU_WRITE), 1);   /* replaced */
    assert_int_equal(amd_map(s, 1ull << 36, 1, IOMMU_READ), -ERANGE);
    /* Attach 00:04.0 and read the walk as the unit would. */
    nr_cmds = 0;
    assert_int_equal(amd_attach(s, &devs[0]), 0);
    assert_true(issued("D0020"));
    e = dte(0x0020)[0];
    assert_int_equal(e & 0xfff, 1 | 2 | 4 << 9);
    assert_int_equal(e >> 61, 3);                       /* IR, IW */
    assert_int_equal(dte(0x0020)[1] & 0xffff, 8);
    t = phys_to_virt(e & 0x000ffffffffff000ull);
    for (unsigned int l = 4; l > 1; l--) {
        e = t[(0x12345ull >> (9 * (l - 1))) & 511];
        assert_int_equal(e & 1, 1);                     /* present */
        assert_int_equal((e >> 9) & 7, l - 1);          /* the level below */
        assert_int_equal(e >> 61, 3);
        t = phys_to_virt(e & 0x000ffffffffff000ull);
    }
    assert_int_equal(t[0x145], 0xabcdf000ull | 1 | 1ull << 62);    /* write only, NL 0 */
    assert_int_equal(t[0x146], 0x77000ull | 1 | 1ull << 61);
    assert_true(amd_unmap(s, 0x12346));
    assert_int_equal(t[0x146], 0);
    assert_false(amd_unmap(s, 0x12346));
    assert_false(amd_unmap(s, 0x99999999));            /* no table there */
    nr_cmds = 0;
    amd_detach(s, &devs[0]);
    assert_true(issued("D0020") && issued("P0008"));
    assert_int_equal(dte(0x0020)[0], dte(0)[0]);        /* blocking again */
    assert_int_equal(dte(0x0020)[1], 0);
    amd_space_destroy(s);
    assert_int_equal(frame_free_count(), before);
}

static void test_alias_kept_while_used(void **state)
{
    struct iommu_space *s = amd_space_create(0);

    (void)state;
    assert_int_equal(amd_attach(s, &devs[1]), 0);
    assert_int_equal(amd_attach(s, &devs[2]), 0);
    devs[1].iommu_attached = devs[2].iommu_attached = true;
    assert_int_equal(dte(0x0100)[1], 1);                /* the alias: domain 0 + 1 */
    assert_int_equal(dte(0x0100)[0], dte(0x0108)[0]);
    amd_detach(s, &devs[1]);
    devs[1].iommu_attached = false;
    assert_int_equal(dte(0x0108)[1], 0);                /* its own id blocked */
    assert_int_equal(dte(0x0100)[1], 1);                /* 01:02.0 still uses the alias */
    amd_detach(s, &devs[2]);
    devs[2].iommu_attached = false;
    assert_int_equal(dte(0x0100)[0], dte(0)[0]);
    amd_space_destroy(s);
}

static void test_interrupt_remapping(void **state)
{
    struct acpi_info ai = { .nr_ioapics = 1, .ioapics = { { .id = 0 } } };
    uint32_t lo, hi, data, rte_lo = 0x30 | 1u << 15, rte_hi = 0xff000000u;
    const uint32_t *irt;
    uint64_t q2;

    (void)state;
    assert_int_equal(amd_ir_init(&ai), 0);
    assert_true(amd_ir_enabled());
    /* An id no device uses: IV, IntCtl abort. */
    assert_int_equal(dte(0x0500)[2], 1);
    /* The unit's own function (its IVHD device id, 00:00.0 here): IV,
     * IntCtl "forward unmapped". */
    assert_int_equal(dte(amd_ivrs.unit[0].devid)[2], 1 | 1ull << 60);
    /* 00:04.0: IV, IntTabLen 9, a table, IntCtl remapped (10b), and the
     * setting's INITPass, EIntPass, NMIPass. */
    q2 = dte(0x0020)[2];
    assert_int_equal(q2 & 0x3f, 1 | 9 << 1);
    assert_int_equal((q2 >> 60) & 3, 2);
    assert_int_equal((q2 >> 56) & 0xf, 7);
    assert_int_equal(q2 >> 62, 0);
    /* The I/O APIC's id: Lint0Pass, Lint1Pass from its setting 0xc0. */
    assert_int_equal(dte(0x00a0)[2] >> 62, 3);
    /* 01:01.0 and 01:02.0 share the alias's table. */
    assert_int_equal(dte(0x0108)[2], dte(0x0100)[2]);
    assert_int_equal(dte(0x0110)[2], dte(0x0100)[2]);

    nr_cmds = 0;
    assert_int_equal(amd_irq_setup(&devs[0], 3, 0x41, 0x12, &lo, &hi, &data), 0);
    assert_int_equal(lo, 0xfee00000u);
    assert_int_equal(hi, 0);
    assert_int_equal(data, 3);
    assert_true(issued("I0020"));
    irt = phys_to_virt(dte(0x0020)[2] & 0x000fffffffffffc0ull);
    assert_int_equal(irt[3], 1 | 0x12 << 8 | 0x41 << 16);  /* RemapEn, dest, vector */
    assert_int_equal(amd_irq_setup(&devs[0], 512, 0x41, 0, &lo, &hi, &data), -ENOSPC);
    assert_int_equal(amd_irq_setup(&devs[0], 0, 0x41, 0x100, &lo, &hi, &data), -ENOSPC);
    amd_irq_free(&devs[0], 3);
    assert_int_equal(irt[3], 0);

    /* Behind the bridge: 01:02.0 gets the second half of the alias's table. */
    nr_cmds = 0;
    assert_int_equal(amd_irq_setup(&devs[2], 1, 0x50, 0, &lo, &hi, &data), 0);
    assert_int_equal(data, 256 + 1);
    assert_true(issued("I0100") && issued("I0110"));
    irt = phys_to_virt(dte(0x0100)[2] & 0x000fffffffffffc0ull);
    assert_int_equal(irt[257], 1 | 0x50 << 16);
    assert_int_equal(amd_irq_setup(&devs[1], 256, 0x51, 0, &lo, &hi, &data), -ENOSPC);

    /* An I/O APIC pin: the entry is the vector, the RTE keeps its format. */
    assert_int_equal(amd_ioapic_setup(0, 4, 0x30, 0x02, true, &rte_lo, &rte_hi), 0);
    assert_int_equal(rte_lo, 0x30 | 1u << 15);
    assert_int_equal(rte_hi, 0);
    irt = phys_to_virt(dte(0x00a0)[2] & 0x000fffffffffffc0ull);
    assert_int_equal(irt[0x30], 1 | 0x02 << 8 | 0x30 << 16);
    assert_int_equal(amd_ioapic_setup(9, 4, 0x30, 0, false, &rte_lo, &rte_hi), -ENODEV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocking_entries),
        cmocka_unit_test(test_map_and_walk),
        cmocka_unit_test(test_alias_kept_while_used),
        cmocka_unit_test(test_interrupt_remapping),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
