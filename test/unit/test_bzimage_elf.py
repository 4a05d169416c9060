#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/linux/bzimage-elf on small synthetic bzImages: the setup header's
checks, each compression Python decompresses itself, a payload that is not
an ELF, and the command line's exit status and output file."""
import bz2
import gzip
import lzma
import os
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hosttool import load_tool, tool_path  # noqa: E402

TOOL = tool_path("linux/bzimage-elf")
bz = load_tool("linux/bzimage-elf", "bzimage_elf")

# A stand-in for vmlinux: an ELF magic and some bytes that compress well.
ELF = b"\x7fELF\x02\x01\x01" + bytes(9) + bytes(range(256)) * 64


def make_bzimage(payload, setup_sects=3, version=0x20F, trailer=True, pad=b"\xcc" * 0x2CC):
    """A bzImage: boot sector and setup sectors, then the protected-mode
    code: `pad` bytes of decompressor, the payload (and, as Linux's
    build does, its uncompressed size in the last 4 bytes), more code."""
    setup = bytearray((setup_sects + 1) * 512)
    setup[0x1F1] = setup_sects
    setup[0x1FE:0x200] = b"\x55\xaa"
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, version)
    body = payload + (struct.pack("<I", len(ELF)) if trailer else b"")
    struct.pack_into("<II", setup, 0x248, len(pad), len(body))
    return bytes(setup) + pad + body + b"\x90" * 100


class Header(unittest.TestCase):
    def test_xz(self):
        img = make_bzimage(lzma.compress(ELF, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32))
        elf, name = bz.extract(img)
        self.assertEqual(name, "xz")
        self.assertEqual(elf, ELF)

    def test_gzip(self):
        elf, name = bz.extract(make_bzimage(gzip.compress(ELF)))
        self.assertEqual((elf, name), (ELF, "gzip"))

    def test_bzip2(self):
        elf, name = bz.extract(make_bzimage(bz2.compress(ELF)))
        self.assertEqual((elf, name), (ELF, "bzip2"))

    def test_lzma(self):
        elf, name = bz.extract(make_bzimage(lzma.compress(ELF, format=lzma.FORMAT_ALONE)))
        self.assertEqual((elf, name), (ELF, "lzma"))

    def test_uncompressed(self):
        elf, name = bz.extract(make_bzimage(ELF, trailer=False))
        self.assertEqual((elf, name), (ELF, "none"))

    def test_setup_sects_zero_means_four(self):
        img = bytearray(make_bzimage(gzip.compress(ELF), setup_sects=4))
        img[0x1F1] = 0
        self.assertEqual(bz.extract(bytes(img))[0], ELF)

    def test_no_signature(self):
        img = bytearray(make_bzimage(gzip.compress(ELF)))
        img[0x1FE] = 0
        with self.assertRaisesRegex(bz.BzImageError, "boot signature"):
            bz.extract(bytes(img))

    def test_no_hdrs(self):
        img = bytearray(make_bzimage(gzip.compress(ELF)))
        img[0x202:0x206] = b"HdrX"
        with self.assertRaisesRegex(bz.BzImageError, "HdrS"):
            bz.extract(bytes(img))

    def test_old_protocol(self):
        with self.assertRaisesRegex(bz.BzImageError, "2.08 needed"):
            bz.extract(make_bzimage(gzip.compress(ELF), version=0x207))

    def test_payload_outside(self):
        img = bytearray(make_bzimage(gzip.compress(ELF)))
        struct.pack_into("<I", img, 0x24C, len(img))
        with self.assertRaisesRegex(bz.BzImageError, "outside the file"):
            bz.extract(bytes(img))

    def test_short(self):
        with self.assertRaisesRegex(bz.BzImageError, "too short"):
            bz.extract(b"\x00" * 100)

    def test_unknown_compression(self):
        with self.assertRaisesRegex(bz.BzImageError, "unknown payload compression"):
            bz.extract(make_bzimage(b"\x12\x34\x56\x78" * 8))

    def test_not_elf(self):
        with self.assertRaisesRegex(bz.BzImageError, "not decompress to an ELF"):
            bz.extract(make_bzimage(gzip.compress(b"not an elf at all" * 10)))

    def test_corrupt_xz(self):
        data = bytearray(lzma.compress(ELF, format=lzma.FORMAT_XZ))
        data[20] ^= 0xFF
        with self.assertRaisesRegex(bz.BzImageError, "xz payload"):
            bz.extract(make_bzimage(bytes(data)))


class CommandLine(unittest.TestCase):
    def test_writes_elf(self):
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "vmlinuz"), os.path.join(d, "vmlinux.elf")
            with open(src, "wb") as f:
                f.write(make_bzimage(lzma.compress(ELF, format=lzma.FORMAT_XZ)))
            r = subprocess.run([sys.executable, TOOL, src, dst],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("xz payload", r.stderr)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), ELF)

    def test_error_leaves_no_file(self):
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "vmlinuz"), os.path.join(d, "vmlinux.elf")
            with open(src, "wb") as f:
                f.write(b"\x00" * 4096)
            r = subprocess.run([sys.executable, TOOL, src, dst],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("boot signature", r.stderr)
            self.assertFalse(os.path.exists(dst))


if __name__ == "__main__":
    unittest.main()
