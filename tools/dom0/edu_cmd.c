// SPDX-License-Identifier: MIT
/*
 * The shell's `edu [bus:dev.fn] [poll]`: drive QEMU's edu device from dom0
 * with the shared driver (test/guests/lib/edu.c), to show it works in dom0
 * (again, after a guest it was passed to is gone): its id and liveness
 * registers, a factorial, and a DMA from a page of dom0's into edu's buffer
 * and back into another page at the bus addresses Petrel gives (dma.h),
 * each DMA's end an MSI that arrives as an event: waited for blocked in
 * dom0's event loop, or with `poll` in SCHEDOP_poll on the masked port, the
 * guests' way (evtchn_wait_port: other events end a poll early). The pirq
 * is unmapped at the end, so that the device can be passed to a guest
 * afterwards.
 */
#include <stdio.h>
#include <string.h>
#include <public/errno.h>
#include <public/physdev.h>
#include "../libhv/libhv.h"
#include "../libhv/pcidev.h"
#include "dma.h"
#include "dom0.h"
#include "edu.h"
#include "hypercall.h"
#include "pci.h"
#include "xen.h"

#define EDU_DEADLINE_NS 5000000000ull   /* emulated machines are slow */
#define EDU_DMA_BYTES   256
#define EDU_DST_OFF     128             /* where it lands in the second page */

struct edu_run {
    struct edu e;
    bool poll;                          /* wait in SCHEDOP_poll, port masked */
    evtchn_port_t port;
    uint64_t events_before;             /* ports_events() when the DMA started */
    volatile bool event, late;
};

static void on_edu_event(evtchn_port_t port, void *arg)
{
    struct edu_run *r = arg;

    if (ports_events(port) > r->events_before)
        r->event = true;
}

static void on_deadline(void *arg)
{
    struct edu_run *r = arg;

    r->late = true;
    r->event = true;                    /* ends the wait */
}

/* One DMA, waited for as an event (blocked in dom0's loop), with a
 * deadline; true when its event came and edu says it is done. */
static bool dma_wait(struct edu_run *r, uint64_t src, uint64_t dst, bool to_ram,
                     uint64_t *took_ns)
{
    struct dom0_timer t = { .fn = on_deadline, .arg = r };
    uint64_t start = now_ns();

    r->events_before = ports_events(r->port);
    r->event = r->late = false;
    if (r->poll) {
        edu_dma_start(&r->e, src, dst, EDU_DMA_BYTES, to_ram);
        r->late = !evtchn_wait_port(r->port, start + EDU_DEADLINE_NS);
    } else {
        timer_arm(&t, start + EDU_DEADLINE_NS);
        edu_dma_start(&r->e, src, dst, EDU_DMA_BYTES, to_ram);
        dom0_wait(&r->event);
        timer_disarm(&t);
    }
    *took_ns += now_ns() - start;
    if (r->late) {
        printf("edu: no event for the DMA within %llu ms (DMA command %#x)\n",
               EDU_DEADLINE_NS / 1000000, edu_rd(&r->e, EDU_DMA_CMD));
        return false;
    }
    if (!edu_dma_done(&r->e)) {
        printf("edu: event, but the DMA is not done (command %#x, irq status %#x)\n",
               edu_rd(&r->e, EDU_DMA_CMD), edu_rd(&r->e, EDU_IRQ_STATUS));
        return false;
    }
    return true;
}

/* Page A -> edu's buffer -> page B at EDU_DST_OFF; every byte checked. */
static int dma_round(struct edu_run *r, uint64_t *took_ns)
{
    uint64_t pages = pages_alloc(&dom0_pages, 2);
    uint8_t *a = (uint8_t *)(uintptr_t)pages, *b = a + PAGE_BYTES;
    uint64_t ba, bb;
    int rc = 1;

    if (!pages) {
        printf("edu: no free page for the DMA\n");
        return 1;
    }
    ba = dma_addr(pages);
    bb = dma_addr(pages + PAGE_BYTES);
    if (ba == DMA_NONE || bb == DMA_NONE) {
        printf("edu: Petrel gives no bus address for dom0's pages\n");
        goto out;
    }
    for (unsigned int i = 0; i < PAGE_BYTES; i++) {
        a[i] = (uint8_t)(i * 13 + 5);
        b[i] = 0xa5;
    }
    if (!dma_wait(r, ba, EDU_DMA_BUF, false, took_ns) ||
        !dma_wait(r, EDU_DMA_BUF, bb + EDU_DST_OFF, true, took_ns))
        goto out;
    for (unsigned int i = 0; i < PAGE_BYTES; i++) {
        bool in = i >= EDU_DST_OFF && i < EDU_DST_OFF + EDU_DMA_BYTES;
        uint8_t want = in ? (uint8_t)((i - EDU_DST_OFF) * 13 + 5) : 0xa5;

        if (b[i] != want) {
            printf("edu: byte %u of the DMA's target is %#x, want %#x\n", i, b[i], want);
            goto out;
        }
    }
    rc = 0;
out:
    pages_free(&dom0_pages, pages, 2);
    return rc;
}

static struct pci_dev *find_dev(int argc, char **argv)
{
    uint16_t seg, bdf;

    if (argc == 1)
        return pci_find(NULL, EDU_VENDOR, EDU_DEVICE, EDU_DEVICE);
    if (argc != 2 || hv_parse_bdf(argv[1], &seg, &bdf) || seg) {
        printf("usage: edu [bus:dev.fn] [poll]\n");
        return NULL;
    }
    for (struct pci_dev *d = pci_first(); d; d = d->next)
        if (d->bus == bdf >> 8 && d->devfn == (bdf & 0xff) && d->vendor == EDU_VENDOR &&
            d->device == EDU_DEVICE)
            return d;
    printf("edu: no edu device at %s\n", argv[1]);
    return NULL;
}

static void unmap_pirq(int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };

    hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_unmap_pirq, (uintptr_t)&u, 0, 0, 0);
}

int edu_cmd(int argc, char **argv)
{
    static struct edu_run r;
    bool poll = argc > 1 && !strcmp(argv[argc - 1], "poll");
    struct pci_dev *d = find_dev(argc - poll, argv);
    uint64_t took = 0;
    uint32_t fact = 0;
    int pirq, rc;

    if (!d)
        return 1;
    memset(&r, 0, sizeof(r));
    r.poll = poll;
    r.e.bdf = (uint16_t)(d->bus << 8 | d->devfn);
    if (cfg1_read(r.e.bdf, 0, 4) != ((uint32_t)EDU_DEVICE << 16 | EDU_VENDOR)) {
        printf("edu %02x:%02x.%u: not dom0's now (config space reads all-ones)\n", d->bus,
               PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
        return 1;
    }
    if (!(r.e.regs = pci_map_bar(d, 0))) {      /* decoding and bus mastering on */
        printf("edu: BAR0 cannot be mapped\n");
        return 1;
    }
    if (!edu_alive(&r.e, 0x5eed0bad)) {
        printf("edu: not alive: id %#x\n", edu_rd(&r.e, EDU_ID));
        return 1;
    }
    if (!edu_factorial(&r.e, 5, &fact, 100000000) || fact != 120) {
        printf("edu: 5! = %u, or it never finished\n", fact);
        return 1;
    }
    if (pci_msi_bind(d, 0, "edu", &pirq, &r.port))
        return 1;
    if (poll)
        evtchn_mask(r.port);
    else
        ports_bind(r.port, on_edu_event, &r);
    rc = dma_round(&r, &took);
    if (!poll)
        ports_unbind(r.port);
    evtchn_close(r.port);
    unmap_pirq(pirq);
    if (rc)
        return 1;
    printf("edu %02x:%02x.%u: alive, 5! = %u, DMA of %u bytes to edu and back checked, "
           "each end an event (%s, %lu us)\n", d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
           fact, EDU_DMA_BYTES, poll ? "SCHEDOP_poll" : "blocked", (unsigned long)(took / 1000));
    return 0;
}
