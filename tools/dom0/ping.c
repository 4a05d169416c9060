// SPDX-License-Identifier: MIT
/*
 * The shell's `ping`: ARP for an IPv4 address and ICMP echo requests to
 * it, from a port of dom0's own on the bridge ("dom0", 10.0.2.15 by
 * default: QEMU user networking's first guest address). Its xmit() is
 * where the bridge hands it frames: ARP replies and requests for its
 * address, echo replies. Waits are on timers and the event loop.
 */
#include <public/errno.h>
#include <string.h>
#include "../libhv/libhv.h"
#include "devices.h"
#include "dom0.h"
#include "netdev.h"
#include "test.h"
#include "xen.h"

#define ETH_HLEN        14
#define ETH_P_IP        0x0800
#define ETH_P_ARP       0x0806
#define ARP_LEN         28
#define IP_HLEN         20
#define ICMP_HLEN       8
#define PING_DATA       56              /* ping's default: 64 bytes of ICMP */
#define PING_ID         0x5045
#define WAIT_MS         1000
#define PING_MAX        20

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct pinger {
    uint32_t ip, target;                /* host order */
    uint8_t target_mac[6];
    bool resolved;
    uint16_t seq;                       /* the echo awaited, 0: none */
    volatile bool woke;                 /* a reply or the timer */
    bool replied;
};

static struct pinger pg;

static int ping_rx(struct netdev *dev, const void *frame, size_t len);

static struct netdev dom0_port = {
    .name = "dom0", .mac = { 0x02, 0x50, 0x45, 0x54, 0x00, 0x02 }, .lock_src = true,
    .xmit = ping_rx,
};

static uint16_t get16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

/* The Internet checksum (RFC 1071) of len bytes. */
static uint16_t inet_csum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return ~sum;
}

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, dom0_port.mac, 6);
    put16(f + 12, type);
}

/* An ARP packet (RFC 826) for Ethernet and IPv4. */
static void arp_send(uint16_t op, const uint8_t *tha, uint32_t tpa)
{
    uint8_t f[ETH_HLEN + ARP_LEN];
    uint8_t *a = f + ETH_HLEN;

    eth_header(f, op == 1 ? bcast : tha, ETH_P_ARP);
    put16(a, 1);
    put16(a + 2, ETH_P_IP);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, dom0_port.mac, 6);
    put32(a + 14, pg.ip);
    memcpy(a + 18, op == 1 ? (const uint8_t[6]){ 0 } : tha, 6);
    put32(a + 24, tpa);
    bridge_input(&dom0_port, f, sizeof(f));
}

static void echo_send(uint16_t seq)
{
    uint8_t f[ETH_HLEN + IP_HLEN + ICMP_HLEN + PING_DATA] = { 0 };
    uint8_t *ip = f + ETH_HLEN, *icmp = ip + IP_HLEN;

    eth_header(f, pg.target_mac, ETH_P_IP);
    ip[0] = 0x45;
    put16(ip + 2, IP_HLEN + ICMP_HLEN + PING_DATA);
    put16(ip + 4, seq);
    ip[8] = 64;                                 /* TTL */
    ip[9] = 1;                                  /* ICMP */
    put32(ip + 12, pg.ip);
    put32(ip + 16, pg.target);
    put16(ip + 10, inet_csum(ip, IP_HLEN));
    icmp[0] = 8;                                /* echo request */
    put16(icmp + 4, PING_ID);
    put16(icmp + 6, seq);
    for (unsigned int i = 0; i < PING_DATA; i++)
        icmp[ICMP_HLEN + i] = i;
    put16(icmp + 2, inet_csum(icmp, ICMP_HLEN + PING_DATA));
    bridge_input(&dom0_port, f, sizeof(f));
}

static void arp_in(const uint8_t *a, size_t len)
{
    uint16_t op;

    if (len < ARP_LEN || get16(a) != 1 || get16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4)
        return;
    op = get16(a + 6);
    if (op == 1 && get32(a + 24) == pg.ip) {
        arp_send(2, a + 8, get32(a + 14));      /* who has our address: us */
    } else if (op == 2 && get32(a + 14) == pg.target && !pg.resolved) {
        memcpy(pg.target_mac, a + 8, 6);
        pg.resolved = true;
        pg.woke = true;
    }
}

static void ip_in(const uint8_t *ip, size_t len)
{
    unsigned int hl = (ip[0] & 15) * 4;
    const uint8_t *icmp = ip + hl;

    if (len < IP_HLEN || (ip[0] >> 4) != 4 || hl < IP_HLEN || len < hl + ICMP_HLEN ||
        get16(ip + 2) > len || get16(ip + 2) < hl + ICMP_HLEN || ip[9] != 1 ||
        get32(ip + 12) != pg.target || get32(ip + 16) != pg.ip)
        return;
    if (icmp[0] == 0 && get16(icmp + 4) == PING_ID && pg.seq && get16(icmp + 6) == pg.seq &&
        !inet_csum(icmp, get16(ip + 2) - hl)) {
        pg.replied = true;
        pg.woke = true;
    }
}

/* The bridge hands dom0's port a frame. */
static int ping_rx(struct netdev *dev, const void *frame, size_t len)
{
    const uint8_t *f = frame;

    if (len < ETH_HLEN || (memcmp(f, dom0_port.mac, 6) && memcmp(f, bcast, 6)))
        return 0;
    if (get16(f + 12) == ETH_P_ARP)
        arp_in(f + ETH_HLEN, len - ETH_HLEN);
    else if (get16(f + 12) == ETH_P_IP)
        ip_in(f + ETH_HLEN, len - ETH_HLEN);
    return 0;
}

static void wake(void *arg)
{
    pg.woke = true;
}

/* Wait until a reply sets pg.woke, or WAIT_MS. */
static void wait_reply(void)
{
    struct dom0_timer t = { .fn = wake };

    timer_arm(&t, now_ns() + WAIT_MS * 1000000ull);
    dom0_wait(&pg.woke);
    timer_disarm(&t);
}

static bool parse_ip(const char *s, uint32_t *ip)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++) {
        unsigned int part = 0, digits = 0;

        for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
            part = part * 10 + (*s - '0');
        if (!digits || part > 255 || *s != (i < 3 ? '.' : '\0'))
            return false;
        s += i < 3;
        v = v << 8 | part;
    }
    *ip = v;
    return true;
}

static void print_ip(const char *before, uint32_t ip)
{
    printf("%s%u.%u.%u.%u", before, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

int ping_cmd(int argc, char **argv)
{
    uint64_t count = 3;
    unsigned int got = 0;

    pg = (struct pinger){ .ip = 0x0a00020f, .target = 0x0a000202 };
    if ((argc > 1 && !parse_ip(argv[1], &pg.target)) ||
        (argc > 2 && (!parse_u64(argv[2], &count) || !count || count > PING_MAX)) ||
        (argc > 3 && !parse_ip(argv[3], &pg.ip)) || argc > 4) {
        printf("usage: ping [ip] [count (1-%u)] [source ip]\n", PING_MAX);
        return 1;
    }
    if (!bridge_find(dom0_port.name) && bridge_attach(&dom0_port)) {
        printf("ping: cannot attach dom0's port to the bridge\n");
        return 1;
    }
    arp_send(1, NULL, pg.target);
    wait_reply();
    if (!pg.resolved) {
        print_ip("ping: ARP: no reply from ", pg.target);
        printf("\n");
        return 1;
    }
    print_ip("ping: ARP: ", pg.target);
    printf(" is at %02x:%02x:%02x:%02x:%02x:%02x\n", pg.target_mac[0], pg.target_mac[1],
           pg.target_mac[2], pg.target_mac[3], pg.target_mac[4], pg.target_mac[5]);
    for (uint16_t seq = 1; seq <= count; seq++) {
        uint64_t t0 = now_ns();

        pg.seq = seq;
        pg.replied = pg.woke = false;
        echo_send(seq);
        wait_reply();
        print_ip(pg.replied ? "ping: echo reply from " : "ping: no echo reply from ", pg.target);
        if (pg.replied)
            printf(": icmp_seq=%u time=%lu us\n", seq, (unsigned long)((now_ns() - t0) / 1000));
        else
            printf(": icmp_seq=%u\n", seq);
        got += pg.replied;
    }
    pg.seq = 0;
    printf("ping: %lu sent, %u received\n", (unsigned long)count, got);
    return got != count;
}
