// SPDX-License-Identifier: MIT
/*
 * Split virtqueues, the driver's side (virtq.h). The free descriptors are
 * a list kept in private memory (next_free), and a chain in flight keeps
 * its links there too, so that giving it back never reads what the device
 * could have changed. x86 keeps stores in order and loads in order; the
 * compiler is kept from reordering by the fences.
 */
#include "virtq.h"

bool virtq_init(struct virtq *vq, uint16_t size, void *desc, void *avail, void *used)
{
    if (!size || size > VIRTQ_MAX || (size & (size - 1)))
        return false;
    *vq = (struct virtq){ .size = size, .nr_free = size, .desc = desc,
                          .avail = avail, .used = used };
    for (unsigned int i = 0; i < size; i++)
        vq->next_free[i] = i + 1;
    return true;
}

/* Whether bufs[0..n) are a chain the spec allows: readable ones first,
 * lengths not zero, and the writable bytes fit in 32 bits. */
static bool chain_ok(const struct virtq_buf *bufs, unsigned int n, uint32_t *writable)
{
    uint64_t w = 0;
    bool seen_write = false;

    for (unsigned int i = 0; i < n; i++) {
        if (!bufs[i].len || (seen_write && !bufs[i].write))
            return false;
        seen_write |= bufs[i].write;
        if (bufs[i].write)
            w += bufs[i].len;
    }
    *writable = w;
    return w <= UINT32_MAX;
}

/* Take n descriptors off the free list (n <= nr_free): the first. */
static uint16_t take(struct virtq *vq, unsigned int n, uint16_t *last)
{
    uint16_t h = vq->free_head, d = h;

    for (unsigned int i = 1; i < n; i++)
        d = vq->next_free[d];
    *last = d;
    vq->free_head = vq->next_free[d];
    vq->nr_free -= n;
    return h;
}

static void publish(struct virtq *vq, uint16_t h, void *token, uint32_t writable,
                    uint16_t ndesc)
{
    vq->head[h].token = token;
    vq->head[h].writable = writable;
    vq->head[h].ndesc = ndesc;
    vq->avail->ring[vq->avail_idx & (vq->size - 1)] = h;
    /* The ring entry and descriptors before the index (2.7.13.2). */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vq->avail->idx = ++vq->avail_idx;
    vq->in_flight++;
}

static void fill(volatile struct virtq_desc *d, const struct virtq_buf *b, bool more,
                 uint16_t next)
{
    d->addr = b->addr;
    d->len = b->len;
    d->flags = (b->write ? VIRTQ_DESC_F_WRITE : 0) | (more ? VIRTQ_DESC_F_NEXT : 0);
    d->next = more ? next : 0;
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned int n, void *token)
{
    uint32_t writable;
    uint16_t h, d, last;

    if (vq->broken || !token || !n || n > vq->size || !chain_ok(bufs, n, &writable))
        return -2;
    if (n > vq->nr_free)
        return -1;
    h = take(vq, n, &last);
    d = h;
    for (unsigned int i = 0; i < n; i++) {
        uint16_t next = vq->next_free[d];

        fill(&vq->desc[d], &bufs[i], i + 1 < n, next);
        d = next;
    }
    publish(vq, h, token, writable, n);
    return 0;
}

int virtq_add_indirect(struct virtq *vq, const struct virtq_buf *bufs, unsigned int n,
                       struct virtq_desc *table, uint64_t table_bus, void *token)
{
    struct virtq_buf ind = { .addr = table_bus, .len = n * sizeof(*table) };
    uint32_t writable;
    uint16_t h, last;

    if (vq->broken || !token || !n || n > 0xffff / sizeof(*table) ||
        !chain_ok(bufs, n, &writable))
        return -2;
    if (!vq->nr_free)
        return -1;
    for (unsigned int i = 0; i < n; i++)
        fill(&table[i], &bufs[i], i + 1 < n, i + 1);
    h = take(vq, 1, &last);
    fill(&vq->desc[h], &ind, false, 0);
    vq->desc[h].flags = VIRTQ_DESC_F_INDIRECT;
    publish(vq, h, token, writable, 1);
    return 0;
}

/* Give head h's chain back to the free list. */
static void put(struct virtq *vq, uint16_t h)
{
    uint16_t last = h;

    for (unsigned int i = 1; i < vq->head[h].ndesc; i++)
        last = vq->next_free[last];
    vq->next_free[last] = vq->free_head;
    vq->free_head = h;
    vq->nr_free += vq->head[h].ndesc;
    vq->head[h].token = NULL;
    vq->in_flight--;
}

void *virtq_get(struct virtq *vq, uint32_t *len)
{
    uint16_t idx;
    uint32_t id, n;
    void *token;

    if (vq->broken)
        return NULL;
    idx = vq->used->idx;
    if (idx == vq->last_used)
        return NULL;
    /* The entry after the index that covers it (2.7.14). */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    id = vq->used->ring[vq->last_used & (vq->size - 1)].id;
    n = vq->used->ring[vq->last_used & (vq->size - 1)].len;
    if ((uint16_t)(idx - vq->last_used) > vq->in_flight || id >= vq->size ||
        !vq->head[id].token || n > vq->head[id].writable) {
        vq->broken = true;
        return NULL;
    }
    vq->last_used++;
    token = vq->head[id].token;
    put(vq, id);
    *len = n;
    return token;
}

void *virtq_reclaim(struct virtq *vq)
{
    for (unsigned int h = 0; h < vq->size; h++) {
        void *token = vq->head[h].token;

        if (token) {
            put(vq, h);
            return token;
        }
    }
    return NULL;
}
