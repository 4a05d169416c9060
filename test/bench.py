#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: hot-path costs, counted in instructions, on both paths.

SVM: boots Petrel in QEMU (TCG, SVM+NPT) with -icount shift=0,sleep=off, so
virtual time advances one tick per executed instruction and the guest's TSC
counts instructions. VMX: boots it in Bochs (corei7_skylake_x, VMX+EPT);
Bochs's clock (the default `clock: sync=none`) also advances one tick per
instruction, and its TSC is that clock, so the figures are instructions
there too (`ips=` only sets how many ticks make an emulated second). In
both, two bench guests (build/guests/bench.elf) run side by side under
dom0=test-all on one pCPU: the main one reads the TSC around each round
trip, the peer answers its yields and events. Prints a table of its `bench: NAME VALUE` lines,
one column per path, and exits non-zero if the guest did not report
SUCCESS on a path that ran.

Usage: bench.py [--elf build/petrel.elf] [--guest build/guests/bench.elf]
                [--timeout 300] [--markdown] [--only svm|vmx]"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = ["qemu-system-x86_64", "-machine", "q35", "-cpu", "qemu64,+svm,+npt",
        "-accel", "tcg", "-icount", "shift=0,sleep=off", "-smp", "1", "-m", "512M",
        "-display", "none", "-no-reboot", "-monitor", "none"]
# As test/run-all.py runs Bochs; one CPU, so its clock is that CPU's.
BOCHSRC = """memory: guest=256, host=256
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=corei7_skylake_x, count=1, ips=50000000
ata0-master: type=cdrom, path="{iso}", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev={serial}
display_library: rfb, options="timeout=0"
speaker: enabled=0
log: {log}
"""
DESCRIPTIONS = {
    "null-hypercall-page": "xen_version(XENVER_version) through the hypercall page",
    "null-hypercall-direct": "the same, VMMCALL/VMCALL issued directly",
    "cpuid-exit": "CPUID leaf 0x40000000 (an exit handled by Petrel)",
    "grant-map-unmap": "grant map, then unmap, of an own grant (2 hypercalls)",
    "grant-copy-64": "grant copy of 64 bytes, own grant to own gfn",
    "loop-overhead": "the measuring loop alone (not subtracted above)",
    "yield-round-trip": "SCHEDOP_yield to another domain's vCPU and back (2 vCPU switches)",
    "evtchn-round-trip": "event to another domain and back, both waiting in SCHEDOP_poll",
    "timer-latency": "one-shot timer deadline to the guest's VIRQ_TIMER handler",
}
PATHS = {"svm": "SVM (QEMU -icount)", "vmx": "VMX (Bochs)"}


def make_iso(args, tmp):
    iso = os.path.join(tmp, "bench.iso")
    # Two bench domains side by side on one pCPU: the main one measures,
    # the peer answers (test/guests/bench.c).
    subprocess.run([os.path.join(ROOT, "tools", "mkiso"), args.elf, iso,
                    "--cmdline", "console=com1 dom0=test-all",
                    "--module", args.guest, "role=main peer=1 dom.mem=32M",
                    "--module", args.guest, "role=peer peer=0 dom.mem=32M"],
                   check=True)
    return iso


def run_emulator(cmd, timeout, serial, cwd):
    """Run until the emulator exits (Petrel powers off); the serial text."""
    try:
        subprocess.run(cmd, timeout=timeout, stdout=subprocess.DEVNULL,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd)
    except subprocess.TimeoutExpired:
        print(f"bench: {cmd[0]} did not finish within {timeout} s", file=sys.stderr)
    try:
        with open(serial, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def run_svm(args, iso, tmp):
    serial = os.path.join(tmp, "svm-serial.log")
    return run_emulator(QEMU + ["-cdrom", iso, "-serial", f"file:{serial}"],
                        args.timeout, serial, tmp)


def run_vmx(args, iso, tmp):
    serial = os.path.join(tmp, "vmx-serial.log")
    rc = os.path.join(tmp, "bochsrc")
    cmds = os.path.join(tmp, "bochs-commands")
    with open(rc, "w") as f:
        f.write(BOCHSRC.format(iso=iso, serial=serial, log=os.path.join(tmp, "bochs.log")))
    with open(cmds, "w") as f:
        f.write("c\n")      # Bochs's debugger: continue, without a terminal
    return run_emulator(["bochs", "-q", "-f", rc, "-rc", cmds], args.timeout, serial, tmp)


def table(results, markdown):
    paths = list(results)
    names = []
    for _, rows in results.values():
        names += [n for n in rows if n not in names]
    if markdown:
        print("| path | " + " | ".join(PATHS[p] for p in paths) + " |")
        print("|---|" + "---|" * len(paths))
        for n in names:
            vals = " | ".join(results[p][1].get(n, "-") for p in paths)
            print(f"| {DESCRIPTIONS.get(n, n)} | {vals} |")
        return
    print(f"{'instructions per round trip':<58}" +
          "".join(f"{PATHS[p]:>20}" for p in paths))
    for n in names:
        print(f"{DESCRIPTIONS.get(n, n):<58}" +
              "".join(f"{results[p][1].get(n, '-'):>20}" for p in paths))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", default=os.path.join(ROOT, "build", "petrel.elf"))
    ap.add_argument("--guest", default=os.path.join(ROOT, "build", "guests", "bench.elf"))
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--only", choices=sorted(PATHS))
    args = ap.parse_args()
    runners = {"svm": (run_svm, "qemu-system-x86_64"), "vmx": (run_vmx, "bochs")}
    results, failed = {}, False
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        iso = make_iso(args, tmp)
        for path, (run, tool) in runners.items():
            if args.only and path != args.only:
                continue
            if not shutil.which(tool):
                print(f"bench: {tool} not installed: no {PATHS[path]} figures",
                      file=sys.stderr)
                continue
            text = run(args, iso, tmp)
            rows = dict(re.findall(r"bench: (\S+) (\d+)", text))
            results[path] = (text, rows)
            if text.count("Test result: SUCCESS") < 2 or not rows:
                tail = "\n".join(text.splitlines()[-30:])
                print(f"bench: on {PATHS[path]} the bench guest did not report SUCCESS\n"
                      f"{tail}", file=sys.stderr)
                failed = True
    table(results, args.markdown)
    print(f"({time.time() - start:.0f} s wall; QEMU -icount shift=0 and Bochs both "
          "count one TSC tick per instruction)")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
