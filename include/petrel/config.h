/* SPDX-License-Identifier: MIT */
/* Build-time limits. */
#ifndef PETREL_CONFIG_H
#define PETREL_CONFIG_H

#define NR_CPUS             64      /* processors Petrel will bring up */
#define MAX_IOAPICS         8
#define MAX_IRQ_OVERRIDES   16
#define MAX_MCFG            4

#endif
