// SPDX-License-Identifier: MIT
/*
 * Test guest pci-pt: a domU that `hv create` gave QEMU's edu device
 * (pci = [...] in its config; docs/pci.md, "Passthrough"). It drives edu
 * with the shared driver (lib/edu.c) the way dom0 would:
 *  - finds edu at its host bus:dev.fn through ports 0xcf8/0xcfc, where
 *    every other function (the host bridge) reads all-ones;
 *  - finds BAR0 reserved in its memory map, turns on memory decoding and
 *    bus mastering, checks the id and liveness registers and a factorial;
 *  - maps edu's MSI to a pirq (PHYSDEVOP_map_pirq) and binds it to an event
 *    channel (EVTCHNOP_bind_pirq); an interrupt raised by edu arrives as an
 *    event;
 *  - has edu DMA a pattern from one of its pages into edu's buffer and back
 *    into another page at offset 128, at bus address gfn << 12 (the IOMMU
 *    translates through its own map), each DMA's end an event; checks the
 *    bytes that landed and that nothing else changed.
 * It leaves the pirq mapped and bound: destroying the domain must release
 * it and give edu back to dom0 (the scenario checks dom0 drives it again).
 */
#include <public/event_channel.h>
#include <public/physdev.h>
#include "edu.h"
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("a domU drives the edu device passed to it: config space, BAR, MSI as an event, DMA");

#define DEADLINE_NS     5000000000ull   /* emulated machines are slow */
#define DMA_BYTES       256
#define DST_OFF         128

static struct edu dev;
static evtchn_port_t port;
static uint8_t page_a[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t page_b[PAGE_SIZE] __aligned(PAGE_SIZE);

static void find_device(void)
{
    uint64_t bar;
    uint32_t fact = 0;

    if (!edu_find(&dev.bdf))
        test_error("no edu device in config space (pci = [...] in the config?)");
    printf("edu at %02x:%02x.%u\n", dev.bdf >> 8, (dev.bdf >> 3) & 0x1f, dev.bdf & 7);
    CHECK_EQ(cfg1_read(0, 0, 4), 0xffffffff);          /* the host bridge: not ours */
    bar = edu_bar0(dev.bdf);
    REQUIRE(bar != 0);
    printf("edu BAR0 at %#lx\n", bar);
    CHECK(memmap_has(XEN_HVM_MEMMAP_TYPE_RESERVED, bar, bar + MiB(1)));
    dev.regs = (volatile uint8_t *)(uintptr_t)bar;
    REQUIRE(cfg1_enable(dev.bdf));
    REQUIRE(edu_alive(&dev, 0xc0ffee11));
    CHECK(edu_factorial(&dev, 6, &fact, 100000000));
    CHECK_EQ(fact, 720);
}

static void map_msi(void)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI_SEG, .index = -1, .pirq = -1,
        .bus = dev.bdf >> 8, .devfn = dev.bdf & 0xff,
    };
    struct evtchn_bind_pirq b = { 0 };
    uint8_t msi = cfg1_find_cap(dev.bdf, PCI_CAP_MSI);

    REQUIRE(msi != 0);
    REQUIRE_EQ(hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, (uintptr_t)&m, 0, 0, 0),
               0);
    CHECK(m.pirq > 0);
    b.pirq = m.pirq;
    REQUIRE_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_pirq, &b), 0);
    port = b.port;
    evtchn_mask(port);                  /* no upcall: the waits poll it */
    CHECK_EQ(cfg1_read(dev.bdf, msi + 2, 2) & 1, 1);   /* Petrel enabled it */
    printf("edu MSI: pirq %d, port %u\n", m.pirq, port);
}

static bool wait_event(const char *what)
{
    if (evtchn_wait_port(port, now_ns() + DEADLINE_NS))
        return true;
    test_fail("no event for edu's %s within %llu ms", what, DEADLINE_NS / 1000000);
    return false;
}

static void check_interrupt(void)
{
    edu_wr(&dev, EDU_IRQ_RAISE, 0x1);
    if (!wait_event("interrupt"))
        return;
    CHECK_EQ(edu_rd(&dev, EDU_IRQ_STATUS), 0x1);
    edu_wr(&dev, EDU_IRQ_ACK, 0x1);
    CHECK_EQ(edu_rd(&dev, EDU_IRQ_STATUS), 0);
}

static bool dma(uint64_t src, uint64_t dst, bool to_ram)
{
    edu_dma_start(&dev, src, dst, DMA_BYTES, to_ram);
    if (!wait_event("DMA"))
        return false;
    CHECK(edu_dma_done(&dev));
    return true;
}

static void check_dma(void)
{
    uint64_t a = (uintptr_t)page_a, b = (uintptr_t)page_b;   /* gfn << 12: identity */

    for (unsigned int i = 0; i < PAGE_SIZE; i++) {
        page_a[i] = (uint8_t)(i * 11 + 1);
        page_b[i] = 0x3c;
    }
    if (!dma(a, EDU_DMA_BUF, false) || !dma(EDU_DMA_BUF, b + DST_OFF, true))
        return;
    for (unsigned int i = 0; i < PAGE_SIZE; i++) {
        bool in = i >= DST_OFF && i < DST_OFF + DMA_BYTES;
        uint8_t want = in ? (uint8_t)((i - DST_OFF) * 11 + 1) : 0x3c;

        if (page_b[i] != want) {
            test_fail("page B byte %u is %#x, want %#x", i, page_b[i], want);
            return;
        }
        if (page_a[i] != (uint8_t)(i * 11 + 1)) {
            test_fail("page A byte %u changed", i);
            return;
        }
    }
    printf("edu DMA: %u bytes RAM -> edu -> RAM at %#lx, %#lx: every byte right\n",
           DMA_BYTES, a, b + DST_OFF);
}

void test_main(void)
{
    REQUIRE_EQ(events_init(EVENT_VECTOR_DEFAULT), 0);
    find_device();
    map_msi();
    check_interrupt();
    check_dma();
    CHECK(evtchn_no_strays());
    printf("leaving edu's pirq bound to port %u for the domain's destruction\n", port);
}
