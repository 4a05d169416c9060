// SPDX-License-Identifier: MIT
/*
 * net-world: a guest whose vif reaches the world outside Petrel: its
 * frames go through netback, dom0's bridge and the virtio-net device
 * (eth0) to QEMU's user network, and the answers come back the same way
 * (docs/virtio.md). Run by dom0 (`hv create net-world.cfg`) on a machine
 * with `-netdev user,restrict=on`, whose gateway 10.0.2.2 still answers
 * ARP and ICMP echo. As 10.0.2.16 it ARPs for the gateway, then sends
 * count= (3) echo requests, each of which must be answered within 5 s
 * with its own identifier, sequence and payload. It answers ARP requests
 * for its address meanwhile.
 */
#include <public/errno.h>
#include "netfront.h"
#include "pvcons.h"
#include "test.h"
#include "xen.h"
#include "xsc.h"

TEST_TITLE("a vif's frames out through dom0's virtio-net device and back");

#define MY_IP           0x0a000210u     /* 10.0.2.16 */
#define GW_IP           0x0a000202u     /* 10.0.2.2, QEMU's gateway */
#define WAIT_NS         5000000000ull
#define ECHO_ID         0x4e57
#define ECHO_DATA       32
#define ETH_ARP         0x0806
#define ETH_IP          0x0800
#define FRAME_MIN       60

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint8_t my_mac[6], gw_mac[6];
static uint8_t out[128];

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v & 0xff;
}

static void be32(uint8_t *p, uint32_t v)
{
    be16(p, v >> 16);
    be16(p + 2, v & 0xffff);
}

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

/* The Internet checksum (RFC 1071): 0 over data that holds its own. */
static uint16_t ones_sum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i < n; i += 2)
        s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
    s = (s >> 16) + (s & 0xffff);
    s += s >> 16;
    return (uint16_t)~s;
}

static void send_frame(size_t len)
{
    if (len < FRAME_MIN) {
        memset(out + len, 0, FRAME_MIN - len);
        len = FRAME_MIN;
    }
    CHECK_EQ(netfront_send(out, len, now_ns() + WAIT_NS), 0);
}

/* ARP (RFC 826) for Ethernet and IPv4: op 1 asks for tpa, op 2 answers. */
static void send_arp(uint16_t op, const uint8_t *tha, uint32_t tpa)
{
    static const uint8_t fixed[6] = { 0, 1, 8, 0, 6, 4 };

    memcpy(out, op == 1 ? broadcast : tha, 6);
    memcpy(out + 6, my_mac, 6);
    be16(out + 12, ETH_ARP);
    memcpy(out + 14, fixed, 6);
    be16(out + 20, op);
    memcpy(out + 22, my_mac, 6);
    be32(out + 28, MY_IP);
    if (op == 1)
        memset(out + 32, 0, 6);
    else
        memcpy(out + 32, tha, 6);
    be32(out + 38, tpa);
    send_frame(42);
}

static void payload(uint8_t *p, uint16_t seq)
{
    for (unsigned int i = 0; i < ECHO_DATA; i++)
        p[i] = (uint8_t)(seq * 31 + i);
}

static void send_echo(uint16_t seq)
{
    uint8_t *ip = out + 14, *icmp = ip + 20;

    memcpy(out, gw_mac, 6);
    memcpy(out + 6, my_mac, 6);
    be16(out + 12, ETH_IP);
    memset(ip, 0, 20 + 8);
    ip[0] = 0x45;
    be16(ip + 2, 20 + 8 + ECHO_DATA);
    be16(ip + 4, seq);
    ip[8] = 64;
    ip[9] = 1;
    be32(ip + 12, MY_IP);
    be32(ip + 16, GW_IP);
    be16(ip + 10, ones_sum(ip, 20));
    icmp[0] = 8;
    be16(icmp + 4, ECHO_ID);
    be16(icmp + 6, seq);
    payload(icmp + 8, seq);
    be16(icmp + 2, ones_sum(icmp, 8 + ECHO_DATA));
    send_frame(14 + 20 + 8 + ECHO_DATA);
}

/* An ARP frame: answer a request for our address; true for the
 * gateway's reply (its MAC kept). */
static bool arp_in(const uint8_t *f, long n)
{
    if (n < 42 || get_be16(f + 14) != 1 || get_be16(f + 16) != ETH_IP)
        return false;
    if (get_be16(f + 20) == 1 && get_be32(f + 38) == MY_IP)
        send_arp(2, f + 22, get_be32(f + 28));
    if (get_be16(f + 20) != 2 || get_be32(f + 28) != GW_IP)
        return false;
    memcpy(gw_mac, f + 22, 6);
    return true;
}

/* An IPv4 frame: true for the echo reply to seq, payload intact. */
static bool echo_in(const uint8_t *f, long n, uint16_t seq)
{
    const uint8_t *ip = f + 14, *icmp;
    uint8_t want[ECHO_DATA];
    unsigned int hl;

    if (n < 14 + 20 || (ip[0] >> 4) != 4 || (hl = (ip[0] & 15) * 4) < 20 ||
        n < 14 + hl + 8 + ECHO_DATA || ip[9] != 1 || get_be32(ip + 12) != GW_IP ||
        get_be32(ip + 16) != MY_IP)
        return false;
    icmp = ip + hl;
    payload(want, seq);
    return icmp[0] == 0 && get_be16(icmp + 4) == ECHO_ID && get_be16(icmp + 6) == seq &&
           !memcmp(icmp + 8, want, ECHO_DATA) && !ones_sum(icmp, 8 + ECHO_DATA);
}

/* Receive until the awaited frame (seq 0: the gateway's ARP reply) or
 * WAIT_NS: whether it came. */
static bool await(uint16_t seq)
{
    static uint8_t f[1514];
    uint64_t deadline = now_ns() + WAIT_NS;
    long n;

    while ((n = netfront_recv(f, sizeof(f), deadline)) > 0) {
        if (n < 14)
            continue;
        if (get_be16(f + 12) == ETH_ARP && arp_in(f, n) && !seq)
            return true;
        if (get_be16(f + 12) == ETH_IP && seq && echo_in(f, n, seq))
            return true;
    }
    return false;
}

void test_main(void)
{
    uint64_t count = cmdline_u64_or("count", 3);
    long rc;

    if (!pvcons_active())
        test_skip("no PV console: run me from dom0 (hv create net-world.cfg)");
    if ((rc = xsc_init()))
        test_error("no xenstore page or port: %ld", rc);
    if ((rc = netfront_init(0, &(struct netfront_opts){ 0 })))
        test_error("netfront: %ld", rc);
    memcpy(my_mac, netfront_mac(), 6);
    send_arp(1, NULL, GW_IP);
    REQUIRE(await(0));
    printf("net-world: ARP: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", gw_mac[0],
           gw_mac[1], gw_mac[2], gw_mac[3], gw_mac[4], gw_mac[5]);
    for (uint16_t seq = 1; seq <= count; seq++) {
        send_echo(seq);
        if (CHECK(await(seq)))
            printf("net-world: echo reply from 10.0.2.2: icmp_seq=%u\n", seq);
    }
}
