/* SPDX-License-Identifier: MIT */
/*
 * Physical IRQs of a domain's devices: MSI and MSI-X messages
 * delivered as event channels (drivers/msi.c; the hypercalls are
 * common/physdev_op.c and EVTCHNOP_bind_pirq). Every function takes the
 * pirq lock (interrupts off); none may be called with an event channel
 * lock held.
 */
#ifndef PETREL_PIRQ_H
#define PETREL_PIRQ_H

#include <petrel/types.h>

struct domain;
struct pci_dev;

#define NR_PIRQS    128         /* pirqs 1 .. NR_PIRQS - 1 */

/*
 * Give the MSI of function seg:bdf, or MSI-X table entry 'entry' (MSI-X
 * when table_base is nonzero or the function has no MSI; MSI needs entry
 * 0), a vector and a pirq (want, or any free one when want < 0), program
 * and enable it, unmasked. 0 with *pirq; -ENODEV (no such function, or it
 * lacks the capability), -EPERM (not d's), -EINVAL (entry beyond the
 * table, a bad 'want'), -EEXIST (the entry, or 'want', is mapped already),
 * -EBUSY (the other kind is in use), -ENOSPC (no pirq or vector left, or
 * a domain other than dom0 holds 32 already),
 * -EOPNOTSUPP (the boot CPU's APIC id does not fit a message address).
 */
int pirq_map_msi(struct domain *d, uint16_t seg, uint16_t bdf, uint32_t entry,
                 uint64_t table_base, int want, uint32_t *pirq);

/* Mask and free d's pirq n, unbinding its port: 0, or -EINVAL. */
int pirq_unmap(struct domain *d, uint32_t n);

/* Is n a pirq that d has mapped? */
bool pirq_valid(struct domain *d, uint32_t n);

/* EVTCHNOP_bind_pirq: a new port of d for pirq n: 0 with *port, -EINVAL
 * (not d's pirq), -EEXIST (bound already), -ENOSPC (no port). */
int pirq_bind(struct domain *d, uint32_t n, uint32_t *port);

/* Domain destruction (before its event channels go): every pirq of d is
 * masked, its device's MSI or MSI-X disabled, its vector freed. */
void pirq_release_domain(struct domain *d);

/*
 * A function changing hands (drivers/pci.c), ownership changed under the
 * pirq lock so that no pirq is mapped on it meanwhile:
 * pirq_dev_mapped: has anyone a pirq on dev?
 * pirq_dev_take: dev leaves 'from' (owner NULL while it moves): 0, or
 *   -EBUSY if 'from' does not own it or a pirq is mapped on it;
 * pirq_dev_release: d's pirqs on dev unmapped (MSI / MSI-X off in the
 *   device, logged), and dev leaves d (owner NULL);
 * pirq_dev_give: 'to' (NULL: nobody) owns dev from now on.
 */
bool pirq_dev_mapped(const struct pci_dev *dev);
int pirq_dev_take(struct pci_dev *dev, struct domain *from);
void pirq_dev_release(struct pci_dev *dev, struct domain *d);
void pirq_dev_give(struct pci_dev *dev, struct domain *to);

#endif
