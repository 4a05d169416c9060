/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring (Linux hvc0), in the page named by
 * HVM_PARAM_CONSOLE_PFN and notified on HVM_PARAM_CONSOLE_EVTCHN
 * (hvm/params.h). Two byte rings; indexes run freely (wrapping at 2^32) and
 * are reduced modulo the ring size. The producer writes bytes, issues a
 * write barrier, advances *_prod and sends an event; the consumer reads
 * *_prod, a read barrier, the bytes, a full barrier, advances *_cons and
 * sends an event. Linux spins with SCHEDOP_yield while out is full.
 */
#ifndef PUBLIC_IO_CONSOLE_H
#define PUBLIC_IO_CONSOLE_H

#include <stdint.h>
#include "../xen.h"

typedef uint32_t XENCONS_RING_IDX;
#define XENCONS_IN_SIZE         1024
#define XENCONS_OUT_SIZE        2048
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[XENCONS_IN_SIZE];       /* backend writes, guest reads (keyboard) */
    char out[XENCONS_OUT_SIZE];     /* guest writes, backend reads (screen) */
    XENCONS_RING_IDX in_cons;       /* guest */
    XENCONS_RING_IDX in_prod;       /* backend */
    XENCONS_RING_IDX out_cons;      /* backend */
    XENCONS_RING_IDX out_prod;      /* guest */
};
PETREL_ABI_SIZE(struct xencons_interface, 3088);
PETREL_ABI_OFFSET(struct xencons_interface, out, 1024);
PETREL_ABI_OFFSET(struct xencons_interface, in_cons, 3072);
PETREL_ABI_OFFSET(struct xencons_interface, out_prod, 3084);

#endif
