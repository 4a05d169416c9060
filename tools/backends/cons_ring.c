// SPDX-License-Identifier: MIT
/* The console backend's ring copies: see cons_ring.h. */
#include "cons_ring.h"

/* The guest may change any index at any time: read each once. */
#define READ_ONCE(x)    __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

int cons_ring_read(struct xencons_interface *intf, char *buf, size_t len)
{
    XENCONS_RING_IDX cons = READ_ONCE(intf->out_cons);
    XENCONS_RING_IDX prod = READ_ONCE(intf->out_prod);
    XENCONS_RING_IDX avail = prod - cons;
    size_t n = 0;

    if (avail > XENCONS_OUT_SIZE)
        return CONS_RING_BROKEN;
    /* The bytes up to prod are only read after prod. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    for (; n < len && n < avail; n++)
        buf[n] = READ_ONCE(intf->out[MASK_XENCONS_IDX(cons + n, intf->out)]);
    /* Done with the bytes before the guest may reuse their room. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    WRITE_ONCE(intf->out_cons, cons + (XENCONS_RING_IDX)n);
    return (int)n;
}

int cons_ring_write(struct xencons_interface *intf, const char *buf, size_t len)
{
    XENCONS_RING_IDX cons = READ_ONCE(intf->in_cons);
    XENCONS_RING_IDX prod = READ_ONCE(intf->in_prod);
    XENCONS_RING_IDX used = prod - cons;
    size_t n = 0;

    if (used > XENCONS_IN_SIZE)
        return CONS_RING_BROKEN;
    /* The guest's reads of the old bytes are done once cons moved. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (; n < len && used + n < XENCONS_IN_SIZE; n++)
        WRITE_ONCE(intf->in[MASK_XENCONS_IDX(prod + n, intf->in)], buf[n]);
    /* The bytes are visible before the index that publishes them. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    WRITE_ONCE(intf->in_prod, prod + (XENCONS_RING_IDX)n);
    return (int)n;
}
