// SPDX-License-Identifier: MIT
/*
 * Unit tests: hvm_context_check() accepts the PVH start state (32-bit) and a
 * 64-bit start, fills the state it describes, and refuses with -EINVAL each
 * thing Xen refuses or a VM entry would fail on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/errno.h>
#include <public/hvm/hvm_vcpu.h>
#include <x86/hvm/vcpu_context.h>
#include <x86/msr.h>
#include <x86/processor.h>
#include "stubs.h"

/* Never called by hvm_context_check(); here for the link. */
const struct hvm_ops *hvm;
uint64_t hvm_cr4_valid_bits(struct vcpu *v)
{
    return 0;
}

void hvm_vcpu_release(struct vcpu *v)
{
}

static const struct hvm_context_limits lim = {
    .cr4_ok = 0x7ff, .efer_ok = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE, .maxphyaddr = 40,
};

/* The PVH entry state (linux-pvh.md 3.1), as a toolstack would pass it. */
static struct vcpu_hvm_context pvh32(void)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_32B };
    struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;

    r->eip = 0x1000850;
    r->ebx = 0x5000;
    r->eflags = 2;
    r->cr0 = X86_CR0_PE;
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->cs_ar = 0xc9b;
    r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
    r->tr_limit = 0x67;
    r->tr_ar = 0x8b;
    return c;
}

static struct vcpu_hvm_context long64(void)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };
    struct vcpu_hvm_x86_64 *r = &c.cpu_regs.x86_64;

    r->rip = 0xffffffff81000000ull;
    r->rsp = 0x8000;
    r->rflags = 2;
    r->cr0 = X86_CR0_PE | X86_CR0_PG;
    r->cr3 = 0x100000;
    r->cr4 = X86_CR4_PAE;
    r->efer = EFER_LME;
    return c;
}

static int check(struct vcpu_hvm_context c)
{
    struct hvm_start_state s;

    return hvm_context_check(&c, &lim, &s);
}

/* Refused, for the reason given (a piece of the warning). */
static void expect_bad(struct vcpu_hvm_context c, const char *why)
{
    stub_log_reset();
    assert_int_equal(check(c), -EINVAL);
    if (!stub_log_contains(why))
        fail_msg("expected \"%s\", logged \"%s\"", why, stub_log);
}

static void test_pvh32_ok(void **state)
{
    struct vcpu_hvm_context c = pvh32();
    struct hvm_start_state s;

    assert_int_equal(hvm_context_check(&c, &lim, &s), 0);
    assert_int_equal(s.rip, 0x1000850);
    assert_int_equal(s.gpr[GPR_RBX], 0x5000);
    assert_int_equal(s.rflags, 2);
    assert_int_equal(s.pg.cr0, X86_CR0_PE | BIT(4));       /* ET forced on */
    assert_int_equal(s.pg.efer, 0);
    assert_int_equal(s.seg[SEG_CS].attr, 0xc9b);
    assert_int_equal(s.seg[SEG_CS].limit, 0xffffffff);
    assert_int_equal(s.seg[SEG_TR].attr, 0x8b);
    assert_int_equal(s.seg[SEG_FS].attr, 0x93);              /* as after INIT */
    assert_int_equal(s.seg[SEG_LDTR].attr, 0x82);
    /* the accessed bit is set for the guest */
    c.cpu_regs.x86_32.ds_ar = 0xc92;
    assert_int_equal(hvm_context_check(&c, &lim, &s), 0);
    assert_int_equal(s.seg[SEG_DS].attr, 0xc93);
    /* a null DS is allowed (unusable), a null SS not */
    c.cpu_regs.x86_32.ds_ar = 0;
    assert_int_equal(check(c), 0);
}

static void test_pvh32_bad(void **state)
{
    struct vcpu_hvm_context c;

#define BAD(field, value, why) do { \
        c = pvh32(); \
        c.cpu_regs.x86_32.field = (value); \
        expect_bad(c, why); \
    } while (0)
    BAD(ss_ar, 0, "null segment");                  /* null SS */
    BAD(cs_ar, 0, "null segment");
    BAD(tr_ar, 0, "null segment");
    BAD(cs_ar, 0xc93, "non-code");              /* data for CS */
    BAD(cs_ar, 0xc1b, "non-present");              /* not present */
    BAD(cs_ar, 0xc8b, "system segment");              /* system segment */
    BAD(cs_ar, 0x1c9b, "bits 15:12");             /* bits 15:12 */
    BAD(ss_ar, 0xc91, "non-writable");              /* read-only SS */
    BAD(ss_ar, 0xc9b, "non-writable");              /* code SS */
    BAD(ds_ar, 0xc99, "non-readable");              /* execute-only DS */
    BAD(tr_ar, 0x89, "busy 32-bit TSS");               /* available TSS */
    BAD(tr_ar, 0x9b, "busy 32-bit TSS");               /* code for TR */
    BAD(ss_ar, 0xcf3, "SS.DPL");              /* SS.DPL 3, CS.DPL 0 */
    BAD(es_ar, 0xcf3, "ES.DPL");              /* ES.DPL above CS.DPL */
    BAD(cs_limit, 0xfffff000, "granularity");      /* G with limit[11:0] not all ones */
    c = pvh32();                    /* byte granular past 1 MiB */
    c.cpu_regs.x86_32.ds_limit = 0x00100000;
    c.cpu_regs.x86_32.ds_ar = 0x493;
    expect_bad(c, "granularity");
    c.cpu_regs.x86_32.ds_limit = 0x001fffff;    /* fine in pages */
    c.cpu_regs.x86_32.ds_ar = 0xc93;
    assert_int_equal(check(c), 0);
    BAD(cs_limit, 0x000fffff, "EIP outside");      /* then EIP 0x1000850 is outside CS */
    BAD(efer, EFER_LMA, "LMA set without");            /* LMA without LME */
    BAD(efer, BIT(12), "bad EFER");             /* SVME is not the guest's */
    BAD(cr0, X86_CR0_PG, "bad CR0");           /* PG without PE */
    BAD(cr0, X86_CR0_PE | BIT(29), "bad CR0"); /* NW without CD */
    BAD(cr0, X86_CR0_PE | BIT(20), "bad CR0"); /* reserved */
    BAD(cr4, BIT(13), "bad CR4");              /* VMXE */
    BAD(eflags, 2 | BIT(17), "RFLAGS");       /* VM */
    BAD(eflags, 2 | BIT(3), "RFLAGS");        /* reserved */
    BAD(cs_ar, 0xe9b, "CS.L");              /* L outside long mode */
#undef BAD
    c = pvh32();
    c.mode = 2;
    expect_bad(c, "unknown mode");
}

static void test_long64(void **state)
{
    struct vcpu_hvm_context c = long64();
    struct hvm_start_state s;

    assert_int_equal(hvm_context_check(&c, &lim, &s), 0);
    assert_int_equal(s.rip, 0xffffffff81000000ull);
    assert_int_equal(s.gpr[GPR_RSP], 0x8000);
    assert_int_equal(s.pg.efer, EFER_LME | EFER_LMA);
    assert_int_equal(s.seg[SEG_CS].attr, 0xa9b);
    assert_int_equal(s.seg[SEG_SS].attr, 0xc93);
    assert_int_equal(s.seg[SEG_TR].attr, 0x8b);

#define BAD(field, value, why) do { \
        c = long64(); \
        c.cpu_regs.x86_64.field = (value); \
        expect_bad(c, why); \
    } while (0)
    BAD(rip, 0x0000800000000000ull, "canonical");        /* non-canonical */
    BAD(rip, 0xff7fffffffffffffull, "canonical");
    BAD(cr0, X86_CR0_PE, "CR0.PG");                   /* no paging */
    BAD(cr4, 0, "CR4.PAE");                            /* no PAE */
    BAD(efer, 0, "EFER.LME");                           /* no LME */
    BAD(cr3, 1ull << 40, "CR3 beyond");                   /* beyond MAXPHYADDR */
    BAD(rflags, 2 | BIT(17), "RFLAGS");
#undef BAD
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pvh32_ok),
        cmocka_unit_test(test_pvh32_bad),
        cmocka_unit_test(test_long64),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
