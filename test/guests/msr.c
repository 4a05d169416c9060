/* SPDX-License-Identifier: MIT */
/* Test guest msr: MSR reads and writes, and the #GP cases. */
#include "test.h"
#include "x86.h"

TEST_TITLE("MSRs read back what was written; bad MSRs and values raise #GP");

struct msr_case {
    uint32_t msr;
    const char *name;
    uint64_t values[2];
};

/* Two valid values each. SYSENTER_ESP/EIP stay below 4 GiB: AMD keeps only
 * 32 bits of them outside long mode. PAT entry 0 stays WB (6), which is
 * the entry our page tables use. */
static const struct msr_case cases[] = {
    { MSR_PAT, "PAT", { 0x0007040600070406, 0x0007050601070406 } },
    { MSR_STAR, "STAR", { 0x0023001000000000, 0x001b000812345678 } },
    { MSR_LSTAR, "LSTAR", { 0xffffffff81000000, 0x00007fffdeadb000 } },
    { MSR_CSTAR, "CSTAR", { 0xffffffff81001000, 0x0000000000401000 } },
    { MSR_SFMASK, "SFMASK", { 0x47700, 0x200 } },
    { MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE", { 0xffff888000000000, 0x1000 } },
    { MSR_FS_BASE, "FS_BASE", { 0x00007f0012345000, 0 } },
    { MSR_GS_BASE, "GS_BASE", { 0xffff880000001000, 0 } },
    { MSR_SYSENTER_CS, "SYSENTER_CS", { 0x10, 0x08 } },
    { MSR_SYSENTER_ESP, "SYSENTER_ESP", { 0x12345000, 0x00abcd00 } },
    { MSR_SYSENTER_EIP, "SYSENTER_EIP", { 0x00401000, 0x81000000 } },
};

static void check_read_back(const struct msr_case *c)
{
    uint64_t orig, v;
    int vec;

    vec = rdmsr_safe(c->msr, &orig);
    if (!CHECK_EQ(vec, 0)) {
        printf("  rdmsr %s (%#x) faulted\n", c->name, c->msr);
        return;
    }
    for (int i = 0; i < 2; i++) {
        vec = wrmsr_safe(c->msr, c->values[i]);
        if (!CHECK_EQ(vec, 0)) {
            printf("  wrmsr %s (%#x) <- %#lx faulted\n", c->name, c->msr,
                   c->values[i]);
            continue;
        }
        vec = rdmsr_safe(c->msr, &v);
        CHECK_EQ(vec, 0);
        if (!CHECK_EQ(v, c->values[i]))
            printf("  %s (%#x) wrote %#lx, read %#lx\n", c->name, c->msr,
                   c->values[i], v);
    }
    CHECK_EQ(wrmsr_safe(c->msr, orig), 0);
    printf("%-15s %#x: ok (was %#lx)\n", c->name, c->msr, orig);
}

static void check_gp(const char *what, uint32_t msr, bool write, uint64_t val)
{
    uint64_t v;
    int vec = write ? wrmsr_safe(msr, val) : rdmsr_safe(msr, &v);

    printf("%s: %s\n", what, vec == X86_EXC_GP ? "#GP" : vec ? "other fault" : "no fault");
    if (!CHECK_EQ(vec, X86_EXC_GP))
        printf("  expected #GP from %s %#x\n", write ? "wrmsr" : "rdmsr", msr);
}

static void check_bad(void)
{
    uint64_t pat = rdmsr(MSR_PAT), lstar = rdmsr(MSR_LSTAR);

    check_gp("rdmsr 0x12345678", 0x12345678, false, 0);
    check_gp("wrmsr 0x12345678", 0x12345678, true, 1);
    check_gp("rdmsr 0x40000010", 0x40000010, false, 0);
    check_gp("wrmsr 0x40000010", 0x40000010, true, 1);
    /* Memory types 2 and 3 are reserved in every PAT entry (SDM 11.12.2). */
    check_gp("wrmsr PAT type 2 in entry 1", MSR_PAT, true, 0x0007040600070206);
    check_gp("wrmsr PAT type 3 in entry 7", MSR_PAT, true, 0x0307040600070406);
    /* WRMSR of a non-canonical address to LSTAR is #GP (SDM WRMSR). */
    check_gp("wrmsr LSTAR non-canonical", MSR_LSTAR, true, 0x0000800000000000);
    check_gp("wrmsr LSTAR non-canonical", MSR_LSTAR, true, 0x8000000000000000);
    /* Whatever happened, the old values must still be there. */
    CHECK_EQ(rdmsr(MSR_PAT), pat);
    CHECK_EQ(rdmsr(MSR_LSTAR), lstar);
}

static void check_efer_tsc(void)
{
    uint64_t efer, t0, t1;

    CHECK_EQ(rdmsr_safe(MSR_EFER, &efer), 0);
    printf("EFER %#lx\n", efer);
    CHECK(efer & EFER_LME);
    CHECK(efer & EFER_LMA);
    /* The hypervisor's own EFER.SVME must not show through. */
    CHECK(!(efer & EFER_SVME));

    CHECK_EQ(rdmsr_safe(MSR_TSC, &t0), 0);
    for (volatile int i = 0; i < 1000; i++)
        ;
    CHECK_EQ(rdmsr_safe(MSR_TSC, &t1), 0);
    printf("TSC %#lx -> %#lx\n", t0, t1);
    CHECK(t1 > t0);
}

/*
 * AMD's OS-visible workarounds: offered on AMD whatever the host has, with
 * errata 400 and 415 (ids 1 and 2) fixed, so that guests neither poll
 * MSR 0xc0010055 nor avoid HLT; writes are ignored. Not on Intel (#GP).
 */
#define MSR_OSVW_ID_LENGTH      0xc0010140
#define MSR_OSVW_STATUS         0xc0010141

static void check_osvw(void)
{
    struct cpuid_regs v = cpuid(0);
    bool amd = v.ebx == 0x68747541 || v.ebx == 0x6f677948;     /* "Auth", "Hygo" */
    bool offered = cpuid(0x80000001).ecx & (1u << 9);
    uint64_t len = 0, status = 0;

    printf("OSVW: %s in CPUID (%s)\n", offered ? "offered" : "not offered",
           amd ? "AMD" : "not AMD");
    if (!CHECK_EQ(offered, amd))
        return;
    if (!amd) {
        check_gp("rdmsr OSVW_ID_LENGTH", MSR_OSVW_ID_LENGTH, false, 0);
        check_gp("wrmsr OSVW_STATUS", MSR_OSVW_STATUS, true, 0);
        return;
    }
    CHECK_EQ(rdmsr_safe(MSR_OSVW_ID_LENGTH, &len), 0);
    CHECK_EQ(rdmsr_safe(MSR_OSVW_STATUS, &status), 0);
    printf("OSVW: %lu ids, status %#lx\n", len, status);
    CHECK(len >= 3 && len <= 64);
    CHECK_EQ(status & 6, 0);                  /* ids 1 and 2: errata 400, 415 */
    CHECK_EQ(wrmsr_safe(MSR_OSVW_ID_LENGTH, 0), 0);
    CHECK_EQ(wrmsr_safe(MSR_OSVW_STATUS, ~0ull), 0);
    CHECK_EQ(rdmsr(MSR_OSVW_ID_LENGTH), len);
    CHECK_EQ(rdmsr(MSR_OSVW_STATUS), status);
}

void test_main(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        check_read_back(&cases[i]);
    check_bad();
    check_efer_tsc();
    check_osvw();
}
