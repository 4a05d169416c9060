// SPDX-License-Identifier: MIT
/* cpio "newc" reader for dom0's initrd; see cpio.h. */
#include <string.h>
#include <public/errno.h>
#include "cpio.h"

#define FIELD_LEN       8
#define MAGIC_LEN       6
#define TRAILER         "TRAILER!!!"

/* Field indices after the magic (newc order). */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
       F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE,
       F_CHECK, NR_FIELDS };

static bool hex_field(const char *s, uint32_t *out)
{
    uint32_t v = 0;

    for (int i = 0; i < FIELD_LEN; i++) {
        char c = s[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

int cpio_next(const void *archive, size_t size, size_t *pos, struct cpio_file *f)
{
    const char *a = archive;
    size_t at = *pos, name_at, data_at, end;
    uint32_t field[NR_FIELDS];

    if (at > size || size - at < CPIO_HEADER_SIZE)
        return -XEN_EINVAL;             /* no trailer before the end */
    if (memcmp(a + at, "070701", MAGIC_LEN) && memcmp(a + at, "070702", MAGIC_LEN))
        return -XEN_EINVAL;
    for (int i = 0; i < NR_FIELDS; i++)
        if (!hex_field(a + at + MAGIC_LEN + i * FIELD_LEN, &field[i]))
            return -XEN_EINVAL;
    if (field[F_NAMESIZE] < 2 || field[F_NAMESIZE] > CPIO_NAME_MAX)
        return -XEN_EINVAL;
    name_at = at + CPIO_HEADER_SIZE;
    if (size - name_at < field[F_NAMESIZE])
        return -XEN_EINVAL;
    /* The name is exactly namesize bytes with its NUL last, none before. */
    if (a[name_at + field[F_NAMESIZE] - 1] != '\0' ||
        strlen(a + name_at) != field[F_NAMESIZE] - 1)
        return -XEN_EINVAL;
    data_at = at + pad4(CPIO_HEADER_SIZE + field[F_NAMESIZE]);
    if (data_at > size || size - data_at < field[F_FILESIZE])
        return -XEN_EINVAL;
    end = data_at + field[F_FILESIZE];
    f->name = a + name_at;
    f->data = a + data_at;
    f->size = field[F_FILESIZE];
    f->mode = field[F_MODE];
    if (!strcmp(f->name, TRAILER))
        return 0;
    /* The padding after the data may be cut off only at the very end. */
    *pos = pad4(end) <= size ? pad4(end) : size;
    return 1;
}

/* name without a leading "/" or "./" (repeated). */
static const char *skip_root(const char *name)
{
    for (;;) {
        if (name[0] == '/')
            name++;
        else if (name[0] == '.' && name[1] == '/')
            name += 2;
        else
            return name;
    }
}

int cpio_find(const void *archive, size_t size, const char *name,
              struct cpio_file *f)
{
    size_t pos = 0;
    int rc;

    name = skip_root(name);
    while ((rc = cpio_next(archive, size, &pos, f)) > 0)
        if ((f->mode & CPIO_MODE_TYPE) == CPIO_MODE_REG &&
            !strcmp(skip_root(f->name), name))
            return 0;
    return rc ? rc : -XEN_ENOENT;
}

int cpio_check(const void *archive, size_t size, size_t *bad_pos)
{
    struct cpio_file f;
    size_t pos = 0;
    int rc;

    while ((rc = cpio_next(archive, size, &pos, &f)) > 0)
        ;
    *bad_pos = pos;
    return rc;
}
