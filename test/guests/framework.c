/* SPDX-License-Identifier: MIT */
/*
 * Test guest framework: the test framework checks itself. The exception
 * table turns faults into vector numbers, snprintf formats as printf
 * should, the command-line helpers parse, and the page-table helpers map.
 * Runs bare under QEMU too (docs/test-guests.md), where it needs no
 * hypervisor at all.
 */
#include "test.h"
#include "x86.h"

TEST_TITLE("the framework's exception table, snprintf, command line, page tables");

/* Execute one faulting instruction; return the vector it raised, or 0. */
static int fault_of_ud2(void)
{
    uint64_t v = 0;

    asm volatile("1: ud2\n\t"
                 "jmp 2f\n"
                 "3: mov %%rax, %0\n"
                 "2:\n\t"
                 ASM_EXTABLE(1b, 3b)
                 : "+r"(v) :: "rax");
    return (int)v;
}

static int fault_of_read(uint64_t va)
{
    uint64_t v = 0;

    asm volatile("1: mov (%1), %%rdx\n\t"
                 "jmp 2f\n"
                 "3: mov %%rax, %0\n"
                 "2:\n\t"
                 ASM_EXTABLE(1b, 3b)
                 : "+r"(v) : "r"(va) : "rax", "rdx", "memory");
    return (int)v;
}

/* #BP is a trap: the saved RIP is that of the next instruction, so the
 * table entry names the address after the int3. */
static int fault_of_int3(void)
{
    uint64_t v = 0;

    asm volatile("int3\n"
                 "1:\n\t"
                 "jmp 2f\n"
                 "3: mov %%rax, %0\n"
                 "2:\n\t"
                 ASM_EXTABLE(1b, 3b)
                 : "+r"(v) :: "rax");
    return (int)v;
}

#define CHECK_FMT(want, ...) do { \
    char b_[64]; \
    int n_ = snprintf(b_, sizeof(b_), __VA_ARGS__); \
    if (strcmp(b_, want) || n_ != (int)strlen(want)) \
        test_fail("snprintf(%s) gave \"%s\" (%d), want \"%s\"", #__VA_ARGS__, \
                  b_, n_, want); \
} while (0)

static void check_printf(void)
{
    char small[5];

    CHECK_FMT("42 -7 4294967295", "%d %i %u", 42, -7, 0xffffffffu);
    CHECK_FMT("ff 0xff FF 0XFF", "%x %#x %X %#X", 255, 255, 255, 255);
    CHECK_FMT("0xdeadbeefcafe 123456789012", "%#lx %lu", 0xdeadbeefcafeUL,
              123456789012UL);
    CHECK_FMT("-9223372036854775808", "%ld", (long)(1UL << 63));
    CHECK_FMT("[   7] [7   ] [0007] [0x0007]", "[%4d] [%-4d] [%04d] [%#06x]",
              7, 7, 7, 7);
    CHECK_FMT("[  ab] [ab  ] [a] [x]", "[%4s] [%-4s] [%.1s] [%c]", "ab", "ab",
              "ab", 'x');
    CHECK_FMT("0x1000 100% (null)", "%p %d%% %s", (void *)0x1000, 100,
              (char *)NULL);
    CHECK_FMT("[  -5] [-005]", "[%*d] [%04d]", 4, -5, -5);
    CHECK_EQ(snprintf(small, sizeof(small), "%s", "truncated"), 9);
    CHECK(!strcmp(small, "trun"));
}

static void check_exceptions(void)
{
    uint64_t v;

    CHECK_EQ(fault_of_ud2(), X86_EXC_UD);
    CHECK_EQ(fault_of_int3(), X86_EXC_BP);
    CHECK_EQ(fault_of_read(0x0000700000000000UL), X86_EXC_PF);
    CHECK_EQ(fault_of_read(0x8000000000000000UL), X86_EXC_GP);
    CHECK_EQ(fault_of_read((uintptr_t)&v), 0);
    /* The framework still works after all that. */
    CHECK_EQ(rdmsr_safe(MSR_EFER, &v), 0);
    CHECK(v & EFER_LMA);
}

static void check_pagetables(void)
{
    static char page[PAGE_SIZE] __aligned(PAGE_SIZE);
    const uint64_t alias = 0x0000500000000000UL;

    CHECK(pt_is_mapped(0));
    CHECK(pt_is_mapped(GiB(4) - 1));
    CHECK(!pt_is_mapped(GiB(4)));
    CHECK(!pt_is_mapped(0x8000000000000000UL));
    CHECK_EQ(pt_map_page(alias, (uintptr_t)page), 0);
    CHECK(pt_is_mapped(alias) && !pt_is_mapped(alias + PAGE_SIZE));
    ((volatile char *)page)[100] = 'p';
    CHECK_EQ(((volatile char *)alias)[100], 'p');
    CHECK_EQ(pt_identity_map(GiB(6)), 0);
    CHECK(pt_is_mapped(GiB(6) - 1) && !pt_is_mapped(GiB(6)));
}

static void check_cmdline(void)
{
    const char *v;
    size_t len;
    uint64_t n;

    printf("cmdline: \"%s\"\n", cmdline());
    CHECK(!cmdline_find("framework-no-such-key", &v, &len));
    /* Tests of parsing need words on the command line; the harness gives
     * none, so these run only when present (bare runs pass them). */
    if (cmdline_u64("fw_num", &n))
        CHECK_EQ(n, 0x1f);
    if (cmdline_find("fw_flag", &v, &len))
        CHECK_EQ(len, 0);
}

void test_main(void)
{
    check_printf();
    check_exceptions();
    check_pagetables();
    check_cmdline();
}
