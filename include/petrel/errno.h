/* SPDX-License-Identifier: MIT */
/* Error numbers: Xen's values (which are Linux's), returned negated. */
#ifndef PETREL_ERRNO_H
#define PETREL_ERRNO_H

#define EPERM       1
#define ENOENT      2
#define ESRCH       3
#define EINTR       4
#define EIO         5
#define E2BIG       7
#define EAGAIN      11
#define ENOMEM      12
#define EACCES      13
#define EFAULT      14
#define EBUSY       16
#define EEXIST      17
#define ENODEV      19
#define EINVAL      22
#define ENOSPC      28
#define ERANGE      34
#define ENOSYS      38
#define ENODATA     61
#define ETIME       62
#define EOVERFLOW   75
#define EOPNOTSUPP  95
#define ETIMEDOUT   110

#endif
