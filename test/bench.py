#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: hot-path costs, counted in instructions.

Boots Petrel in QEMU (TCG, SVM+NPT) with -icount shift=0,sleep=off, so
virtual time advances one tick per executed instruction and the guest's TSC
counts instructions: the bench guest (build/guests/bench.elf, run as dom0)
reads it around each round trip. Prints a table of its `bench: NAME VALUE`
lines and exits non-zero if the guest did not report SUCCESS.

Usage: bench.py [--elf build/petrel.elf] [--guest build/guests/bench.elf]
                [--timeout 300] [--markdown]"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = ["qemu-system-x86_64", "-machine", "q35", "-cpu", "qemu64,+svm,+npt",
        "-accel", "tcg", "-icount", "shift=0,sleep=off", "-smp", "1", "-m", "512M",
        "-display", "none", "-no-reboot", "-monitor", "none"]
DESCRIPTIONS = {
    "null-hypercall-page": "xen_version(XENVER_version) through the hypercall page",
    "null-hypercall-direct": "the same, VMMCALL issued directly",
    "cpuid-exit": "CPUID leaf 0x40000000 (an exit handled by Petrel)",
    "loop-overhead": "the measuring loop alone (not subtracted above)",
}


def run(args):
    with tempfile.TemporaryDirectory() as tmp:
        iso = os.path.join(tmp, "bench.iso")
        log = os.path.join(tmp, "serial.log")
        subprocess.run([os.path.join(ROOT, "tools", "mkiso"), args.elf, iso,
                        "--cmdline", "console=com1 dom0_mem=64M",
                        "--module", args.guest], check=True)
        cmd = QEMU + ["-cdrom", iso, "-serial", f"file:{log}"]
        start = time.time()
        try:
            subprocess.run(cmd, timeout=args.timeout, stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT)
        except subprocess.TimeoutExpired:
            print(f"bench: QEMU did not finish within {args.timeout} s", file=sys.stderr)
        with open(log, errors="replace") as f:
            text = f.read()
    return text, time.time() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", default=os.path.join(ROOT, "build", "petrel.elf"))
    ap.add_argument("--guest", default=os.path.join(ROOT, "build", "guests", "bench.elf"))
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    text, secs = run(args)
    rows = re.findall(r"bench: (\S+) (\d+)", text)
    ok = "Test result: SUCCESS" in text
    if args.markdown:
        print("| path | instructions per round trip |\n|---|---|")
        for name, val in rows:
            print(f"| {DESCRIPTIONS.get(name, name)} | {val} |")
    else:
        print(f"{'path':<64} instructions")
        for name, val in rows:
            print(f"{DESCRIPTIONS.get(name, name):<64} {val:>12}")
    print(f"(QEMU -icount shift=0, SVM+NPT, {secs:.0f} s wall)")
    if not ok or not rows:
        tail = "\n".join(text.splitlines()[-30:])
        print(f"bench: the bench guest did not report SUCCESS\n{tail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
