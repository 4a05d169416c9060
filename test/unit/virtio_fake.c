/* SPDX-License-Identifier: MIT */
/* The fake virtio transport and device (virtio_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/dom0/dma.h"
#include "../../tools/dom0/dom0.h"
#include "../../tools/dom0/pci.h"
#include "virtio_fake.h"

#define POOL_PAGES      256

struct page_pool dom0_pages;
static uint8_t pool_mem[POOL_PAGES][4096] __attribute__((aligned(4096)));
static uint64_t pool_bitmap[POOL_PAGES / 64];

uint64_t fake_offered;
uint8_t fake_cfg[64];
bool fake_failed, fake_dma_broken;
struct virtio_queue *fake_queue[2];

static struct {
    struct virtq_desc desc[FAKE_QSIZE] __attribute__((aligned(16)));
    uint8_t avail[VIRTQ_AVAIL_BYTES(FAKE_QSIZE)] __attribute__((aligned(2)));
    uint8_t used[VIRTQ_USED_BYTES(FAKE_QSIZE)] __attribute__((aligned(4)));
    uint16_t next_avail;                /* the device's */
} rings[2];

void fake_reset(uint64_t features)
{
    fake_offered = features | VIRTIO_F(VIRTIO_F_VERSION_1);
    fake_failed = fake_dma_broken = false;
    memset(rings, 0, sizeof(rings));
    fake_queue[0] = fake_queue[1] = NULL;
    pages_init(&dom0_pages, (uintptr_t)pool_mem, POOL_PAGES, pool_bitmap);
    pages_add(&dom0_pages, (uintptr_t)pool_mem, (uintptr_t)pool_mem + sizeof(pool_mem));
}

int virtio_pci_init(struct virtio_dev *v, struct pci_dev *d, const char *name)
{
    memset(v, 0, sizeof(*v));
    snprintf(v->name, sizeof(v->name), "%s", name);
    v->pci = d;
    return 0;
}

int virtio_negotiate(struct virtio_dev *v, uint64_t wanted)
{
    v->features = fake_offered & (wanted | VIRTIO_F(VIRTIO_F_VERSION_1));
    return 0;
}

bool virtio_has(const struct virtio_dev *v, unsigned int bit)
{
    return v->features & VIRTIO_F(bit);
}

int virtio_queue_setup(struct virtio_dev *v, unsigned int idx, uint16_t max,
                       void (*work)(struct virtio_queue *q), void *arg)
{
    struct virtio_queue *q = &v->queue[idx];

    assert_true(idx < 2);
    assert_true(virtq_init(&q->vq, FAKE_QSIZE, rings[idx].desc, rings[idx].avail,
                           rings[idx].used));
    q->vdev = v;
    q->index = idx;
    q->work = work;
    q->arg = arg;
    v->nr_queues = idx + 1;
    fake_queue[idx] = q;
    return 0;
}

void virtio_ready(struct virtio_dev *v)
{
}

void virtio_kick(struct virtio_queue *q)
{
    q->kicks++;
}

void virtio_fail(struct virtio_dev *v, const char *why)
{
    fake_failed = true;
}

uint64_t virtio_cfg_read(struct virtio_dev *v, unsigned int off, unsigned int size)
{
    uint64_t val = 0;

    assert_true(off + size <= sizeof(fake_cfg));
    memcpy(&val, fake_cfg + off, size);         /* little-endian, as virtio */
    return val;
}

uint64_t virtio_interrupts(const struct virtio_queue *q)
{
    return 0;
}

uint64_t dma_addr(uint64_t gpa)
{
    return fake_dma_broken ? DMA_NONE : gpa;
}

int dma_addrs(const uint64_t *gpa, uint64_t *bus, unsigned int n)
{
    memcpy(bus, gpa, n * sizeof(*gpa));
    return fake_dma_broken ? -XEN_EFAULT : 0;
}

const char *hv_strerror(int err)
{
    return "error";
}

const char *hv_errname(int err)
{
    return "E";
}

bool fake_take(unsigned int q, struct fake_chain *c)
{
    struct virtq_avail *av = (struct virtq_avail *)rings[q].avail;
    struct virtq_desc *desc = rings[q].desc;
    uint16_t i;

    if (av->idx == rings[q].next_avail)
        return false;
    c->head = i = av->ring[rings[q].next_avail++ % FAKE_QSIZE];
    c->n = 0;
    if (desc[i].flags & VIRTQ_DESC_F_INDIRECT) {
        const struct virtq_desc *t = (const void *)(uintptr_t)desc[i].addr;

        assert_true(desc[i].len / 16 <= FAKE_CHAIN_MAX);
        for (unsigned int k = 0; k < desc[i].len / 16; k++)
            c->d[c->n++] = t[k];
        return true;
    }
    for (;;) {
        assert_true(c->n < FAKE_CHAIN_MAX && i < FAKE_QSIZE);
        c->d[c->n++] = desc[i];
        if (!(desc[i].flags & VIRTQ_DESC_F_NEXT))
            return true;
        i = desc[i].next;
    }
}

void fake_used(unsigned int q, uint32_t id, uint32_t len)
{
    struct virtq_used *u = (struct virtq_used *)rings[q].used;

    u->ring[u->idx % FAKE_QSIZE] = (struct virtq_used_elem){ id, len };
    u->idx++;
}

void fake_interrupt(unsigned int q)
{
    fake_queue[q]->work(fake_queue[q]);
}
