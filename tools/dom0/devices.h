/* SPDX-License-Identifier: MIT */
/* dom0's physical devices (docs/virtio.md): start of day and the shell's
 * lspci, disk, virtio and ping commands. */
#ifndef DOM0_DEVICES_H
#define DOM0_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

/* Enumerate PCI, drive the virtio devices, scan the disks' GPTs; what
 * fails is reported and left out. */
void devices_init(void);

/* The shell's commands: 0, or 1 after printing the error. */
int lspci_cmd(int argc, char **argv);
int disk_cmd(int argc, char **argv);
int virtio_cmd(int argc, char **argv);
int ping_cmd(int argc, char **argv);

/* A number: decimal, or hex after 0x; false if s is not one. */
bool parse_u64(const char *s, uint64_t *out);

#endif
