# SPDX-License-Identifier: MIT
"""GPT disk images for dom0's virtio disk: tools/mkdisk (make run) and
test/run-all.py (the dom0-virtio-* scenarios) both use gpt_disk()."""
import random
import struct
import uuid
import zlib

LINUX_FS = uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4").bytes_le


def gpt_disk(sectors, parts, seed=None, damaged=False):
    """A disk image of `sectors` 512-byte sectors: a protective MBR,
    primary and backup GPT headers and entry arrays (CRC32s as UEFI 2.x
    5.3 says) and one Linux-filesystem entry per (first, last) LBA pair in
    parts. seed: partition data random from that seed; None: zeros.
    damaged: a byte of the primary header changed after its CRC."""
    img = bytearray(sectors * 512)
    struct.pack_into("<B3sB3sII", img, 446, 0, b"\0\2\0", 0xEE, b"\xff\xff\xff", 1,
                     min(sectors - 1, 0xFFFFFFFF))
    img[510:512] = b"\x55\xaa"
    entries = bytearray(128 * 128)
    rnd = random.Random(seed) if seed is not None else None
    for i, (f, last) in enumerate(parts):
        if not 34 <= f <= last <= sectors - 34:
            raise ValueError(f"partition {i + 1} ({f}..{last}) does not fit")
        struct.pack_into("<16s16sQQQ72s", entries, i * 128, LINUX_FS,
                         uuid.UUID(int=i + 1).bytes_le, f, last, 0,
                         f"part{i + 1}".encode("utf-16-le"))
        if rnd:
            img[f * 512:(last + 1) * 512] = rnd.randbytes((last + 1 - f) * 512)
    ecrc = zlib.crc32(entries)

    def header(my, alt, table):
        h = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0,
                                  my, alt, 34, sectors - 34, uuid.UUID(int=7).bytes_le,
                                  table, 128, 128, ecrc))
        struct.pack_into("<I", h, 16, zlib.crc32(h))
        return h
    img[512:512 + 92] = header(1, sectors - 1, 2)
    img[1024:1024 + len(entries)] = entries
    img[(sectors - 33) * 512:(sectors - 1) * 512] = entries
    img[(sectors - 1) * 512:(sectors - 1) * 512 + 92] = header(sectors - 1, 1, sectors - 33)
    if damaged:
        img[512 + 56] ^= 0xFF               # the disk GUID's first byte
    return bytes(img)
