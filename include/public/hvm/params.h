/* SPDX-License-Identifier: MIT */
/*
 * HVM parameters: per-domain 64-bit values read and written with
 * HVMOP_get_param / HVMOP_set_param (hvm_op.h). The toolstack sets most of
 * them when it builds the domain; a guest reads them to find its xenstore and
 * console rings and sets CALLBACK_IRQ to choose how events reach it.
 * Linux on the PVH path sets CALLBACK_IRQ and reads STORE_PFN, STORE_EVTCHN,
 * CONSOLE_PFN and CONSOLE_EVTCHN.
 */
#ifndef PUBLIC_HVM_PARAMS_H
#define PUBLIC_HVM_PARAMS_H

#include "hvm_op.h"

/*
 * CALLBACK_IRQ: how event-channel upcalls for vCPU 0 (and every vCPU without
 * its own upcall vector) are delivered. 0 turns delivery off. Otherwise bits
 * 63:56 give the type and the low bits its operand:
 *   GSI:      bits 55:0 a GSI of the emulated IOAPIC (not 0)
 *   PCI_INTX: bits 47:32 PCI segment, 31:16 bus, 15:8 devfn, 1:0 INTx pin
 *   VECTOR:   bits 7:0 an IDT vector, injected straight into the vCPU with no
 *             local-APIC EOI (needs XENFEAT_hvm_callback_vector); Linux uses
 *             0xf3
 * Setting it also fixes the domain's shared_info layout from the caller's
 * mode (see xen.h).
 */
#define HVM_PARAM_CALLBACK_IRQ              0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT   56
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK    0xff00000000000000ull
#define HVM_PARAM_CALLBACK_TYPE_GSI         0
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX    1
#define HVM_PARAM_CALLBACK_TYPE_VECTOR      2   /* x86; Arm uses 2 for a PPI */
#define HVM_PARAM_CALLBACK_VECTOR(v) \
    (((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | \
     ((v) & 0xffu))

#define HVM_PARAM_STORE_PFN                 1   /* xenstore ring GFN (io/xs_wire.h); 0: none */
#define HVM_PARAM_STORE_EVTCHN              2   /* its event channel (unbound, to the store domain) */
#define HVM_PARAM_PAE_ENABLED               4
#define HVM_PARAM_IOREQ_PFN                 5   /* device-model ring (unused by PVH) */
#define HVM_PARAM_BUFIOREQ_PFN              6
#define HVM_PARAM_VIRIDIAN                  9   /* Hyper-V enlightenments mask */
#define HVM_PARAM_TIMER_MODE                10  /* HVMPTM_*: emulated timer tick policy */
#define HVM_PARAM_HPET_ENABLED              11
#define HVM_PARAM_IDENT_PT                  12  /* identity page table for EPT when CR0.PG=0 */
#define HVM_PARAM_DM_DOMAIN                 13  /* device model's domain */
#define HVM_PARAM_ACPI_S_STATE              14
#define HVM_PARAM_VM86_TSS                  15
#define HVM_PARAM_VPT_ALIGN                 16
#define HVM_PARAM_CONSOLE_PFN               17  /* console ring GFN (io/console.h) */
#define HVM_PARAM_CONSOLE_EVTCHN            18  /* its event channel */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION     19
#define HVM_PARAM_NESTEDHVM                 24
#define HVM_PARAM_BUFIOREQ_EVTCHN           26
#define HVM_PARAM_PAGING_RING_PFN           27
#define HVM_PARAM_MONITOR_RING_PFN          28
#define HVM_PARAM_SHARING_RING_PFN          29
/* TRIPLE_FAULT_REASON: the SHUTDOWN_* reason (sched.h) a triple fault shuts
 * the domain down with; SHUTDOWN_reboot when the domain is created, as in
 * Xen. Any other value: -EINVAL. */
#define HVM_PARAM_TRIPLE_FAULT_REASON       31
#define HVM_PARAM_IOREQ_SERVER_PFN          32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES     33
#define HVM_PARAM_VM_GENERATION_ID_ADDR     34
#define HVM_PARAM_ALTP2M                    35
#define HVM_PARAM_X87_FIP_WIDTH             36
#define HVM_PARAM_VM86_TSS_SIZED            37
#define HVM_PARAM_MCA_CAP                   38
#define HVM_NR_PARAMS                       39
/* Numbers not listed are unused or retired (e.g. 20..23, 25, 30). */

#define HVMPTM_delay_for_missed_ticks       0
#define HVMPTM_no_delay_for_missed_ticks    1
#define HVMPTM_no_missed_ticks_pending      2
#define HVMPTM_one_missed_tick_pending      3

#endif
