// SPDX-License-Identifier: MIT
/* The shell's `net` and `hv network-list <dom>`: dom0's bridge, its ports
 * and their counters. */
#include <stdio.h>
#include <string.h>
#include "domains.h"
#include "netback.h"
#include "netdev.h"

static void header(void)
{
    printf("%-8s %-17s %8s %10s %8s %10s %7s %7s %6s\n", "Port", "MAC", "RX", "RX-bytes",
           "TX", "TX-bytes", "Dropped", "Spoofed", "Errors");
}

static void row(const struct netdev *p)
{
    const struct netdev_stats *s = &p->stats;
    const uint8_t *m = p->mac;

    printf("%-8.16s %02x:%02x:%02x:%02x:%02x:%02x %8lu %10lu %8lu %10lu %7lu %7lu %6lu\n",
           p->name, m[0], m[1], m[2], m[3], m[4], m[5],
           (unsigned long)s->rx_frames, (unsigned long)s->rx_bytes,
           (unsigned long)s->tx_frames, (unsigned long)s->tx_bytes,
           (unsigned long)s->tx_dropped, (unsigned long)s->spoofed,
           (unsigned long)s->rx_errors);
}

int net_cmd(int argc, char **argv)
{
    const struct bridge_stats *bs = bridge_stats();

    header();
    for (const struct netdev *p = bridge_first(); p; p = p->next)
        row(p);
    printf("bridge: %lu bad length, %lu bad source, %lu filtered, %lu learnt entries "
           "replaced\n", (unsigned long)bs->bad_length, (unsigned long)bs->bad_source,
           (unsigned long)bs->filtered, (unsigned long)bs->fdb_replaced);
    return 0;
}

int backends_network_list(domid_t domid)
{
    char prefix[16];
    size_t n = (size_t)snprintf(prefix, sizeof(prefix), "vif%u.", domid);
    int found = 0;

    for (const struct netdev *p = bridge_first(); p; p = p->next) {
        if (strncmp(p->name, prefix, n))
            continue;
        if (!found++)
            header();
        row(p);
    }
    if (!found)
        printf("hv: network-list: domain %u has no connected vif\n", domid);
    return found;
}
