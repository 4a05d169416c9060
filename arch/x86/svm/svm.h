/* SPDX-License-Identifier: MIT */
/* SVM-private declarations shared by the files of arch/x86/svm/. */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <petrel/types.h>

struct vmcb;
struct hvm_exit;

void svm_enter(paddr_t vmcb, uint64_t *gpr, paddr_t host_vmcb);
void svm_decode_exit(struct vmcb *vmcb, struct hvm_exit *exit);
bool svm_has_nrips(void);

#endif
