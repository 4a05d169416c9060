/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: the pvclock scale (common/pvclock.c) against exact 128-bit
 * arithmetic, for TSC frequencies from 1 Hz to 2^62 Hz with the weight on
 * 1 MHz .. 10 GHz; the rebase rule; the version protocol under a concurrent
 * writer.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <petrel/errno.h>
#include <petrel/pvclock.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

#define NS              PVCLOCK_NS_PER_SEC
#define HOUR            3600ull
#define YEAR            31557600ull     /* 365.25 days, in seconds */

/* A fixed pseudo-random sequence (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* A frequency in [lo, hi], its bit length uniform (log-uniform by octave). */
static uint64_t rng_hz(uint64_t lo, uint64_t hi)
{
    int blo = 64 - __builtin_clzll(lo), bhi = 64 - __builtin_clzll(hi);
    int bits = blo + (int)(rng() % (uint64_t)(bhi - blo + 1));
    uint64_t top = 1ull << (bits - 1);
    uint64_t v = top | (rng() & (top - 1));

    return v < lo ? lo : v > hi ? hi : v;
}

static const uint64_t named_hz[] = {
    1, 2, 3, 1000, 32768, 1000000, 1193182, 3579545, 14318180,
    100000000,          /* Bochs */
    999999999, 1000000000, 1000000001, 1999999999, 2000000000, 2000000001,
    2600000000ull,      /* a typical server */
    2903999000ull, 3000000000ull, 3999999999ull, 4000000000ull,
    10000000000ull, 1ull << 40, PVCLOCK_MAX_HZ,
};

static void scale_for(uint64_t hz, uint32_t *mul, int8_t *shift)
{
    int rc = pvclock_scale_for(hz, mul, shift);

    if (rc)
        fail_msg("pvclock_scale_for(%llu) = %d", (unsigned long long)hz, rc);
}

/* Exact nanoseconds in delta ticks at hz, truncated, and the conversion
 * error in units of 1/hz ns: computed * hz - delta * 10^9. */
static s128 error_scaled(uint64_t computed, uint64_t delta, uint64_t hz)
{
    return (s128)((u128)computed * hz) - (s128)((u128)delta * NS);
}

/*
 * The documented bound: |error| <= exact * 2^-31 + 2 ns. In units of 1/hz:
 * |err| * 2^31 <= delta * 10^9 + 2 * hz * 2^31.
 */
static void check_conversion(uint64_t hz, uint64_t delta)
{
    uint32_t mul;
    int8_t shift;
    uint64_t ns;
    s128 err;

    scale_for(hz, &mul, &shift);
    ns = pvclock_scale_delta(delta, mul, shift);
    err = error_scaled(ns, delta, hz);
    if (err < 0)
        err = -err;
    if ((u128)err << 31 > (u128)delta * NS + ((u128)hz << 32))
        fail_msg("hz %llu delta %llu: %llu ns, off by %.3f ns",
                 (unsigned long long)hz, (unsigned long long)delta,
                 (unsigned long long)ns, (double)err / (double)hz);
}

static void test_known_values(void **state)
{
    static const struct { uint64_t hz; uint32_t mul; int8_t shift; } known[] = {
        { 1000000000, 0x80000000u, 1 },     /* 1 GHz: (d << 1) * 2^31 >> 32 = d */
        { 100000000, 2684354560u, 4 },      /* exact: 10 * 2^28 */
        { 1000000, 4194304000u, 10 },
        { 2600000000ull, 3303820997u, -1 },
        { 10000000000ull, 3435973837u, -3 },
    };
    uint32_t mul;
    int8_t shift;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(known); i++) {
        scale_for(known[i].hz, &mul, &shift);
        assert_int_equal(mul, known[i].mul);
        assert_int_equal(shift, known[i].shift);
    }
    assert_int_equal(pvclock_scale_delta(123456789, 0x80000000u, 1), 123456789);
}

static void test_out_of_range(void **state)
{
    uint32_t mul = 7;
    int8_t shift = 7;

    assert_int_equal(pvclock_scale_for(0, &mul, &shift), -EINVAL);
    assert_int_equal(pvclock_scale_for(PVCLOCK_MAX_HZ + 1, &mul, &shift), -EINVAL);
    assert_int_equal(pvclock_scale_for(UINT64_MAX, &mul, &shift), -EINVAL);
    assert_int_equal(mul, 7);
    assert_int_equal(shift, 7);
    assert_int_equal(pvclock_scale_hz(0, 0), 0);
}

/* The scale's invariants and mul = round(exact ratio), for one frequency. */
static void check_scale(uint64_t hz)
{
    uint32_t mul;
    int8_t shift;
    unsigned int exp;
    u128 num, lo;

    scale_for(hz, &mul, &shift);
    /* hz * 2^shift in (10^9, 2 * 10^9] */
    if (shift >= 0) {
        assert_true((u128)hz << shift > NS);
        assert_true((u128)hz << shift <= 2 * NS);
    } else {
        assert_true((u128)hz > (u128)NS << -shift);
        assert_true((u128)hz <= (u128)(2 * NS) << -shift);
    }
    assert_true(mul >= 0x80000000u);
    /* |mul - 10^9 * 2^exp / hz| <= 1/2, i.e. |2 mul hz - 2^(exp+1) 10^9| <= hz */
    exp = (unsigned int)(32 - shift);
    num = (u128)NS << exp;
    lo = (u128)mul * hz;
    if (mul == UINT32_MAX && lo < num)
        assert_true(num - lo < hz);         /* clamped below 2^32 */
    else
        assert_true((lo > num ? lo - num : num - lo) * 2 <= hz);
}

static void test_scale_is_rounded_ratio(void **state)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(named_hz); i++)
        check_scale(named_hz[i]);
    for (i = 0; i < 20000; i++)
        check_scale(rng_hz(1000000, 10000000000ull));
    for (i = 0; i < 5000; i++)
        check_scale(rng_hz(1, PVCLOCK_MAX_HZ));
}

static void test_scale_hz_round_trip(void **state)
{
    uint32_t mul;
    int8_t shift;
    uint64_t hz, back, tol;
    size_t i;

    for (i = 0; i < 10000; i++) {
        hz = i < ARRAY_SIZE(named_hz) ? named_hz[i] : rng_hz(1000, 1ull << 40);
        scale_for(hz, &mul, &shift);
        back = pvclock_scale_hz(mul, shift);
        /* mul is good to 2^-31; the shift scales the rounding of 1 Hz. */
        tol = hz / (1u << 30) + 1 + (shift < 0 ? 1ull << -shift : 0);
        if ((back > hz ? back - hz : hz - back) > tol)
            fail_msg("hz %llu -> %llu", (unsigned long long)hz,
                     (unsigned long long)back);
    }
}

/* Whole seconds, an hour and a year at the named and random frequencies. */
static void test_conversion_error(void **state)
{
    static const uint64_t seconds[] = { 1, HOUR, YEAR };
    uint64_t hz;
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(named_hz) + 5000; i++) {
        hz = i < ARRAY_SIZE(named_hz) ? named_hz[i] : rng_hz(1000000, 10000000000ull);
        if (hz > 20000000000ull)
            continue;       /* a year of ticks would not fit 64 bits */
        for (j = 0; j < ARRAY_SIZE(seconds); j++)
            check_conversion(hz, hz * seconds[j]);
        check_conversion(hz, 0);
        check_conversion(hz, 1);
        check_conversion(hz, rng() % (hz * YEAR));
    }
}

/* The figures in pvclock.h: < 3 ns / 1 s, < 2 us / hour, < 15 ms / year. */
static void test_documented_bounds(void **state)
{
    static const struct { uint64_t seconds; double max_ns; } limits[] = {
        { 1, 3.0 }, { HOUR, 2000.0 }, { YEAR, 15e6 },
    };
    static const uint64_t hzs[] = { 1000000, 100000000, 2600000000ull,
                                    10000000000ull };
    double worst[3] = { 0 };
    uint32_t mul;
    int8_t shift;
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(hzs) + 2000; i++) {
        uint64_t hz = i < ARRAY_SIZE(hzs) ? hzs[i] : rng_hz(1000000, 10000000000ull);

        scale_for(hz, &mul, &shift);
        for (j = 0; j < ARRAY_SIZE(limits); j++) {
            uint64_t delta = hz * limits[j].seconds;
            s128 e = error_scaled(pvclock_scale_delta(delta, mul, shift), delta, hz);
            double ns = (double)(e < 0 ? -e : e) / (double)hz;

            assert_true(ns < limits[j].max_ns);
            assert_true(ns < 1e-6 * 1e9 * (double)limits[j].seconds); /* < 1 ppm */
            if (ns > worst[j])
                worst[j] = ns;
        }
    }
    printf("worst error, 1 MHz..10 GHz: 1 s %.2f ns, 1 h %.0f ns, 1 y %.3f ms\n",
           worst[0], worst[1], worst[2] / 1e6);
}

/* 292 years of ticks, at any frequency, still scale without overflow. */
static void test_no_overflow(void **state)
{
    uint64_t hz, delta;
    uint32_t mul;
    int8_t shift;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(named_hz) + 5000; i++) {
        hz = i < ARRAY_SIZE(named_hz) ? named_hz[i] : rng_hz(1, PVCLOCK_MAX_HZ);
        scale_for(hz, &mul, &shift);
        if ((u128)hz * 292 * YEAR > UINT64_MAX)
            delta = UINT64_MAX;     /* the TSC counter wraps first */
        else
            delta = hz * 292 * YEAR;
        if (shift > 0)
            assert_true(delta <= UINT64_MAX >> shift);
        check_conversion(hz, delta);
    }
}

/*
 * Readings never go back across rebases, whether the scale stays (same
 * frequency, recomputed) or changes (a recalibration by up to 200 ppm).
 */
static void run_rebases(uint64_t hz, bool recalibrate)
{
    struct vcpu_time_info t = { 0 };
    uint32_t mul, mul2;
    int8_t shift, shift2;
    uint64_t tsc, last = 0, now, end;
    int r, k;

    scale_for(hz, &mul, &shift);
    t.tsc_timestamp = tsc = rng() >> 8;
    t.system_time = rng() >> 12;
    t.tsc_to_system_mul = mul;
    t.tsc_shift = shift;
    for (r = 0; r < 200; r++) {
        end = tsc + 1 + rng() % (hz / 10 + 100);
        for (k = 0; k < 50 && tsc < end; k++) {
            now = pvclock_time_at(&t, tsc);
            assert_true(now >= last);
            last = now;
            tsc += 1 + rng() % ((end - tsc) / 8 + 1);
        }
        tsc = end;
        now = pvclock_time_at(&t, tsc - 1);
        assert_true(now >= last);
        last = now;
        if (recalibrate) {
            /* hz +- up to 200 ppm */
            uint64_t ppm = rng() % 401;

            scale_for(hz - hz / 5000 + hz / 1000000 * ppm, &mul2, &shift2);
        } else {
            scale_for(hz, &mul2, &shift2);
            assert_int_equal(mul2, mul);    /* deterministic */
            assert_int_equal(shift2, shift);
        }
        pvclock_rebase(&t, tsc, mul2, shift2);
        assert_int_equal(t.tsc_timestamp, tsc);
        assert_true(t.system_time >= last);
    }
}

static void test_monotonic_rebase(void **state)
{
    static const uint64_t hzs[] = { 1000000, 100000000, 1000000000,
                                    2600000000ull, 10000000000ull };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(hzs); i++) {
        run_rebases(hzs[i], false);
        run_rebases(hzs[i], true);
    }
}

/* Chaining rebases loses at most 1 ns each to truncation, never gains. */
static void test_rebase_drift(void **state)
{
    const uint64_t hz = 2600000000ull;
    struct vcpu_time_info t = { 0 };
    uint32_t mul;
    int8_t shift;
    uint64_t exact;
    int i;

    scale_for(hz, &mul, &shift);
    t.tsc_to_system_mul = mul;
    t.tsc_shift = shift;
    for (i = 1; i <= 3600; i++)
        pvclock_rebase(&t, (uint64_t)i * hz, mul, shift);  /* once a second */
    exact = 3600 * NS;
    assert_true(t.system_time <= exact + 1);
    assert_true(t.system_time + 3600 + 2 >= exact);
}

static void test_publish_versions(void **state)
{
    struct vcpu_time_info dst = { 0 }, src = { 0 }, snap;

    src.tsc_timestamp = 111;
    src.system_time = 222;
    src.tsc_to_system_mul = 333;
    src.tsc_shift = -2;
    src.flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    src.version = 99;           /* ignored */
    pvclock_publish(&dst, &src);
    assert_int_equal(dst.version, 2);
    assert_int_equal(dst.tsc_timestamp, 111);
    assert_int_equal(dst.system_time, 222);
    assert_int_equal(dst.tsc_to_system_mul, 333);
    assert_int_equal(dst.tsc_shift, -2);
    assert_int_equal(dst.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
    pvclock_publish(&dst, &src);
    assert_int_equal(dst.version, 4);
    dst.version = 5;            /* a writer died half-way */
    pvclock_publish(&dst, &src);
    assert_int_equal(dst.version, 8);
    pvclock_read(&dst, &snap);
    assert_int_equal(snap.version, 8);
    assert_int_equal(snap.system_time, 222);
}

/*
 * A writer thread publishes records whose fields all derive from one
 * counter; the reader must never see a mix of two records.
 */
static volatile struct vcpu_time_info shared_clock;
static volatile int writer_stop;

static void *writer(void *arg)
{
    struct vcpu_time_info src = { 0 };
    uint64_t n = 0;

    while (!writer_stop) {
        n++;
        src.tsc_timestamp = n;
        src.system_time = n * 3;
        src.tsc_to_system_mul = (uint32_t)(n * 7);
        src.tsc_shift = (int8_t)(n % 64 - 32);
        src.flags = (uint8_t)n;
        pvclock_publish(&shared_clock, &src);
    }
    return arg;
}

static void test_read_under_writer(void **state)
{
    struct vcpu_time_info snap;
    pthread_t tid;
    uint64_t n, seen = 0, changes = 0;
    long i;

    writer_stop = 0;
    assert_int_equal(pthread_create(&tid, NULL, writer, NULL), 0);
    while (shared_clock.version < 2)
        ;                       /* the first record is out */
    for (i = 0; i < 2000000 || changes < 1000; i++) {
        pvclock_read(&shared_clock, &snap);
        n = snap.tsc_timestamp;
        assert_int_equal(snap.version & 1, 0);
        assert_int_equal(snap.system_time, n * 3);
        assert_int_equal(snap.tsc_to_system_mul, (uint32_t)(n * 7));
        assert_int_equal(snap.tsc_shift, (int8_t)(n % 64 - 32));
        assert_int_equal(snap.flags, (uint8_t)n);
        assert_true(n >= seen);
        changes += n != seen;
        seen = n;
    }
    writer_stop = 1;
    assert_int_equal(pthread_join(tid, NULL), 0);
    printf("%ld consistent reads, %llu records seen change\n", i,
           (unsigned long long)changes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_scale_is_rounded_ratio),
        cmocka_unit_test(test_scale_hz_round_trip),
        cmocka_unit_test(test_conversion_error),
        cmocka_unit_test(test_documented_bounds),
        cmocka_unit_test(test_no_overflow),
        cmocka_unit_test(test_monotonic_rebase),
        cmocka_unit_test(test_rebase_drift),
        cmocka_unit_test(test_publish_versions),
        cmocka_unit_test(test_read_under_writer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
