/* SPDX-License-Identifier: MIT */
/* Unit tests on the real frame allocator: a machine of 'mib' MiB with RAM
 * from 1 MiB up to 1 MiB short of the end (for a cmocka group setup). */
#ifndef TEST_FRAME_FIXTURE_H
#define TEST_FRAME_FIXTURE_H

#include <petrel/bootinfo.h>
#include <petrel/mm.h>
#include "stubs.h"

static inline int frame_fixture_init(unsigned int mib)
{
    static struct boot_info bi;

    bi.ranges[0] = (struct mem_range){ MiB(1), MiB(mib - 1), MEM_RAM };
    bi.nr_ranges = 1;
    stub_phys_init(MiB(mib));
    return frame_init(&bi, NULL, 0);
}

#endif
