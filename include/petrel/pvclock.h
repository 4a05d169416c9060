/* SPDX-License-Identifier: MIT */
/*
 * pvclock: the guest's nanosecond clock, as TSC ticks scaled by the
 * (tsc_to_system_mul, tsc_shift) pair of struct vcpu_time_info
 * (public/xen.h):
 *
 *   ns = ((delta << shift, or >> -shift) * mul) >> 32     (96-bit product)
 *
 * Precision. pvclock_scale_for() picks the shift that puts the shifted
 * frequency in (10^9, 2*10^9] Hz, as Xen does, so mul lies in [2^31, 2^32)
 * and is the exact ratio rounded to nearest: off by at most 2^-32 of itself
 * (2^-31 in one corner where rounding would reach 2^32). A converted delta is
 * then within 2^-31 of its true length (0.47 ppb) plus 2 ns of truncation:
 * under 3 ns over 1 s, 2 us over an hour, 15 ms over a year, for any TSC
 * from 1 Hz to 2^62 Hz. The shifted delta fits 64 bits for deltas under
 * 2^64 / (2*10^9) s, about 292 years, at every frequency.
 *
 * Monotonicity. Readings from one vcpu_time_info never go back as the TSC
 * advances. To move tsc_timestamp forward (or change the scale) without a
 * step back, take the new system_time from the old parameters at the new
 * timestamp: pvclock_rebase() does that.
 *
 * Publishing. The hypervisor makes version odd, writes the fields, and makes
 * it even again (pvclock_publish()); a reader retries while the version is
 * odd or changed under it (pvclock_read()). On x86 stores are not reordered
 * with stores nor loads with loads (SDM vol. 3A §9.2.2), so a compiler
 * barrier is the only fence either side needs.
 */
#ifndef PETREL_PVCLOCK_H
#define PETREL_PVCLOCK_H

#include <petrel/types.h>
#include <public/xen.h>

#define PVCLOCK_NS_PER_SEC      1000000000ull
#define PVCLOCK_MAX_HZ          (1ull << 62)

/*
 * Set *mul and *shift for a TSC running at tsc_hz (1 .. PVCLOCK_MAX_HZ).
 * Returns 0, or -EINVAL for a frequency out of range. Pure; any context.
 */
int pvclock_scale_for(uint64_t tsc_hz, uint32_t *mul, int8_t *shift);

/* The frequency a (mul, shift) pair stands for, rounded to the nearest Hz
 * before the shift; 0 if mul is 0. For checks and logs. */
uint64_t pvclock_scale_hz(uint32_t mul, int8_t shift);

/* Nanoseconds in delta TSC ticks (see the precision note above). */
static inline uint64_t pvclock_scale_delta(uint64_t delta, uint32_t mul,
                                           int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    /* 64 x 32 bits: one MUL on x86-64, no library call. */
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* System time at guest TSC value tsc (tsc >= t->tsc_timestamp). */
static inline uint64_t pvclock_time_at(const struct vcpu_time_info *t,
                                       uint64_t tsc)
{
    return t->system_time +
           pvclock_scale_delta(tsc - t->tsc_timestamp, t->tsc_to_system_mul,
                               t->tsc_shift);
}

/*
 * Move t's reference point to TSC value tsc (>= t->tsc_timestamp) and give it
 * the scale (mul, shift), keeping the clock continuous there: system_time
 * becomes what the old parameters read at tsc. Works on a private copy;
 * publish it with pvclock_publish().
 */
void pvclock_rebase(struct vcpu_time_info *t, uint64_t tsc, uint32_t mul,
                    int8_t shift);

/*
 * Copy src's time fields (all but version) into the guest-visible dst under
 * the version protocol. dst->version goes to an odd value, then to the next
 * even one. One writer per dst at a time (the caller serialises).
 */
void pvclock_publish(volatile struct vcpu_time_info *dst,
                     const struct vcpu_time_info *src);

/*
 * Reader side: a consistent snapshot of src into *out, retrying while an
 * update is under way. What a guest does; used by tests and test guests.
 */
void pvclock_read(const volatile struct vcpu_time_info *src,
                  struct vcpu_time_info *out);

#endif
