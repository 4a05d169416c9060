// SPDX-License-Identifier: MIT
/*
 * SVM exits in, neutral struct hvm_exit out. A table indexed by the exit
 * code says what each code means; only IOIO and NPF need their exit
 * information decoded. Instruction lengths come from NRIP-save when the CPU
 * has it (IOIO always reports the next RIP); otherwise common code decodes.
 */
#include <x86/hvm/hvm.h>
#include "svm.h"
#include "vmcb.h"

#define TABLE_SIZE  0xa0

static const uint8_t exit_table[TABLE_SIZE] = {
    [SVM_EXIT_CPUID] = HVM_EXIT_CPUID,
    [SVM_EXIT_HLT] = HVM_EXIT_HLT,
    [SVM_EXIT_VMMCALL] = HVM_EXIT_HYPERCALL,
    [SVM_EXIT_IOIO] = HVM_EXIT_IO,
    [SVM_EXIT_XSETBV] = HVM_EXIT_XSETBV,
    [SVM_EXIT_SHUTDOWN] = HVM_EXIT_TRIPLE_FAULT,
    [SVM_EXIT_INTR] = HVM_EXIT_NONE,
    [SVM_EXIT_VINTR] = HVM_EXIT_NONE,      /* the interrupt window opened */
    [SVM_EXIT_NMI] = HVM_EXIT_NONE,
    [SVM_EXIT_SMI] = HVM_EXIT_NONE,
    [SVM_EXIT_VMRUN] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_VMLOAD] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_VMSAVE] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_STGI] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_CLGI] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_SKINIT] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_INVLPGA] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_MONITOR] = HVM_EXIT_INVALID_OP,
    [SVM_EXIT_MWAIT] = HVM_EXIT_INVALID_OP,
};

static void decode_io(const struct vmcb *vmcb, struct hvm_exit *e)
{
    uint64_t info = vmcb->ctl.exitinfo1;

    e->io.port = info >> IOIO_PORT_SHIFT;
    e->io.size = (info >> IOIO_SZ_SHIFT) & 7;
    e->io.in = info & IOIO_IN;
    e->io.string = info & IOIO_STR;
    e->io.rep = info & IOIO_REP;
    e->io.addr_size = (info >> 7) & 1 ? 2 : (info >> 8) & 1 ? 4 : 8;
    e->insn_len = vmcb->ctl.exitinfo2 - vmcb->save.rip;
}

void svm_decode_exit(struct vmcb *vmcb, struct hvm_exit *e)
{
    uint64_t code = vmcb->ctl.exitcode;

    e->vendor_code = code;
    e->insn_len = 0;
    if (code == SVM_EXIT_NPF) {
        e->reason = HVM_EXIT_NPF;
        e->npf.gpa = vmcb->ctl.exitinfo2;
        e->npf.write = vmcb->ctl.exitinfo1 & NPF_WRITE;
        e->npf.fetch = vmcb->ctl.exitinfo1 & NPF_FETCH;
        e->npf.present = vmcb->ctl.exitinfo1 & NPF_PRESENT;
        return;
    }
    if (code == SVM_EXIT_INVALID || code == (uint32_t)SVM_EXIT_INVALID) {
        /* QEMU's TCG reports the 32-bit -1. */
        e->reason = HVM_EXIT_FAILED_ENTRY;
        return;
    }
    if (code == SVM_EXIT_MSR) {
        e->reason = vmcb->ctl.exitinfo1 ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
    } else if (code < TABLE_SIZE && (exit_table[code] || code == SVM_EXIT_INTR ||
                                     code == SVM_EXIT_VINTR || code == SVM_EXIT_NMI || code == SVM_EXIT_SMI)) {
        e->reason = exit_table[code];
    } else {
        e->reason = HVM_EXIT_UNHANDLED;
        return;
    }
    if (e->reason == HVM_EXIT_IO)
        decode_io(vmcb, e);
    else if (svm_has_nrips() && vmcb->ctl.nrip > vmcb->save.rip)
        e->insn_len = vmcb->ctl.nrip - vmcb->save.rip;
}
