// SPDX-License-Identifier: MIT
/*
 * pvclock scale computation and the vcpu_time_info update protocol (see
 * include/petrel/pvclock.h). No 128-bit division: the hypervisor links
 * without libgcc, so the ratio is found by shift-and-subtract.
 */
#include <petrel/errno.h>
#include <petrel/pvclock.h>

#define compiler_barrier()  __asm__ __volatile__("" ::: "memory")

/*
 * The shift that brings tsc_hz into (10^9, 2*10^9]: positive when the TSC is
 * slower than 1 GHz (the delta is scaled up), negative when it is faster
 * than 2 GHz.
 */
static int scale_shift(uint64_t tsc_hz)
{
    int shift = 0;

    if (tsc_hz > 2 * PVCLOCK_NS_PER_SEC) {
        /* Scale the limit up rather than tsc_hz down, so that no low bits
         * are lost (2 * 10^9 << 32 still fits 64 bits). */
        while (tsc_hz > (2 * PVCLOCK_NS_PER_SEC) << -shift)
            shift--;
    } else {
        while (tsc_hz << shift <= PVCLOCK_NS_PER_SEC)
            shift++;
    }
    return shift;
}

/*
 * round(10^9 * 2^exp / d) by long division, one quotient bit a step.
 * Needs d < 2^63 (the remainder is doubled) and a quotient below 2^64.
 */
static uint64_t div_pow2_round(uint64_t d, unsigned int exp)
{
    uint64_t q = PVCLOCK_NS_PER_SEC / d, r = PVCLOCK_NS_PER_SEC % d;

    while (exp--) {
        r <<= 1;
        q <<= 1;
        if (r >= d) {
            r -= d;
            q |= 1;
        }
    }
    if (r >= d - r)             /* r >= d / 2, without overflow */
        q++;
    return q;
}

int pvclock_scale_for(uint64_t tsc_hz, uint32_t *mul, int8_t *shift)
{
    uint64_t q;
    int s;

    if (tsc_hz == 0 || tsc_hz > PVCLOCK_MAX_HZ)
        return -EINVAL;
    s = scale_shift(tsc_hz);
    /* mul = 10^9 * 2^(32 - s) / tsc_hz: in [2^31, 2^32] before clamping. */
    q = div_pow2_round(tsc_hz, (unsigned int)(32 - s));
    *mul = q > UINT32_MAX ? UINT32_MAX : (uint32_t)q;
    *shift = (int8_t)s;
    return 0;
}

uint64_t pvclock_scale_hz(uint32_t mul, int8_t shift)
{
    uint64_t hz;

    if (!mul)
        return 0;
    hz = ((PVCLOCK_NS_PER_SEC << 32) + mul / 2) / mul;
    return shift < 0 ? hz << -shift : hz >> shift;
}

void pvclock_rebase(struct vcpu_time_info *t, uint64_t tsc, uint32_t mul,
                    int8_t shift)
{
    t->system_time = pvclock_time_at(t, tsc);
    t->tsc_timestamp = tsc;
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
}

void pvclock_publish(volatile struct vcpu_time_info *dst,
                     const struct vcpu_time_info *src)
{
    /* Odd even if a previous writer left it odd. */
    uint32_t version = (dst->version + 1) | 1;

    dst->version = version;
    compiler_barrier();
    dst->tsc_timestamp = src->tsc_timestamp;
    dst->system_time = src->system_time;
    dst->tsc_to_system_mul = src->tsc_to_system_mul;
    dst->tsc_shift = src->tsc_shift;
    dst->flags = src->flags;
    compiler_barrier();
    dst->version = version + 1;
}

void pvclock_read(const volatile struct vcpu_time_info *src,
                  struct vcpu_time_info *out)
{
    uint32_t version;

    do {
        version = src->version;
        compiler_barrier();
        out->version = version;
        out->pad0 = 0;
        out->tsc_timestamp = src->tsc_timestamp;
        out->system_time = src->system_time;
        out->tsc_to_system_mul = src->tsc_to_system_mul;
        out->tsc_shift = src->tsc_shift;
        out->flags = src->flags;
        out->pad1[0] = out->pad1[1] = 0;
        compiler_barrier();
    } while ((version & 1) || version != src->version);
}
