# SPDX-License-Identifier: MIT
# The PVH domU's ACPI tables (tools/libhv/acpi.c): RSDP, XSDT, MADT.
UNIT_TESTS += test_hv_acpi
test_hv_acpi_SRCS := test/unit/test_hv_acpi.c tools/libhv/acpi.c
$(B)/unit/test_hv_acpi: tools/libhv/acpi.h
