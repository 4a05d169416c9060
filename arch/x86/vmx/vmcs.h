/* SPDX-License-Identifier: MIT */
/*
 * VMCS field encodings (SDM vol. 3D, appendix B), the VMX controls, exit
 * reasons (appendix C) and capability MSRs (appendix A) Petrel uses, and
 * the single-instruction helpers around them.
 */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#ifndef __ASSEMBLY__
#include <petrel/types.h>
#endif

/* 16-bit fields */
#define VMCS_VPID                   0x0000
/* Guest segment fields: 'seg' is ES CS SS DS FS GS LDTR TR = 0..7, which
 * is enum hvm_seg's order but for TR and LDTR (see vmcs_seg()). */
#define VMCS_SEG_LDTR               6
#define VMCS_SEG_TR                 7
#define VMCS_GUEST_SEL(seg)         (0x0800 + 2 * (seg))
#define VMCS_HOST_ES_SEL            0x0c00
#define VMCS_HOST_CS_SEL            0x0c02
#define VMCS_HOST_SS_SEL            0x0c04
#define VMCS_HOST_DS_SEL            0x0c06
#define VMCS_HOST_FS_SEL            0x0c08
#define VMCS_HOST_GS_SEL            0x0c0a
#define VMCS_HOST_TR_SEL            0x0c0c

/* 64-bit fields */
#define VMCS_IO_BITMAP_A            0x2000
#define VMCS_IO_BITMAP_B            0x2002
#define VMCS_MSR_BITMAP             0x2004
#define VMCS_TSC_OFFSET             0x2010
#define VMCS_VIRTUAL_APIC           0x2012
#define VMCS_EPTP                   0x201a
#define VMCS_XSS_EXIT_BITMAP        0x202c
#define VMCS_GUEST_PHYS_ADDR        0x2400
#define VMCS_LINK_POINTER           0x2800
#define VMCS_GUEST_DEBUGCTL         0x2802
#define VMCS_GUEST_PAT              0x2804
#define VMCS_GUEST_EFER             0x2806
#define VMCS_GUEST_PDPTE(n)         (0x280a + 2 * (n))
#define VMCS_HOST_PAT               0x2c00
#define VMCS_HOST_EFER              0x2c02

/* 32-bit fields */
#define VMCS_PIN_CONTROLS           0x4000
#define VMCS_PROC_CONTROLS          0x4002
#define VMCS_EXCEPTION_BITMAP       0x4004
#define VMCS_CR3_TARGET_COUNT       0x400a
#define VMCS_EXIT_CONTROLS          0x400c
#define VMCS_EXIT_MSR_STORE_COUNT   0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT    0x4010
#define VMCS_ENTRY_CONTROLS         0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT   0x4014
#define VMCS_ENTRY_INTR_INFO        0x4016
#define VMCS_ENTRY_EXC_ERROR        0x4018
#define VMCS_ENTRY_INSN_LEN         0x401a
#define VMCS_TPR_THRESHOLD          0x401c
#define VMCS_PROC_CONTROLS2         0x401e
#define VMCS_INSN_ERROR             0x4400
#define VMCS_EXIT_REASON            0x4402
#define VMCS_EXIT_INTR_INFO         0x4404
#define VMCS_EXIT_INTR_ERROR        0x4406
#define VMCS_IDT_VECTORING_INFO     0x4408
#define VMCS_IDT_VECTORING_ERROR    0x440a
#define VMCS_EXIT_INSN_LEN          0x440c
#define VMCS_EXIT_INSN_INFO         0x440e
#define VMCS_GUEST_LIMIT(seg)       (0x4800 + 2 * (seg))
#define VMCS_GUEST_GDTR_LIMIT       0x4810
#define VMCS_GUEST_IDTR_LIMIT       0x4812
#define VMCS_GUEST_AR(seg)          (0x4814 + 2 * (seg))
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY         0x4826
#define VMCS_GUEST_SYSENTER_CS      0x482a
#define VMCS_PREEMPTION_TIMER       0x482e
#define VMCS_HOST_SYSENTER_CS       0x4c00

/* natural-width fields */
#define VMCS_CR0_MASK               0x6000
#define VMCS_CR4_MASK               0x6002
#define VMCS_CR0_SHADOW             0x6004
#define VMCS_CR4_SHADOW             0x6006
#define VMCS_EXIT_QUALIFICATION     0x6400
#define VMCS_GUEST_LINEAR_ADDR      0x640a
#define VMCS_GUEST_CR0              0x6800
#define VMCS_GUEST_CR3              0x6802
#define VMCS_GUEST_CR4              0x6804
#define VMCS_GUEST_BASE(seg)        (0x6806 + 2 * (seg))
#define VMCS_GUEST_GDTR_BASE        0x6816
#define VMCS_GUEST_IDTR_BASE        0x6818
#define VMCS_GUEST_DR7              0x681a
#define VMCS_GUEST_RSP              0x681c
#define VMCS_GUEST_RIP              0x681e
#define VMCS_GUEST_RFLAGS           0x6820
#define VMCS_GUEST_PENDING_DBG      0x6822
#define VMCS_GUEST_SYSENTER_ESP     0x6824
#define VMCS_GUEST_SYSENTER_EIP     0x6826
#define VMCS_HOST_CR0               0x6c00
#define VMCS_HOST_CR3               0x6c02
#define VMCS_HOST_CR4               0x6c04
#define VMCS_HOST_FS_BASE           0x6c06
#define VMCS_HOST_GS_BASE           0x6c08
#define VMCS_HOST_TR_BASE           0x6c0a
#define VMCS_HOST_GDTR_BASE         0x6c0c
#define VMCS_HOST_IDTR_BASE         0x6c0e
#define VMCS_HOST_SYSENTER_ESP      0x6c10
#define VMCS_HOST_SYSENTER_EIP      0x6c12
#define VMCS_HOST_RSP               0x6c14
#define VMCS_HOST_RIP               0x6c16

/* Pin-based controls (SDM 24.6.1) */
#define PIN_EXT_INTR_EXITING        BIT(0)
#define PIN_NMI_EXITING             BIT(3)
#define PIN_PREEMPTION_TIMER        BIT(6)

/* Primary processor-based controls (SDM 24.6.2, table 24-6) */
#define PROC_INTR_WINDOW            BIT(2)
#define PROC_TSC_OFFSETTING         BIT(3)
#define PROC_HLT_EXITING            BIT(7)
#define PROC_INVLPG_EXITING         BIT(9)
#define PROC_MWAIT_EXITING          BIT(10)
#define PROC_RDPMC_EXITING          BIT(11)
#define PROC_RDTSC_EXITING          BIT(12)
#define PROC_CR3_LOAD_EXITING       BIT(15)
#define PROC_CR3_STORE_EXITING      BIT(16)
#define PROC_CR8_LOAD_EXITING       BIT(19)
#define PROC_CR8_STORE_EXITING      BIT(20)
#define PROC_TPR_SHADOW             BIT(21)
#define PROC_MOV_DR_EXITING         BIT(23)
#define PROC_IO_BITMAPS             BIT(25)
#define PROC_MSR_BITMAPS            BIT(28)
#define PROC_MONITOR_EXITING        BIT(29)
#define PROC_SECONDARY              BIT(31)

/* Secondary processor-based controls (table 24-7) */
#define PROC2_EPT                   BIT(1)
#define PROC2_RDTSCP                BIT(3)
#define PROC2_VPID                  BIT(5)
#define PROC2_UNRESTRICTED          BIT(7)
#define PROC2_INVPCID               BIT(12)
#define PROC2_XSAVES                BIT(20)

/* VM-exit controls (table 24-10) */
#define EXIT_SAVE_DEBUG             BIT(2)
#define EXIT_HOST_64BIT             BIT(9)
#define EXIT_ACK_INTR               BIT(15)
#define EXIT_SAVE_PAT               BIT(18)
#define EXIT_LOAD_PAT               BIT(19)
#define EXIT_SAVE_EFER              BIT(20)
#define EXIT_LOAD_EFER              BIT(21)

/* VM-entry controls (table 24-12) */
#define ENTRY_LOAD_DEBUG            BIT(2)
#define ENTRY_IA32E_GUEST           BIT(9)
#define ENTRY_LOAD_PAT              BIT(14)
#define ENTRY_LOAD_EFER             BIT(15)

/* Interruption information: VM-entry, VM-exit and IDT-vectoring (24.8.3, 24.9.2) */
#define INTR_VECTOR(i)              ((i) & 0xff)
#define INTR_TYPE(i)                (((i) >> 8) & 7)
#define INTR_TYPE_EXTINT            0
#define INTR_TYPE_NMI               2
#define INTR_TYPE_HW_EXC            3
#define INTR_TYPE_SOFT_INT          4
#define INTR_TYPE_PRIV_SOFT_EXC     5
#define INTR_TYPE_SOFT_EXC          6
#define INTR_DELIVER_ERROR          BIT(11)
#define INTR_VALID                  BIT(31)

/* Guest interruptibility state (table 24-3) */
#define INTERRUPTIBILITY_STI        BIT(0)
#define INTERRUPTIBILITY_MOV_SS     BIT(1)

/* Segment access rights in the VMCS (table 24-2) */
#define AR_UNUSABLE                 BIT(16)

/* Exit reason field */
#define EXIT_REASON_BASIC(r)        ((r) & 0xffff)
#define EXIT_REASON_ENTRY_FAIL      BIT(31)

/* Basic exit reasons (appendix C) */
#define VMX_EXIT_EXC_NMI            0
#define VMX_EXIT_EXTINT             1
#define VMX_EXIT_TRIPLE_FAULT       2
#define VMX_EXIT_INIT               3
#define VMX_EXIT_SIPI               4
#define VMX_EXIT_INTR_WINDOW        7
#define VMX_EXIT_TASK_SWITCH        9
#define VMX_EXIT_CPUID              10
#define VMX_EXIT_GETSEC             11
#define VMX_EXIT_HLT                12
#define VMX_EXIT_INVD               13
#define VMX_EXIT_VMCALL             18
#define VMX_EXIT_VMCLEAR            19
#define VMX_EXIT_VMLAUNCH           20
#define VMX_EXIT_VMPTRLD            21
#define VMX_EXIT_VMPTRST            22
#define VMX_EXIT_VMREAD             23
#define VMX_EXIT_VMRESUME           24
#define VMX_EXIT_VMWRITE            25
#define VMX_EXIT_VMXOFF             26
#define VMX_EXIT_VMXON              27
#define VMX_EXIT_CR_ACCESS          28
#define VMX_EXIT_IO                 30
#define VMX_EXIT_RDMSR              31
#define VMX_EXIT_WRMSR              32
#define VMX_EXIT_BAD_GUEST_STATE    33
#define VMX_EXIT_MSR_LOADING        34
#define VMX_EXIT_MWAIT              36
#define VMX_EXIT_MONITOR            39
#define VMX_EXIT_MCE_DURING_ENTRY   41
#define VMX_EXIT_PREEMPTION_TIMER   52
#define VMX_EXIT_EPT_VIOLATION      48
#define VMX_EXIT_EPT_MISCONFIG      49
#define VMX_EXIT_INVEPT             50
#define VMX_EXIT_INVVPID            53
#define VMX_EXIT_XSETBV             55
#define VMX_EXIT_VMFUNC             59
#define NR_VMX_EXITS                60

/* Exit qualification: I/O instructions (table 27-5) */
#define IO_QUAL_SIZE(q)             (((q) & 7) + 1)
#define IO_QUAL_IN                  BIT(3)
#define IO_QUAL_STRING              BIT(4)
#define IO_QUAL_REP                 BIT(5)
#define IO_QUAL_PORT(q)             (((q) >> 16) & 0xffff)
/* Exit qualification: control-register accesses (table 27-3) */
#define CR_QUAL_CR(q)               ((q) & 15)
#define CR_QUAL_TYPE(q)             (((q) >> 4) & 3)    /* 0: MOV to CR */
#define CR_QUAL_GPR(q)              (((q) >> 8) & 15)
/* Exit qualification: EPT violations (table 27-7) */
#define EPT_QUAL_READ               BIT(0)
#define EPT_QUAL_WRITE              BIT(1)
#define EPT_QUAL_FETCH              BIT(2)
#define EPT_QUAL_PERMS              (BIT(3) | BIT(4) | BIT(5))  /* the entry's R/W/X */
/* VM-exit instruction information for INS/OUTS (table 27-8): bits 9:7 */
#define INSN_INFO_ADDR_SIZE(i)      (((i) >> 7) & 7)

/* Capability and control MSRs (appendix A) */
#define MSR_FEATURE_CONTROL         0x03a
#define  FEATURE_CONTROL_LOCK       BIT(0)
#define  FEATURE_CONTROL_VMXON      BIT(2)      /* outside SMX */
#define MSR_VMX_BASIC               0x480
#define  VMX_BASIC_REVISION(b)      ((uint32_t)(b) & 0x7fffffff)
#define  VMX_BASIC_32BIT_ADDR       BIT(48)
#define  VMX_BASIC_INOUT_INFO       BIT(54)
#define  VMX_BASIC_TRUE_CTLS        BIT(55)
#define MSR_VMX_PINBASED            0x481
#define MSR_VMX_PROCBASED           0x482
#define MSR_VMX_EXIT                0x483
#define MSR_VMX_ENTRY               0x484
#define MSR_VMX_MISC                0x485
#define  VMX_MISC_TIMER_RATE(m)     ((m) & 0x1f)
#define  VMX_MISC_SAVES_LMA         BIT(5)
#define  VMX_MISC_ZERO_LEN_INJECT   BIT(30)
#define MSR_VMX_CR0_FIXED0          0x486
#define MSR_VMX_CR0_FIXED1          0x487
#define MSR_VMX_CR4_FIXED0          0x488
#define MSR_VMX_CR4_FIXED1          0x489
#define MSR_VMX_PROCBASED2          0x48b
#define MSR_VMX_EPT_VPID_CAP        0x48c
#define  EPT_CAP_WALK4              BIT(6)
#define  EPT_CAP_WB                 BIT(14)
#define  EPT_CAP_2M                 BIT(16)
#define  EPT_CAP_1G                 BIT(17)
#define  EPT_CAP_INVEPT             BIT(20)
#define  EPT_CAP_INVEPT_SINGLE      BIT(25)
#define  EPT_CAP_INVEPT_ALL         BIT(26)
#define  VPID_CAP_INVVPID           BIT(32)
#define  VPID_CAP_INVVPID_SINGLE    BIT(41)
#define  VPID_CAP_INVVPID_ALL       BIT(42)
#define MSR_VMX_TRUE_PINBASED       0x48d
#define MSR_VMX_TRUE_PROCBASED      0x48e
#define MSR_VMX_TRUE_EXIT           0x48f
#define MSR_VMX_TRUE_ENTRY          0x490

/* INVEPT / INVVPID types */
#define INVEPT_SINGLE               1
#define INVEPT_ALL                  2
#define INVVPID_SINGLE              1
#define INVVPID_ALL                 2

/* EPTP: write-back walks, 4 levels (SDM 24.6.11) */
#define EPTP_WB_WALK4               ((3 << 3) | 6)

#ifndef __ASSEMBLY__
/*
 * VMREAD/VMWRITE on the current VMCS. A failure (no current VMCS, or a
 * field this CPU lacks) is Petrel's own bug: vmcs_write() logs it.
 */
static inline uint64_t vmcs_read(uint32_t field)
{
    uint64_t val;

    asm volatile("vmread %1, %0" : "=rm"(val) : "r"((uint64_t)field) : "cc");
    return val;
}

void vmcs_write_failed(uint32_t field, uint64_t val);

static inline void vmcs_write(uint32_t field, uint64_t val)
{
    bool failed;

    asm volatile("vmwrite %1, %2; setna %0" : "=qm"(failed)
                 : "rm"(val), "r"((uint64_t)field) : "cc", "memory");
    if (unlikely(failed))
        vmcs_write_failed(field, val);
}
#endif

#endif
