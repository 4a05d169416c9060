/* SPDX-License-Identifier: MIT */
/*
 * Hypercall dispatch (common/hypercall.c). Handlers take up to five
 * arguments (already zero-extended for 32-bit callers) and return a value
 * for the guest's RAX: >= 0, or a negative Xen errno.
 */
#ifndef PETREL_HYPERCALL_H
#define PETREL_HYPERCALL_H

#include <petrel/types.h>

struct vcpu;

typedef long (*hypercall_fn_t)(struct vcpu *v, uint64_t a1, uint64_t a2,
                               uint64_t a3, uint64_t a4, uint64_t a5);

/* Run hypercall 'nr' for 'v'; unknown numbers give -ENOSYS. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5]);

long do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                    uint64_t a4, uint64_t a5);
long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf,
                   uint64_t a4, uint64_t a5);
long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                 uint64_t a4, uint64_t a5);

#endif
