/* SPDX-License-Identifier: MIT */
/* Test guest xsetbv: XCR0 takes valid values and refuses the rest with #GP. */
#include "test.h"
#include "x86.h"

TEST_TITLE("XSETBV: valid XCR0 values take effect, invalid ones raise #GP");

#define CPUID1_ECX_XSAVE    (1u << 26)
#define CR4_OSFXSR          (1ul << 9)
#define CR4_OSXSAVE         (1ul << 18)
#define XCR0_X87            1ull
#define XCR0_SSE            2ull
#define XCR0_AVX            4ull

/* 0, or the vector of the exception XSETBV raised. */
static int xsetbv_safe(uint32_t index, uint64_t val)
{
    uint64_t fault = (uint32_t)val;

    asm volatile("1: xsetbv\n\t"
                 "xor %%eax, %%eax\n"
                 "2:\n\t"
                 ASM_EXTABLE(1b, 2b)
                 : "+a"(fault)
                 : "c"(index), "d"((uint32_t)(val >> 32))
                 : "memory");
    return (int)fault;
}

static uint64_t xgetbv(uint32_t index)
{
    uint32_t lo, hi;

    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((uint64_t)hi << 32) | lo;
}

void test_main(void)
{
    uint64_t cr4;

    if (!(cpuid(1).ecx & CPUID1_ECX_XSAVE))
        test_skip("the CPU offers no XSAVE (CPUID.1:ECX[26] clear)");
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_OSFXSR | CR4_OSXSAVE;
    asm volatile("mov %0, %%cr4" :: "r"(cr4) : "memory");
    CHECK(cpuid(1).ecx & (1u << 27));           /* OSXSAVE reflects CR4 */

    CHECK_EQ(xsetbv_safe(0, XCR0_X87 | XCR0_SSE), 0);
    CHECK_EQ(xgetbv(0), XCR0_X87 | XCR0_SSE);
    CHECK_EQ(xsetbv_safe(0, 0), 13);            /* x87 state is mandatory */
    CHECK_EQ(xsetbv_safe(0, XCR0_SSE), 13);
    CHECK_EQ(xsetbv_safe(0, XCR0_X87 | XCR0_AVX), 13);  /* AVX needs SSE */
    CHECK_EQ(xsetbv_safe(0, 1ull << 62), 13);   /* not a supported component */
    CHECK_EQ(xsetbv_safe(1, XCR0_X87), 13);     /* only XCR0 is writable */
    CHECK_EQ(xgetbv(0), XCR0_X87 | XCR0_SSE);   /* the refused writes changed nothing */
    CHECK_EQ(xsetbv_safe(0, XCR0_X87), 0);
    CHECK_EQ(xgetbv(0), XCR0_X87);
}
