/* SPDX-License-Identifier: MIT */
/*
 * Reading a cpio archive in the "newc" format (what dom0's initrd is):
 * each member is a 110-byte ASCII header ("070701" or "070702", then 13
 * eight-digit hex fields), its NUL-ended name padded to a multiple of 4
 * bytes counted from the header's start, then its data padded to 4. The
 * member named "TRAILER!!!" ends the archive. Pure code: it only reads the
 * buffer it is given, and never past its size.
 */
#ifndef DOM0_CPIO_H
#define DOM0_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE    110
#define CPIO_NAME_MAX       4096        /* longer names are refused */

#define CPIO_MODE_TYPE      0170000
#define CPIO_MODE_REG       0100000
#define CPIO_MODE_DIR       0040000

struct cpio_file {
    const char *name;           /* NUL-ended, inside the archive */
    const void *data;           /* inside the archive */
    size_t size;
    uint32_t mode;              /* type and permission bits */
};

/*
 * The member at *pos (0 for the first) into *f, and *pos moved past it.
 * Returns 1 for a member, 0 at the trailer (the end of the archive), or
 * -XEN_EINVAL when the header is malformed (bad magic, a field that is not
 * eight hex digits, an empty name or one without its NUL where namesize
 * says, a name or data running past the buffer, an archive without a
 * trailer); *pos then stays where the bad header starts.
 */
int cpio_next(const void *archive, size_t size, size_t *pos, struct cpio_file *f);

/* The regular file called name (a leading "/" or "./" in either the
 * archive or the name is ignored). 0, -XEN_ENOENT, or cpio_next()'s error
 * for a malformed archive before the file is found. */
int cpio_find(const void *archive, size_t size, const char *name,
              struct cpio_file *f);

/* Whether every member up to the trailer parses: 0 or -XEN_EINVAL, with
 * *bad_pos at the first bad header. */
int cpio_check(const void *archive, size_t size, size_t *bad_pos);

#endif
