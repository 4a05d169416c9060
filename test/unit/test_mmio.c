// SPDX-License-Identifier: MIT
/*
 * Unit tests: the MMIO path (arch/x86/hvm/mmio.c) with the real decoder,
 * a fake device in place of the vLAPIC page and a fake vCPU whose
 * instruction bytes the test supplies: which MOV forms are emulated, with
 * what size and value, how loads land in registers (zero-extension, byte
 * merges, AH..BH), RIP advance, and the crash for anything else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/domain.h>
#include <x86/hvm/decode.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/mmio.h>
#include "stubs.h"

#define DEV_PAGE    0xfee00000ull

static struct domain dom;
static struct vcpu vcpu;
static uint8_t code[15];
static unsigned int code_len, mode;
static char crash_msg[256];
static unsigned int reads, writes, last_size;
static uint64_t last_gpa, last_val, read_val;

bool vlapic_mmio_covers(struct vcpu *v, uint64_t gpa)
{
    return (gpa & ~0xfffull) == DEV_PAGE;
}

int vlapic_mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    reads++;
    last_gpa = gpa;
    last_size = size;
    *val = read_val & (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1);
    return 0;
}

int vlapic_mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    writes++;
    last_gpa = gpa;
    last_size = size;
    last_val = val;
    return 0;
}

int hvm_fetch_insn(struct vcpu *v, uint8_t *buf, size_t len)
{
    size_t n = code_len < len ? code_len : len;

    memcpy(buf, code, n);
    return n;
}

unsigned int hvm_insn_mode(struct vcpu *v)
{
    return mode;
}

bool hvm_skip_insn(struct vcpu *v, const struct hvm_exit *exit)
{
    assert_true(exit->insn_len > 0);
    v->hvm.rip += exit->insn_len;
    return true;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(crash_msg, sizeof(crash_msg), fmt, ap);
    va_end(ap);
}

static int setup(void **state)
{
    memset(&vcpu, 0, sizeof(vcpu));
    vcpu.domain = &dom;
    vcpu.hvm.rip = 0x1000;
    for (unsigned int i = 0; i < NR_GPRS; i++)
        vcpu.hvm.gpr[i] = 0x1111111111111111ull * (i + 1);
    mode = X86_MODE_LONG64;
    crash_msg[0] = 0;
    reads = writes = 0;
    read_val = 0x8877665544332211ull;
    return 0;
}

/* Run the MMIO path on 'bytes' faulting at 'gpa'; true if it was handled. */
static bool run(const char *bytes, size_t len, uint64_t gpa, bool write)
{
    struct hvm_exit e = { .reason = HVM_EXIT_NPF };

    memcpy(code, bytes, len);
    code_len = len;
    e.npf.gpa = gpa;
    e.npf.write = write;
    return hvm_mmio(&vcpu, &e);
}

#define RUN(bytes, gpa, write) run(bytes, sizeof(bytes) - 1, gpa, write)

static void test_loads(void **state)
{
    /* mov eax, [rip + 0x1234]: zero-extends into RAX */
    assert_true(RUN("\x8b\x05\x34\x12\x00\x00", DEV_PAGE + 0x30, false));
    assert_int_equal(reads, 1);
    assert_int_equal(last_size, 4);
    assert_int_equal(last_gpa, DEV_PAGE + 0x30);
    assert_int_equal(vcpu.hvm.gpr[GPR_RAX], 0x44332211);
    assert_int_equal(vcpu.hvm.rip, 0x1006);
    /* mov r9, [rbx + rcx*8 + 0x10] */
    assert_true(RUN("\x4c\x8b\x4c\xcb\x10", DEV_PAGE + 0x80, false));
    assert_int_equal(last_size, 8);
    assert_int_equal(vcpu.hvm.gpr[GPR_R9], 0x8877665544332211ull);
    /* mov bh, [rax]: bits 15:8 of RBX, the rest kept */
    assert_true(RUN("\x8a\x38", DEV_PAGE, false));
    assert_int_equal(last_size, 1);
    assert_int_equal(vcpu.hvm.gpr[GPR_RBX], 0x4444444444441144ull);
    /* mov dil, [rax] (REX): low byte of RDI */
    assert_true(RUN("\x40\x8a\x38", DEV_PAGE, false));
    assert_int_equal(vcpu.hvm.gpr[GPR_RDI], 0x8888888888888811ull);
    /* mov cx, [rax]: 16 bits merged */
    assert_true(RUN("\x66\x8b\x08", DEV_PAGE, false));
    assert_int_equal(last_size, 2);
    assert_int_equal(vcpu.hvm.gpr[GPR_RCX], 0x2222222222222211ull | 0x2200);
    /* mov eax, [moffs64] */
    assert_true(RUN("\xa1\x30\x00\xe0\xfe\x00\x00\x00\x00", DEV_PAGE + 0x30, false));
    assert_int_equal(vcpu.hvm.rip, 0x1006 + 5 + 2 + 3 + 3 + 9);
    assert_string_equal(crash_msg, "");
}

static void test_stores(void **state)
{
    /* mov [rdx], r15d */
    assert_true(RUN("\x44\x89\x3a", DEV_PAGE + 0xb0, true));
    assert_int_equal(writes, 1);
    assert_int_equal(last_size, 4);
    assert_int_equal(last_val, 0x11111110);      /* R15d */
    /* mov [rsp + 0x20], rcx (SIB) */
    assert_true(RUN("\x48\x89\x4c\x24\x20", DEV_PAGE + 0x300, true));
    assert_int_equal(last_size, 8);
    assert_int_equal(last_val, 0x2222222222222222ull);
    /* mov [rax], ah */
    assert_true(RUN("\x88\x20", DEV_PAGE, true));
    assert_int_equal(last_size, 1);
    assert_int_equal(last_val, 0x11);
    /* mov dword [rax], 0x1ff */
    assert_true(RUN("\xc7\x00\xff\x01\x00\x00", DEV_PAGE + 0xf0, true));
    assert_int_equal(last_val, 0x1ff);
    assert_int_equal(last_size, 4);
    /* mov qword [rax], -1 (imm32 sign-extended) */
    assert_true(RUN("\x48\xc7\x00\xff\xff\xff\xff", DEV_PAGE, true));
    assert_int_equal(last_size, 8);
    assert_int_equal(last_val, ~0ull);
    /* mov byte [rax + 0x80], 0x42 */
    assert_true(RUN("\xc6\x80\x80\x00\x00\x00\x42", DEV_PAGE + 0x80, true));
    assert_int_equal(last_size, 1);
    assert_int_equal(last_val, 0x42);
    /* 32-bit mode: mov [0xfee000b0], eax */
    mode = X86_MODE_PROT32;
    assert_true(RUN("\xa3\xb0\x00\xe0\xfe", DEV_PAGE + 0xb0, true));
    assert_int_equal(last_val, 0x11111111);
    assert_int_equal(last_size, 4);
    assert_int_equal(vcpu.hvm.rip, 0x1000 + 3 + 5 + 2 + 6 + 7 + 7 + 5);
    assert_string_equal(crash_msg, "");
}

static void test_refused(void **state)
{
    /* add [rax], ecx: not a MOV */
    assert_true(RUN("\x01\x08", DEV_PAGE, true));
    assert_non_null(strstr(crash_msg, "'add'"));
    assert_int_equal(writes, 0);
    assert_int_equal(vcpu.hvm.rip, 0x1000);
    /* lock xchg, movs, a VEX load */
    crash_msg[0] = 0;
    assert_true(RUN("\xf0\x87\x08", DEV_PAGE, true));
    assert_string_not_equal(crash_msg, "");
    crash_msg[0] = 0;
    assert_true(RUN("\xa5", DEV_PAGE, true));
    assert_string_not_equal(crash_msg, "");
    crash_msg[0] = 0;
    assert_true(RUN("\xc5\xfa\x6f\x00", DEV_PAGE, false));
    assert_string_not_equal(crash_msg, "");
    /* no memory operand (UD2); C7 /1 (undefined); a truncated fetch */
    crash_msg[0] = 0;
    assert_true(RUN("\x0f\x0b", DEV_PAGE, false));
    assert_string_not_equal(crash_msg, "");
    crash_msg[0] = 0;
    assert_true(RUN("\xc7\x08\x00\x00\x00\x00", DEV_PAGE, true));
    assert_string_not_equal(crash_msg, "");
    crash_msg[0] = 0;
    assert_true(RUN("\x8b\x05\x00", DEV_PAGE, false));
    assert_non_null(strstr(crash_msg, "cannot decode"));
    /* an 8-byte access crossing the page end */
    crash_msg[0] = 0;
    assert_true(RUN("\x48\x8b\x00", DEV_PAGE + 0xffc, false));
    assert_non_null(strstr(crash_msg, "crosses"));
    assert_int_equal(reads, 0);
    assert_int_equal(vcpu.hvm.rip, 0x1000);
}

static void test_not_a_device(void **state)
{
    struct hvm_exit e = { .reason = HVM_EXIT_NPF };

    assert_false(RUN("\x8b\x00", 0xd0000000ull, false));
    e.npf.gpa = DEV_PAGE;
    e.npf.fetch = true;                     /* executing from the device */
    assert_false(hvm_mmio(&vcpu, &e));
    assert_int_equal(reads + writes, 0);
    assert_string_equal(crash_msg, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_loads, setup),
        cmocka_unit_test_setup(test_stores, setup),
        cmocka_unit_test_setup(test_refused, setup),
        cmocka_unit_test_setup(test_not_a_device, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
