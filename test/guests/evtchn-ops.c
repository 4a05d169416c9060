/* SPDX-License-Identifier: MIT */
/*
 * Test guest evtchn-ops: event channels as a guest sees them, in one domain
 * with interrupts off. It maps shared_info (XENMEM_add_to_physmap), binds a
 * loopback channel (alloc_unbound + bind_interdomain to itself), sends on
 * it and reads the result in shared memory: the port's evtchn_pending bit,
 * the selector bit and evtchn_upcall_pending of vcpu_info[0]; the same with
 * the port masked, then unmasked (EVTCHNOP_unmask raises it). SCHEDOP_poll
 * on a pending port returns at once. Bad arguments give Xen's errors, and
 * the features and CPUID bits Linux looks for are offered.
 */
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include <public/arch-x86/cpuid.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>

TEST_TITLE("event channels: loopback send, pending bits, mask/unmask, poll, errors");

static uint8_t shared_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static volatile struct shared_info *si = (volatile struct shared_info *)shared_page;

static long evtchn_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

static long hvm_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_hvm_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

static bool bit(volatile const uint64_t *words, uint32_t n)
{
    return (words[n / 64] >> (n % 64)) & 1;
}

/* What an upcall handler would clear. */
static void ack_all(void)
{
    si->vcpu_info[0].evtchn_upcall_pending = 0;
    si->vcpu_info[0].evtchn_pending_sel = 0;
    for (unsigned int i = 0; i < 64; i++)
        si->evtchn_pending[i] = 0;
}

static void check_offers(void)
{
    struct xen_feature_info fi = { .submap_idx = 0 };
    struct cpuid_regs r = cpuid(XEN_CPUID_LEAF(4));

    CHECK(r.eax & XEN_HVM_CPUID_UPCALL_VECTOR);
    CHECK_EQ(hypervisor_xen_version(XENVER_get_features, &fi), 0);
    CHECK(fi.submap & (1u << XENFEAT_hvm_callback_vector));
    CHECK(fi.submap & (1u << XENFEAT_hvm_safe_pvclock));
    CHECK(fi.submap & (1u << XENFEAT_auto_translated_physmap));
}

static void check_errors(void)
{
    struct evtchn_close c = { .port = 0 };
    struct evtchn_send s = { .port = 77 };
    struct evtchn_bind_virq bv = { .virq = NR_VIRQS, .vcpu = 0 };
    struct evtchn_bind_ipi bi = { .vcpu = 99 };
    struct evtchn_alloc_unbound au = { .dom = 0x5a5, .remote_dom = DOMID_SELF };
    struct evtchn_init_control ic = { 0 };
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_NR_PARAMS };
    struct xen_hvm_evtchn_upcall_vector uv = { .vcpu = 0, .vector = 5 };

    CHECK_EQ(evtchn_op(EVTCHNOP_close, &c), -XEN_EINVAL);
    c.port = 4096;
    CHECK_EQ(evtchn_op(EVTCHNOP_close, &c), -XEN_EINVAL);
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), -XEN_EINVAL);
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL);
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_ipi, &bi), -XEN_ENOENT);
    CHECK_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au), -XEN_ESRCH);  /* we are dom0 */
    CHECK_EQ(evtchn_op(EVTCHNOP_init_control, &ic), -XEN_ENOSYS);
    CHECK_EQ(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
                       0x0000700000000000UL, 0, 0, 0), -XEN_EFAULT);
    CHECK_EQ(hvm_op(HVMOP_get_param, &p), -XEN_EINVAL);
    p.index = HVM_PARAM_CALLBACK_IRQ;
    p.value = 1ull << 56 | 0x100;                   /* PCI INTx: no PCI bus */
    CHECK_EQ(hvm_op(HVMOP_set_param, &p), -XEN_ENOSYS);
    p.value = 1;                                    /* GSI 1: recorded (Linux) */
    CHECK_EQ(hvm_op(HVMOP_set_param, &p), 0);
    p.value = 0;
    CHECK_EQ(hvm_op(HVMOP_get_param, &p), 0);
    CHECK_EQ(p.value, 1);
    CHECK_EQ(hvm_op(HVMOP_set_evtchn_upcall_vector, &uv), -XEN_EINVAL);

    /* The callback vector Linux asks for is taken, read back, then turned
     * off again (interrupts stay off in this test anyway). */
    p.value = HVM_PARAM_CALLBACK_VECTOR(0xf3);
    CHECK_EQ(hvm_op(HVMOP_set_param, &p), 0);
    p.value = 0;
    CHECK_EQ(hvm_op(HVMOP_get_param, &p), 0);
    CHECK_EQ(p.value, HVM_PARAM_CALLBACK_VECTOR(0xf3));
    p.value = 0;
    CHECK_EQ(hvm_op(HVMOP_set_param, &p), 0);
}

static void map_shared_info(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = (uintptr_t)shared_page / PAGE_SIZE,
    };
    long rc = hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                        (uintptr_t)&xatp, 0, 0, 0);

    if (rc == -XEN_ENOSYS)
        test_skip("XENMEM_add_to_physmap is not offered");
    REQUIRE_EQ(rc, 0);
}

static void check_loopback(uint32_t *a_out, uint32_t *b_out)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    struct evtchn_send s;
    uint32_t a, b;

    REQUIRE_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &au), 0);
    a = au.port;
    bi.remote_port = a;
    REQUIRE_EQ(evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0);
    b = bi.local_port;
    printf("loopback: ports %u <-> %u\n", a, b);
    CHECK(a != 0 && b != 0 && a != b);
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL);  /* bound */

    ack_all();
    s.port = a;
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    CHECK(bit(si->evtchn_pending, b));
    CHECK(!bit(si->evtchn_pending, a));
    CHECK(bit(&si->vcpu_info[0].evtchn_pending_sel, b / 64));
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 1);

    ack_all();
    s.port = b;
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    CHECK(bit(si->evtchn_pending, a));
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 1);
    *a_out = a;
    *b_out = b;
}

static void check_mask(uint32_t a, uint32_t b)
{
    struct evtchn_send s = { .port = a };
    struct evtchn_unmask u = { .port = b };

    ack_all();
    si->evtchn_mask[b / 64] |= 1ull << (b % 64);
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    CHECK(bit(si->evtchn_pending, b));
    CHECK_EQ(si->vcpu_info[0].evtchn_pending_sel, 0);
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK_EQ(evtchn_op(EVTCHNOP_unmask, &u), 0);
    CHECK(!bit(si->evtchn_mask, b));
    CHECK(bit(&si->vcpu_info[0].evtchn_pending_sel, b / 64));
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 1);
}

static void check_poll(uint32_t b)
{
    uint32_t ports[2] = { 1000, b };
    struct sched_poll sp = { .ports = (uintptr_t)ports, .nr_ports = 2 };

    CHECK(bit(si->evtchn_pending, b));
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_poll, &sp), 0);   /* at once */
    ports[0] = 5000;
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_poll, &sp), -XEN_EINVAL);
    sp.nr_ports = 129;
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_poll, &sp), -XEN_EINVAL);
}

static void check_close(uint32_t a, uint32_t b)
{
    struct evtchn_close c = { .port = b };
    struct evtchn_status st = { .dom = DOMID_SELF, .port = a };
    struct evtchn_send s = { .port = a };

    CHECK_EQ(evtchn_op(EVTCHNOP_close, &c), 0);
    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    ack_all();
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), 0);      /* unbound: dropped */
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK_EQ(evtchn_op(EVTCHNOP_close, &c), -XEN_EINVAL);
    c.port = a;
    CHECK_EQ(evtchn_op(EVTCHNOP_close, &c), 0);
}

static void check_virq_ipi(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_status st = { .dom = DOMID_SELF };
    struct evtchn_send s;

    CHECK_EQ(evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    st.port = bv.port;
    CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_TIMER);
    CHECK_EQ(evtchn_op(EVTCHNOP_bind_virq, &bv), -XEN_EEXIST);

    CHECK_EQ(evtchn_op(EVTCHNOP_bind_ipi, &bi), 0);
    ack_all();
    s.port = bi.port;
    CHECK_EQ(evtchn_op(EVTCHNOP_send, &s), 0);
    CHECK(bit(si->evtchn_pending, bi.port));
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 1);
}

void test_main(void)
{
    uint32_t a, b;

    asm volatile("cli" ::: "memory");
    check_offers();
    check_errors();
    map_shared_info();
    check_loopback(&a, &b);
    check_mask(a, b);
    check_poll(b);
    check_close(a, b);
    check_virq_ipi();
}
