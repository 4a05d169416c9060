/* SPDX-License-Identifier: MIT */
/* sched_op(cmd, arg): yield, block, shutdown, poll. */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H

#include <stdint.h>

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

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5

#endif
