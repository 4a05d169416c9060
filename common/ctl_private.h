/* SPDX-License-Identifier: MIT */
/* What common/domctl.c and common/sysctl.c share. */
#ifndef COMMON_CTL_PRIVATE_H
#define COMMON_CTL_PRIVATE_H

#include <petrel/ctl_ring.h>
#include <public/petrel_ctl.h>

struct domain;
struct vcpu;

/*
 * The first steps of both families: the caller is the control domain
 * (-EPERM), the first 8 bytes (cmd, interface_version) name this version
 * (-EACCES; nothing read past them), then the whole struct of 'size' bytes
 * is copied to op. 0 or the error.
 */
long ctl_copy_in(struct vcpu *v, uint64_t arg, void *op, size_t size);

/* Is every byte of [p, p + len) zero? (pad and reserved fields) */
bool ctl_all_zero(const void *p, size_t len);

/* d's struct petrel_domaininfo (domctl.c). */
void ctl_domain_info(struct domain *d, struct petrel_domaininfo *out);

/*
 * Copy up to *size bytes of a ring from *index to the caller's buffer at
 * 'buffer' (sysctl.c), at most 'max' (the ring's size, so that a writer
 * cannot keep the call going): *index, *size and *lost are set as for
 * struct petrel_console_read. 0 or -EFAULT.
 */
long ctl_ring_to_guest(struct vcpu *v, ctl_ring_read_fn read, void *ring, uint32_t max,
                       uint64_t *index, uint64_t buffer, uint32_t *size, uint32_t *lost);

#endif
