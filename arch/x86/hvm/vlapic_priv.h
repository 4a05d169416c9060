/* SPDX-License-Identifier: MIT */
/* The virtual local APIC's private state, shared by vlapic*.c only. */
#ifndef X86_HVM_VLAPIC_PRIV_H
#define X86_HVM_VLAPIC_PRIV_H

#include <petrel/spinlock.h>
#include <petrel/timer.h>
#include <petrel/types.h>

struct vcpu;

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + off / 16. */
#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_APR        0x090
#define APIC_PPR        0x0a0
#define APIC_EOI        0x0b0
#define APIC_RRD        0x0c0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SVR        0x0f0
#define APIC_ISR        0x100           /* 8 registers of 32 vectors each */
#define APIC_TMR        0x180
#define APIC_IRR        0x200
#define APIC_ESR        0x280
#define APIC_LVT_CMCI   0x2f0
#define APIC_ICR        0x300
#define APIC_ICR2       0x310
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_THERM  0x330
#define APIC_LVT_PERF   0x340
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0
#define APIC_SELF_IPI   0x3f0           /* x2APIC only */

#define APIC_SVR_ENABLE     BIT(8)
#define APIC_LVT_MASKED     BIT(16)
#define APIC_LVT_TIMER_MODE (3UL << 17)
#define  TIMER_ONESHOT      (0UL << 17)
#define  TIMER_PERIODIC     (1UL << 17)
#define  TIMER_TSC_DEADLINE (2UL << 17)
#define APIC_ESR_SEND_ILLEGAL   BIT(5)
#define APIC_ESR_RECV_ILLEGAL   BIT(6)

/* ICR fields (SDM vol. 3, 10.6.1). */
#define ICR_VECTOR(icr)     ((uint8_t)(icr))
#define ICR_MODE(icr)       (((icr) >> 8) & 7)
#define  ICR_FIXED          0
#define  ICR_LOWEST         1
#define  ICR_SMI            2
#define  ICR_NMI            4
#define  ICR_INIT           5
#define  ICR_SIPI           6
#define ICR_LOGICAL         BIT(11)
#define ICR_LEVEL_ASSERT    BIT(14)
#define ICR_TRIGGER_LEVEL   BIT(15)
#define ICR_SHORTHAND(icr)  (((icr) >> 18) & 3)
#define  ICR_DEST_FIELD     0
#define  ICR_SELF           1
#define  ICR_ALL            2
#define  ICR_ALL_BUT_SELF   3
#define ICR_LOW_WRITABLE    0x000cdfffu  /* all but delivery status and reserved */

#define NR_APIC_REGS    64              /* 16-byte slots 0x000..0x3f0 */

#define LOGGED_MMIO_WRITE   BIT(0)      /* an odd-sized or unaligned write */
#define LOGGED_IPI_MODE     BIT(1)      /* an IPI delivery mode not offered */

/* True the first time 'what' happens to 'l' (guests must not flood the log). */
static inline bool vlapic_log_once(uint8_t *logged, uint8_t what)
{
    return !(__atomic_fetch_or(logged, what, __ATOMIC_RELAXED) & what);
}

struct vlapic {
    struct vcpu *v;
    /*
     * Guards every field below. Taken with interrupts off, from v's pCPU
     * (register accesses), the timer's pCPU (its callback) and any CPU
     * (vlapic_set_irq from a device or another vCPU's IPI). Never held
     * across vcpu_kick() or while another vLAPIC's lock is taken: IPI
     * delivery copies the ICR and drops the sender's lock first.
     */
    spinlock_t lock;
    uint64_t base_msr;                  /* IA32_APIC_BASE as the guest sees it */
    uint32_t reg[NR_APIC_REGS];         /* indexed by offset >> 4 */
    uint32_t esr_pending;               /* errors since the last ESR write */
    bool wait_sipi;                     /* INIT received (or an AP never started) */
    uint8_t logged;                     /* LOGGED_*: guest mistakes logged once */

    /* The timer (vlapic_timer.c). */
    struct timer timer;                 /* bound to one pCPU for its life */
    uint64_t timer_start;               /* system time (ns) the count started */
    uint64_t timer_period;              /* ns per full count (periodic: clamped); 0: idle */
    uint32_t timer_div;                 /* the divider the count started with */
    uint64_t tsc_deadline;              /* guest TSC; 0: not armed */
};

static inline uint32_t vlapic_reg(const struct vlapic *l, unsigned int off)
{
    return l->reg[off >> 4];
}

static inline void vlapic_set_reg(struct vlapic *l, unsigned int off, uint32_t val)
{
    l->reg[off >> 4] = val;
}

static inline bool vlapic_x2apic(const struct vlapic *l)
{
    return l->base_msr & BIT(10);
}

static inline bool vlapic_sw_enabled(const struct vlapic *l)
{
    return vlapic_reg(l, APIC_SVR) & APIC_SVR_ENABLE;
}

/* vlapic.c; callers hold l->lock where they pass one. */
uint32_t vlapic_id(const struct vlapic *l);     /* = vCPU id */
uint32_t vlapic_x2apic_ldr(uint32_t id);        /* x2APIC LDR, derived from the ID */
uint32_t vlapic_ppr(const struct vlapic *l);
uint32_t vlapic_apr(const struct vlapic *l);
void vlapic_eoi(struct vlapic *l);              /* clear the highest ISR bit */
void vlapic_reset_locked(struct vlapic *l);     /* RESET/INIT state, base MSR kept */
/* Accept 'vector' into IRR (and TMR if level); false if refused. */
bool vlapic_accept_locked(struct vlapic *l, uint8_t vector, bool level);

/* vlapic_timer.c; callers hold l->lock. */
void vlapic_timer_init(struct vlapic *l, unsigned int cpu);
void vlapic_timer_stop(struct vlapic *l);
void vlapic_timer_write_lvt(struct vlapic *l, uint32_t val);
void vlapic_timer_write_tmict(struct vlapic *l, uint32_t count);
void vlapic_timer_write_tdcr(struct vlapic *l, uint32_t val);
uint32_t vlapic_timer_tmcct(struct vlapic *l);
uint64_t vlapic_timer_read_deadline(struct vlapic *l);
void vlapic_timer_write_deadline(struct vlapic *l, uint64_t guest_tsc);

/* vlapic_ipi.c: send the IPI 'icr' (64 bits: x2APIC layout, destination
 * in bits 63:32; xAPIC's 8-bit destination already moved there) from the
 * vCPU of 'l'. Called without l->lock. */
void vlapic_send_ipi(struct vlapic *l, uint64_t icr);

#endif
