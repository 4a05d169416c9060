/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's PCI enumeration (tools/dom0/pci.c): buses behind
 * bridges each once, multi-function slots, BAR sizing with decoding off
 * and the registers restored, capability walks that loop or wander. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/dom0/pci.h"

struct fake_fn {
    uint8_t bus, devfn;
    uint8_t cfg[PCI_CFG_SIZE];
    uint32_t bar_mask[6];               /* writable address bits per BAR */
    bool decoding_seen_during_probe;    /* a BAR held all ones with decoding on */
};

static struct fake_fn fns[8];
static unsigned int nr_fns;
static unsigned int reads;

static struct fake_fn *fake_find(uint8_t bus, uint8_t devfn)
{
    for (unsigned int i = 0; i < nr_fns; i++)
        if (fns[i].bus == bus && fns[i].devfn == devfn)
            return &fns[i];
    return NULL;
}

uint32_t pci_cfg_read(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size)
{
    struct fake_fn *f = fake_find(bus, devfn);
    uint32_t v = 0;

    reads++;
    assert_true(off % size == 0 && off + size <= PCI_CFG_SIZE);
    if (!f)
        return size == 4 ? 0xffffffff : (1u << (8 * size)) - 1;
    memcpy(&v, f->cfg + off, size);
    return v;
}

void pci_cfg_write(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size,
                   uint32_t val)
{
    struct fake_fn *f = fake_find(bus, devfn);

    assert_true(off % size == 0 && off + size <= PCI_CFG_SIZE);
    if (!f)
        return;
    if (off >= PCI_BAR0 && off < PCI_BAR0 + 24 && size == 4) {
        unsigned int i = (off - PCI_BAR0) / 4;
        uint32_t old;

        memcpy(&old, f->cfg + off, 4);
        val = (val & f->bar_mask[i]) | (old & ~f->bar_mask[i]);
        if (val == (f->bar_mask[i] | (old & ~f->bar_mask[i])) && f->bar_mask[i] &&
            (f->cfg[PCI_COMMAND] & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO)))
            f->decoding_seen_during_probe = true;
    }
    memcpy(f->cfg + off, &val, size);
}

static struct fake_fn *add_fn(uint8_t bus, uint8_t devfn, uint16_t vendor, uint16_t device,
                              uint8_t class, uint8_t header)
{
    struct fake_fn *f = &fns[nr_fns++];

    memset(f, 0, sizeof(*f));
    f->bus = bus;
    f->devfn = devfn;
    memcpy(f->cfg + PCI_VENDOR_ID, &vendor, 2);
    memcpy(f->cfg + PCI_DEVICE_ID, &device, 2);
    f->cfg[PCI_REVISION + 3] = class;
    f->cfg[PCI_HEADER_TYPE] = header;
    f->cfg[PCI_COMMAND] = PCI_COMMAND_MEMORY | PCI_COMMAND_IO;
    return f;
}

static void set_bar(struct fake_fn *f, unsigned int i, uint32_t val, uint32_t mask)
{
    memcpy(f->cfg + PCI_BAR0 + 4 * i, &val, 4);
    f->bar_mask[i] = mask;
}

/* The fake machine: bus 0 with a two-function device at 00:03, a
 * virtio-like device at 00:04, a bridge at 00:1e to bus 2 (one device,
 * and a bridge claiming bus 0 again) and nothing else. */
static void machine(void)
{
    struct fake_fn *f;

    nr_fns = 0;
    f = add_fn(0, 3 << 3, 0x8086, 0x10d3, 2, PCI_HEADER_MULTI);
    set_bar(f, 0, 0xfeb80000, 0xfffe0000);                  /* 128 KiB */
    set_bar(f, 2, 0xc041, 0xffffffe0);                      /* I/O, 32 bytes */
    add_fn(0, 3 << 3 | 1, 0x8086, 0x10d4, 2, 0);
    f = add_fn(0, 4 << 3, 0x1af4, 0x1042, 1, 0);
    set_bar(f, 1, 0xfebd5000, 0xfffff000);                  /* 4 KiB */
    set_bar(f, 4, 0x0000000c, 0xffffc000);                  /* 64-bit prefetchable */
    set_bar(f, 5, 0x00000002, 0xffffffff);                  /*   at 8 GiB, 16 KiB */
    set_bar(f, 3, 0xfe001000, 0xffffc000);                  /* 16 KiB, misaligned */
    f = add_fn(0, 0x1e << 3, 0x8086, 0x244e, 6, 1);
    f->cfg[PCI_SECONDARY_BUS] = 2;
    add_fn(2, 0, 0x1af4, 0x1041, 2, 0);
    f = add_fn(2, 1 << 3, 0x1234, 0x0001, 6, 1);
    f->cfg[PCI_SECONDARY_BUS] = 0;                          /* a loop */
}

static struct pci_dev *dev_at(uint8_t bus, uint8_t devfn)
{
    for (struct pci_dev *d = pci_first(); d; d = d->next)
        if (d->bus == bus && d->devfn == devfn)
            return d;
    return NULL;
}

static void test_scan(void **state)
{
    struct pci_dev *d;

    machine();
    assert_int_equal(pci_scan(), 6);
    /* 00:03.1 is found because 00:03.0 is multi-function; bus 2 once. */
    assert_non_null(dev_at(0, 3 << 3 | 1));
    d = dev_at(2, 0);
    assert_non_null(d);
    assert_int_equal(d->vendor, 0x1af4);
    assert_int_equal(d->device, 0x1041);
    assert_string_equal(pci_class_name(d), "network");
    assert_ptr_equal(pci_find(NULL, 0x1af4, 0x1040, 0x107f), dev_at(0, 4 << 3));
    assert_ptr_equal(pci_find(dev_at(0, 4 << 3)->next, 0x1af4, 0x1040, 0x107f), d);
    assert_null(pci_find(d->next, 0x1af4, 0x1040, 0x107f));
}

static void test_bars(void **state)
{
    struct pci_dev *nic = dev_at(0, 3 << 3), *vd = dev_at(0, 4 << 3);
    struct fake_fn *f = fake_find(0, 4 << 3);
    uint32_t v;

    assert_int_equal(nic->bar[0].base, 0xfeb80000);
    assert_int_equal(nic->bar[0].size, 0x20000);
    assert_int_equal(nic->bar[0].flags, 0);
    assert_int_equal(nic->bar[2].base, 0xc040);
    assert_int_equal(nic->bar[2].size, 32);
    assert_int_equal(nic->bar[2].flags, PCI_BAR_IO);
    assert_int_equal(nic->bar[1].size, 0);                  /* not implemented */
    assert_int_equal(vd->bar[1].size, 0x1000);
    assert_int_equal(vd->bar[4].base, 0x200000000ull);
    assert_int_equal(vd->bar[4].size, 0x4000);
    assert_int_equal(vd->bar[4].flags, PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
    assert_int_equal(vd->bar[5].size, 0);                   /* BAR 4's high half */
    assert_int_equal(vd->bar[3].size, 0);                   /* not aligned: refused */
    /* Registers as the firmware left them, decoding back on, and no BAR
     * held all ones while the device decoded. */
    memcpy(&v, f->cfg + PCI_BAR0 + 16, 4);
    assert_int_equal(v, 0x0000000c);
    assert_int_equal(f->cfg[PCI_COMMAND], PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    for (unsigned int i = 0; i < nr_fns; i++)
        assert_false(fns[i].decoding_seen_during_probe);
}

static void test_caps(void **state)
{
    struct pci_dev *vd = dev_at(0, 4 << 3);
    struct fake_fn *f = fake_find(0, 4 << 3);

    f->cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
    f->cfg[PCI_CAP_PTR] = 0x98;
    f->cfg[0x98] = PCI_CAP_MSIX;
    f->cfg[0x99] = 0x84;
    f->cfg[0x84] = PCI_CAP_VENDOR;
    f->cfg[0x85] = 0x70;
    f->cfg[0x70] = PCI_CAP_VENDOR;
    f->cfg[0x71] = 0x00;
    assert_int_equal(pci_cap_next(vd, PCI_CAP_MSIX, 0), 0x98);
    assert_int_equal(pci_cap_next(vd, PCI_CAP_VENDOR, 0), 0x84);
    assert_int_equal(pci_cap_next(vd, PCI_CAP_VENDOR, 0x84), 0x70);
    assert_int_equal(pci_cap_next(vd, PCI_CAP_VENDOR, 0x70), 0);
    assert_int_equal(pci_cap_next(vd, PCI_CAP_MSI, 0), 0);
    /* A loop ends after a bounded walk. */
    f->cfg[0x71] = 0x84;
    reads = 0;
    assert_int_equal(pci_cap_next(vd, PCI_CAP_MSI, 0), 0);
    assert_true(reads < 200);
    /* Into the header, past the end, or no list at all: nothing. */
    f->cfg[0x71] = 0x10;
    assert_int_equal(pci_cap_next(vd, PCI_CAP_MSI, 0x70), 0);
    f->cfg[0x71] = 0xfe;
    assert_int_equal(pci_cap_next(vd, PCI_CAP_MSI, 0x70), 0);
    f->cfg[PCI_STATUS] = 0;
    assert_int_equal(pci_cap_next(vd, PCI_CAP_MSIX, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_caps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
