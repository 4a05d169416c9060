#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/linux/mkinitramfs's module order on synthetic module trees: each
module after what its .modinfo `depends=` names, dashes and underscores
alike, absent wanted modules skipped (built in), a missing dependency, a
cycle and two kernels' trees refused; and a whole initramfs from a fake
LINUXDIR: /init a link to busybox, /etc's files, /lib/modules/order."""
import gzip
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hosttool import ROOT, load_tool, tool_path  # noqa: E402

TOOL = tool_path("linux/mkinitramfs")
mk = load_tool("linux/mkinitramfs", "mkinitramfs")


def ko(depends, extra=b""):
    """A stand-in .ko: some bytes, then a .modinfo-like run of NUL-ended
    key=value strings (depends=None: no depends entry at all)."""
    info = b"license=GPL\0" + extra
    if depends is not None:
        info += b"depends=" + depends.encode() + b"\0"
    return b"\x7fELF" + bytes(60) + b"\0" + info + b"vermagic=6.1.0 SMP\0"


class Tree:
    def __init__(self, mods, release="6.1.0-test"):
        self.tmp = tempfile.TemporaryDirectory()
        self.linux = self.tmp.name
        self.kernel = os.path.join(self.linux, "kernel", "lib", "modules", release, "kernel")
        for rel, depends in mods.items():
            self.add(rel, depends)

    def add(self, rel, depends, release=None):
        base = self.kernel if release is None else os.path.join(
            self.linux, "kernel", "lib", "modules", release, "kernel")
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(ko(depends))
        return path

    def names(self, wanted):
        return [os.path.basename(p)[:-3] for p in mk.load_order(self.linux, wanted)]


EXT4 = {
    "fs/ext4/ext4.ko": "jbd2,mbcache,crc16",
    "fs/jbd2/jbd2.ko": "",
    "fs/mbcache.ko": None,
    "lib/crc16.ko": "",
    "drivers/block/xen-blkfront.ko": "",
}


class Order(unittest.TestCase):
    def test_dependencies_first(self):
        t = Tree(EXT4)
        self.assertEqual(t.names(["drivers/block/xen-blkfront.ko", "fs/ext4/ext4.ko"]),
                         ["xen-blkfront", "jbd2", "mbcache", "crc16", "ext4"])

    def test_each_once_and_deep(self):
        t = Tree({"a.ko": "b,c", "b.ko": "c", "c.ko": "d_e", "d-e.ko": ""})
        self.assertEqual(t.names(["a.ko", "b.ko", "c.ko"]), ["d-e", "c", "b", "a"])

    def test_absent_wanted_is_built_in(self):
        t = Tree(EXT4)
        self.assertEqual(t.names(["drivers/net/xen-netfront.ko", "lib/crc16.ko"]), ["crc16"])

    def test_missing_dependency(self):
        t = Tree({"fs/ext4/ext4.ko": "jbd2,mbcache", "fs/mbcache.ko": ""})
        with self.assertRaisesRegex(ValueError, r"jbd2 \(needed by ext4\) not found"):
            t.names(["fs/ext4/ext4.ko"])

    def test_cycle(self):
        t = Tree({"a.ko": "b", "b.ko": "a"})
        with self.assertRaisesRegex(ValueError, "depend on each other: a b a"):
            t.names(["a.ko"])

    def test_two_kernels(self):
        t = Tree(EXT4)
        t.add("lib/crc16.ko", "", release="6.1.0-other")
        with self.assertRaisesRegex(ValueError, "several kernels"):
            t.names(["lib/crc16.ko"])

    def test_depends_value_only(self):
        t = Tree({})
        path = t.add("x.ko", "p,q")
        self.assertEqual(mk.modinfo_depends(path), ["p", "q"])
        with open(path, "wb") as f:      # "xdepends=" is another key
            f.write(ko(None, extra=b"xdepends=zz\0"))
        self.assertEqual(mk.modinfo_depends(path), [])


def read_cpio(data):
    """name -> (mode, body) of a newc archive."""
    out, at = {}, 0
    while True:
        assert data[at:at + 6] == b"070701"
        f = [int(data[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = f[1], f[6], f[11]
        at += 110
        name = data[at:at + namesize - 1].decode()
        at += namesize + (-(110 + namesize) % 4)
        if name == "TRAILER!!!":
            return out
        out[name] = (mode, data[at:at + size])
        at += size + (-size % 4)


class Whole(unittest.TestCase):
    def test_archive(self):
        t = Tree(EXT4)
        bb = os.path.join(t.linux, "busybox", "bin", "busybox")
        os.makedirs(os.path.dirname(bb))
        with open(bb, "wb") as f:
            f.write(b"\x7fELF busybox")
        out = os.path.join(t.linux, "out.cpio.gz")
        r = subprocess.run([sys.executable, TOOL, t.linux, out], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            files = read_cpio(gzip.decompress(f.read()))
        self.assertEqual(files["init"], (0o120777, b"bin/busybox"))
        self.assertEqual(files["bin/busybox"][1], b"\x7fELF busybox")
        for name, src, mode in mk.ETC:
            with open(os.path.join(ROOT, "tools", "linux", src), "rb") as f:
                self.assertEqual(files[name], (0o100000 | mode, f.read()))
        self.assertEqual(files["lib/modules/order"][1],
                         b"xen-blkfront.ko\njbd2.ko\nmbcache.ko\ncrc16.ko\next4.ko\n")
        self.assertIn("lib/modules/ext4.ko", files)
        self.assertIn("sysinit:/etc/init.d/rcS", files["etc/inittab"][1].decode())

    def test_missing_dependency_fails(self):
        t = Tree({"fs/ext4/ext4.ko": "jbd2"})
        bb = os.path.join(t.linux, "busybox", "bin", "busybox")
        os.makedirs(os.path.dirname(bb))
        open(bb, "wb").close()
        r = subprocess.run([sys.executable, TOOL, t.linux, os.path.join(t.linux, "o.gz")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("jbd2 (needed by ext4) not found", r.stderr)


if __name__ == "__main__":
    unittest.main()
