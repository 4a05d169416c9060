// SPDX-License-Identifier: MIT
/*
 * What the CPU's VMX offers, and the controls Petrel runs guests with.
 * Every control word comes from its capability MSR (SDM A.3-A.5; the TRUE_*
 * MSRs when IA32_VMX_BASIC[55] says they exist): the low half says which
 * bits must be 1, the high half which may be. Petrel sets what the CPU
 * requires, what it needs (or refuses VMX, naming each missing piece), and
 * what it would like where the CPU allows it.
 */
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <x86/msr.h>
#include <x86/processor.h>
#include "vmcs.h"
#include "vmx.h"

struct vmx_config vmx_config;

enum ctl_word { CTL_PIN, CTL_PROC, CTL_PROC2, CTL_EXIT, CTL_ENTRY, NR_CTL_WORDS };

static const uint32_t ctl_msrs[NR_CTL_WORDS] = {
    MSR_VMX_PINBASED, MSR_VMX_PROCBASED, MSR_VMX_PROCBASED2, MSR_VMX_EXIT, MSR_VMX_ENTRY,
};
static const uint32_t ctl_true_msrs[NR_CTL_WORDS] = {
    MSR_VMX_TRUE_PINBASED, MSR_VMX_TRUE_PROCBASED, MSR_VMX_PROCBASED2,
    MSR_VMX_TRUE_EXIT, MSR_VMX_TRUE_ENTRY,
};

struct vmx_need {
    uint8_t word;                   /* enum ctl_word */
    uint32_t bits;
    const char *name;
};

/* Controls Petrel cannot do without. */
static const struct vmx_need needed_controls[] = {
    { CTL_PIN, PIN_EXT_INTR_EXITING, "external-interrupt exiting" },
    { CTL_PIN, PIN_NMI_EXITING, "NMI exiting" },
    { CTL_PROC, PROC_TSC_OFFSETTING, "TSC offsetting" },
    { CTL_PROC, PROC_HLT_EXITING, "HLT exiting" },
    { CTL_PROC, PROC_MWAIT_EXITING | PROC_MONITOR_EXITING, "MONITOR/MWAIT exiting" },
    { CTL_PROC, PROC_TPR_SHADOW, "the TPR shadow" },
    { CTL_PROC, PROC_IO_BITMAPS, "I/O bitmaps" },
    { CTL_PROC, PROC_MSR_BITMAPS, "MSR bitmaps" },
    { CTL_PROC, PROC_SECONDARY, "secondary controls" },
    { CTL_PROC2, PROC2_EPT, "EPT" },
    { CTL_PROC2, PROC2_VPID, "VPID" },
    { CTL_PROC2, PROC2_UNRESTRICTED, "unrestricted guest" },
    { CTL_EXIT, EXIT_HOST_64BIT, "a 64-bit host" },
    { CTL_EXIT, EXIT_SAVE_EFER | EXIT_LOAD_EFER, "EFER switching on VM exit" },
    { CTL_EXIT, EXIT_SAVE_PAT | EXIT_LOAD_PAT, "PAT switching on VM exit" },
    { CTL_ENTRY, ENTRY_LOAD_EFER | ENTRY_LOAD_PAT, "EFER and PAT loading on VM entry" },
};

/* Controls used when the CPU has them: without them the guest gets #UD
 * for INVPCID and XSAVES, which its CPUID may show, its DR7 and DEBUGCTL do
 * not survive an exit, and only interrupts end its turn (vmx_vcpu_run). */
static const uint32_t wanted_controls[NR_CTL_WORDS] = {
    [CTL_PIN] = PIN_PREEMPTION_TIMER,
    [CTL_PROC2] = PROC2_INVPCID | PROC2_XSAVES,
    [CTL_EXIT] = EXIT_SAVE_DEBUG,
    [CTL_ENTRY] = ENTRY_LOAD_DEBUG,
};

/* Controls whose exits Petrel does not handle: a CPU that cannot turn them
 * off is used anyway, with a warning. */
static const uint32_t unhandled_controls[NR_CTL_WORDS] = {
    [CTL_PROC] = PROC_INVLPG_EXITING | PROC_RDPMC_EXITING | PROC_RDTSC_EXITING |
                 PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING | PROC_CR8_LOAD_EXITING |
                 PROC_CR8_STORE_EXITING | PROC_MOV_DR_EXITING,
};

/* EPT and VPID capabilities Petrel cannot do without. */
static const struct { uint64_t any; const char *name; } needed_ept_caps[] = {
    { EPT_CAP_WALK4, "4-level EPT" },
    { EPT_CAP_WB, "write-back EPT tables" },
    { EPT_CAP_INVEPT, "INVEPT" },
    { EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL, "single- or all-context INVEPT" },
    { VPID_CAP_INVVPID, "INVVPID" },
    { VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL, "single- or all-context INVVPID" },
};

/* A control word's capability MSR: allowed 0-settings low, 1-settings high. */
static uint64_t ctl_caps(enum ctl_word w)
{
    bool true_ctls = vmx_config.basic & VMX_BASIC_TRUE_CTLS;

    if (w == CTL_PROC2 && !((rdmsr(MSR_VMX_PROCBASED) >> 32) & PROC_SECONDARY))
        return 0;
    return rdmsr(true_ctls ? ctl_true_msrs[w] : ctl_msrs[w]);
}

/* Fill vmx_config's controls; false (with a line per gap) if one is missing. */
static bool compute_controls(void)
{
    uint32_t ctl[NR_CTL_WORDS], may[NR_CTL_WORDS], forced = 0;
    bool ok = true;

    for (unsigned int w = 0; w < NR_CTL_WORDS; w++) {
        uint64_t cap = ctl_caps(w);
        uint32_t required = 0;

        for (unsigned int i = 0; i < ARRAY_SIZE(needed_controls); i++)
            if (needed_controls[i].word == w)
                required |= needed_controls[i].bits;
        may[w] = cap >> 32;
        ctl[w] = ((uint32_t)cap | required | (wanted_controls[w] & may[w])) & may[w];
        forced |= (uint32_t)cap & unhandled_controls[w];
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(needed_controls); i++) {
        const struct vmx_need *n = &needed_controls[i];

        if ((may[n->word] & n->bits) != n->bits) {
            pr_warn("VMX: this CPU lacks %s, which Petrel needs\n", n->name);
            ok = false;
        }
    }
    if (forced)
        pr_warn("VMX: the CPU forces on exiting controls %#x; such exits crash the guest\n",
                forced);
    vmx_config.pin = ctl[CTL_PIN];
    vmx_config.proc = ctl[CTL_PROC];
    vmx_config.proc2 = ctl[CTL_PROC2];
    vmx_config.exit = ctl[CTL_EXIT];
    vmx_config.entry = ctl[CTL_ENTRY];
    return ok;
}

static bool check_ept_caps(void)
{
    bool ok = true;

    for (unsigned int i = 0; i < ARRAY_SIZE(needed_ept_caps); i++) {
        if (!(vmx_config.ept_vpid_cap & needed_ept_caps[i].any)) {
            pr_warn("VMX: this CPU lacks %s, which Petrel needs\n", needed_ept_caps[i].name);
            ok = false;
        }
    }
    /* Unrestricted guests need this (SDM A.6); without it LMA would go stale. */
    if (!(vmx_config.misc & VMX_MISC_SAVES_LMA)) {
        pr_warn("VMX: this CPU does not save EFER.LMA on VM exits, which Petrel needs\n");
        ok = false;
    }
    return ok;
}

/* Is VMX with EPT, VPID and unrestricted guest usable here? Logs why not. */
bool vmx_available(void)
{
    uint64_t fc;

    if (!(cpuid(1).ecx & BIT(5)))
        return false;
    fc = rdmsr(MSR_FEATURE_CONTROL);
    if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON)) {
        pr_warn("VMX: disabled by the firmware (IA32_FEATURE_CONTROL locked with VMX off); "
                "enable VT-x in its setup\n");
        return false;
    }
    vmx_config.basic = rdmsr(MSR_VMX_BASIC);
    vmx_config.misc = rdmsr(MSR_VMX_MISC);
    vmx_config.cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    vmx_config.cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    vmx_config.cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    vmx_config.cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    if (!compute_controls())
        return false;
    vmx_config.ept_vpid_cap = rdmsr(MSR_VMX_EPT_VPID_CAP);
    return check_ept_caps();
}
