#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Which QEMU accelerator the tests and `make run` use (docs/kvm.md).

KVM (`-accel kvm -cpu host`) when /dev/kvm can be opened, /proc/cpuinfo's
flags show svm or vmx (so the CPU KVM passes on can run Petrel, which needs
one of them), and kvm_amd's or kvm_intel's `nested` parameter, where the
module says, is on; else TCG (`-accel tcg -cpu qemu64,+svm,+npt`). A
/dev/kvm on a CPU without svm/vmx (a VM without nesting) is not enough.
PETREL_ACCEL=tcg or =kvm overrides the choice (kvm still needs /dev/kvm).

As a command: prints "kvm" or "tcg" on stdout and why on stderr
(tools/run-qemu). As a module: detect() and qemu_args()."""
import os
import sys

TCG_CPU = "qemu64,+svm,+npt"


def cpu_flags(cpuinfo):
    """The union of every CPU's flags in a /proc/cpuinfo text."""
    flags = set()
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "flags":
            flags.update(value.split())
    return flags


def nested_off(sysfs):
    """Why KVM will not nest, from /sys/module/kvm_{amd,intel}/parameters/
    nested under sysfs, or None (on, or no module says)."""
    for mod in ("kvm_amd", "kvm_intel"):
        path = os.path.join(sysfs, "module", mod, "parameters", "nested")
        try:
            with open(path) as f:
                value = f.read().strip()
        except OSError:
            continue
        if value in ("0", "N", "n"):
            return f"{mod} is loaded with nested={value}"
    return None


def detect(kvm="/dev/kvm", cpuinfo="/proc/cpuinfo", sysfs="/sys", env=None):
    """('kvm' or 'tcg', why)."""
    env = os.environ if env is None else env
    want = env.get("PETREL_ACCEL", "")
    if want == "tcg":
        return "tcg", "PETREL_ACCEL=tcg"
    if want not in ("", "kvm"):
        return "tcg", f"PETREL_ACCEL={want!r} is neither kvm nor tcg"
    if not os.path.exists(kvm):
        return "tcg", f"no {kvm}"
    if not os.access(kvm, os.R_OK | os.W_OK):
        return "tcg", f"{kvm} cannot be opened read-write by this user"
    try:
        with open(cpuinfo) as f:
            flags = cpu_flags(f.read())
    except OSError as e:
        return "tcg", f"{cpuinfo} unreadable ({e.strerror})"
    have = sorted(flags & {"svm", "vmx"})
    if not have:
        return "tcg", (f"{kvm} exists but {cpuinfo} shows neither svm nor vmx: "
                       "KVM could not give Petrel a CPU with either")
    off = nested_off(sysfs)
    if off:
        return "tcg", f"{kvm} and {have[0]}, but {off}"
    return "kvm", f"{kvm} and the CPU's {have[0]} flag"


def qemu_args(accel, cpu=None):
    """QEMU's -accel and -cpu arguments. A scenario that names its CPU
    model (cpu) runs it under TCG whatever the machine: the model, not the
    host's CPU, is what it tests."""
    if accel == "kvm" and cpu is None:
        return ["-accel", "kvm", "-cpu", "host"]
    return ["-accel", "tcg", "-cpu", cpu or TCG_CPU]


if __name__ == "__main__":
    accel, why = detect()
    print(accel)
    print(f"accel: {accel.upper()} ({why})", file=sys.stderr)
