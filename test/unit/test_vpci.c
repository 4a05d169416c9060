// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/hvm/vpci.c: the ports 0xcf8-0xcff as the control
 * domain and another domain see them, over fake functions whose config
 * space is an array here. Every write that reaches "hardware" is counted,
 * so the tests see which ones vpci lets through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/domain.h>
#include <petrel/pci.h>
#include <x86/hvm/hvm.h>
#include "stubs.h"

#define NR_FAKE     4
#define EDU         0           /* 00:03.0: endpoint, BARs, MSI, MSI-X */
#define BRIDGE      1           /* 00:1e.0: PCI-PCI bridge */
#define HOST        2           /* 00:00.0: host bridge */
#define OTHER       3           /* 00:05.0: owned by nobody */

static struct domain dom0, domu;
static struct vcpu v0, vu;
static struct pci_dev devs[NR_FAKE];
static uint8_t cfg[NR_FAKE][PCI_CFG_SIZE];
static unsigned int hw_writes;
static unsigned int last_reg, last_size;

static int fake_index(uint16_t bdf)
{
    for (int i = 0; i < NR_FAKE; i++)
        if (devs[i].bdf == bdf)
            return i;
    return -1;
}

struct pci_dev *pci_find(uint16_t seg, uint16_t bdf)
{
    int i = fake_index(bdf);

    return seg == 0 && i >= 0 ? &devs[i] : NULL;
}

uint32_t pci_conf_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
    uint32_t v = 0;
    int i = fake_index(bdf);

    assert_true(i >= 0);
    assert_int_equal(reg & (size - 1), 0);
    memcpy(&v, &cfg[i][reg], size);
    return v;
}

void pci_conf_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    int i = fake_index(bdf);

    assert_true(i >= 0);
    assert_int_equal(reg & (size - 1), 0);
    hw_writes++;
    last_reg = reg;
    last_size = size;
    memcpy(&cfg[i][reg], &v, size);
}

static void put(int dev, unsigned int reg, unsigned int size, uint32_t v)
{
    memcpy(&cfg[dev][reg], &v, size);
}

static int setup(void **state)
{
    memset(devs, 0, sizeof(devs));
    memset(cfg, 0, sizeof(cfg));
    hw_writes = 0;
    stub_log_reset();
    dom0 = (struct domain){ .id = 0, .privileged = true };
    domu = (struct domain){ .id = 1 };
    v0 = (struct vcpu){ .domain = &dom0 };
    vu = (struct vcpu){ .domain = &domu };

    devs[EDU] = (struct pci_dev){ .bdf = PCI_BDF(0, 3, 0), .class = 0x00ff00, .nr_bars = 6,
                                  .msi_cap = 0x40, .msi_64bit = true, .msix_cap = 0x60,
                                  .owner = &dom0 };
    devs[EDU].bar[0] = (struct pci_bar){ .base = 0xfea00000, .size = MiB(1) };
    devs[EDU].bar[1] = (struct pci_bar){ .base = 0xe000000000ull, .size = KiB(16),
                                         .mem64 = true, .prefetch = true };
    devs[EDU].bar[3] = (struct pci_bar){ .base = 0xc040, .size = 32, .io = true };
    put(EDU, 0, 4, 0x11e81234);
    put(EDU, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    put(EDU, PCI_BAR0, 4, 0xfea00000);
    put(EDU, PCI_BAR0 + 4, 4, 0x0000000c);
    put(EDU, PCI_BAR0 + 8, 4, 0x000000e0);
    put(EDU, PCI_BAR0 + 12, 4, 0xc041);
    put(EDU, 0x40, 4, 0x00805005);          /* MSI, 64-bit, next 0x50 */
    put(EDU, 0x44, 4, 0xfee01000);

    devs[BRIDGE] = (struct pci_dev){ .bdf = PCI_BDF(0, 0x1e, 0), .class = 0x060400,
                                     .hdr_type = 1, .nr_bars = 2, .owner = &dom0 };
    put(BRIDGE, PCI_SECONDARY_BUS, 1, 1);
    devs[HOST] = (struct pci_dev){ .bdf = PCI_BDF(0, 0, 0), .class = 0x060000, .nr_bars = 6,
                                   .owner = &dom0 };
    put(HOST, 0, 4, 0x29c08086);
    devs[OTHER] = (struct pci_dev){ .bdf = PCI_BDF(0, 5, 0), .class = 0x020000, .nr_bars = 6 };
    put(OTHER, 0, 4, 0x10d38086);
    return 0;
}

static uint32_t in(struct vcpu *v, unsigned int port, unsigned int size)
{
    uint32_t val = 0x5a5a5a5a;

    vpci_io(v, port, size, true, &val);
    return val;
}

static void out(struct vcpu *v, unsigned int port, unsigned int size, uint32_t val)
{
    vpci_io(v, port, size, false, &val);
}

static void latch(struct vcpu *v, int dev, unsigned int reg)
{
    out(v, 0xcf8, 4, 0x80000000u | (uint32_t)devs[dev].bdf << 8 | reg);
}

static uint32_t vrd(struct vcpu *v, int dev, unsigned int reg, unsigned int size)
{
    latch(v, dev, reg & 0xfc);
    return in(v, 0xcfc + (reg & 3), size);
}

static void vwr(struct vcpu *v, int dev, unsigned int reg, unsigned int size, uint32_t val)
{
    latch(v, dev, reg & 0xfc);
    out(v, 0xcfc + (reg & 3), size, val);
}

/* As dom0 */
static uint32_t rd(int dev, unsigned int reg, unsigned int size)
{
    return vrd(&v0, dev, reg, size);
}

static void wr(int dev, unsigned int reg, unsigned int size, uint32_t val)
{
    vwr(&v0, dev, reg, size, val);
}

static void test_latch(void **state)
{
    out(&v0, 0xcf8, 4, 0xffffffff);
    assert_int_equal(in(&v0, 0xcf8, 4), 0x80fffffc);    /* reserved bits read 0 */
    out(&v0, 0xcf8, 4, 0x80000000);
    assert_int_equal(in(&v0, 0xcf8, 4), 0x80000000);
    /* Not dword: mechanism #2's ports, which reach nothing. */
    out(&v0, 0xcfb, 1, 0x01);
    assert_int_equal(in(&v0, 0xcf8, 4), 0x80000000);
    assert_int_equal(in(&v0, 0xcf8, 2), 0xffff);
    assert_int_equal(in(&v0, 0xcfa, 1), 0xff);
    /* Enable bit clear: nothing answers. */
    out(&v0, 0xcf8, 4, (uint32_t)devs[EDU].bdf << 8);
    assert_int_equal(in(&v0, 0xcfc, 4), 0xffffffff);
}

static void test_reads(void **state)
{
    assert_int_equal(rd(EDU, 0, 4), 0x11e81234);
    assert_int_equal(rd(EDU, 2, 2), 0x11e8);
    assert_int_equal(rd(EDU, 3, 1), 0x11);
    assert_int_equal(rd(EDU, 0x44, 4), 0xfee01000);      /* MSI: the real state */
    /* Misaligned: all-ones, no hardware access with a bad alignment. */
    latch(&v0, EDU, 0);
    assert_int_equal(in(&v0, 0xcfd, 2), 0xffff);
    assert_int_equal(in(&v0, 0xcfe, 4), 0xffffffff);
    /* Nobody's device, and an empty slot. */
    assert_int_equal(rd(OTHER, 0, 4), 0xffffffff);
    out(&v0, 0xcf8, 4, 0x80000000u | PCI_BDF(0, 9, 0) << 8);
    assert_int_equal(in(&v0, 0xcfc, 4), 0xffffffff);
    assert_int_equal(hw_writes, 0);
}

static void test_other_domain(void **state)
{
    /* A domain that owns nothing has a latch of its own, and sees no function. */
    latch(&vu, EDU, 0);
    assert_int_equal(in(&vu, 0xcf8, 4), 0x80000000u | devs[EDU].bdf << 8);
    assert_int_equal(in(&vu, 0xcfc, 4), 0xffffffff);
    assert_int_equal(in(&vu, 0xcfe, 2), 0xffff);
    latch(&vu, OTHER, 0);
    assert_int_equal(in(&vu, 0xcfc, 4), 0xffffffff);
    /* Even with dom0's latch set, its own is what counts. */
    latch(&v0, EDU, PCI_COMMAND);
    latch(&vu, EDU, PCI_COMMAND);
    out(&vu, 0xcfc, 2, 0);
    assert_int_equal(hw_writes, 0);
    assert_int_equal(rd(EDU, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
}

/* As the guest */
static uint32_t urd(int dev, unsigned int reg, unsigned int size)
{
    return vrd(&vu, dev, reg, size);
}

static void uwr(int dev, unsigned int reg, unsigned int size, uint32_t val)
{
    vwr(&vu, dev, reg, size, val);
}

/* A function passed through to a guest: mediated for it as for dom0, and
 * gone from dom0's view. */
static void test_domu_owner(void **state)
{
    devs[EDU].owner = &domu;
    devs[EDU].exp_cap = 0x70;
    assert_int_equal(urd(EDU, 0, 4), 0x11e81234);       /* at its host bdf */
    assert_int_equal(rd(EDU, 0, 4), 0xffffffff);        /* dom0 lost it */
    assert_int_equal(urd(HOST, 0, 4), 0xffffffff);      /* dom0's functions */
    wr(EDU, PCI_COMMAND, 2, 0);
    assert_int_equal(hw_writes, 0);
    /* COMMAND reaches the device; BAR sizing is emulated; a move ignored. */
    uwr(EDU, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    assert_int_equal(cfg[EDU][PCI_COMMAND], PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    hw_writes = 0;
    uwr(EDU, PCI_BAR0, 4, 0xffffffff);
    assert_int_equal(urd(EDU, PCI_BAR0, 4), 0xfff00000);
    uwr(EDU, PCI_BAR0, 4, 0x10000000);
    assert_int_equal(urd(EDU, PCI_BAR0, 4), 0xfea00000);
    /* MSI and MSI-X are Petrel's; so is the ROM BAR. */
    uwr(EDU, 0x44, 4, 0xfee0f000);
    uwr(EDU, 0x60, 4, 0xffffffff);
    uwr(EDU, PCI_ROM_ADDRESS, 4, 0xffffffff);
    assert_int_equal(hw_writes, 0);
    assert_int_equal(urd(EDU, 0x44, 4), 0xfee01000);
    /* Device Control reaches the device without Initiate FLR. */
    uwr(EDU, 0x78, 2, 0x8000 | 0x2810);
    assert_int_equal(cfg[EDU][0x78] | cfg[EDU][0x79] << 8, 0x2810);
    uwr(EDU, 0x79, 1, 0x80 | 0x28);
    assert_int_equal(cfg[EDU][0x79], 0x28);
    uwr(EDU, 0x78, 4, 0xffffffff);
    assert_int_equal(cfg[EDU][0x79], 0x7f);
    /* dom0 may (it resets its own functions). */
    devs[EDU].owner = &dom0;
    wr(EDU, 0x79, 1, 0x80);
    assert_int_equal(cfg[EDU][0x79], 0x80);
}

/* A new owner starts with no sizing in progress and a fresh warning. */
static void test_reset_state(void **state)
{
    wr(EDU, PCI_BAR0, 4, 0xffffffff);
    wr(EDU, PCI_BAR0 + 12, 4, 0x1234);
    assert_int_not_equal(devs[EDU].bar_sizing, 0);
    assert_true(devs[EDU].bar_warned);
    vpci_reset(&devs[EDU]);
    assert_int_equal(devs[EDU].bar_sizing, 0);
    assert_false(devs[EDU].bar_warned);
    devs[EDU].owner = &domu;
    assert_int_equal(urd(EDU, PCI_BAR0, 4), 0xfea00000);
}

static void test_bar_sizing(void **state)
{
    wr(EDU, PCI_BAR0, 4, 0xffffffff);
    assert_int_equal(rd(EDU, PCI_BAR0, 4), 0xfff00000);
    assert_int_equal(rd(EDU, PCI_BAR0 + 2, 2), 0xfff0);
    wr(EDU, PCI_BAR0, 4, 0xfea00000);                   /* restored */
    assert_int_equal(rd(EDU, PCI_BAR0, 4), 0xfea00000);
    /* A 64-bit prefetchable BAR: both halves. */
    wr(EDU, PCI_BAR0 + 4, 4, 0xffffffff);
    wr(EDU, PCI_BAR0 + 8, 4, 0xffffffff);
    assert_int_equal(rd(EDU, PCI_BAR0 + 4, 4), 0xffffc00c);
    assert_int_equal(rd(EDU, PCI_BAR0 + 8, 4), 0xffffffff);
    wr(EDU, PCI_BAR0 + 4, 4, 0x0000000c);
    wr(EDU, PCI_BAR0 + 8, 4, 0x000000e0);
    assert_int_equal(rd(EDU, PCI_BAR0 + 8, 4), 0xe0);
    /* I/O, and an unimplemented BAR. */
    wr(EDU, PCI_BAR0 + 12, 4, 0xffffffff);
    assert_int_equal(rd(EDU, PCI_BAR0 + 12, 4), 0xffffffe1);
    wr(EDU, PCI_BAR0 + 16, 4, 0xffffffff);
    assert_int_equal(rd(EDU, PCI_BAR0 + 16, 4), 0);
    /* No BAR write ever reached the hardware, and none warned. */
    assert_int_equal(hw_writes, 0);
    assert_int_equal(stub_log_warnings, 0);
}

static void test_bar_move_ignored(void **state)
{
    wr(EDU, PCI_BAR0, 4, 0xd0000000);
    wr(EDU, PCI_BAR0, 2, 0x1234);
    wr(EDU, PCI_BAR0 + 4, 4, 0x1000000c);
    assert_int_equal(rd(EDU, PCI_BAR0, 4), 0xfea00000);
    assert_int_equal(hw_writes, 0);
    assert_int_equal(stub_log_warnings, 1);             /* once per function */
    assert_true(stub_log_contains("ignored"));
}

static void test_writes(void **state)
{
    wr(EDU, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    assert_int_equal(hw_writes, 1);
    assert_int_equal(last_reg, PCI_COMMAND);
    assert_int_equal(rd(EDU, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    wr(EDU, 0x3c, 1, 0x0b);                             /* interrupt line */
    assert_int_equal(hw_writes, 2);
    assert_int_equal(last_size, 1);
    /* The MSI and MSI-X capabilities, and the ROM BAR: dropped. */
    wr(EDU, 0x42, 2, 0x0081);
    wr(EDU, 0x44, 4, 0xfee0f000);
    wr(EDU, 0x4c, 2, 0x0030);                           /* data (64-bit layout) */
    wr(EDU, 0x60, 4, 0xc0000011);
    wr(EDU, 0x62, 2, 0x8000);
    wr(EDU, 0x68, 4, 0);
    wr(EDU, PCI_ROM_ADDRESS, 4, 0xfffff800);
    assert_int_equal(hw_writes, 2);
    assert_int_equal(rd(EDU, 0x44, 4), 0xfee01000);
    /* Just past the MSI capability (64-bit, no mask: 14 bytes): allowed. */
    wr(EDU, 0x50, 4, 0x12345678);
    assert_int_equal(hw_writes, 3);
    /* Misaligned writes are dropped. */
    latch(&v0, EDU, PCI_COMMAND);
    out(&v0, 0xcfd, 2, 0xffff);
    assert_int_equal(hw_writes, 3);
}

static void test_bridges(void **state)
{
    wr(BRIDGE, PCI_COMMAND, 2, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
    assert_int_equal(hw_writes, 1);
    wr(BRIDGE, PCI_SECONDARY_BUS, 1, 7);                /* bus numbers: the firmware's */
    wr(BRIDGE, PCI_BAR0, 4, 0xffffffff);
    wr(BRIDGE, PCI_COMMAND, 4, 0xffff0006);             /* touches STATUS: dropped */
    assert_int_equal(hw_writes, 1);
    assert_int_equal(rd(BRIDGE, PCI_SECONDARY_BUS, 1), 1);
    wr(HOST, PCI_COMMAND, 2, 0);                        /* read-only */
    wr(HOST, 0x50, 4, 0);
    assert_int_equal(hw_writes, 1);
    assert_int_equal(rd(HOST, 0, 4), 0x29c08086);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_latch, setup),
        cmocka_unit_test_setup(test_reads, setup),
        cmocka_unit_test_setup(test_other_domain, setup),
        cmocka_unit_test_setup(test_domu_owner, setup),
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_bar_sizing, setup),
        cmocka_unit_test_setup(test_bar_move_ignored, setup),
        cmocka_unit_test_setup(test_writes, setup),
        cmocka_unit_test_setup(test_bridges, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
