/* SPDX-License-Identifier: MIT */
/* The VMCB (AMD APM vol. 2, appendix B) and the SVM constants Petrel uses. */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <petrel/types.h>

struct vmcb_seg {
    uint16_t sel;
    uint16_t attr;
    uint32_t limit;
    uint64_t base;
} __packed;

struct vmcb_control {
    uint32_t intercept_cr;          /* 0x000: reads 0-15, writes 16-31 */
    uint32_t intercept_dr;          /* 0x004 */
    uint32_t intercept_exc;         /* 0x008 */
    uint32_t intercept1;            /* 0x00c: INTERCEPT1_* */
    uint32_t intercept2;            /* 0x010: INTERCEPT2_* */
    uint32_t intercept3;            /* 0x014 */
    uint8_t reserved1[0x03c - 0x018];
    uint16_t pause_filter_thresh;   /* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t asid;                  /* 0x058 */
    uint8_t tlb_control;            /* 0x05c */
    uint8_t reserved2[3];
    uint64_t vintr;                 /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING, ... */
    uint64_t int_state;             /* 0x068: bit 0 interrupt shadow */
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088 */
    uint64_t np_enable;             /* 0x090: bit 0 nested paging */
    uint64_t avic_apic_bar;         /* 0x098 */
    uint64_t ghcb_pa;               /* 0x0a0 */
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t ncr3;                  /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8 */
    uint32_t clean;                 /* 0x0c0: VMCB clean bits */
    uint32_t reserved3;
    uint64_t nrip;                  /* 0x0c8 */
    uint8_t insn_len;               /* 0x0d0 */
    uint8_t insn_bytes[15];         /* 0x0d1 */
    uint8_t reserved4[0x400 - 0x0e0];
} __packed;

struct vmcb_save {
    struct vmcb_seg es, cs, ss, ds, fs, gs; /* 0x400 */
    struct vmcb_seg gdtr, ldtr, idtr, tr;   /* 0x460 */
    uint8_t reserved1[0x4cb - 0x4a0];
    uint8_t cpl;                    /* 0x4cb */
    uint32_t reserved2;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t reserved3[0x548 - 0x4d8];
    uint64_t cr4;                   /* 0x548 */
    uint64_t cr3;
    uint64_t cr0;
    uint64_t dr7;
    uint64_t dr6;
    uint64_t rflags;
    uint64_t rip;                   /* 0x578 */
    uint8_t reserved4[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint64_t s_cet, ssp, isst_addr;
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t cr2;                   /* 0x640 */
    uint8_t reserved5[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint64_t dbgctl;
    uint64_t br_from, br_to, lastexcpfrom, lastexcpto;
} __packed;

struct vmcb {
    struct vmcb_control ctl;
    struct vmcb_save save;
} __packed;

BUILD_BUG_ON(sizeof(struct vmcb_control) != 0x400);
BUILD_BUG_ON(offsetof(struct vmcb, save.cpl) != 0x4cb);
BUILD_BUG_ON(offsetof(struct vmcb, save.efer) != 0x4d0);
BUILD_BUG_ON(offsetof(struct vmcb, save.cr4) != 0x548);
BUILD_BUG_ON(offsetof(struct vmcb, save.rip) != 0x578);
BUILD_BUG_ON(offsetof(struct vmcb, save.rsp) != 0x5d8);
BUILD_BUG_ON(offsetof(struct vmcb, save.rax) != 0x5f8);
BUILD_BUG_ON(offsetof(struct vmcb, save.cr2) != 0x640);
BUILD_BUG_ON(offsetof(struct vmcb, save.g_pat) != 0x668);
BUILD_BUG_ON(sizeof(struct vmcb) > 4096);

/* intercept1 */
#define INTERCEPT1_INTR         BIT(0)
#define INTERCEPT1_NMI          BIT(1)
#define INTERCEPT1_SMI          BIT(2)
#define INTERCEPT1_INIT         BIT(3)
#define INTERCEPT1_VINTR        BIT(4)
#define INTERCEPT1_CPUID        BIT(18)
#define INTERCEPT1_INVD         BIT(22)
#define INTERCEPT1_HLT          BIT(24)
#define INTERCEPT1_INVLPGA      BIT(26)
#define INTERCEPT1_IOIO         BIT(27)
#define INTERCEPT1_MSR          BIT(28)
#define INTERCEPT1_TASK_SWITCH  BIT(29)
#define INTERCEPT1_SHUTDOWN     BIT(31)
/* intercept2 */
#define INTERCEPT2_VMRUN        BIT(0)
#define INTERCEPT2_VMMCALL      BIT(1)
#define INTERCEPT2_VMLOAD       BIT(2)
#define INTERCEPT2_VMSAVE       BIT(3)
#define INTERCEPT2_STGI         BIT(4)
#define INTERCEPT2_CLGI         BIT(5)
#define INTERCEPT2_SKINIT       BIT(6)
#define INTERCEPT2_MONITOR      BIT(10)
#define INTERCEPT2_MWAIT        BIT(11)
#define INTERCEPT2_XSETBV       BIT(13)

/* Exit codes (APM vol. 2, appendix C). */
#define SVM_EXIT_EXCP_BASE      0x040
#define SVM_EXIT_INTR           0x060
#define SVM_EXIT_NMI            0x061
#define SVM_EXIT_VINTR          0x064
#define SVM_EXIT_SMI            0x062
#define SVM_EXIT_INIT           0x063
#define SVM_EXIT_CPUID          0x072
#define SVM_EXIT_INVD           0x076
#define SVM_EXIT_HLT            0x078
#define SVM_EXIT_INVLPGA        0x07a
#define SVM_EXIT_IOIO           0x07b
#define SVM_EXIT_MSR            0x07c
#define SVM_EXIT_TASK_SWITCH    0x07d
#define SVM_EXIT_SHUTDOWN       0x07f
#define SVM_EXIT_VMRUN          0x080
#define SVM_EXIT_VMMCALL        0x081
#define SVM_EXIT_VMLOAD         0x082
#define SVM_EXIT_VMSAVE         0x083
#define SVM_EXIT_STGI           0x084
#define SVM_EXIT_CLGI           0x085
#define SVM_EXIT_SKINIT         0x086
#define SVM_EXIT_MONITOR        0x08a
#define SVM_EXIT_MWAIT          0x08b
#define SVM_EXIT_XSETBV         0x08d
#define SVM_EXIT_NPF            0x400
#define SVM_EXIT_INVALID        ((uint64_t)-1)

/* IOIO exitinfo1 */
#define IOIO_IN                 BIT(0)
#define IOIO_STR                BIT(2)
#define IOIO_REP                BIT(3)
#define IOIO_SZ_SHIFT           4       /* one-hot 1/2/4 in bits 4-6 */
#define IOIO_PORT_SHIFT         16

/* NPF exitinfo1 (a #PF-style error code) */
#define NPF_PRESENT             BIT(0)
#define NPF_WRITE               BIT(1)
#define NPF_FETCH               BIT(4)

/* EVENTINJ */
#define EVENTINJ_VALID          BIT(31)
#define EVENTINJ_ERR_VALID      BIT(11)
#define EVENTINJ_TYPE_SHIFT     8

#define VINTR_TPR_MASK          0xffull         /* V_TPR: CR8 as the guest sees it */
#define VINTR_IRQ               BIT(8)          /* V_IRQ: a virtual interrupt pending */
#define VINTR_PRIO_SHIFT        16              /* V_INTR_PRIO */
#define VINTR_IGN_TPR           BIT(20)
#define VINTR_MASKING           BIT(24)

/* MSRs */
#define MSR_VM_CR               0xc0010114
#define  VM_CR_SVMDIS           BIT(4)
#define MSR_VM_HSAVE_PA         0xc0010117

/* CPUID 0x8000000A EDX */
#define SVM_FEAT_NPT            BIT(0)
#define SVM_FEAT_NRIPS          BIT(3)
#define SVM_FEAT_FLUSH_ASID     BIT(6)
#define SVM_FEAT_DECODE_ASSISTS BIT(7)

#define IOPM_SIZE               (3 * 4096)
#define MSRPM_SIZE              (2 * 4096)

#endif
