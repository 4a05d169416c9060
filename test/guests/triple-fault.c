/* SPDX-License-Identifier: MIT */
/* Test guest triple-fault: an exception with an empty IDT. Its
 * HVM_PARAM_TRIPLE_FAULT_REASON starts as SHUTDOWN_reboot (Xen's default);
 * only SHUTDOWN_* values are taken; set to SHUTDOWN_crash, the triple fault
 * crashes the domain (run-all.py expects "crashed" after the marker). */
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>

TEST_TITLE("#UD with an IDT of limit 0 triple-faults: with the reason crash, the domain crashes");

static long reason_op(unsigned int op, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_TRIPLE_FAULT_REASON,
                               .value = *value };
    long rc = hypervisor_hvm_op(op, &p);

    *value = p.value;
    return rc;
}

void test_main(void)
{
    uint64_t v = ~0ull;

    REQUIRE_EQ(reason_op(HVMOP_get_param, &v), 0);
    REQUIRE_EQ(v, SHUTDOWN_reboot);
    v = SHUTDOWN_soft_reset + 1;
    REQUIRE_EQ(reason_op(HVMOP_set_param, &v), -XEN_EINVAL);
    v = 1ull << 32;
    REQUIRE_EQ(reason_op(HVMOP_set_param, &v), -XEN_EINVAL);
    v = SHUTDOWN_crash;
    REQUIRE_EQ(reason_op(HVMOP_set_param, &v), 0);
    v = ~0ull;
    REQUIRE_EQ(reason_op(HVMOP_get_param, &v), 0);
    REQUIRE_EQ(v, SHUTDOWN_crash);
    printf("triple-fault: loading an empty IDT and executing ud2\n");
    triple_fault();
    test_fail("execution continued after the triple fault");
}
