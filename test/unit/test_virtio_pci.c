/* SPDX-License-Identifier: MIT */
/* Unit tests: the virtio 1.x PCI transport (tools/dom0/virtio_pci.c). A
 * fake function: its configuration space (vendor capabilities, MSI-X) and
 * BAR 4 as plain memory, where registers keep what was last written (so
 * a status or an MSI-X vector reads back as set). Capabilities that point
 * outside their BAR, and notification offsets past the area, are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/dom0/dma.h"
#include "../../tools/dom0/dom0.h"
#include "../../tools/dom0/pci.h"
#include "../../tools/dom0/virtio.h"

#define BAR_BYTES       0x4000
#define POOL_PAGES      64

struct page_pool dom0_pages;
static uint8_t pool_mem[POOL_PAGES][4096] __attribute__((aligned(4096)));
static uint64_t pool_bitmap[1];
static uint8_t cfg[PCI_CFG_SIZE];
static uint8_t bar[BAR_BYTES] __attribute__((aligned(4096)));
static struct pci_dev dev;
static unsigned int msi_binds, bound_port;

uint32_t pci_cfg_read(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size)
{
    uint32_t v = 0;

    memcpy(&v, cfg + off, size);
    return v;
}

void pci_cfg_write(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size,
                   uint32_t val)
{
    memcpy(cfg + off, &val, size);
}

void *pci_map_bar(struct pci_dev *d, unsigned int i)
{
    return i == 4 ? bar : NULL;
}

int pci_msi_bind(const struct pci_dev *d, unsigned int entry, const char *name, int *pirq,
                 evtchn_port_t *port)
{
    msi_binds++;
    *pirq = 10 + entry;
    *port = 20 + entry;
    return 0;
}

int ports_bind(evtchn_port_t port, port_work_fn fn, void *arg)
{
    bound_port = port;
    return 0;
}

uint64_t ports_events(evtchn_port_t port)
{
    return 0;
}

int dma_addrs(const uint64_t *gpa, uint64_t *bus, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        bus[i] = gpa[i] + 0x1000000000ull;          /* a visible translation */
    return 0;
}

static void cap(unsigned int at, unsigned int next, uint8_t type, uint8_t bar_no,
                uint32_t off, uint32_t len)
{
    cfg[at] = PCI_CAP_VENDOR;
    cfg[at + 1] = next;
    cfg[at + 2] = 20;
    cfg[at + 3] = type;
    cfg[at + 4] = bar_no;
    memcpy(cfg + at + 8, &off, 4);
    memcpy(cfg + at + 12, &len, 4);
}

static void put16(unsigned int off, uint16_t v)
{
    memcpy(bar + off, &v, 2);
}

static uint16_t get16(unsigned int off)
{
    uint16_t v;

    memcpy(&v, bar + off, 2);
    return v;
}

/* QEMU's layout: common 0x0, ISR 0x1000, device 0x2000, notify 0x3000
 * with a multiplier of 4; MSI-X with 3 entries; 2 queues of 100 entries. */
static void device(void)
{
    uint32_t mult = 4, features = 1 | 1u << 28;     /* VERSION_1 (bit 32) and INDIRECT */

    memset(cfg, 0, sizeof(cfg));
    memset(bar, 0, sizeof(bar));
    cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
    cfg[PCI_CAP_PTR] = 0x40;
    cap(0x40, 0x54, 1, 4, 0x0000, 0x1000);
    cap(0x54, 0x68, 3, 4, 0x1000, 0x1000);
    cap(0x68, 0x7c, 4, 4, 0x2000, 0x1000);
    cap(0x7c, 0x98, 2, 4, 0x3000, 0x1000);
    memcpy(cfg + 0x7c + 16, &mult, 4);
    cfg[0x98] = PCI_CAP_MSIX;
    cfg[0x98 + PCI_MSIX_FLAGS] = 2;
    memset(&dev, 0, sizeof(dev));
    dev.bar[4] = (struct pci_bar){ .base = 0xfe000000, .size = BAR_BYTES };
    memcpy(bar + 0x04, &features, 4);
    put16(0x12, 2);
    put16(0x18, 100);
    put16(0x1e, 3);
    bar[0x14] = 0x55;                               /* reset must clear it */
    msi_binds = bound_port = 0;
    pages_init(&dom0_pages, (uintptr_t)pool_mem, POOL_PAGES, pool_bitmap);
    pages_add(&dom0_pages, (uintptr_t)pool_mem, (uintptr_t)pool_mem + sizeof(pool_mem));
}

static void work(struct virtio_queue *q)
{
}

static void test_good_device(void **state)
{
    struct virtio_dev v;
    struct virtio_queue *q;
    uint64_t desc;

    device();
    assert_int_equal(virtio_pci_init(&v, &dev, "vdz"), 0);
    assert_ptr_equal(v.common, bar);
    assert_ptr_equal(v.isr, bar + 0x1000);
    assert_ptr_equal(v.devcfg, bar + 0x2000);
    assert_ptr_equal(v.notify_base, bar + 0x3000);
    assert_int_equal(v.notify_mult, 4);
    assert_int_equal(v.msix_entries, 3);
    assert_int_equal(bar[0x14], 1 | 2);             /* ACKNOWLEDGE | DRIVER */
    assert_int_equal(virtio_negotiate(&v, VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC)), 0);
    assert_int_equal(v.features, VIRTIO_F(VIRTIO_F_VERSION_1) |
                                 VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC));
    /* ACCESS_PLATFORM is taken whenever offered (bit 1 of the high half). */
    bar[0x04] |= 2;
    assert_int_equal(virtio_negotiate(&v, 0), 0);
    assert_true(v.features & VIRTIO_F(VIRTIO_F_ACCESS_PLATFORM));
    assert_int_equal(virtio_negotiate(&v, VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC)), 0);
    assert_true(bar[0x14] & 8);                     /* FEATURES_OK */
    assert_int_equal(virtio_queue_setup(&v, 1, 256, work, NULL), 0);
    q = &v.queue[1];
    assert_int_equal(q->vq.size, 64);               /* 100: down to a power of 2 */
    assert_int_equal(get16(0x18), 64);
    assert_int_equal(get16(0x1a), 1);               /* MSI-X entry 1 */
    assert_int_equal(get16(0x1c), 1);               /* enabled */
    assert_int_equal(msi_binds, 1);
    assert_int_equal(bound_port, 21);
    memcpy(&desc, bar + 0x20, 8);
    assert_int_equal(desc, (uintptr_t)q->vq.desc + 0x1000000000ull);
    assert_ptr_equal(q->notify, bar + 0x3000 + 3 * 4);
    virtio_kick(q);
    assert_int_equal(get16(0x3000 + 12), 1);
    assert_int_equal(q->kicks, 1);
    virtio_ready(&v);
    assert_true(bar[0x14] & 4);                     /* DRIVER_OK */
    assert_int_equal(get16(0x10), 0xffff);          /* no configuration vector */
    assert_ptr_equal(virtio_first(), &v);
}

static void test_queue_limits(void **state)
{
    struct virtio_dev v;

    device();
    assert_int_equal(virtio_pci_init(&v, &dev, "vdz"), 0);
    assert_int_equal(virtio_queue_setup(&v, 2, 256, work, NULL), -XEN_ENODEV);  /* 2 queues */
    put16(0x12, 4);
    assert_int_equal(virtio_queue_setup(&v, 3, 256, work, NULL), -XEN_ENODEV);  /* 3 vectors */
    put16(0x18, 1000);
    assert_int_equal(virtio_queue_setup(&v, 0, 1024, work, NULL), 0);
    assert_int_equal(v.queue[0].vq.size, VIRTQ_MAX);
    put16(0x18, 0);
    assert_int_equal(virtio_queue_setup(&v, 1, 256, work, NULL), -XEN_ENODEV);
    put16(0x18, 8);
    put16(0x1e, 0x3ff);                             /* the area's last 4 bytes */
    assert_int_equal(virtio_queue_setup(&v, 1, 256, work, NULL), 0);
    put16(0x1e, 0x400);                             /* 0x400 * 4 + 2 > 0x1000 */
    assert_int_equal(virtio_queue_setup(&v, 2, 256, work, NULL), -XEN_EINVAL);
}

static void test_bad_capabilities(void **state)
{
    struct virtio_dev v;
    uint32_t off = BAR_BYTES - 0x30;

    device();
    memcpy(cfg + 0x40 + 8, &off, 4);                /* common runs past BAR 4 */
    assert_int_equal(virtio_pci_init(&v, &dev, "vdz"), -XEN_ENODEV);
    device();
    cfg[0x40 + 4] = 6;                              /* no such BAR */
    assert_int_equal(virtio_pci_init(&v, &dev, "vdz"), -XEN_ENODEV);
    device();
    memset(cfg + 0x7c + 12, 0, 4);                  /* notify of length 0 */
    assert_int_equal(virtio_pci_init(&v, &dev, "vdz"), -XEN_ENODEV);
    device();
    memset(bar + 0x04, 0, 4);                       /* no VERSION_1: legacy only */
    assert_int_equal(virtio_pci_init(&v, &dev, "vdz"), 0);
    assert_int_equal(virtio_negotiate(&v, 0), -XEN_ENODEV);
}

static void test_device_config(void **state)
{
    struct virtio_dev v;
    uint64_t cap = 0x1122334455667788ull;

    device();
    memcpy(bar + 0x2000 + 0xff8, &cap, 8);
    assert_int_equal(virtio_pci_init(&v, &dev, "vdz"), 0);
    assert_int_equal(virtio_cfg_read(&v, 0xff8, 8), cap);
    assert_int_equal(virtio_cfg_read(&v, 0xffc, 4), 0x11223344);
    assert_int_equal(virtio_cfg_read(&v, 0xffc, 8), 0);     /* past its end */
    assert_int_equal(virtio_cfg_read(&v, 0xfff, 1), 0x11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_device),
        cmocka_unit_test(test_queue_limits),
        cmocka_unit_test(test_bad_capabilities),
        cmocka_unit_test(test_device_config),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
