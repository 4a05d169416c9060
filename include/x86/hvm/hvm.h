/* SPDX-License-Identifier: MIT */
/*
 * The vendor-neutral vCPU layer (DESIGN D1). Common code sees a vCPU as the
 * registers in struct hvm_vcpu plus a few state accessors; SVM and VMX each
 * provide one const struct hvm_ops, chosen at boot. A vendor's run hook
 * enters the guest, and on the way out fills a neutral struct hvm_exit that
 * hvm_handle_exit() dispatches through a table. Vendor files never call
 * each other, and common code never tests which vendor it runs on.
 */
#ifndef X86_HVM_HVM_H
#define X86_HVM_HVM_H

#include <petrel/types.h>

struct vcpu;
struct domain;
struct pci_dev;

/* General registers, in the hardware encoding order (ModRM/REX numbering). */
enum hvm_gpr {
    GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
    GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
    NR_GPRS
};

/*
 * What the guest was doing when it left. The vendor fills every field the
 * reason needs; insn_len is 0 when the hardware did not say (no NRIP-save),
 * and common code then decodes the instruction itself.
 */
enum hvm_exit_reason {
    HVM_EXIT_NONE,          /* nothing to do (host interrupt, NMI, ...) */
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR_READ,      /* index in RCX */
    HVM_EXIT_MSR_WRITE,     /* index in RCX, value in EDX:EAX */
    HVM_EXIT_HLT,
    HVM_EXIT_HYPERCALL,     /* VMMCALL / VMCALL */
    HVM_EXIT_IO,            /* see io */
    HVM_EXIT_NPF,           /* nested page fault / EPT violation: see npf */
    HVM_EXIT_XSETBV,
    HVM_EXIT_CR_WRITE,      /* MOV to CR0/CR4 the vendor cannot let through: see cr */
    HVM_EXIT_INVALID_OP,    /* an instruction the guest may not use: #UD */
    HVM_EXIT_TRIPLE_FAULT,
    HVM_EXIT_FAILED_ENTRY,  /* the hardware refused the guest state */
    HVM_EXIT_UNHANDLED,     /* anything else: vendor_code says what */
    NR_HVM_EXITS
};

struct hvm_exit {
    enum hvm_exit_reason reason;
    unsigned int insn_len;          /* 0: unknown */
    uint64_t vendor_code;           /* the raw exit code, for logs */
    union {
        struct {
            uint16_t port;
            uint8_t size;           /* 1, 2 or 4 */
            uint8_t addr_size;      /* string forms: 2, 4 or 8 */
            bool in, string, rep;
        } io;
        struct {
            uint64_t gpa;
            bool write, fetch;
            bool present;           /* a mapping exists (permission fault) */
        } npf;
        struct {
            uint8_t cr;             /* 0 or 4 */
            uint8_t gpr;            /* enum hvm_gpr holding the value */
        } cr;
    };
};

/* Segment registers, in the hardware encoding order. */
enum hvm_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_TR, SEG_LDTR,
               NR_SEGS };

struct hvm_segment {
    uint16_t sel;
    uint16_t attr;      /* type(4) s dpl(2) p | avl l db g, packed as in SVM */
    uint32_t limit;
    uint64_t base;
};

/* Paging state, for walking guest page tables. */
struct hvm_paging {
    uint64_t cr0, cr3, cr4, efer;
};

/* Event types for injection. */
enum hvm_event_type { EVENT_EXTINT, EVENT_NMI, EVENT_EXCEPTION, EVENT_SOFTINT };

/* The vendor contract. Every hook runs on the CPU the vCPU is loaded on. */
struct hvm_ops {
    const char *name;
    unsigned int p2m_format;                        /* enum p2m_format */
    int (*cpu_init)(void);                          /* each pCPU, at boot */
    int (*vcpu_create)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    /* Enter the guest; return when it exits, with *exit filled. */
    void (*vcpu_run)(struct vcpu *v, struct hvm_exit *exit);
    void (*inject_event)(struct vcpu *v, enum hvm_event_type type,
                         uint8_t vector, bool has_error, uint32_t error);
    void (*get_segment)(struct vcpu *v, enum hvm_seg seg, struct hvm_segment *s);
    void (*set_segment)(struct vcpu *v, enum hvm_seg seg, const struct hvm_segment *s);
    void (*get_paging)(struct vcpu *v, struct hvm_paging *pg);
    /* Set CR0, CR3, CR4 and EFER as the guest would see them. */
    void (*set_paging)(struct vcpu *v, const struct hvm_paging *pg);
    unsigned int (*get_cpl)(struct vcpu *v);
    /* MSRs the hardware keeps in its control block: 0, or -1 if not one. */
    int (*msr_read)(struct vcpu *v, uint32_t msr, uint64_t *val);
    int (*msr_write)(struct vcpu *v, uint32_t msr, uint64_t val);
    /* Drop what any CPU caches of d's p2m before its vCPUs next run (after
     * a p2m batch that says 'flush'). */
    void (*flush_p2m)(struct domain *d);
    /* The hypercall instruction (3 bytes) for the hypercall page. */
    void (*hypercall_insn)(uint8_t out[3]);
    /* Log the vendor's view of the guest (for a crash report). */
    void (*dump)(struct vcpu *v);
    /*
     * Interrupt injection. intr_blocked(): the guest cannot take an
     * external interrupt now (RFLAGS.IF clear, an interrupt shadow, or an
     * event already queued for injection). intr_window(): exit as soon as
     * it can (SVM: a virtual interrupt with VINTR intercepted; VMX:
     * interrupt-window exiting); cleared by the vendor at the next exit.
     */
    bool (*intr_blocked)(struct vcpu *v);
    void (*intr_window)(struct vcpu *v);
    /* The vCPU leaves this pCPU (descheduled): whatever of it the pCPU
     * still holds goes to memory (VMX: VMCLEAR), so any pCPU may run it. */
    void (*vcpu_unload)(struct vcpu *v);
    /* The guest's view of the TPR shadow: read before, written after a run
     * by hvm_intr_assist() (CR8 = TPR >> 4). */
    uint8_t (*get_tpr)(struct vcpu *v);
    void (*set_tpr)(struct vcpu *v, uint8_t tpr);
};

/* Per-vCPU state the vendor-neutral layer owns. */
struct hvm_vcpu {
    uint64_t gpr[NR_GPRS];          /* RSP and RAX synced by the vendor */
    uint64_t rip, rflags;           /* synced by the vendor around each run */
    void *vendor;                   /* VMCB / VMCS bookkeeping */
    uint64_t tsc_offset;
    bool flush_pending;             /* p2m changed: flush before the next entry
                                       (set by flush_p2m on any CPU, atomically) */
    uint64_t guest_seq;             /* odd while in (or entering) guest mode:
                                       see hvm_flush_p2m_sync() */
    uint64_t hypercall_page;        /* gpa of the page, or 0 */
    /* Guest state the hardware does not switch (arch/x86/hvm/hvm.c saves
     * it when the vCPU leaves a pCPU and loads it when it arrives). */
    void *fpu;                      /* XSAVE/FXSAVE area, page-aligned */
    unsigned int fpu_format;        /* how it was last saved (fpu.c) */
    uint64_t xcr0;
    uint64_t dr[4];                 /* DR0-DR3 */
};

extern const struct hvm_ops *hvm;
extern unsigned int hvm_p2m_caps;     /* P2M_CAP_*: what the nested tables may use */

/* arch/x86/hvm/hvm.c */
int hvm_init(void);                 /* choose the vendor; false if none */
int hvm_cpu_init(void);
void hvm_handle_exit(struct vcpu *v, struct hvm_exit *exit);
/*
 * Run 'v' on this pCPU until the scheduler wants the pCPU back or v's
 * domain stops (common/schedule.c's loop calls it).
 */
void hvm_run_vcpu(struct vcpu *v);
/* arch/x86/hvm/fpu.c: v leaves / arrives on this pCPU: FPU, XCR0, DR0-3,
 * and the vendor's vcpu_unload. The save area lives from create to destroy. */
void hvm_vcpu_unload(struct vcpu *v);
void hvm_vcpu_load(struct vcpu *v);
int hvm_fpu_create(struct vcpu *v);
/* Done changing the state of v, which this pCPU does not run (a builder,
 * VCPUOP_initialise, SIPI): let go of what the vendor loaded for it here
 * (VMX: VMCLEAR), so that whichever pCPU runs it can. */
void hvm_vcpu_release(struct vcpu *v);
void hvm_fpu_destroy(struct vcpu *v);

/*
 * arch/x86/hvm/intr.c: before each VM entry (interrupts off), inject the
 * highest pending interrupt the guest can take now (the event-channel
 * callback vector, then the vLAPIC), or ask for an interrupt-window exit.
 * hvm_intr_pending(): is there one at all, whether or not the guest can
 * take it now (what wakes HLT).
 */
void hvm_intr_assist(struct vcpu *v);
bool hvm_intr_pending(struct vcpu *v);
/* After each exit: take the guest's TPR (CR8) from the vendor's shadow. */
void hvm_intr_sync_tpr(struct vcpu *v);

/* Reset 'v' as INIT then SIPI with 'vector' would: real mode at
 * vector << 12 (vlapic INIT/SIPI). */
void hvm_set_sipi_start(struct vcpu *v, uint8_t vector);
/* VCPUOP_initialise for HVM/PVH: the state in a struct vcpu_hvm_context
 * (public/hvm/hvm_vcpu.h), checked; 0 or -EINVAL. */
struct vcpu_hvm_context;
int hvm_set_vcpu_context(struct vcpu *v, const struct vcpu_hvm_context *ctx);
/* Move RIP past the instruction that exited; false if the domain crashed. */
bool hvm_skip_insn(struct vcpu *v, const struct hvm_exit *exit);
void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
#define hvm_inject_ud(v)        hvm_inject_exception(v, 6, false, 0)
#define hvm_inject_gp(v, e)     hvm_inject_exception(v, 13, true, e)
/* Put 'v' in the PVH start state: flat 32-bit, paging off, at 'entry'. */
void hvm_set_pvh_start(struct vcpu *v, uint32_t entry, uint32_t start_info);
/* Is the vCPU in 64-bit mode (CS.L with EFER.LMA)? */
bool hvm_long_mode(struct vcpu *v);
/* The enum x86_mode (x86/hvm/decode.h) to decode v's instructions in. */
unsigned int hvm_insn_mode(struct vcpu *v);

/* The p2m of 'd' changed: see hvm_ops.flush_p2m and struct p2m_batch. */
void hvm_flush_p2m(struct domain *d);
/*
 * As hvm_flush_p2m(), but returns only once no vCPU of 'd' can still use a
 * translation from before the call, in the hardware or in an exit handler
 * that looked a frame up: each vCPU that was in guest mode or handling an
 * exit (its guest_seq odd: from just before an entry until the exit is
 * handled) has finished that at least once, and flushes before it enters
 * again. A vCPU between runs needs no wait (it flushes at its next entry).
 * For whoever frees or hands on a frame after unmapping it (grant unmap).
 * Call with no lock held, from an exit handler or outside any vCPU: it
 * spins, kicking the vCPUs it waits for, with interrupts as the caller has
 * them; the calling vCPU counts as done while it waits, so two callers
 * never wait for each other. Not covered: what the hypervisor does for a
 * vCPU outside hvm_run_vcpu() (its time and runstate updates on arrival).
 */
void hvm_flush_p2m_sync(struct domain *d);

/* arch/x86/hvm/cr.c: an HVM_EXIT_CR_WRITE, checked as the CPU would */
void hvm_cr_write(struct vcpu *v, struct hvm_exit *exit);

/* arch/x86/hvm/cpuid.c */
void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4]);

/* arch/x86/hvm/msr.c: 0, or -1 when the guest gets a #GP */
int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

/* arch/x86/hvm/io.c */
void hvm_io(struct vcpu *v, struct hvm_exit *exit);

/*
 * arch/x86/hvm/vpci.c: a port access in 0xcf8-0xcff by v ('size' 1, 2 or
 * 4; 'in': *val is filled, else *val is written). Any domain gets the
 * config space of the functions it owns, mediated (docs/pci.md); every
 * other function reads all-ones and its writes are dropped.
 */
void vpci_io(struct vcpu *v, unsigned int port, unsigned int size, bool in, uint32_t *val);

/* Forget what an owner left in dev's mediated state (a BAR being sized,
 * the logged move), before the function changes hands. */
void vpci_reset(struct pci_dev *dev);

/*
 * arch/x86/hvm/mmio.c: an HVM_EXIT_NPF at an emulated device's address
 * (the vLAPIC page while it is in xAPIC mode): decode the instruction,
 * emulate the access and move past it, or crash the domain when the
 * instruction is not one Petrel emulates. False if the address belongs to
 * no device (the caller handles the fault).
 */
bool hvm_mmio(struct vcpu *v, struct hvm_exit *exit);

/*
 * arch/x86/hvm/guest_mem.c: copies between the hypervisor and a guest.
 * Guest-virtual addresses are translated under the vCPU's current paging;
 * every page must be guest RAM. Return 0 or -EFAULT (nothing is partly
 * written on -EFAULT for copies within one page; larger copies may be).
 */
int copy_from_guest_phys(struct domain *d, void *dst, uint64_t gpa, size_t len);
int copy_to_guest_phys(struct domain *d, uint64_t gpa, const void *src, size_t len);
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);
/* Fetch up to len instruction bytes at CS:RIP; returns bytes fetched (>= 0). */
int hvm_fetch_insn(struct vcpu *v, uint8_t *buf, size_t len);

#endif
