/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor CPUID leaves (base 0x40000000; guests should also probe
 * 0x40000100 steps, Petrel answers only at the base).
 *   base+0: EAX = base+4 (largest leaf), EBX:ECX:EDX = "XenVMMXenVMM"
 *   base+1: EAX = version (major << 16 | minor)
 *   base+2: EAX = number of hypercall pages (1), EBX = MSR index: writing a
 *           page-aligned guest-physical address to it fills that page with
 *           hypercall stubs (entry n at offset n * 32)
 *   base+3: TSC leaf (EAX mode, EBX mul, ECX shift... per Xen; zero if unused)
 *   base+4: HVM features (XEN_HVM_CPUID_*), EBX vCPU id when VCPU_ID_PRESENT
 */
#ifndef PUBLIC_ARCH_X86_CPUID_H
#define PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF        0x40000000
#define XEN_CPUID_LEAF(i)           (XEN_CPUID_FIRST_LEAF + (i))
#define XEN_CPUID_SIGNATURE_EBX     0x566e6558  /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX     0x65584d4d  /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX     0x4d4d566e  /* "nVMM" */
#define XEN_HYPERCALL_MSR           0x40000000  /* what base+2 EBX reports */

#define XEN_HVM_CPUID_APIC_ACCESS_VIRT  (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT       (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS    (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT     (1u << 4)
#define XEN_HVM_CPUID_EXT_DEST_ID       (1u << 5)   /* 15-bit APIC ids in MSI/IOAPIC */
#define XEN_HVM_CPUID_UPCALL_VECTOR     (1u << 6)   /* HVMOP_set_evtchn_upcall_vector */

#endif
