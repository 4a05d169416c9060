// SPDX-License-Identifier: MIT
/* acpi_map() for the hypervisor: firmware tables through the direct map. */
#include <petrel/acpi.h>
#include <petrel/vmap.h>

const void *acpi_map(paddr_t pa, size_t len)
{
    return map_firmware(pa, len);
}
