// SPDX-License-Identifier: MIT
/*
 * The hypercall page: what the guest gets for writing a page address to
 * XEN_HYPERCALL_MSR. Entry n (32 bytes at n * 32) is
 *     mov $n, %eax ; vmmcall-or-vmcall ; ret
 * padded with int3. As in Xen, HVM guests may not use iret (entry 23):
 * that entry is ud2.
 */
#include <petrel/domain.h>
#include <petrel/lib.h>
#include <public/xen.h>
#include <x86/hvm/hvm.h>

#define STUB_SIZE   32

static void write_stub(uint8_t *p, unsigned int nr)
{
    memset(p, 0xcc, STUB_SIZE);
    if (nr == __HYPERVISOR_iret) {
        p[0] = 0x0f;                        /* ud2 */
        p[1] = 0x0b;
        return;
    }
    p[0] = 0xb8;                            /* mov $nr, %eax */
    memcpy(p + 1, &nr, 4);
    hvm->hypercall_insn(p + 5);
    p[8] = 0xc3;                            /* ret */
}

void hvm_install_hypercall_page(struct vcpu *v, uint64_t gpa)
{
    uint8_t stub[STUB_SIZE];

    for (unsigned int i = 0; i < PAGE_SIZE / STUB_SIZE; i++) {
        write_stub(stub, i);
        if (copy_to_guest_phys(v->domain, gpa + i * STUB_SIZE, stub, sizeof(stub))) {
            domain_crash(v->domain, "hypercall page requested at %#lx, which is not its RAM",
                         gpa);
            return;
        }
    }
    v->hvm.hypercall_page = gpa;
}
