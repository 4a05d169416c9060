/* SPDX-License-Identifier: MIT */
/*
 * Test guest cr: CR0 and CR4 as the guest sees them. The hypervisor's own
 * bits (VMX keeps CR0.NE and CR4.VMXE set under the guest) must not show;
 * writes that change them must read back as written and keep the guest in
 * long mode; writes the processor refuses must raise #GP and change
 * nothing. On VMX some of these writes exit and are checked by Petrel,
 * on SVM the processor checks them all: the guest sees no difference.
 */
#include "test.h"
#include "x86.h"

TEST_TITLE("CR0 and CR4 read back what the guest wrote; bad writes raise #GP");

#define CR0_ET          (1UL << 4)
#define CR0_NE          (1UL << 5)
#define CR0_NW          (1UL << 29)
#define CR0_CD          (1UL << 30)
#define CR4_VMXE        (1UL << 13)
#define CR4_SMXE        (1UL << 14)

/* MOV to CR0 from R12 (a REX register, to exercise the operand decoding);
 * 0 or the exception vector. */
static int write_cr0_safe(uint64_t val)
{
    register uint64_t r12 asm("r12") = val;
    uint64_t v = 0;

    asm volatile("1: mov %%r12, %%cr0\n\t"
                 "jmp 2f\n"
                 "3: mov %%rax, %0\n"
                 "2:\n\t"
                 ASM_EXTABLE(1b, 3b)
                 : "+r"(v) : "r"(r12) : "rax", "memory");
    return (int)v;
}

/* MOV to CR4 from RAX; 0 or the exception vector. */
static int write_cr4_safe(uint64_t val)
{
    uint64_t v = 0;

    asm volatile("1: mov %%rax, %%cr4\n\t"
                 "jmp 2f\n"
                 "3: mov %%rax, %0\n"
                 "2:\n\t"
                 ASM_EXTABLE(1b, 3b)
                 : "+r"(v), "+a"(val) :: "memory");
    return (int)v;
}

static void check_view(void)
{
    uint64_t cr0 = read_cr0(), cr4 = read_cr4();

    printf("CR0 %#lx CR4 %#lx\n", cr0, cr4);
    CHECK(cr0 & CR0_PE);
    CHECK(cr0 & CR0_PG);
    CHECK(cr0 & CR0_WP);
    CHECK(cr0 & CR0_ET);
    CHECK(cr4 & CR4_PAE);
    CHECK(!(cr4 & CR4_VMXE));
    CHECK(!(cr4 & CR4_SMXE));
}

/* Flip CR0.NE both ways: each write must read back exactly. */
static void check_ne(void)
{
    uint64_t cr0 = read_cr0();

    for (int i = 0; i < 2; i++) {
        uint64_t want = (i == 0 ? cr0 ^ CR0_NE : cr0);

        CHECK_EQ(write_cr0_safe(want), 0);
        CHECK_EQ(read_cr0(), want);
        printf("CR0.NE %s: CR0 %#lx\n", (want & CR0_NE) ? "set" : "clear", read_cr0());
    }
    CHECK_EQ(rdmsr(MSR_EFER) & EFER_LMA, EFER_LMA);
}

static void check_gp(const char *what, int vec)
{
    printf("%s: %s\n", what, vec == X86_EXC_GP ? "#GP" : vec ? "other fault" : "no fault");
    CHECK_EQ(vec, X86_EXC_GP);
}

/* Each bad value also flips NE, so that on VMX the write exits and Petrel
 * has to refuse it itself. */
static void check_bad(void)
{
    uint64_t cr0 = read_cr0(), cr4 = read_cr4();

    check_gp("CR0 bit 32", write_cr0_safe((cr0 ^ CR0_NE) | (1UL << 32)));
    check_gp("CR0 NW without CD", write_cr0_safe(((cr0 ^ CR0_NE) | CR0_NW) & ~CR0_CD));
    check_gp("CR0 without PG in 64-bit mode", write_cr0_safe((cr0 ^ CR0_NE) & ~(uint64_t)CR0_PG));
    check_gp("CR0 PG without PE", write_cr0_safe((cr0 ^ CR0_NE) & ~(uint64_t)CR0_PE));
    check_gp("CR4 VMXE", write_cr4_safe(cr4 | CR4_VMXE));
    check_gp("CR4 bit 31", write_cr4_safe(cr4 | (1UL << 31)));
    check_gp("CR4 without PAE in long mode", write_cr4_safe(cr4 & ~(uint64_t)CR4_PAE));
    CHECK_EQ(read_cr0(), cr0);
    CHECK_EQ(read_cr4(), cr4);
}

void test_main(void)
{
    check_view();
    check_ne();
    check_bad();
    check_view();
}
