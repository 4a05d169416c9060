/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: the guest ABI headers (include/public/). The layouts are also
 * checked at compile time by the headers themselves, in 64- and 32-bit
 * builds (public_abi.mk); here the numbers are pinned against Xen's, one
 * table, so that a slip in any header shows up as a named failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <public/xen.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/elfnote.h>
#include <public/arch-x86/cpuid.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/petrel_ctl.h>
#include <public/physdev.h>
#include <public/hvm/start_info.h>
#include <public/io/blkif.h>
#include <public/io/console.h>
#include <public/io/ring.h>
#include <public/io/xs_wire.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct fact {
    const char *name;
    long long ours;
    long long xen;
};
#define F(name, xen) { #name, (long long)(name), (xen) }

/* Numbers as Xen's public headers (4.17..4.20) define them. */
static const struct fact facts[] = {
    F(__HYPERVISOR_memory_op, 12), F(__HYPERVISOR_grant_table_op, 20),
    F(__HYPERVISOR_vm_assist, 21), F(__HYPERVISOR_vcpu_op, 24),
    F(__HYPERVISOR_sched_op, 29), F(__HYPERVISOR_event_channel_op, 32),
    F(__HYPERVISOR_hvm_op, 34),
    F(VIRQ_TIMER, 0), F(VIRQ_DEBUG, 1), F(VIRQ_CONSOLE, 2), F(VIRQ_DOM_EXC, 3),
    F(VIRQ_TBUF, 4), F(VIRQ_DEBUGGER, 6), F(VIRQ_XENOPROF, 7),
    F(VIRQ_CON_RING, 8), F(VIRQ_PCPU_STATE, 9), F(VIRQ_MEM_EVENT, 10),
    F(VIRQ_ARGO, 11), F(VIRQ_ENOMEM, 12), F(VIRQ_XENPMU, 13),
    F(VIRQ_ARCH_0, 16), F(NR_VIRQS, 24),
    F(VMASST_TYPE_runstate_update_flag, 5), F(XEN_LEGACY_MAX_VCPUS, 32),
    F(XEN_PVCLOCK_TSC_STABLE_BIT, 1), F(XEN_PVCLOCK_GUEST_STOPPED, 2),
    F(EVTCHNOP_bind_interdomain, 0), F(EVTCHNOP_bind_virq, 1),
    F(EVTCHNOP_bind_pirq, 2), F(EVTCHNOP_close, 3), F(EVTCHNOP_send, 4),
    F(EVTCHNOP_status, 5), F(EVTCHNOP_alloc_unbound, 6),
    F(EVTCHNOP_bind_ipi, 7), F(EVTCHNOP_bind_vcpu, 8), F(EVTCHNOP_unmask, 9),
    F(EVTCHNOP_reset, 10), F(EVTCHNOP_init_control, 11),
    F(EVTCHNOP_expand_array, 12), F(EVTCHNOP_set_priority, 13),
    F(EVTCHNSTAT_closed, 0), F(EVTCHNSTAT_unbound, 1),
    F(EVTCHNSTAT_interdomain, 2), F(EVTCHNSTAT_pirq, 3),
    F(EVTCHNSTAT_virq, 4), F(EVTCHNSTAT_ipi, 5),
    F(EVTCHN_2L_NR_CHANNELS, 4096),
    F(VCPUOP_initialise, 0), F(VCPUOP_up, 1), F(VCPUOP_down, 2),
    F(VCPUOP_is_up, 3), F(VCPUOP_get_runstate_info, 4),
    F(VCPUOP_register_runstate_memory_area, 5),
    F(VCPUOP_set_periodic_timer, 6), F(VCPUOP_stop_periodic_timer, 7),
    F(VCPUOP_set_singleshot_timer, 8), F(VCPUOP_stop_singleshot_timer, 9),
    F(VCPUOP_register_vcpu_info, 10), F(VCPUOP_send_nmi, 11),
    F(VCPUOP_get_physid, 12), F(VCPUOP_register_vcpu_time_memory_area, 13),
    F(VCPUOP_register_runstate_phys_area, 14),
    F(VCPUOP_register_vcpu_time_phys_area, 15),
    F(VCPU_SSHOTTMR_future, 1), F(RUNSTATE_running, 0),
    F(RUNSTATE_runnable, 1), F(RUNSTATE_blocked, 2), F(RUNSTATE_offline, 3),
    F(VCPU_HVM_MODE_32B, 0), F(VCPU_HVM_MODE_64B, 1),
    F(HVMOP_set_param, 0), F(HVMOP_get_param, 1),
    F(HVMOP_pagetable_dying, 9), F(HVMOP_get_time, 10),
    F(HVMOP_get_mem_type, 15), F(HVMOP_set_evtchn_upcall_vector, 23),
    F(HVM_PARAM_CALLBACK_IRQ, 0), F(HVM_PARAM_STORE_PFN, 1),
    F(HVM_PARAM_STORE_EVTCHN, 2), F(HVM_PARAM_TIMER_MODE, 10),
    F(HVM_PARAM_IDENT_PT, 12), F(HVM_PARAM_CONSOLE_PFN, 17),
    F(HVM_PARAM_CONSOLE_EVTCHN, 18), F(HVM_PARAM_PAGING_RING_PFN, 27),
    F(HVM_PARAM_MCA_CAP, 38), F(HVM_NR_PARAMS, 39),
    F(HVM_PARAM_CALLBACK_TYPE_GSI, 0), F(HVM_PARAM_CALLBACK_TYPE_PCI_INTX, 1),
    F(HVM_PARAM_CALLBACK_TYPE_VECTOR, 2),
    F(XENMEM_increase_reservation, 0), F(XENMEM_decrease_reservation, 1),
    F(XENMEM_maximum_ram_page, 2), F(XENMEM_current_reservation, 3),
    F(XENMEM_maximum_reservation, 4), F(XENMEM_populate_physmap, 6),
    F(XENMEM_add_to_physmap, 7), F(XENMEM_memory_map, 9),
    F(XENMEM_machine_memory_map, 10), F(XENMEM_set_memory_map, 13),
    F(XENMEM_maximum_gpfn, 14), F(XENMEM_remove_from_physmap, 15),
    F(XENMEM_add_to_physmap_batch, 23), F(XENMEM_acquire_resource, 28),
    F(XENMAPSPACE_shared_info, 0), F(XENMAPSPACE_grant_table, 1),
    F(XENMAPSPACE_gmfn, 2), F(XENMAPSPACE_gmfn_range, 3),
    F(XENMAPSPACE_gmfn_foreign, 4), F(XENMAPIDX_grant_table_status, 0x80000000),
    F(GNTTABOP_map_grant_ref, 0), F(GNTTABOP_unmap_grant_ref, 1),
    F(GNTTABOP_setup_table, 2), F(GNTTABOP_dump_table, 3),
    F(GNTTABOP_transfer, 4), F(GNTTABOP_copy, 5), F(GNTTABOP_query_size, 6),
    F(GNTTABOP_unmap_and_replace, 7), F(GNTTABOP_set_version, 8),
    F(GNTTABOP_get_status_frames, 9), F(GNTTABOP_get_version, 10),
    F(GTF_permit_access, 1), F(GTF_accept_transfer, 2), F(GTF_readonly, 4),
    F(GTF_reading, 8), F(GTF_writing, 16), F(GTF_sub_page, 256),
    F(GNTMAP_device_map, 1), F(GNTMAP_host_map, 2), F(GNTMAP_readonly, 4),
    F(GNTCOPY_source_gref, 1), F(GNTCOPY_dest_gref, 2),
    F(GNTST_okay, 0), F(GNTST_bad_gntref, -3), F(GNTST_permission_denied, -8),
    F(GNTST_bad_copy_arg, -10), F(GNTST_eagain, -12), F(GNTST_no_space, -13),
    F(XS_CONTROL, 0), F(XS_DIRECTORY, 1), F(XS_READ, 2), F(XS_GET_PERMS, 3),
    F(XS_WATCH, 4), F(XS_UNWATCH, 5), F(XS_TRANSACTION_START, 6),
    F(XS_TRANSACTION_END, 7), F(XS_INTRODUCE, 8), F(XS_RELEASE, 9),
    F(XS_GET_DOMAIN_PATH, 10), F(XS_WRITE, 11), F(XS_MKDIR, 12), F(XS_RM, 13),
    F(XS_SET_PERMS, 14), F(XS_WATCH_EVENT, 15), F(XS_ERROR, 16),
    F(XS_IS_DOMAIN_INTRODUCED, 17), F(XS_RESUME, 18), F(XS_SET_TARGET, 19),
    F(XS_RESET_WATCHES, 21), F(XS_DIRECTORY_PART, 22), F(XS_INVALID, 0xffff),
    F(XENSTORE_PAYLOAD_MAX, 4096), F(XENSTORE_RING_SIZE, 1024),
    F(XENSTORE_ABS_PATH_MAX, 3072), F(XENSTORE_REL_PATH_MAX, 2048),
    F(XENFEAT_hvm_callback_vector, 8), F(XENFEAT_runstate_phys_area, 18),
    F(XENFEAT_vcpu_time_phys_area, 19), F(XEN_HVM_CPUID_UPCALL_VECTOR, 64),
    F(XEN_ETIME, 62),
};

static void test_numbers(void **state)
{
    int bad = 0;
    size_t i;

    for (i = 0; i < ARRAY_LEN(facts); i++) {
        if (facts[i].ours != facts[i].xen) {
            print_error("%s is %lld, Xen has %lld\n", facts[i].name,
                        facts[i].ours, facts[i].xen);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* The byte offsets Linux's PVH code relies on (docs: reference/linux-pvh.md). */
static void test_shared_info_layout(void **state)
{
    static struct shared_info si;
    const uint8_t *base = (const uint8_t *)&si;

    assert_int_equal(sizeof(struct shared_info), 0xc40);
    assert_true(sizeof(struct shared_info) <= 4096);
    assert_int_equal((uint8_t *)&si.vcpu_info[1] - base, 64);
    assert_int_equal((uint8_t *)&si.vcpu_info[31].time - base, 31 * 64 + 32);
    assert_int_equal((uint8_t *)&si.evtchn_pending - base, 0x800);
    assert_int_equal((uint8_t *)&si.evtchn_mask - base, 0xa00);
    assert_int_equal((uint8_t *)&si.wc_version - base, 0xc00);
    assert_int_equal((uint8_t *)&si.wc_sec_hi - base, 0xc0c);
    assert_int_equal(sizeof(si.evtchn_pending) * 8, EVTCHN_2L_NR_CHANNELS);

    /* Port p is bit p % 8 of byte 0x800 + p / 8 (little-endian words). */
    si.evtchn_pending[4095 / 64] |= 1ull << (4095 % 64);
    assert_int_equal(base[0x800 + 4095 / 8], 0x80);
    si.evtchn_pending[0] |= 1ull << 9;
    assert_int_equal(base[0x801], 0x02);
}

static void test_struct_sizes(void **state)
{
    assert_int_equal(sizeof(struct vcpu_time_info), 32);
    assert_int_equal(sizeof(struct vcpu_info), 64);
    assert_int_equal(offsetof(struct vcpu_info, evtchn_pending_sel), 8);
    assert_int_equal(offsetof(struct vcpu_info, time), 32);
    assert_int_equal(offsetof(struct vcpu_time_info, flags), 29);
    assert_int_equal(sizeof(struct evtchn_status), 24);
    assert_int_equal(sizeof(struct evtchn_bind_virq), 12);
    assert_int_equal(sizeof(struct vcpu_runstate_info), 48);
    assert_int_equal(sizeof(struct vcpu_set_singleshot_timer), 16);
    assert_int_equal(sizeof(struct vcpu_register_vcpu_info), 16);
    assert_int_equal(sizeof(struct vcpu_hvm_context), 128);
    assert_int_equal(sizeof(struct xen_hvm_param), 16);
    assert_int_equal(sizeof(struct xen_hvm_evtchn_upcall_vector), 8);
    assert_int_equal(sizeof(struct xen_add_to_physmap), 24);
    assert_int_equal(sizeof(struct xen_memory_reservation), 32);
    assert_int_equal(sizeof(struct xen_memory_map), 16);
    assert_int_equal(sizeof(struct grant_entry_v1), 8);
    assert_int_equal(4096 / sizeof(struct grant_entry_v1), 512);
    assert_int_equal(sizeof(struct gnttab_map_grant_ref), 32);
    assert_int_equal(sizeof(struct gnttab_unmap_grant_ref), 24);
    assert_int_equal(sizeof(struct gnttab_setup_table), 24);
    assert_int_equal(sizeof(struct gnttab_copy), 40);
    assert_int_equal(sizeof(struct gnttab_query_size), 16);
    assert_int_equal(sizeof(struct xsd_sockmsg), 16);
    assert_int_equal(sizeof(struct xenstore_domain_interface), 2076);
    assert_int_equal(sizeof(struct xencons_interface), 3088);
    assert_int_equal(sizeof(struct xen_sring_header), XEN_SRING_HEADER_SIZE);
}

/* blkif (Xen's public/io/blkif.h, x86_64-abi): numbers and layouts. */
static void test_blkif(void **state)
{
    assert_int_equal(BLKIF_OP_READ, 0);
    assert_int_equal(BLKIF_OP_WRITE, 1);
    assert_int_equal(BLKIF_OP_FLUSH_DISKCACHE, 3);
    assert_int_equal(BLKIF_OP_DISCARD, 5);
    assert_int_equal(BLKIF_OP_INDIRECT, 6);
    assert_int_equal(BLKIF_RSP_EOPNOTSUPP, -2);
    assert_int_equal(BLKIF_RSP_ERROR, -1);
    assert_int_equal(BLKIF_MAX_SEGMENTS_PER_REQUEST, 11);
    assert_int_equal(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST, 8);
    assert_int_equal(BLKIF_SEGS_PER_INDIRECT_FRAME, 512);
    assert_int_equal(offsetof(struct blkif_request, seg[1]), 32);
    assert_int_equal(offsetof(struct blkif_request_segment, first_sect), 4);
    assert_int_equal(offsetof(struct blkif_request_segment, last_sect), 5);
    assert_int_equal(offsetof(struct blkif_response, operation), 8);
    assert_int_equal(offsetof(struct blkif_request_discard, nr_sectors), 24);
    assert_int_equal(VDISK_READONLY, 4);
    /* 32 entries in one page, as Linux's __CONST_RING_SIZE(blkif, 4096). */
    assert_int_equal((4096 - XEN_SRING_HEADER_SIZE) / sizeof(union blkif_sring_entry), 36);
}

static void test_callback_vector(void **state)
{
    /* What Linux writes: (2 << 56) | 0xf3. */
    assert_true(HVM_PARAM_CALLBACK_VECTOR(0xf3) == 0x02000000000000f3ull);
    assert_true((HVM_PARAM_CALLBACK_VECTOR(0xf3) & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >>
                HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT == HVM_PARAM_CALLBACK_TYPE_VECTOR);
}

/* XSD_ERROR_NAMES builds a table mapping Xen errno values to wire names. */
#define XSD_ENTRY(e) { XEN_##e, #e },
static const struct { int err; const char *name; } xsd_errors[] = {
    XSD_ERROR_NAMES(XSD_ENTRY)
};

static void test_xenstore_errors(void **state)
{
    assert_int_equal(ARRAY_LEN(xsd_errors), 15);
    assert_int_equal(xsd_errors[0].err, 22);
    assert_string_equal(xsd_errors[0].name, "EINVAL");
    assert_int_equal(xsd_errors[14].err, 7);
    assert_string_equal(xsd_errors[14].name, "E2BIG");
    assert_int_equal(xsd_errors[8].err, 39);
    assert_string_equal(xsd_errors[8].name, "ENOTEMPTY");
}

static void test_ring_masks(void **state)
{
    struct xencons_interface c;

    assert_int_equal(MASK_XENCONS_IDX(2048u + 5, c.out), 5);
    assert_int_equal(MASK_XENCONS_IDX(1024u + 5, c.in), 5);
    assert_int_equal(MASK_XENSTORE_IDX(0xffffffffu), 1023);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_shared_info_layout),
        cmocka_unit_test(test_struct_sizes),
        cmocka_unit_test(test_callback_vector),
        cmocka_unit_test(test_xenstore_errors),
        cmocka_unit_test(test_ring_masks),
        cmocka_unit_test(test_blkif),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
