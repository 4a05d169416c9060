/* SPDX-License-Identifier: MIT */
/* Petrel's version, and the Xen interface version it presents to guests. */
#ifndef PETREL_VERSION_H
#define PETREL_VERSION_H

#define PETREL_VERSION      "0.1"
#define PETREL_XEN_MAJOR    4       /* xen_version and CPUID 0x40000001 */
#define PETREL_XEN_MINOR    17
#define PETREL_XEN_EXTRA    "-petrel"

#endif
