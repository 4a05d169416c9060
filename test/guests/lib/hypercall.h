/* SPDX-License-Identifier: MIT */
/*
 * Test guests: hypercalls, through the hypercall page or the instruction.
 *
 * ABI (include/public/xen.h): number in RAX, arguments in RDI, RSI, RDX,
 * R10, R8, result in RAX. The hypercall page entry n (at offset n * 32) is
 * a stub that loads EAX with n and issues VMMCALL/VMCALL; a guest calls it.
 * The direct path issues VMMCALL (AMD, Hygon) or VMCALL (Intel and others)
 * itself, as recent Linux kernels do. Argument registers are treated as
 * clobbered: Xen's debug builds scribble over the unused ones.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/version.h>

enum hc_path { HC_PAGE, HC_DIRECT };

/* Set up by the framework before test_main(). */
extern uint32_t xen_cpuid_base;         /* 0 when no Xen leaves were found */
extern bool hypercall_page_ready;       /* the page was filled */
extern bool cpu_is_amd;                 /* VMMCALL rather than VMCALL */
extern char hypercall_page[4096];

/* Issue hypercall nr by the given path. Through the page, nr must be below
 * 4096 / 32 (the caller checks). Returns RAX. */
long hypercall_by(enum hc_path path, unsigned long nr, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

/* Issue hypercall nr by the default path: the page once it is ready,
 * else the instruction. */
long hypercall(unsigned long nr, uint64_t a1, uint64_t a2, uint64_t a3,
               uint64_t a4, uint64_t a5);

static inline long hypervisor_console_io(int cmd, uint64_t count, const void *buf)
{
    return hypercall(__HYPERVISOR_console_io, cmd, count, (uintptr_t)buf, 0, 0);
}

static inline long hypervisor_xen_version(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_xen_version, cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hypervisor_sched_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_sched_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hypervisor_memory_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_memory_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hypervisor_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, (uintptr_t)arg, 0, 0);
}

static inline long hypervisor_event_channel_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hypervisor_hvm_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_hvm_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

/* grant_table_op(cmd, ops, count): count structs of cmd's type at ops. */
static inline long hypervisor_grant_table_op(int cmd, void *ops, unsigned int count)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (uintptr_t)ops, count, 0, 0);
}

/* set_timer_op(timeout): a one-shot VIRQ_TIMER at absolute system time
 * timeout (ns); 0 cancels. */
static inline long hypervisor_set_timer_op(uint64_t timeout_abs_ns)
{
    return hypercall(__HYPERVISOR_set_timer_op, timeout_abs_ns, 0, 0, 0, 0);
}

/* Find the Xen leaves, fill the hypercall page. 0, or a message. */
const char *hypercall_init(void);

#endif
