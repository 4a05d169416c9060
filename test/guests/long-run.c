/* SPDX-License-Identifier: MIT */
/*
 * Test guest long-run: a few seconds of pure computation with every
 * general register live. The hypervisor's timer interrupts cause exits all
 * the while; if an exit lost or mixed up any register, the assembly loop's
 * result would differ from the same computation in C, or one of the
 * registers the loop leaves alone would have changed.
 */
#include "test.h"
#include "x86.h"

TEST_TITLE("a long register-heavy loop survives the hypervisor's exits");

#define DEFAULT_ITERATIONS  500000000UL     /* ~2 s per loop under QEMU TCG */
#define MULT                0x5851f42d4c957f2dUL

/* One step per register: r = rol(r * MULT + c, k) ^ previous register. */
#define STEP(r, prev, c, k) \
    "imul %%rax, %%" #r "\n\t" \
    "add $" #c ", %%" #r "\n\t" \
    "rol $" #k ", %%" #r "\n\t" \
    "xor %%" #prev ", %%" #r "\n\t"

static inline uint64_t rol64(uint64_t v, unsigned int k)
{
    return (v << k) | (v >> (64 - k));
}

static void run_c(uint64_t s[8], uint64_t n)
{
    uint64_t a = s[0], b = s[1], c = s[2], d = s[3];
    uint64_t e = s[4], f = s[5], g = s[6], h = s[7];

    while (n--) {
        a = rol64(a * MULT + 0x11, 7) ^ h;
        b = rol64(b * MULT + 0x2345, 11) ^ a;
        c = rol64(c * MULT + 0x6789ab, 17) ^ b;
        d = rol64(d * MULT + 0x13579bdf, 23) ^ c;
        e = rol64(e * MULT + 0x2468ace, 29) ^ d;
        f = rol64(f * MULT + 0x7fffffff, 31) ^ e;
        g = rol64(g * MULT + 0x1000, 37) ^ f;
        h = rol64(h * MULT + 0x3, 41) ^ g;
    }
    s[0] = a; s[1] = b; s[2] = c; s[3] = d;
    s[4] = e; s[5] = f; s[6] = g; s[7] = h;
}

struct sentinels {
    uint64_t rbx, rdx, rsi, rdi;
};

/* The same in assembly: state in r8-r15, multiplier in RAX, count in RCX;
 * RBX, RDX, RSI and RDI hold sentinels the loop never touches. That leaves
 * no register for a pointer to s: inlined, s[] is addressed off the frame
 * pointer. */
static inline __attribute__((always_inline)) void run_asm(uint64_t s[8], uint64_t n, struct sentinels *sv)
{
    asm volatile("mov %[s0], %%r8\n\t"
                 "mov %[s1], %%r9\n\t"
                 "mov %[s2], %%r10\n\t"
                 "mov %[s3], %%r11\n\t"
                 "mov %[s4], %%r12\n\t"
                 "mov %[s5], %%r13\n\t"
                 "mov %[s6], %%r14\n\t"
                 "mov %[s7], %%r15\n"
                 "1:\n\t"
                 STEP(r8, r15, 0x11, 7)
                 STEP(r9, r8, 0x2345, 11)
                 STEP(r10, r9, 0x6789ab, 17)
                 STEP(r11, r10, 0x13579bdf, 23)
                 STEP(r12, r11, 0x2468ace, 29)
                 STEP(r13, r12, 0x7fffffff, 31)
                 STEP(r14, r13, 0x1000, 37)
                 STEP(r15, r14, 0x3, 41)
                 "dec %%rcx\n\t"
                 "jnz 1b\n\t"
                 "mov %%r8, %[s0]\n\t"
                 "mov %%r9, %[s1]\n\t"
                 "mov %%r10, %[s2]\n\t"
                 "mov %%r11, %[s3]\n\t"
                 "mov %%r12, %[s4]\n\t"
                 "mov %%r13, %[s5]\n\t"
                 "mov %%r14, %[s6]\n\t"
                 "mov %%r15, %[s7]\n\t"
                 : [s0] "+m"(s[0]), [s1] "+m"(s[1]), [s2] "+m"(s[2]),
                   [s3] "+m"(s[3]), [s4] "+m"(s[4]), [s5] "+m"(s[5]),
                   [s6] "+m"(s[6]), [s7] "+m"(s[7]), "+c"(n),
                   "+b"(sv->rbx), "+d"(sv->rdx), "+S"(sv->rsi), "+D"(sv->rdi)
                 : "a"(MULT)
                 : "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc");
}

void test_main(void)
{
    static const uint64_t seed[8] = {
        1, 0x0123456789abcdef, 0xfedcba9876543210, 0xdeadbeefcafebabe,
        42, 0x8000000000000000, 0x5555555555555555, 0xffffffffffffffff,
    };
    const struct sentinels want = { 0x1111111111111111, 0xd0d0d0d0d0d0d0d0,
                                    0x5151515151515151, 0xd1d1d1d1d1d1d1d1 };
    struct sentinels sv = want;
    uint64_t c[8], a[8], n, t0, t_asm, t_c;

    if (!cmdline_u64("iterations", &n) || !n)
        n = DEFAULT_ITERATIONS;
    memcpy(c, seed, sizeof(c));
    memcpy(a, seed, sizeof(a));

    t0 = rdtsc();
    run_asm(a, n, &sv);
    t_asm = rdtsc() - t0;
    printf("long-run: assembly loop, %lu iterations: %lu TSC ticks\n", n, t_asm);
    t0 = rdtsc();
    run_c(c, n);
    t_c = rdtsc() - t0;
    printf("long-run: C loop, %lu iterations: %lu TSC ticks\n", n, t_c);

    for (int i = 0; i < 8; i++) {
        printf("  r%-2d %#018lx %s\n", 8 + i, a[i], a[i] == c[i] ? "" : "<-- differs");
        CHECK_EQ(a[i], c[i]);
    }
    CHECK_EQ(sv.rbx, want.rbx);
    CHECK_EQ(sv.rdx, want.rdx);
    CHECK_EQ(sv.rsi, want.rsi);
    CHECK_EQ(sv.rdi, want.rdi);
}
