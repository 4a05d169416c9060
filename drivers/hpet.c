// SPDX-License-Identifier: MIT
/* HPET: used only as a reference clock to calibrate the TSC. */
#include <petrel/errno.h>
#include <petrel/vmap.h>
#include <x86/processor.h>
#include <x86/time.h>

#define HPET_CAP        0x000
#define HPET_CONFIG     0x010
#define  HPET_ENABLE    1
#define HPET_COUNTER    0x0f0
#define HPET_MAX_PERIOD 100000000UL     /* 100 ns in fs (spec upper bound) */

static volatile uint8_t *hpet;
static uint64_t period_fs;

int hpet_init(paddr_t base)
{
    uint64_t cap;

    hpet = ioremap(base, 1024);
    if (!hpet)
        return -ENOMEM;
    cap = mmio_read64(hpet + HPET_CAP);
    period_fs = cap >> 32;
    if (!period_fs || period_fs > HPET_MAX_PERIOD) {
        hpet = NULL;
        return -ENODEV;
    }
    mmio_write64(hpet + HPET_CONFIG, mmio_read64(hpet + HPET_CONFIG) | HPET_ENABLE);
    return 0;
}

uint64_t hpet_read(void)
{
    return mmio_read64(hpet + HPET_COUNTER);
}

uint64_t hpet_period_fs(void)
{
    return period_fs;
}
