// SPDX-License-Identifier: MIT
/*
 * Unit tests: pci_assignable_check(), the rules for marking a PCI function
 * assignable to guests and taking the mark away; and the layout of the
 * sysctl that carries them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/errno.h>
#include <petrel/pci.h>
#include <public/petrel_ctl.h>

static void nonexistent(void **state)
{
    assert_int_equal(pci_assignable_check(NULL, true, true, false), -ENODEV);
    assert_int_equal(pci_assignable_check(NULL, false, true, false), -ENODEV);
}

static void hv_owned_never(void **state)
{
    struct pci_dev d = { .hv_owned = true };

    assert_int_equal(pci_assignable_check(&d, true, true, false), -EPERM);
    assert_int_equal(pci_assignable_check(&d, false, true, false), -EPERM);
}

static void add_needs_iommu(void **state)
{
    struct pci_dev d = { .bdf = PCI_BDF(0, 5, 0) };

    assert_int_equal(pci_assignable_check(&d, true, false, false), -EOPNOTSUPP);
    assert_int_equal(pci_assignable_check(&d, true, true, false), 0);
    /* Adding again is harmless. */
    d.assignable = true;
    assert_int_equal(pci_assignable_check(&d, true, true, false), 0);
}

static void remove_while_held(void **state)
{
    struct pci_dev d = { .assignable = true };

    assert_int_equal(pci_assignable_check(&d, false, true, true), -EBUSY);
    assert_int_equal(pci_assignable_check(&d, false, true, false), 0);
    /* Taking the mark away needs no IOMMU: it only gives the device back. */
    assert_int_equal(pci_assignable_check(&d, false, false, false), 0);
}

static void abi_layout(void **state)
{
    assert_int_equal(sizeof(struct petrel_pcidev_info), 16);
    assert_int_equal(sizeof(struct petrel_pci_assignable), 32);
    assert_true(sizeof(struct petrel_pci_assignable) <= 128);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nonexistent),
        cmocka_unit_test(hv_owned_never),
        cmocka_unit_test(add_needs_iommu),
        cmocka_unit_test(remove_while_held),
        cmocka_unit_test(abi_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
