/* SPDX-License-Identifier: MIT */
/* Synchronous block I/O for dom0's own use (blkio.c): the GPT scan and
 * the shell's `disk` command. */
#ifndef DOM0_BLKIO_H
#define DOM0_BLKIO_H

#include <stdint.h>
#include "blkdev.h"

/* Read, write or flush 'sectors' sectors at 'sector' of dev from or to
 * buf (any dom0 memory: the request uses pages of its own, one segment a
 * page, and copies), waiting on the event loop for the completion: 0 or a
 * negative Xen errno. -XEN_EINVAL when the request would need more
 * segments than dev takes; -XEN_ETIMEDOUT when the device did not answer
 * within BLK_SYNC_TIMEOUT_S, or blk_timeout=SECONDS from dom0's command
 * line (buf is then left alone for good). */
#define BLK_SYNC_TIMEOUT_S      30
int blk_sync(struct blkdev *dev, enum blkdev_op op, uint64_t sector, void *buf,
             uint32_t sectors);

#endif
