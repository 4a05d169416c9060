# SPDX-License-Identifier: MIT
# ACPI table discovery and parsing (drivers/acpi.c).
UNIT_TESTS += test_acpi
test_acpi_SRCS := test/unit/test_acpi.c drivers/acpi.c
