// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/pci_probe.c over a fake config space: one function
 * whose BARs behave as hardware does (the writable bits of a BAR are its
 * address bits above its size; the rest read back as the type bits), with
 * the command register recorded at every BAR write to check that sizing
 * happens with decoding off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/errno.h>
#include <petrel/pci.h>
#include "stubs.h"

#define BDF     PCI_BDF(0, 3, 0)

struct fake {
    uint8_t cfg[PCI_CFG_SIZE];
    uint32_t bar_wmask[PCI_NR_BARS];    /* writable bits of each BAR dword */
    unsigned int bar_writes_decoding;   /* BAR writes seen with decoding on */
    unsigned int writes;
};

static struct fake f;

static uint32_t get(unsigned int reg, unsigned int size)
{
    uint32_t v = 0;

    memcpy(&v, &f.cfg[reg], size);
    return v;
}

static void put(unsigned int reg, unsigned int size, uint32_t v)
{
    memcpy(&f.cfg[reg], &v, size);
}

static uint32_t fake_read(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size)
{
    assert_ptr_equal(ctx, &f);
    if (bdf != BDF)
        return size == 4 ? ~0u : (1u << (8 * size)) - 1;
    assert_true(reg + size <= PCI_CFG_SIZE);
    return get(reg, size);
}

static void fake_write(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    assert_ptr_equal(ctx, &f);
    assert_int_equal(bdf, BDF);
    f.writes++;
    if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NR_BARS) {
        unsigned int i = (reg - PCI_BAR0) / 4;
        uint32_t old = get(reg, 4);

        assert_int_equal(size, 4);
        if (get(PCI_COMMAND, 2) & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
            f.bar_writes_decoding++;
        put(reg, 4, (old & ~f.bar_wmask[i]) | (v & f.bar_wmask[i]));
        return;
    }
    put(reg, size, v);
}

static const struct pci_cfg_ops ops = { fake_read, fake_write };

static void set_bar(unsigned int i, uint32_t value, uint32_t wmask)
{
    put(PCI_BAR0 + 4 * i, 4, value);
    f.bar_wmask[i] = wmask;
}

static int setup(void **state)
{
    (void)state;
    memset(&f, 0, sizeof(f));
    put(PCI_VENDOR_ID, 2, 0x1234);
    put(PCI_DEVICE_ID, 2, 0x11e8);
    put(PCI_CLASS_REV, 4, 0x00ff0010);
    put(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
    return 0;
}

static void test_absent(void **state)
{
    struct pci_dev d;

    (void)state;
    assert_int_equal(pci_probe(&ops, &f, PCI_BDF(0, 4, 0), &d), -ENODEV);
    put(PCI_VENDOR_ID, 2, 0);
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), -ENODEV);
}

static void test_ids_and_bars(void **state)
{
    struct pci_dev d;

    (void)state;
    set_bar(0, 0xfea00000, 0xfff00000);         /* 1 MiB, 32-bit */
    set_bar(1, 0x0000c041, 0xffffffe0);         /* I/O, 32 ports */
    set_bar(2, 0xe000000c, 0xffffc000);         /* 16 KiB, 64-bit, prefetch */
    set_bar(3, 0x00000001, 0xffffffff);         /* high half: at 5 GiB + ... */
    set_bar(4, 0, 0);                           /* not implemented */
    set_bar(5, 0xfeb00000, 0xfffff000);         /* 4 KiB */
    put(PCI_BAR0 + 12, 4, 0x00000001);
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_int_equal(d.vendor, 0x1234);
    assert_int_equal(d.device, 0x11e8);
    assert_int_equal(d.class, 0x00ff00);
    assert_int_equal(d.hdr_type, 0);
    assert_int_equal(d.nr_bars, 6);
    assert_int_equal(d.bar[0].base, 0xfea00000);
    assert_int_equal(d.bar[0].size, MiB(1));
    assert_false(d.bar[0].io || d.bar[0].mem64 || d.bar[0].prefetch);
    assert_true(d.bar[1].io);
    assert_int_equal(d.bar[1].base, 0xc040);
    assert_int_equal(d.bar[1].size, 32);
    assert_true(d.bar[2].mem64 && d.bar[2].prefetch);
    assert_int_equal(d.bar[2].base, 0x1e0000000ull);
    assert_int_equal(d.bar[2].size, KiB(16));
    assert_int_equal(d.bar[3].size, 0);         /* the high half is no BAR */
    assert_int_equal(d.bar[4].size, 0);
    assert_int_equal(d.bar[5].size, KiB(4));
    /* Sized with decoding off, every BAR and the command register restored. */
    assert_int_equal(f.bar_writes_decoding, 0);
    assert_int_equal(get(PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
    assert_int_equal(get(PCI_BAR0, 4), 0xfea00000);
    assert_int_equal(get(PCI_BAR0 + 4, 4), 0xc041);
    assert_int_equal(get(PCI_BAR0 + 8, 4), 0xe000000c);
    assert_int_equal(get(PCI_BAR0 + 12, 4), 1);
    assert_int_equal(get(PCI_BAR0 + 20, 4), 0xfeb00000);
}

static void test_bar_decode(void **state)
{
    struct pci_bar b;

    (void)state;
    /* A 16-bit I/O decoder that reads its upper half back as zeroes. */
    assert_int_equal(pci_bar_decode(0x1001, 0xfff1, 0, 0, &b), 1);
    assert_true(b.io);
    assert_int_equal(b.size, 16);
    assert_int_equal(b.base, 0x1000);
    /* A 64-bit BAR larger than 4 GiB: only the high half is writable below. */
    assert_int_equal(pci_bar_decode(0x4, 0x4, 0x80, 0xfffffff0, &b), 2);
    assert_int_equal(b.size, GiB(64));
    assert_int_equal(b.base, 0x8000000000ull);
    /* Nothing writable: no BAR. */
    assert_int_equal(pci_bar_decode(0x0, 0x0, 0, 0, &b), 1);
    assert_int_equal(b.size, 0);
    assert_int_equal(pci_bar_decode(0x1, 0x1, 0, 0, &b), 1);
    assert_int_equal(b.size, 0);
}

static void test_bar64_in_last_slot(void **state)
{
    struct pci_dev d;

    (void)state;
    set_bar(5, 0xfe000004, 0xffff0000);         /* claims 64-bit, no slot left */
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_false(d.bar[5].mem64);
    assert_int_equal(d.bar[5].size, KiB(64));
    assert_int_equal(d.bar[5].base, 0xfe000000);
}

static void put_cap(uint8_t pos, uint8_t id, uint8_t next)
{
    f.cfg[pos] = id;
    f.cfg[pos + 1] = next;
}

static void test_caps(void **state)
{
    struct pci_dev d;

    (void)state;
    set_bar(1, 0xfeb01000, 0xfffff000);
    put(PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
    f.cfg[PCI_CAP_PTR] = 0x43;                  /* low bits are reserved */
    put_cap(0x40, 0x01, 0x50);                  /* power management */
    put_cap(0x50, PCI_CAP_ID_MSI, 0x60);
    put(0x52, 2, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
    put_cap(0x60, PCI_CAP_ID_MSIX, 0x00);
    put(0x62, 2, 0x0003 | PCI_MSIX_FLAGS_ENABLE);   /* 4 entries */
    put(0x64, 4, 0x00000801);                   /* BAR1 + 0x800 */
    put(0x68, 4, 0x00000c01);                   /* PBA: BAR1 + 0xc00 */
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_int_equal(d.msi_cap, 0x50);
    assert_true(d.msi_64bit);
    assert_true(d.msi_maskable);
    assert_int_equal(d.msix_cap, 0x60);
    assert_int_equal(d.msix_size, 4);
    assert_int_equal(d.msix_table_bir, 1);
    assert_int_equal(d.msix_table_off, 0x800);
    assert_int_equal(d.msix_pba_bir, 1);
    assert_int_equal(d.msix_pba_off, 0xc00);

    /* A 32-bit MSI without masking; no capability list bit: nothing. */
    put(0x52, 2, 0);
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_false(d.msi_64bit || d.msi_maskable);
    put(PCI_STATUS, 2, 0);
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_int_equal(d.msi_cap, 0);
    assert_int_equal(d.msix_cap, 0);
}

static void test_caps_hostile(void **state)
{
    struct pci_dev d;

    (void)state;
    put(PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
    /* A loop: the walk stops, having found the MSI capability once. */
    f.cfg[PCI_CAP_PTR] = 0x40;
    put_cap(0x40, PCI_CAP_ID_MSI, 0x48);
    put_cap(0x48, 0x09, 0x40);
    unsigned int before = f.writes;
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_int_equal(d.msi_cap, 0x40);
    assert_true(f.writes > before);
    /* A pointer into the header ends the list. */
    put_cap(0x48, 0x09, 0x10);
    f.cfg[PCI_CAP_PTR] = 0x20;
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_int_equal(d.msi_cap, 0);
    /* MSI-X naming a BAR beyond the header's six: not usable. */
    f.cfg[PCI_CAP_PTR] = 0x60;
    put_cap(0x60, PCI_CAP_ID_MSIX, 0);
    put(0x64, 4, 0x7);
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_int_equal(d.msix_cap, 0);
}

static void test_bridge(void **state)
{
    struct pci_dev d;

    (void)state;
    f.cfg[PCI_HEADER_TYPE] = 0x81;
    set_bar(0, 0xfe800000, 0xffffc000);
    set_bar(2, 0x12345678, 0xffffffff);         /* bus numbers: not a BAR */
    assert_int_equal(pci_probe(&ops, &f, BDF, &d), 0);
    assert_int_equal(d.hdr_type, 1);
    assert_int_equal(d.nr_bars, 2);
    assert_int_equal(d.bar[0].size, KiB(16));
    assert_int_equal(get(PCI_BAR0 + 8, 4), 0x12345678);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_absent, setup),
        cmocka_unit_test_setup(test_ids_and_bars, setup),
        cmocka_unit_test_setup(test_bar_decode, setup),
        cmocka_unit_test_setup(test_bar64_in_last_slot, setup),
        cmocka_unit_test_setup(test_caps, setup),
        cmocka_unit_test_setup(test_caps_hostile, setup),
        cmocka_unit_test_setup(test_bridge, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
