/* SPDX-License-Identifier: MIT */
/* sched_op(cmd, arg): yield, block, shutdown, poll. */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H

#include <stdint.h>
#include "xen.h"

#define SCHEDOP_yield           0   /* arg unused */
#define SCHEDOP_block           1   /* arg unused; wakes on an event */
#define SCHEDOP_shutdown        2   /* IN: struct sched_shutdown */
#define SCHEDOP_poll            3   /* IN: struct sched_poll */
#define SCHEDOP_remote_shutdown 4   /* IN: struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5   /* IN: struct sched_shutdown */
#define SCHEDOP_watchdog        6
#define SCHEDOP_pin_override    7

struct sched_shutdown {
    uint32_t reason;                /* IN: SHUTDOWN_* */
};

struct sched_remote_shutdown {
    uint16_t domain_id;             /* IN */
    uint16_t pad;
    uint32_t reason;                /* IN: SHUTDOWN_* */
};

/*
 * poll: block until one of nr_ports ports (an array of evtchn_port_t at
 * guest virtual address ports) is pending, or until system time timeout
 * (ns; 0: no timeout). Returns 0 at once if one is pending already, masked
 * or not; -EINVAL for more than 128 ports or a port out of range.
 */
struct sched_poll {
    xen_guest_handle_t ports;       /* IN: evtchn_port_t[nr_ports] */
    uint32_t nr_ports;              /* IN */
    uint32_t pad;
    uint64_t timeout;               /* IN: system time, ns; 0: none */
};
PETREL_ABI_SIZE(struct sched_poll, 24);
PETREL_ABI_OFFSET(struct sched_poll, timeout, 16);

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5

#endif
