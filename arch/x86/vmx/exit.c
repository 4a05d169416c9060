// SPDX-License-Identifier: MIT
/*
 * VMX exits in, neutral struct hvm_exit out. A table indexed by the basic
 * exit reason says what each reason means, whether an instruction caused
 * it (then the VMCS reports the instruction's length: VMX always does, so
 * common code never decodes to skip one), and which decoder, if any, reads
 * the exit qualification. Reasons the table does not know are unhandled:
 * common code crashes the domain with the raw reason.
 */
#include <petrel/domain.h>
#include <petrel/printk.h>
#include <x86/hvm/decode.h>
#include <x86/hvm/hvm.h>
#include <x86/msr.h>
#include <x86/processor.h>
#include "vmcs.h"
#include "vmx.h"

struct exit_kind {
    bool known;
    uint8_t reason;                 /* enum hvm_exit_reason */
    bool insn;                      /* caused by an instruction */
    void (*decode)(struct vcpu *v, struct hvm_exit *e);
};

/* The address size of the INS/OUTS at RIP, decoded (no IA32_VMX_BASIC[54]). */
static uint8_t decoded_addr_size(struct vcpu *v)
{
    struct hvm_paging pg;
    struct hvm_segment cs;
    struct x86_insn insn;
    enum x86_mode mode;
    uint8_t buf[15];
    int got;

    vmx_get_paging(v, &pg);
    vmx_get_segment(v, SEG_CS, &cs);
    mode = hvm_long_mode(v) ? X86_MODE_LONG64 : !(pg.cr0 & X86_CR0_PE) ? X86_MODE_REAL :
           (cs.attr & BIT(10)) ? X86_MODE_PROT32 : X86_MODE_PROT16;
    got = hvm_fetch_insn(v, buf, sizeof(buf));
    if (got <= 0 || x86_decode(buf, got, mode, &insn))
        return mode == X86_MODE_LONG64 ? 8 : mode == X86_MODE_PROT32 ? 4 : 2;
    return insn.addr_size;
}

static void decode_io(struct vcpu *v, struct hvm_exit *e)
{
    static const uint8_t addr_sizes[] = { 2, 4, 8 };
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
    unsigned int as;

    e->io.port = IO_QUAL_PORT(q);
    e->io.size = IO_QUAL_SIZE(q);
    e->io.in = q & IO_QUAL_IN;
    e->io.string = q & IO_QUAL_STRING;
    e->io.rep = q & IO_QUAL_REP;
    e->io.addr_size = 0;
    if (!e->io.string)
        return;
    as = INSN_INFO_ADDR_SIZE(vmcs_read(VMCS_EXIT_INSN_INFO));
    if ((vmx_config.basic & VMX_BASIC_INOUT_INFO) && as < ARRAY_SIZE(addr_sizes))
        e->io.addr_size = addr_sizes[as];
    else
        e->io.addr_size = decoded_addr_size(v);
}

/* Only a MOV to CR0 or CR4 can exit (the masks own a few bits of each). */
static void decode_cr(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);

    if (CR_QUAL_TYPE(q) != 0 || (CR_QUAL_CR(q) != 0 && CR_QUAL_CR(q) != 4)) {
        e->reason = HVM_EXIT_UNHANDLED;
        return;
    }
    e->cr.cr = CR_QUAL_CR(q);
    e->cr.gpr = CR_QUAL_GPR(q);
}

static void decode_ept_violation(struct vcpu *v, struct hvm_exit *e)
{
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);

    e->npf.gpa = vmcs_read(VMCS_GUEST_PHYS_ADDR);
    e->npf.write = q & EPT_QUAL_WRITE;
    e->npf.fetch = q & EPT_QUAL_FETCH;
    e->npf.present = q & EPT_QUAL_PERMS;
}

static void decode_ept_misconfig(struct vcpu *v, struct hvm_exit *e)
{
    pr_err("VMX: EPT misconfiguration at guest-physical %#lx: a bad p2m entry "
           "(Petrel's bug); domain %u is stopped\n", vmcs_read(VMCS_GUEST_PHYS_ADDR),
           v->domain->id);
}

/* NMIs were handed to the host in vmx_vcpu_run; no exception is intercepted. */
static void decode_exc_nmi(struct vcpu *v, struct hvm_exit *e)
{
    if (INTR_TYPE(vmcs_read(VMCS_EXIT_INTR_INFO)) != INTR_TYPE_NMI)
        e->reason = HVM_EXIT_UNHANDLED;
}

/* No multi-vCPU guest yet, so nothing sends INIT or SIPI on purpose. */
static void decode_init_sipi(struct vcpu *v, struct hvm_exit *e)
{
    pr_err("VMX: %s signal for vCPU %u of domain %u: vCPU reset is not supported yet\n",
           (e->vendor_code & 0xffff) == VMX_EXIT_INIT ? "INIT" : "SIPI", v->id, v->domain->id);
}

#define EXIT(r, i)          { true, r, i, NULL }
#define EXIT_D(r, i, d)     { true, r, i, d }
#define EXIT_UD             EXIT(HVM_EXIT_INVALID_OP, true)

static const struct exit_kind exit_table[NR_VMX_EXITS] = {
    [VMX_EXIT_EXC_NMI] = EXIT_D(HVM_EXIT_NONE, false, decode_exc_nmi),
    [VMX_EXIT_EXTINT] = EXIT(HVM_EXIT_NONE, false),
    [VMX_EXIT_TRIPLE_FAULT] = EXIT(HVM_EXIT_TRIPLE_FAULT, false),
    [VMX_EXIT_INIT] = EXIT_D(HVM_EXIT_UNHANDLED, false, decode_init_sipi),
    [VMX_EXIT_SIPI] = EXIT_D(HVM_EXIT_UNHANDLED, false, decode_init_sipi),
    [VMX_EXIT_INTR_WINDOW] = EXIT(HVM_EXIT_NONE, false),
    [VMX_EXIT_CPUID] = EXIT(HVM_EXIT_CPUID, true),
    [VMX_EXIT_GETSEC] = EXIT_UD,
    [VMX_EXIT_HLT] = EXIT(HVM_EXIT_HLT, true),
    [VMX_EXIT_VMCALL] = EXIT(HVM_EXIT_HYPERCALL, true),
    [VMX_EXIT_VMCLEAR] = EXIT_UD,
    [VMX_EXIT_VMLAUNCH] = EXIT_UD,
    [VMX_EXIT_VMPTRLD] = EXIT_UD,
    [VMX_EXIT_VMPTRST] = EXIT_UD,
    [VMX_EXIT_VMREAD] = EXIT_UD,
    [VMX_EXIT_VMRESUME] = EXIT_UD,
    [VMX_EXIT_VMWRITE] = EXIT_UD,
    [VMX_EXIT_VMXOFF] = EXIT_UD,
    [VMX_EXIT_VMXON] = EXIT_UD,
    [VMX_EXIT_CR_ACCESS] = EXIT_D(HVM_EXIT_CR_WRITE, true, decode_cr),
    [VMX_EXIT_IO] = EXIT_D(HVM_EXIT_IO, true, decode_io),
    [VMX_EXIT_RDMSR] = EXIT(HVM_EXIT_MSR_READ, true),
    [VMX_EXIT_WRMSR] = EXIT(HVM_EXIT_MSR_WRITE, true),
    [VMX_EXIT_MWAIT] = EXIT_UD,
    [VMX_EXIT_MONITOR] = EXIT_UD,
    [VMX_EXIT_EPT_VIOLATION] = EXIT_D(HVM_EXIT_NPF, false, decode_ept_violation),
    [VMX_EXIT_EPT_MISCONFIG] = EXIT_D(HVM_EXIT_UNHANDLED, false, decode_ept_misconfig),
    [VMX_EXIT_INVEPT] = EXIT_UD,
    [VMX_EXIT_PREEMPTION_TIMER] = EXIT(HVM_EXIT_NONE, false),
    [VMX_EXIT_INVVPID] = EXIT_UD,
    [VMX_EXIT_XSETBV] = EXIT(HVM_EXIT_XSETBV, true),
    [VMX_EXIT_VMFUNC] = EXIT_UD,
};

/* A VM entry that failed on the guest state (SDM 26.3, 26.7). */
static void entry_failure(struct vcpu *v, uint32_t reason)
{
    static const char *const why[] = {
        [VMX_EXIT_BAD_GUEST_STATE] = "invalid guest state",
        [VMX_EXIT_MSR_LOADING] = "MSR loading",
        [VMX_EXIT_MCE_DURING_ENTRY] = "machine check",
    };
    unsigned int basic = EXIT_REASON_BASIC(reason);

    pr_err("VMX: VM entry of vCPU %u failed: %s (exit reason %u, qualification %#lx); "
           "the guest state follows\n", v->id,
           basic < ARRAY_SIZE(why) && why[basic] ? why[basic] : "unknown", basic,
           vmcs_read(VMCS_EXIT_QUALIFICATION));
}

void vmx_decode_exit(struct vcpu *v, uint32_t reason, struct hvm_exit *e)
{
    unsigned int basic = EXIT_REASON_BASIC(reason);
    const struct exit_kind *k = basic < NR_VMX_EXITS ? &exit_table[basic] : NULL;

    e->vendor_code = reason;
    e->insn_len = 0;
    if (reason & EXIT_REASON_ENTRY_FAIL) {
        e->reason = HVM_EXIT_FAILED_ENTRY;
        entry_failure(v, reason);
        return;
    }
    if (!k || !k->known) {
        e->reason = HVM_EXIT_UNHANDLED;
        return;
    }
    e->reason = k->reason;
    if (k->insn)
        e->insn_len = vmcs_read(VMCS_EXIT_INSN_LEN);
    if (k->decode)
        k->decode(v, e);
}
