/* SPDX-License-Identifier: MIT */
/*
 * Checksums a guest left to the backend: a tx request with NETTXF_csum_blank
 * (Linux's netfront sends TCP and UDP over IPv4 so, having no
 * feature-ipv6-csum-offload from netback) carries a frame whose L4 checksum
 * field is not final. netback fills it in before the frame enters the
 * bridge, so every port (another guest, the NIC) gets a finished frame.
 *
 * Pure code on a frame in dom0's memory (the guest can no longer change
 * it); compiled in dom0 and on the host.
 */
#ifndef BACKENDS_NET_CSUM_H
#define BACKENDS_NET_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Fill in the TCP or UDP checksum of an untagged IPv4 frame of len bytes:
 * 0, or -1 when the frame is not one (another protocol, an IP fragment, a
 * header or length that does not fit): the backend answers such a frame
 * NETIF_RSP_ERROR, as Linux's netback drops it. */
int net_csum_fill(uint8_t *frame, size_t len);

#endif
