// SPDX-License-Identifier: MIT
/* Choosing a new domain's id (pure: domain_create() calls it under its lock). */
#include <petrel/domain.h>
#include <petrel/errno.h>

int domid_choose(const uint16_t *used, unsigned int nr, unsigned int max,
                 uint16_t want, uint16_t *id)
{
    if (want != DOMID_AUTO && want >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    for (unsigned int i = 0; want != DOMID_AUTO && i < nr; i++)
        if (used[i] == want)
            return -EEXIST;
    if (nr >= max)
        return -ENOSPC;
    if (want != DOMID_AUTO) {
        *id = want;
        return 0;
    }
    /* At most nr ids are taken, so one of 1 .. nr + 1 is free. */
    for (uint16_t cand = 1; cand <= nr + 1; cand++) {
        bool taken = false;

        for (unsigned int i = 0; i < nr && !taken; i++)
            taken = used[i] == cand;
        if (!taken) {
            *id = cand;
            return 0;
        }
    }
    return -ENOSPC;     /* not reached */
}
