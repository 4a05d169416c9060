#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Petrel's test runner: host unit tests, then the boot matrix.

`make test` builds build/petrel.elf, build/petrel.iso and build/unit/*, then
runs this script. It prints one line per test and ends with exactly one line
`N passed, N failed` (`, N skipped` added when some were skipped); the exit
status is 0 only when nothing failed.

The boot matrix boots the hypervisor in QEMU (TCG, SVM+NPT, SeaBIOS or OVMF)
and in Bochs (VMX+EPT), reads the serial console as it arrives and decides as
soon as the verdict is known. Each scenario's serial output is kept in
build/test-logs/<scenario>.log. See SCENARIOS below for the matrix and
`Judge` for what Petrel is expected to print.

Guest scenarios (guest-<name>-bios, guest-<name>-ovmf under QEMU on SVM,
guest-<name>-bochs under Bochs on VMX) boot Petrel with a test guest,
build/guests/<name>.elf (`make guests`), as the first multiboot2 module,
which Petrel starts as dom0; `GuestJudge` says what they expect
(docs/test-guests.md). A guest that reports SKIP counts as skipped, and so
does a scenario marked with the emulator limit that keeps it from passing.

Multi-domain scenarios (DOMAIN_TESTS: guest-<name>-bios on QEMU/SVM,
guest-<name>-bochs on Bochs/VMX, both with 2 CPUs) boot Petrel with
dom0=test-all and one or more guests as modules, each a domain of its own;
`DomainsJudge` wants every domain's SUCCESS, shutdown and destruction, all
memory back, and the scenario's own check (sched-weight's ratio, affinity's
pCPU list, pvclock's pCPU moves).

Options:
  --only REGEX   run only the tests whose name matches REGEX (re.search);
                 unit tests are named unit/<binary>
  -j N           run N emulators at once (default 2)
  --keep-logs    also keep the emulator's own output, the generated bochsrc
                 and so on for passing scenarios (always kept on failure)
  --list         list the selected tests and exit
  --elf FILE     boot FILE instead of build/petrel.elf
"""
import argparse
import concurrent.futures
import hashlib
import importlib.util
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
CACHE = os.path.join(BUILD, "test")         # ISOs, bochsrc, firmware vars
LOGS = os.path.join(BUILD, "test-logs")
MKISO = os.path.join(ROOT, "tools", "mkiso")

QEMU = "qemu-system-x86_64"
QEMU_CPU = "qemu64,+svm,+npt"
QEMU_WHY = "qemu-why.log"       # in the scratch dir: see qemu_command
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
BOCHS = "bochs"
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/vgabios/vgabios.bin"
BOCHS_CPU = "corei7_skylake_x"          # VMX with EPT, VPID, unrestricted guest
# Bochs's notion of instructions per second. Its clock follows executed
# instructions, so this sets how much guest time one instruction takes, not
# how fast Bochs runs; 50 M is what the reference measurements used.
BOCHS_IPS = 50_000_000

# Plausibility bound for "M MiB free" on the ready line, for a guest with R MiB
# of RAM:   R * FREE_MIN_FRACTION - FREE_RESERVE_MIB <= M <= R
# (the lower bound rounded down to whole MiB).
# The fraction covers firmware holes and reservations (the PCI hole, ACPI,
# OVMF's own allocations), the reserve the hypervisor's image, page tables,
# per-CPU stacks and the frame allocator's own metadata.
FREE_MIN_FRACTION = 0.70
FREE_RESERVE_MIB = 40

# After the ready line, how long to keep listening for a crash before passing.
READY_GRACE_S = 1.0
# After the long-mode fatal message, how long the machine must stay halted
# (no second message, no reset) for the scenario to pass.
HALT_SETTLE_S = 3.0
# Lines of a failing scenario's serial log printed on the terminal.
TAIL_LINES = 30

DEFAULT_CMDLINE = "console=com1"

READY_RE = re.compile(r"petrel: ready: (\d+) CPUs?, (\d+) MiB free")
STAMP_RE = re.compile(r"\(petrel\) \[\s*(\d+\.\d+)\]\s*petrel: ready:")
# A line with PANIC or panic fails a scenario that does not expect a panic;
# "panic=" is the command-line option (echoed in the command line), not one.
PANIC_RE = re.compile(r"PANIC|panic(?!=)")
FATAL_LM = "petrel: fatal: CPU lacks long mode (x86-64)"
POWEROFF_MSG = "petrel: powering off"
# An ACPI S5 poweroff ends QEMU with status 0, and Bochs with status 1 after
# printing this (it logs the poweroff as a "panic" of its ACPI device).
# Bochs 2.7 was also seen to crash (SIGSEGV) in its own exit path right
# after printing it: the message, not the status, proves the poweroff.
BOCHS_POWEROFF = "ACPI control: soft power off"
REBOOT_MSG = "petrel: rebooting"

# Guest scenarios: what Petrel and the test guests print.
GUESTS = os.path.join(BUILD, "guests")
GUEST_CMDLINE = "console=com1 dom0=test dom0_mem=128M"
NOTHING_TO_RUN = "petrel: nothing to run"
# After dom0 ends, Petrel destroys it and compares the free memory with what
# it was before dom0 was built: one of these two lines follows.
MEMORY_BACK = "petrel: domain 0 destroyed, all its memory returned"
MEMORY_LEAK_RE = re.compile(r"petrel: domain 0 destroyed, but (\d+) frames were not returned")
RESULT_RE = re.compile(r"Test result: (SUCCESS|FAILURE|SKIP|ERROR)\b")
GUEST_WHY_RE = re.compile(r"(FAIL: .*|Test skipped: .*|Test error: .*|"
                          r"unexpected exception: .*)")
DOM_SHUTDOWN_RE = re.compile(r"petrel: domain 0 shut down: (\S+) code (-?\d+)")
DOM_CRASH_RE = re.compile(r"petrel: domain 0 crashed(.*)")


class Scenario:
    """One boot of the hypervisor and what it must print.

    expect is one of:
      ready     boot to the ready line with `cpus` CPUs and plausible memory
      poweroff  ready, then "petrel: powering off", and the emulator exits
                for a poweroff (QEMU: status 0; Bochs: see BOCHS_POWEROFF)
      reboot    ready, then "petrel: rebooting", and the emulator exits
                (QEMU runs with -no-reboot)
      fatal     the long-mode fatal message exactly once, then a halt
      panic     ready, then the page-fault panic report, then a reset
      silent    no line of Petrel's at all (console=none), and the emulator
                exits for a poweroff (noguest=poweroff)
      refuse    a panic line matching `marker` before any ready line
                (Petrel refuses to boot, e.g. iommu=force without an
                IOMMU), then a halt or a reset
      guest     the test guest `module` runs as dom0, prints "Test result:
                SUCCESS" and shuts down; Petrel powers off (GuestJudge)
      guest-crash  the test guest prints `marker`, then Petrel crashes
                dom0 and powers off (GuestJudge)
      domains   `modules`, a list of (guest ELF, command line), run side by
                side under dom0=test-all, domain i from module i; each
                prints "Test result: SUCCESS" and shuts down, then Petrel
                says all their memory came back and powers off
                (DomainsJudge); `check`, when set (here and for "guest"
                scenarios too), is called with the judge
                at the end and returns None or why the scenario fails.
    must_see lists regexes that must have appeared by the ready line.
    input, a list of (regex, bytes), is typed on the serial console: each
    step waits for a line matching its regex (after the one before it),
    then sends its bytes (None: nothing, the line is only awaited); the
    scenario fails if its verdict would pass before every step was met.
    skip, when set, says why the scenario cannot pass on its emulator: it
    is reported as skipped with that reason, not run.
    devices, when set, is called with the scenario's scratch directory
    (empty, the emulator's working directory) before QEMU starts and
    returns extra QEMU arguments (disks, NICs; it may create their image
    files there). sc.scratch names that directory while the scenario runs,
    so that `check` can read the images after the emulator has exited."""

    def __init__(self, name, emulator, firmware="bios", smp=2, mem=1024,
                 cmdline=DEFAULT_CMDLINE, cpu=None, expect="ready",
                 cpus=None, must_see=(), timeout=None, module=None,
                 module_args="", marker=None, skip=None, modules=None,
                 check=None, input=(), machine="q35", devices=None):
        self.name = name
        self.devices = devices          # scratch dir -> [QEMU args]
        self.scratch = None             # set by run_scenario
        self.machine = machine          # QEMU's -machine
        self.input = list(input)        # [(regex, bytes or None)], in order
        self.modules = modules          # "domains": [(ELF, cmdline)], in order
        self.check = check              # "domains": extra check at the end
        self.module = module            # multiboot2 module 1 (dom0), or None
        self.module_args = module_args  # its command line
        self.marker = marker            # guest-crash: printed before the crash
        self.skip = skip                # why it cannot pass here (an emulator limit)
        self.emulator = emulator
        self.firmware = firmware
        self.smp = smp
        self.mem = mem
        self.cmdline = cmdline
        self.cpu = cpu
        self.expect = expect
        self.cpus = smp if cpus is None else cpus
        self.must_see = list(must_see)
        if timeout is None:
            timeout = {("qemu", "bios"): 60, ("qemu", "ovmf"): 120,
                       ("bochs", "bios"): 240}[(emulator, firmware)]
        self.timeout = timeout

    def describe(self):
        fw = "Bochs BIOS" if self.emulator == "bochs" else self.firmware
        mod = ""
        if self.module:
            mod = f" module={rel(self.module)}"
            if self.module_args:
                mod += f" {self.module_args!r}"
        for path, margs in self.modules or ():
            mod += f" module={os.path.basename(path)}"
            if margs:
                mod += f" {margs!r}"
        return (f"{self.emulator}/{fw} smp={self.smp} mem={self.mem}M "
                f"cmdline={self.cmdline!r}{mod} expect={self.expect}")

    def iso_key(self):
        """What the scenario's ISO is built from, besides the ELF: the
        command line and a tuple of (module, its command line)."""
        if self.modules:
            return (self.cmdline, tuple(self.modules))
        if self.module:
            return (self.cmdline, ((self.module, self.module_args),))
        return (self.cmdline, ())


def S(*a, **k):
    return Scenario(*a, **k)


SCENARIOS = [
    S("qemu-bios-smp1-128M", "qemu", smp=1, mem=128),
    S("qemu-bios-smp2-1G", "qemu", smp=2, mem=1024),
    # q35 with more than 2.75 GiB puts 2 GiB below 4 GiB and the rest above.
    S("qemu-bios-smp4-4G", "qemu", smp=4, mem=4096),
    # OVMF (Debian 12, 2022.11) boots GRUB and the hypervisor in 128 MiB.
    S("qemu-ovmf-smp1-128M", "qemu", "ovmf", smp=1, mem=128),
    S("qemu-ovmf-smp2-1G", "qemu", "ovmf", smp=2, mem=1024),
    S("qemu-ovmf-smp4-4G", "qemu", "ovmf", smp=4, mem=4096),
    # Debian's Bochs 2.7 is built with SMP support ("cpu: count=2" works).
    S("bochs-vmx-smp1-1G", "bochs", smp=1, mem=1024),
    S("bochs-vmx-smp2-1G", "bochs", smp=2, mem=1024),
    # A Core 2 has VMX but neither EPT nor unrestricted guest: Petrel must
    # say what is missing and that no vendor is usable, then still boot.
    S("bochs-vmx-no-ept", "bochs", smp=1, mem=1024, cpu="core2_penryn_t9600",
      must_see=[r"VMX: this CPU lacks EPT, which Petrel needs",
                r"VMX: this CPU lacks unrestricted guest, which Petrel needs",
                r"HVM: no usable SVM \(with NPT\) or VMX"]),
    S("cmdline-smp1", "qemu", smp=4, mem=1024,
      cmdline="console=com1 smp=1", cpus=1),
    S("cmdline-unknown", "qemu", smp=2, mem=1024,
      cmdline="console=com1 frobnicate=7",
      must_see=[r"unknown option 'frobnicate' ignored"]),
    S("poweroff", "qemu", smp=2, mem=1024,
      cmdline="console=com1 noguest=poweroff", expect="poweroff"),
    S("reboot", "qemu", smp=2, mem=1024,
      cmdline="console=com1 noguest=reboot", expect="reboot"),
    S("no-long-mode", "qemu", smp=1, mem=1024, cpu="qemu32", expect="fatal"),
    S("fault-panic", "qemu", smp=2, mem=1024,
      cmdline="console=com1 selftest=fault panic=reboot", expect="panic"),
]

# The console on real machines (docs/console.md): the UART's base given
# explicitly, a UART at a port no COM port uses (QEMU's COM1 moved there:
# input polled, no IRQ known), and no console at all.
SCENARIOS += [
    S("console-com1-explicit", "qemu", cmdline="console=com1 com1=115200,8n1,0x3f8 "
      "noguest=poweroff", expect="poweroff", must_see=[r"console: input by IRQ 4"]),
    S("console-com1-at-0x500", "qemu", cmdline="console=com1 com1=115200,8n1,0x500 "
      "noguest=poweroff", expect="poweroff",
      devices=lambda scratch: ["-global", "isa-serial.iobase=0x500"],
      must_see=[r"command line: console=com1 com1=115200,8n1,0x500",
                r"console: a UART with no known IRQ; input polled"]),
    S("console-bad-base", "qemu", cmdline="console=com1 com1=115200,8n1,mmio32:0xfe030002",
      must_see=[r"bad value '115200,8n1,mmio32:0xfe030002' for option 'com1' ignored"]),
    S("console-none-poweroff", "qemu", cmdline="console=none noguest=poweroff",
      expect="silent"),
    # A PCI serial card (QEMU's pci-serial, 1b36:0002) as the only UART.
    S("console-pci-card", "qemu", cmdline="console=com1 com1=115200,8n1,pci "
      "noguest=poweroff", expect="poweroff",
      devices=lambda scratch: ["-device", "pci-serial,chardev=ser0"],
      must_see=[r"console: PCI serial card 00:\w\w\.\d \(1b36:0002\) at I/O port 0x",
                r"console: a UART with no known IRQ; input polled"]),
    # dom0 on it: typed input (polled) reaches dom0's shell, and dom0's
    # lspci does not list the card Petrel keeps.
    S("console-pci-card-dom0", "qemu", expect="dom0-typing",
      cmdline="console=com1 com1=115200,8n1,pci",
      modules=[(os.path.join(BUILD, "dom0", "dom0.elf"), ""),
               (os.path.join(BUILD, "dom0", "initrd.cpio"), "")],
      devices=lambda scratch: ["-device", "pci-serial,chardev=ser0"],
      input=[(r"^dom0# $", b"lspci\r"), (r"^00:02\.0 8086:10d3 ", None),
             (r"^dom0# $", b"poweroff\r"), (r"^dom0: powering off", None)],
      check=lambda j: next((f"dom0 sees the console's card: {l}" for l in j.lines
                            if re.match(r"^[0-9a-f]{2}:[0-9a-f]{2}\.\d 1b36:0002", l)), None)),
    S("console-pci-none", "qemu", cmdline="console=com1 com1=115200,8n1,pci",
      must_see=[r"console: no PCI 16550 serial card found .*; using the legacy port 0x3f8"]),
    # The VGA text screen beside COM1 (its content: test_vga), and its
    # refusal under UEFI; two UARTs in console= are refused.
    S("console-vga-bios", "qemu", cmdline="console=com1,vga noguest=poweroff",
      expect="poweroff", must_see=[r"console: VGA text screen 80x25 at 0xb8000"]),
    S("console-vga-ovmf", "qemu", "ovmf", cmdline="console=com1,vga noguest=poweroff",
      expect="poweroff", must_see=[r"console: console=vga: no VGA text mode under UEFI"]),
    S("console-bad-list", "qemu", cmdline="console=com1,com2",
      must_see=[r"bad value 'com1,com2' for option 'console' ignored"]),
    # What a real machine may lack, said in words a user can act on.
    S("cpu-no-svm-vmx", "qemu", cpu="qemu64,-svm",
      must_see=[r"CPU: neither AMD SVM nor Intel VT-x \(VMX\) is offered: Petrel cannot "
                r"run guests here; this CPU is virtual: give the VM nested virtualization",
                r"HVM: no usable SVM \(with NPT\) or VMX",
                r"IOMMU: if this machine has one, turn on VT-d \(Intel\) or the IOMMU"]),
    S("cpu-svm-no-npt", "qemu", cpu="qemu64",
      must_see=[r"SVM: this CPU lacks nested paging \(NPT\), which Petrel needs",
                r"HVM: no usable SVM \(with NPT\) or VMX"]),
]

# Test guests (test/guests/<name>.c), each booted as dom0 on SeaBIOS and on
# OVMF: (name, the guest's command line, expect, marker for guest-crash).
# bench is not here: it measures, it does not test (make bench).
# GUEST_CPU: a guest that needs a CPU feature qemu64 lacks could get it here.
# (xsetbv skips on qemu64, which has no XSAVE; with "+xsave" QEMU 7.2's SVM
# refused VMRUN (VMEXIT_INVALID) early in the guest: not understood yet.)
GUEST_CPU = {}
GUEST_TESTS = [
    ("hello", "", "guest", None),
    ("framework", "", "guest", None),
    ("cpuid", "", "guest", None),
    ("msr", "", "guest", None),
    ("memory", "expect_mem_mib=128", "guest", None),
    ("hypercall-bad", "", "guest", None),
    ("io", "", "guest", None),
    ("cr", "", "guest", None),
    ("long-run", "", "guest", None),
    ("xsetbv", "", "guest", None),
    ("evtchn-ops", "", "guest", None),
    ("domctl", "", "guest", None),
    ("vcpu-op", "dom.vcpus=2", "guest", None),
    ("vlapic", "", "guest", None),
    ("vlapic-smp", "dom.vcpus=2", "guest", None),
    ("npf", "", "guest-crash",
     r"npf: touching unmapped guest-physical 0xd0000000"),
    ("mmio-bad", "", "guest-crash",
     r"mmio-bad: adding to the vLAPIC TPR at 0xfee00080"),
    ("triple-fault", "", "guest-crash",
     r"triple-fault: loading an empty IDT and executing ud2"),
]
# Guest command lines that differ under Bochs. Bochs executes about 50 M
# guest instructions per second: long-run's default 500 M iterations of its
# 34-instruction loop (twice) would take 12 minutes; 10 M still sees about
# 700 timer exits per loop (one per 500 k instructions at ips=50M).
BOCHS_GUEST_ARGS = {
    "long-run": "iterations=10000000",
}
# Guests that cannot pass under QEMU, and why (reported as skipped).
QEMU_GUEST_LIMITS = {
    "cr": "QEMU TCG does not check a nested guest's MOV to CR0 (it takes bits "
          "63:32, NW without CD, PG off in 64-bit mode) and SVM does not "
          "intercept CR0 writes yet",
}
for _name, _args, _expect, _marker in GUEST_TESTS:
    for _fw in ("bios", "ovmf"):
        SCENARIOS.append(S(f"guest-{_name}-{_fw}", "qemu", _fw, smp=2, mem=512,
                           cmdline=GUEST_CMDLINE, expect=_expect,
                           cpu=GUEST_CPU.get(_name),
                           module=os.path.join(GUESTS, _name + ".elf"),
                           module_args=_args, marker=_marker,
                           skip=QEMU_GUEST_LIMITS.get(_name)))
    # The same guest on the VMX path: Bochs, one CPU, its own BIOS.
    SCENARIOS.append(S(f"guest-{_name}-bochs", "bochs", smp=1, mem=256,
                       cmdline=GUEST_CMDLINE, expect=_expect,
                       module=os.path.join(GUESTS, _name + ".elf"),
                       module_args=BOCHS_GUEST_ARGS.get(_name, _args),
                       marker=_marker))


# The control domain's PCI devices (docs/pci.md). pci-edu drives QEMU's
# edu device as dom0 on both firmwares; edu's DMA engine masks addresses to
# 28 bits unless told otherwise, and dom0's pages may lie higher.
def edu_devices(scratch):
    return ["-device", "edu,dma_mask=4294967295"]


def edu_released(judge):
    """pci-edu leaves its pirq mapped: destroying dom0 must switch the
    device's MSI off (Petrel reads the enable bit back and says so)."""
    left = [i for i, l in enumerate(judge.lines) if "pci-edu: leaving pirq" in l
            or "(d0) leaving pirq" in l]
    off = [i for i, l in enumerate(judge.lines)
           if re.search(r"PCI [0-9a-f]{2}:[0-9a-f]{2}\.0: MSI disabled: domain 0's pirq \d+ "
                        r"released", l)]
    if not left or not off or off[0] < left[0]:
        return "no 'MSI disabled: domain 0's pirq N released' line after the guest's last map"
    return None


# pci-msix maps the MSI-X entries of a virtio-net device (virtio 1.x
# only) and takes its transmit queue's interrupt.


def virtio_net_devices(scratch):
    return ["-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,netdev=n0,disable-legacy=on"]


# With QEMU's VT-d (docs/iommu.md): it must come before the other devices.
VTD = ["-device", "intel-iommu,intremap=on,eim=off"]
# pci-edu's PETREL_SYSCTL_pci_assignable checks: marked and unmarked under
# an IOMMU (Petrel logs each), refused without one (and says why).
ASSIGNABLE_MARKED = (r"PCI 0000:[0-9a-f]{2}:[0-9a-f]{2}\.0: now assignable",
                     r"PCI 0000:[0-9a-f]{2}:[0-9a-f]{2}\.0: no longer assignable",
                     r"\(d0\) assignable: marked and unmarked under the IOMMU")
ASSIGNABLE_REFUSED = [r"PCI 0000:[0-9a-f]{2}:[0-9a-f]{2}\.0: not assignable: no IOMMU remaps DMA",
                      r"\(d0\) assignable: refused without an IOMMU"]
VTD_IR_SEEN = (r"IOMMU: VT-d: DMA remapping on, interrupt remapping on",
               r"PCI [0-9a-f]{2}:[0-9a-f]{2}\.0: MSI(-X entry)? \d+ -> vector 0x[0-9a-f]+, domain 0 "
               r"pirq \d+, remapped by the IOMMU")


def all_seen(patterns, then=None):
    """A guest scenario's check (past the ready line, unlike must_see): every
    pattern matched some line, and then `then` (a check) passes."""
    def check(judge):
        for pat in patterns:
            if not any(re.search(pat, l) for l in judge.lines):
                return f"no line matching {pat!r}"
        return then(judge) if then else None
    return check


def vtd_edu_devices(scratch):
    return VTD + edu_devices(scratch)


def vtd_virtio_net_devices(scratch):
    """virtio-net behind VT-d: iommu_platform=on puts its DMA through it."""
    return VTD + ["-netdev", "user,id=n0,restrict=on",
                  "-device", "virtio-net-pci,netdev=n0,disable-legacy=on,iommu_platform=on"]


def iommu_faults_logged(judge, requester=None):
    """pci-edu under an IOMMU has edu DMA where dom0 has no RAM: each
    attempt the guest announces must have a fault line naming edu's
    bus:dev.fn (or 'requester', the id a bridge gives it), the page, and
    read or write."""
    why = edu_released(judge)
    if why:
        return why
    # dom0's I/O tables go back with it (the judge checks all memory did).
    if not any(re.search(r"VT-d: domain id 1: [1-9]\d* table pages freed", l)
               for l in judge.lines):
        return "no 'VT-d: domain id 1: N table pages freed' line at dom0's destruction"
    bdf = requester
    for l in judge.lines:
        m = re.search(r"PCI 0000:([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) 1234:11e8", l)
        if m and not requester:
            bdf = m.group(1)
    if not bdf:
        return "no PCI line for the edu device"
    tries = [(m.group(1), int(m.group(2), 16)) for l in judge.lines
             for m in [re.search(r"iommu: edu (writes|reads) (?:to|from) (0x[0-9a-f]+)", l)] if m]
    if len(tries) < 4:
        return f"the guest announced {len(tries)} refused DMAs, want 4 (IOMMU checks skipped?)"
    for kind, addr in tries:
        rw = "write" if kind == "writes" else "read"
        want = f"IOMMU fault: PCI {bdf} {rw} at {addr & ~0xfff:#x}: reason"
        if not any(want in l for l in judge.lines):
            return f"no fault line '{want}'"
    return None


# iommu=force without an IOMMU refuses to boot, naming what is missing;
# iommu=off with one runs as without (pci-edu then skips its IOMMU part).
SCENARIOS.append(S("iommu-force-none-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline="console=com1 iommu=force", expect="refuse",
                   marker=r"iommu=force, but the firmware describes none "
                          r"\(no ACPI DMAR or IVRS table\): refusing to boot"))
SCENARIOS.append(S("guest-pci-edu-vtd-off-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE + " iommu=off", expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=vtd_edu_devices,
                   check=all_seen([r"IOMMU: off \(iommu=off\): device DMA is not confined",
                                   r"\(d0\) iommu: checks skipped"] + ASSIGNABLE_REFUSED,
                                  edu_released)))
# guest-pci-edu-vtd-bridge-bios: edu behind a PCIe root port (bus 1): its
# context entry is on the bridge's bus, covered by the INCLUDE_PCI_ALL unit.
def vtd_bridged_edu_devices(scratch):
    return VTD + ["-device", "pcie-root-port,id=rp1,chassis=1",
                  "-device", "edu,dma_mask=4294967295,bus=rp1"]


SCENARIOS.append(S("guest-pci-edu-vtd-bridge-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"), devices=vtd_bridged_edu_devices,
                   check=all_seen(VTD_IR_SEEN + (r"\(d0\) edu at 01:00\.0",),
                                  iommu_faults_logged)))
# guest-pci-edu-vtd-pcibridge-bios: edu (conventional PCI) behind a
# PCIe-to-PCI bridge: its DMA and MSIs carry the bridge's alias (secondary
# bus, 00.0), which Petrel attaches too.
def vtd_pcibridge_edu_devices(scratch):
    return VTD + ["-device", "pcie-pci-bridge,id=pb,bus=pcie.0",
                  "-device", "edu,dma_mask=4294967295,bus=pb,addr=1"]


SCENARIOS.append(S("guest-pci-edu-vtd-pcibridge-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=vtd_pcibridge_edu_devices,
                   check=all_seen(VTD_IR_SEEN + (r"VT-d: PCI 01:01\.0 DMAs as 01:00\.0",),
                                  lambda j: iommu_faults_logged(j, "01:00.0"))))
# iommu_intremap=0: DMA remapping only; MSIs in compatibility format.
SCENARIOS.append(S("guest-pci-edu-vtd-nointremap-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE + " iommu_intremap=0", expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"), devices=vtd_edu_devices,
                   check=all_seen([r"VT-d: interrupt remapping off \(iommu_intremap=0\)",
                                   r"IOMMU: VT-d: DMA remapping on, interrupt remapping off",
                                   r"PCI 00:[0-9a-f]{2}\.0: MSI 0 -> vector 0x[0-9a-f]+, "
                                   r"domain 0 pirq \d+$"],
                                  iommu_faults_logged)))
# iommu_qinval=0: the same through VT-d's invalidation registers (no queue,
# hence no interrupt remapping).
SCENARIOS.append(S("guest-pci-edu-vtd-noqi-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE + " iommu_qinval=0", expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"), devices=vtd_edu_devices,
                   check=all_seen([r"no queued invalidation \(iommu_qinval=0\): using the registers",
                                   r"IOMMU: VT-d: DMA remapping on, interrupt remapping off"],
                                  iommu_faults_logged)))
for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"guest-pci-edu-vtd-{_fw}", "qemu", _fw, smp=2, mem=512,
                       cmdline=GUEST_CMDLINE, expect="guest",
                       module=os.path.join(GUESTS, "pci-edu.elf"),
                       devices=vtd_edu_devices,
                       check=all_seen(VTD_IR_SEEN + ASSIGNABLE_MARKED, iommu_faults_logged)))
    SCENARIOS.append(S(f"guest-pci-msix-vtd-{_fw}", "qemu", _fw, smp=2, mem=512,
                       cmdline=GUEST_CMDLINE, expect="guest",
                       module=os.path.join(GUESTS, "pci-msix.elf"),
                       devices=vtd_virtio_net_devices, check=all_seen(VTD_IR_SEEN)))
    SCENARIOS.append(S(f"guest-pci-edu-{_fw}", "qemu", _fw, smp=2, mem=512,
                       cmdline=GUEST_CMDLINE, expect="guest",
                       module=os.path.join(GUESTS, "pci-edu.elf"),
                       devices=edu_devices, check=all_seen(ASSIGNABLE_REFUSED, edu_released)))
    SCENARIOS.append(S(f"guest-pci-msix-{_fw}", "qemu", _fw, smp=2, mem=512,
                       cmdline=GUEST_CMDLINE, expect="guest",
                       module=os.path.join(GUESTS, "pci-msix.elf"),
                       devices=virtio_net_devices))


class Judge:
    """Reads a scenario's serial lines and decides pass or fail.

    line() is called for every complete line, tick() regularly, exited()
    once the emulator has exited and its output is drained. Each returns
    None while undecided, else (passed, reason)."""

    def __init__(self, sc):
        self.sc = sc
        self.ready_at = None        # seconds from emulator start
        self.ready_stamp = None     # Petrel's own time stamp on the ready line
        self.seen = set()           # must_see patterns found
        self.fatal_at = None
        self.fatal_count = 0
        self.msg = None             # poweroff / reboot message seen
        self.report = []            # panic report items seen
        self.refused_at = None      # "refuse": the panic line's time

    def waiting_for(self):
        e = self.sc.expect
        if e == "refuse":
            return f"a panic line matching '{self.sc.marker}'"
        if e == "fatal":
            return f"'{FATAL_LM}'"
        if e == "silent":
            return "the emulator's exit for a poweroff"
        if self.ready_at is None:
            return "the ready line"
        if e == "poweroff":
            return f"'{POWEROFF_MSG}' and the emulator's exit"
        if e == "reboot":
            return f"'{REBOOT_MSG}' and the emulator's exit"
        if e == "panic":
            missing = [x for x in ("PAGE FAULT", "CR2", "Stack trace:",
                                   "selftest frame", "petrel: panic")
                       if x not in self.report]
            if missing:
                return "the panic report (" + ", ".join(missing) + ")"
            return "the reset after the panic"
        return "the end of the grace period after ready"

    def line(self, text, t):
        sc = self.sc
        for pat in sc.must_see:
            if re.search(pat, text):
                self.seen.add(pat)

        if sc.expect == "silent":
            if "(petrel)" in text or "petrel:" in text:
                return False, f"Petrel wrote to the serial port: {printable(text).strip()}"
            return None

        if sc.expect == "refuse":
            if READY_RE.search(text):
                return False, "reached the ready line: it should have refused to boot"
            if PANIC_RE.search(text) and self.refused_at is None:
                # The report that follows (its stack trace says panic+N)
                # is not another panic.
                if not re.search(sc.marker, text):
                    return False, f"another panic: {printable(text).strip()}"
                self.refused_at = t
            return None

        if sc.expect == "fatal":
            if FATAL_LM in text:
                self.fatal_count += 1
                if self.fatal_count > 1:
                    return False, (f"fatal message printed {self.fatal_count}"
                                   " times: the machine reset instead of halting")
                self.fatal_at = t
            elif READY_RE.search(text):
                return False, "reached the ready line on a CPU without long mode"
            elif PANIC_RE.search(text):
                return False, f"panic: {printable(text).strip()}"
            return None

        if PANIC_RE.search(text) and not (sc.expect == "panic"
                                          and self.ready_at is not None):
            return False, f"panic: {printable(text).strip()}"

        m = READY_RE.search(text)
        if m:
            return self.ready_line(m, text, t)

        if self.ready_at is None:
            return None
        if sc.expect == "ready":
            return None
        if sc.expect in ("poweroff", "reboot"):
            want, other = ((POWEROFF_MSG, REBOOT_MSG) if sc.expect == "poweroff"
                           else (REBOOT_MSG, POWEROFF_MSG))
            if other in text:
                return False, f"printed '{other}' instead of '{want}'"
            if want in text:
                self.msg = t
            return None
        if sc.expect == "panic":
            self.note_panic_line(text)
        return None

    def ready_line(self, m, text, t):
        """The ready line (READY_RE match m): once only, and plausible."""
        if self.ready_at is not None:
            return False, "second ready line: the machine rebooted?"
        self.ready_at = t
        s = STAMP_RE.search(text)
        self.ready_stamp = float(s.group(1)) if s else None
        bad = self.check_ready(int(m.group(1)), int(m.group(2)))
        return (False, bad) if bad else None

    def check_ready(self, cpus, mib):
        sc = self.sc
        missing = [p for p in sc.must_see if p not in self.seen]
        if missing:
            return ("ready line without the expected line(s): "
                    + ", ".join(repr(p) for p in missing))
        if cpus != sc.cpus:
            return f"ready line reports {cpus} CPUs, expected {sc.cpus}"
        low = int(sc.mem * FREE_MIN_FRACTION - FREE_RESERVE_MIB)
        if not low <= mib <= sc.mem:
            return (f"ready line reports {mib} MiB free, not within "
                    f"[{low}, {sc.mem}] for {sc.mem} MiB of RAM")
        if sc.expect == "fatal":
            return "reached the ready line on a CPU without long mode"
        return None

    def note_panic_line(self, text):
        # Items of the report, in any order, except that the frame naming
        # selftest must come after "Stack trace:".
        r = self.report
        for key in ("PAGE FAULT", "CR2", "petrel: panic"):
            if key in text and key not in r:
                r.append(key)
        if "Stack trace:" in text:
            if "Stack trace:" not in r:
                r.append("Stack trace:")
        elif "Stack trace:" in r and "selftest" in text and "selftest frame" not in r:
            r.append("selftest frame")

    def partial(self, text, t):
        """The console's unfinished last line so far (a prompt, say)."""
        return None

    def tick(self, t):
        sc = self.sc
        if sc.expect == "ready" and self.ready_at is not None:
            if t - self.ready_at >= READY_GRACE_S:
                return True, "ready"
        if sc.expect == "fatal" and self.fatal_at is not None:
            if t - self.fatal_at >= HALT_SETTLE_S:
                return True, "halted after the fatal message"
        if sc.expect == "refuse" and self.refused_at is not None:
            if t - self.refused_at >= HALT_SETTLE_S:
                return True, "refused to boot, with the message, and halted"
        return None

    def exited(self, rc, t, powered_off):
        """powered_off: the emulator's exit was an ACPI poweroff."""
        sc = self.sc
        how = f"emulator exited with status {rc}"
        if sc.expect == "silent":
            if powered_off:
                return True, "powered off without a line on the serial port"
            return False, f"{how}, not for a poweroff"
        if sc.expect == "refuse":
            if self.refused_at is not None:
                return True, "refused to boot, with the message, and reset"
            return False, f"{how} without the refusal"
        if sc.expect == "ready":
            if self.ready_at is not None:
                return False, f"{how} {t - self.ready_at:.1f} s after the ready line"
            return False, f"{how} before the ready line"
        if sc.expect == "fatal":
            if self.fatal_at is not None:
                return False, (f"{how} after the fatal message: the machine "
                               "reset instead of halting")
            return False, f"{how} before the fatal message"
        if self.ready_at is None:
            return False, f"{how} before the ready line"
        if sc.expect in ("poweroff", "reboot"):
            want = POWEROFF_MSG if sc.expect == "poweroff" else REBOOT_MSG
            if self.msg is None:
                return False, f"{how} without printing '{want}'"
            if sc.expect == "poweroff" and not powered_off:
                return False, f"{how} after '{want}' (expected a poweroff)"
            return True, f"{'powered off' if sc.expect == 'poweroff' else 'rebooted'}"
        if sc.expect == "panic":
            missing = [x for x in ("PAGE FAULT", "CR2", "Stack trace:",
                                   "selftest frame", "petrel: panic")
                       if x not in self.report]
            if missing:
                return False, (f"{how}; the panic report lacks: "
                               + ", ".join(missing))
            return True, "panicked and reset"
        return False, how


class GuestJudge(Judge):
    """Judges a guest scenario: Petrel runs a test guest as dom0.

    expect "guest": the guest prints exactly one "Test result:" line;
    SUCCESS must be followed by "petrel: domain 0 shut down: poweroff code
    0" and the emulator's exit for a poweroff (Petrel powers off: QEMU
    exits 0, Bochs 1 with BOCHS_POWEROFF); FAILURE and ERROR fail at once,
    with the guest's first FAIL/error line as the reason; SKIP makes the
    scenario skipped. "petrel: domain 0 crashed" fails.
    expect "guest-crash": the guest prints its marker, then "petrel: domain 0
    crashed..." and the emulator exits for a poweroff; any "Test result:"
    line, a clean shutdown or a reboot fails.
    Everywhere: a panic fails, and so does "petrel: nothing to run" (Petrel
    did not start dom0), at once; and before the exit Petrel must say that
    destroying dom0 returned all its memory (a leak line fails at once).
    The ready line is not required (Petrel may build dom0 before it), but
    when it comes its CPU count is checked."""

    def __init__(self, sc):
        super().__init__(sc)
        self.result = None          # the guest's "Test result:" word
        self.why = None             # the guest's first FAIL/error line
        self.marker_at = None       # guest-crash: the marker line seen
        self.down_at = None         # dom0's shutdown or crash line seen
        self.memory_back = False    # the "all its memory returned" line seen
        self.crash_text = ""
        self.lines = []             # every line, for sc.check

    def waiting_for(self):
        if self.sc.expect == "guest":
            if self.result is None:
                return "the guest's 'Test result:' line"
            if self.down_at is None:
                return "'petrel: domain 0 shut down: poweroff code 0'"
            return "the emulator's exit (Petrel powering off)"
        if self.marker_at is None:
            return f"the guest's line {self.sc.marker!r}"
        if self.down_at is None:
            return "'petrel: domain 0 crashed'"
        return "the emulator's exit (Petrel powering off)"

    def check_ready(self, cpus, mib):
        missing = [p for p in self.sc.must_see if p not in self.seen]
        if missing:
            return ("ready line without the expected line(s): "
                    + ", ".join(repr(p) for p in missing))
        if cpus != self.sc.cpus:
            return f"ready line reports {cpus} CPUs, expected {self.sc.cpus}"
        return None

    def boot_line(self, text, t, what):
        """The verdicts every guest scenario shares: a panic, the ready
        line, nothing started ('what' names it), a reboot. (True, result)
        when the line was one of those, else (False, None). It also notes
        the scenario's must_see lines, which the ready line wants seen."""
        for pat in self.sc.must_see:
            if re.search(pat, text):
                self.seen.add(pat)
        if PANIC_RE.search(text):
            return True, (False, f"panic: {text.strip()}")
        m = READY_RE.search(text)
        if m:
            return True, self.ready_line(m, text, t)
        if NOTHING_TO_RUN in text:
            return True, (False, f"Petrel did not start {what} (it printed 'nothing to run')")
        if REBOOT_MSG in text:
            return True, (False, "Petrel rebooted instead of powering off")
        return False, None

    def line(self, text, t):
        sc = self.sc
        text = printable(text)
        self.lines.append(text)
        done, result = self.boot_line(text, t, "dom0")
        if done:
            return result
        m = MEMORY_LEAK_RE.search(text)
        if m:
            return False, f"domain 0 leaked {m.group(1)} frames: {text.strip()}"
        if MEMORY_BACK in text:
            self.memory_back = True
            return None
        w = GUEST_WHY_RE.search(text)
        if w and self.why is None:
            self.why = w.group(1).strip()
        if sc.expect == "guest":
            return self.guest_line(text, t)
        return self.crash_line(text, t)

    def guest_line(self, text, t):
        m = RESULT_RE.search(text)
        if m:
            if self.result is not None:
                return False, "the guest printed a second 'Test result:' line"
            self.result = m.group(1)
            why = f": {self.why}" if self.why else ""
            if self.result == "SKIP":
                why = self.why or ""
                if why.startswith("Test skipped: "):
                    why = ": " + why[len("Test skipped: "):]
                return None, f"guest skipped{why}"
            if self.result != "SUCCESS":
                return False, f"guest reported {self.result}{why}"
            return None
        m = DOM_SHUTDOWN_RE.search(text)
        if m:
            if self.result is None:
                return False, f"dom0 shut down without a test result: {text.strip()}"
            if (m.group(1), m.group(2)) != ("poweroff", "0"):
                return False, f"dom0 shut down with the wrong reason: {text.strip()}"
            self.down_at = t
            return None
        m = DOM_CRASH_RE.search(text)
        if m:
            why = f" (guest: {self.why})" if self.why else ""
            return False, f"domain 0 crashed{m.group(1)}{why}"
        return None

    def crash_line(self, text, t):
        if re.search(self.sc.marker, text):
            self.marker_at = t
        m = RESULT_RE.search(text)
        if m:
            why = f": {self.why}" if self.why else ""
            return False, (f"the guest printed 'Test result: {m.group(1)}'{why};"
                           " it should have been crashed")
        if DOM_SHUTDOWN_RE.search(text):
            return False, f"dom0 shut down instead of crashing: {text.strip()}"
        m = DOM_CRASH_RE.search(text)
        if m:
            if self.marker_at is None:
                return False, (f"domain 0 crashed{m.group(1)} before the guest "
                               f"printed {self.sc.marker!r}")
            self.down_at = t
            self.crash_text = m.group(1).strip(" :")
        return None

    def tick(self, t):
        return None

    def exited(self, rc, t, powered_off):
        how = f"emulator exited with status {rc}"
        if self.down_at is None:
            return False, f"{how} while waiting for {self.waiting_for()}"
        if not powered_off:
            return False, f"{how} after dom0 ended (expected a poweroff)"
        if not self.memory_back:
            return False, f"{how} without the line {MEMORY_BACK!r}"
        why = self.sc.check(self) if self.sc.check else None
        if why:
            return False, why
        if self.sc.expect == "guest":
            return True, "guest SUCCESS, dom0 shut down, powered off"
        crash = f" ({self.crash_text})" if self.crash_text else ""
        return True, f"dom0 crashed as expected{crash}, powered off"


# Multi-domain scenarios (dom0=test-all): what Petrel prints per domain.
DOMS_CMDLINE = "console=com1 dom0=test-all"
DOM_LINE_RE = re.compile(r"\(d(\d+)\) (.*)")
DOMN_SHUTDOWN_RE = re.compile(r"petrel: domain (\d+) shut down: (\S+) code (-?\d+)")
DOMN_CRASH_RE = re.compile(r"petrel: domain (\d+) crashed(.*)")
DOMN_RAN_RE = re.compile(r"petrel: domain (\d+) vCPU (\d+) ran (\d+) us on pCPUs (none|[\d,-]+)")
DOMN_DESTROYED_RE = re.compile(r"petrel: domain (\d+) destroyed\b")
ALL_BACK_RE = re.compile(r"petrel: all domains stopped, all their memory returned")
ALL_LEAK_RE = re.compile(r"petrel: all domains stopped, but (\d+) frames were not returned")


def cpu_list(text):
    """'0,2-3' -> {0, 2, 3}; 'none' (a vCPU that never ran) -> set()."""
    cpus = set()
    if text == "none":
        return cpus
    for part in filter(None, text.split(",")):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


class DomainsJudge(GuestJudge):
    """Judges a "domains" scenario: one test guest per multiboot2 module,
    run side by side under dom0=test-all.

    Each domain N prints (as "(dN) ..." lines) exactly one "Test result:";
    FAILURE or ERROR fails at once with that domain's first FAIL/error
    line; SKIP makes the scenario skipped once the others are done. Petrel
    must then print "petrel: domain N shut down: poweroff code 0" after the
    domain's result (a crash line fails at once), one "domain N vCPU M ran
    <us> us on pCPUs <list>" line per vCPU (kept for the checks), "domain N
    destroyed", and finally "all domains stopped, all their memory
    returned" (the leak line fails at once) before powering off. The
    scenario's `check` runs last."""

    def __init__(self, sc):
        super().__init__(sc)
        self.n = len(sc.modules)
        self.results = {}           # domain -> result word
        self.whys = {}              # domain -> first FAIL/error line
        self.down = set()           # domains shut down cleanly
        self.destroyed = set()
        self.ran = {}               # (domain, vcpu) -> (us, {pCPUs})
        self.lines = {}             # domain -> [its console lines]
        self.log = []               # every line, in order (for checks)
        self.all_back = False

    def waiting_for(self):
        for d in range(self.n):
            if d not in self.results:
                return f"domain {d}'s 'Test result:' line"
            if d not in self.down:
                return f"'petrel: domain {d} shut down: poweroff code 0'"
            if d not in self.destroyed:
                return f"'petrel: domain {d} destroyed'"
        if not self.all_back:
            return "'petrel: all domains stopped, all their memory returned'"
        return "the emulator's exit (Petrel powering off)"

    def line(self, text, t):
        text = printable(text)
        self.log.append(text)
        done, result = self.boot_line(text, t, "the domains")
        if done:
            return result
        m = DOM_LINE_RE.search(text)
        if m:
            return self.domain_line(int(m.group(1)), m.group(2))
        return self.petrel_line(text, t)

    def domain_line(self, d, text):
        self.lines.setdefault(d, []).append(text)
        w = GUEST_WHY_RE.search(text)
        if w and d not in self.whys:
            self.whys[d] = w.group(1).strip()
        m = RESULT_RE.search(text)
        if not m:
            return None
        if d in self.results:
            return False, f"domain {d} printed a second 'Test result:' line"
        if d >= self.n:
            return False, f"a domain {d} appeared; the scenario has {self.n} modules"
        self.results[d] = m.group(1)
        if m.group(1) in ("FAILURE", "ERROR"):
            why = f": {self.whys[d]}" if d in self.whys else ""
            return False, f"domain {d} reported {m.group(1)}{why}"
        return None

    def petrel_line(self, text, t):
        m = ALL_LEAK_RE.search(text)
        if m:
            return False, f"the domains leaked {m.group(1)} frames: {text.strip()}"
        if ALL_BACK_RE.search(text):
            self.all_back = True
            self.down_at = t
            return None
        m = DOMN_CRASH_RE.search(text)
        if m:
            d = int(m.group(1))
            why = f" (guest: {self.whys[d]})" if d in self.whys else ""
            return False, f"domain {d} crashed{m.group(2)}{why}"
        m = DOMN_SHUTDOWN_RE.search(text)
        if m:
            d = int(m.group(1))
            if d not in self.results:
                return False, f"domain {d} shut down without a test result: {text.strip()}"
            if (m.group(2), m.group(3)) != ("poweroff", "0"):
                return False, f"domain {d} shut down with the wrong reason: {text.strip()}"
            self.down.add(d)
            return None
        m = DOMN_RAN_RE.search(text)
        if m:
            key = (int(m.group(1)), int(m.group(2)))
            self.ran[key] = (int(m.group(3)), cpu_list(m.group(4)))
            return None
        m = DOMN_DESTROYED_RE.search(text)
        if m:
            self.destroyed.add(int(m.group(1)))
        return None

    def exited(self, rc, t, powered_off):
        how = f"emulator exited with status {rc}"
        missing = self.waiting_for()
        if not missing.startswith("the emulator's exit"):
            return False, f"{how} while waiting for {missing}"
        if not powered_off:
            return False, f"{how} after the domains ended (expected a poweroff)"
        skipped = [d for d, r in sorted(self.results.items()) if r == "SKIP"]
        if skipped:
            d = skipped[0]
            why = self.whys.get(d, "").replace("Test skipped: ", "")
            return None, f"domain {d} skipped: {why}"
        if self.sc.check:
            bad = self.sc.check(self)
            if bad:
                return False, bad
        return True, f"{self.n} domain(s) SUCCESS, memory returned, powered off"

    def domain_numbers(self, d, pattern):
        """The integers of the first line of domain d matching pattern."""
        for text in self.lines.get(d, []):
            m = re.search(pattern, text)
            if m:
                return [int(g) for g in m.groups()]
        return None


def check_weight_ratio(j):
    """sched-weight: each domain's running time over the shared window,
    divided by its weight, must agree within 10%."""
    got = []
    for d in range(j.n):
        nums = j.domain_numbers(d, r"sched-weight: weight (\d+) ran (\d+) us")
        if not nums:
            return f"domain {d} printed no 'sched-weight: weight W ran R us' line"
        got.append(nums)
    (w0, r0), (w1, r1) = got[0], got[1]
    if not r0 or not r1:
        return f"a domain did not run in the window: {r0} us, {r1} us"
    ratio = (r1 / r0) / (w1 / w0)
    if not 0.9 <= ratio <= 1.1:
        return (f"running times {r0} us (weight {w0}) and {r1} us (weight {w1}): "
                f"the ratio is {r1 / r0:.3f}, want {w1 / w0:.3f} within 10%")
    return None


def check_pinned(domain, cpus):
    """affinity: every vCPU of domain ran, and only on the pCPUs cpus."""
    def check(j):
        lines = {v: r for (d, v), r in j.ran.items() if d == domain}
        if not lines:
            return f"no 'domain {domain} vCPU M ran ... on pCPUs' line"
        for v, (us, where) in sorted(lines.items()):
            if not where:
                return f"domain {domain} vCPU {v} never ran"
            if not where <= set(cpus):
                return (f"domain {domain} vCPU {v} ran on pCPUs "
                        f"{sorted(where)}, pinned to {sorted(cpus)}")
        return None
    return check


def check_moved(j):
    """pvclock: some vCPU ran on more than one pCPU, so the readings did
    cross pCPU moves."""
    if not j.ran:
        return "no 'domain N vCPU M ran ... on pCPUs' lines"
    if not any(len(where) > 1 for _, where in j.ran.values()):
        return "no vCPU ran on more than one pCPU: the moves were not exercised"
    return None


def check_grant_order(j):
    """grant: the granter (domain 0) is destroyed only after the mapper
    unmapped its last pages."""
    unmapping = destroyed = None
    for i, text in enumerate(j.log):
        if unmapping is None and "(d1) grant: unmapping the last pages" in text:
            unmapping = i
        m = DOMN_DESTROYED_RE.search(text)
        if destroyed is None and m and m.group(1) == "0":
            destroyed = i
    if unmapping is None:
        return "domain 1 never printed 'grant: unmapping the last pages'"
    if destroyed is None or destroyed < unmapping:
        return "domain 0 was destroyed while domain 1 still mapped its pages"
    return None


# Multi-domain and multi-vCPU guests (issue 5), under dom0=test-all: module i
# is domain i; Petrel reads dom.vcpus= dom.mem= dom.weight= dom.cap= dom.pin=
# from its command line, and the guest sees the whole line. Each runs on
# QEMU (SVM, SeaBIOS, -smp 2: guest-<name>-bios) and on Bochs (VMX, 2 CPUs:
# guest-<name>-bochs). (name, [(guest, args)], Bochs args or None to use
# the same, check, skip reason for Bochs).
#
# Timer bounds (late_us): 2 ms under Bochs, whose clock follows executed
# instructions (2 ms = 100 k instructions; Petrel's own path, exit, timer
# queue, injection, was measured there at 20-100 us). Under QEMU TCG the
# guest TSC, hence pvclock, follows the host clock, so every host-side delay
# lands in the measurement: the emulator's vCPU threads compete for this
# machine's two shared cores with other emulators, and code run for the
# first time is translated first. With two emulators of two vCPU threads
# each on this machine's two cores (make test's -j 2) and a load average
# of 3, the host's scheduler lets a runnable thread wait for tens of ms:
# late by 1-22 ms was seen there with Petrel's path at 20-100 us. So 50 ms
# under QEMU, where the checks that matter are "fires" and "never early";
# the tight bound is Bochs's.
# Windows: sched-weight's is absolute system time (pvclock starts at 0 when
# Petrel calibrates its TSC), placed after both domains are up: domains
# were seen starting between 0.8 and 2.7 s under QEMU (it varies with the
# host's load), and Bochs spends seconds of its instruction-driven clock
# building domains, hence 4 s on both (the guest ends with ERROR, naming
# the times, if the window opened before it ran).
DOM_MEM = "dom.mem=32M"
DOMAIN_TESTS = [
    ("timer", [("timer", "late_us=50000")], [("timer", "late_us=2000")],
     None, None),
    ("pvclock", [("pvclock", "dom.vcpus=3 duration_ms=1000")],
     [("pvclock", "dom.vcpus=3 duration_ms=300")], check_moved, None),
    ("evtchn", [("evtchn", "role=a peer=1"), ("evtchn", "role=b peer=0")],
     [("evtchn", "role=a peer=1 rounds=20"), ("evtchn", "role=b peer=0 rounds=20")],
     None, None),
    ("ipi", [("ipi", "dom.vcpus=2")], [("ipi", "dom.vcpus=2 rounds=10")],
     None, None),
    ("vcpu-up", [("vcpu-up", "dom.vcpus=5")], None, None, None),
    ("sched-weight",
     [("sched-weight", "dom.weight=256 dom.pin=0 window_start_ms=4000 window_ms=2000"),
      ("sched-weight", "dom.weight=512 dom.pin=0 window_start_ms=4000 window_ms=2000")],
     [("sched-weight", "dom.weight=256 dom.pin=0 window_start_ms=4000 window_ms=1000"),
      ("sched-weight", "dom.weight=512 dom.pin=0 window_start_ms=4000 window_ms=1000")],
     check_weight_ratio, None),
    ("sched-cap", [("sched-cap", "dom.cap=50 window_ms=1000")],
     [("sched-cap", "dom.cap=50 window_ms=500")], None, None),
    ("affinity",
     [("affinity", "dom.vcpus=2 dom.pin=1 duration_ms=1000"),
      ("affinity", "dom.vcpus=2 duration_ms=1000")],
     [("affinity", "dom.vcpus=2 dom.pin=1 duration_ms=300"),
      ("affinity", "dom.vcpus=2 duration_ms=300")],
     check_pinned(0, [1]), None),
    ("block-wake", [("block-wake", "dom.vcpus=2 late_us=50000")],
     [("block-wake", "dom.vcpus=2 late_us=2000 rounds=10")], None, None),
    ("apic-timer", [("apic-timer", "late_us=50000")],
     [("apic-timer", "late_us=2000 cal_ms=20")], None, None),
    ("grant", [("grant", "role=a peer=1"), ("grant", "role=b peer=0 dom.vcpus=2")], None,
     check_grant_order, None),
    ("grant-mapper-dies", [("grant", "role=a peer=1 mapper_dies"),
                           ("grant", "role=b peer=0 mapper_dies")], None, None, None),
    ("ctl-perm", [("ctl-perm", ""), ("ctl-perm", "")], None, None, None),
]


def domain_modules(mods):
    return [(os.path.join(GUESTS, g + ".elf"), f"{a} {DOM_MEM}".strip())
            for g, a in mods]


for _name, _mods, _bochs_mods, _check, _bochs_skip in DOMAIN_TESTS:
    SCENARIOS.append(S(f"guest-{_name}-bios", "qemu", smp=2, mem=512,
                       cmdline=DOMS_CMDLINE, expect="domains",
                       modules=domain_modules(_mods), check=_check))
    SCENARIOS.append(S(f"guest-{_name}-bochs", "bochs", smp=2, mem=256,
                       cmdline=DOMS_CMDLINE, expect="domains",
                       modules=domain_modules(_bochs_mods or _mods),
                       check=_check, skip=_bochs_skip))


# Console input (issue 6): typed on the serial console by the harness.
# console-in as dom0 reads a line by CONSOLEIO_read; console-keys first
# switches input to Petrel (Ctrl-A three times), runs the debug keys and
# wants each report's first and last lines, with the guest's vCPU and
# every CPU in them, then switches back and types the guest's line;
# debug-key-reboot has no domain (input goes to the keys) and reboots by
# 'R', debug-key-poll the same with the UART polled (no ACPI, so no I/O
# APIC); console-eperm wants -EPERM for CONSOLEIO_read from domain 1.
CTRL_A3 = b"\x01\x01\x01"
CONSOLE_PROMPT = r"\(d0\) console-in: ready, type a line"
CONSOLE_LINE = b"hello-petrel\r"
TO_PETREL = r"petrel: \*\*\* console input now goes to Petrel's debug keys"
TO_DOM0 = r"petrel: \*\*\* console input now goes to domain 0"
CONSOLE_GOT = (r"\(d0\) console-in: got 'hello-petrel'", None)


def debug_keys_script():
    """Ctrl-A x3, the keys h q r d m x with the lines each must print,
    Ctrl-A x3, the guest's line. For 2 pCPUs, the guest's one vCPU pinned
    to pCPU 1 and running (spin=1)."""
    return [
        (CONSOLE_PROMPT, CTRL_A3),
        (TO_PETREL, b"h"),
        (r"  'R'  reboot", None),
        (r"petrel: \*\* debug keys: 6$", b"q"),
        (r"petrel: \*\* domains and their vCPUs", None),
        (r"  domain 0: running, privileged, 1 vCPU, 128 MiB", None),
        (r"    vCPU 0: running on pCPU 1, pause count 0, ran \d+ us", None),
        (r"petrel: \*\* domains: 1 shown", b"r"),
        (r"petrel: \*\* run queues \(credit scheduler, 2 pCPUs\)", None),
        (r"  pCPU 0: idle; 0 queued", None),
        (r"  pCPU 1: running d0v0; 0 queued", None),
        (r"petrel: \*\* run queues: done", b"d"),
        (r"petrel: \*\* registers of every CPU", None),
        (r"CPU 0: RIP [0-9a-f]{16} \S+\+0x", None),
        (r"CPU 0: runs no vCPU", None),
        (r"Stack trace:", None),
        (r"CPU 1: RIP [0-9a-f]{16} \S+\+0x", None),
        (r"CPU 1: runs d0v0, guest RIP [0-9a-f]{16}", None),
        (r"Stack trace:", None),
        (r"petrel: \*\* registers: 2 of 2 CPUs answered", b"m"),
        (r"petrel: \*\* memory: \d+ of \d+ frames free .* heap \d+ KiB in use", None),
        (r"  domain 0: 32768 pages of RAM \(128 MiB\)", None),
        (r"petrel: \*\* memory: done", b"x"),
        (r"petrel: no debug key 'x'", CTRL_A3),
        (TO_DOM0, CONSOLE_LINE),
        CONSOLE_GOT,
    ]


CONSOLE_ELF = os.path.join(GUESTS, "console-in.elf")
SCENARIOS += [
    # Fewer than three Ctrl-As in a row are passed on as typed.
    S("guest-console-in-bios", "qemu", smp=2, mem=512, cmdline=GUEST_CMDLINE,
      expect="guest", module=CONSOLE_ELF, module_args="ctrl_a=2",
      input=[(CONSOLE_PROMPT, b"\x01\x01" + CONSOLE_LINE),
             (r"\(d0\) console-in: got '\\x01\\x01hello-petrel'", None)]),
    S("guest-console-in-bochs", "bochs", smp=1, mem=256, cmdline=GUEST_CMDLINE,
      expect="guest", module=CONSOLE_ELF,
      input=[(CONSOLE_PROMPT, CONSOLE_LINE), CONSOLE_GOT]),
    # The guest's vCPU runs (spin=1) on pCPU 1 while the keys look at it.
    S("console-keys-bios", "qemu", smp=2, mem=512, cmdline=GUEST_CMDLINE,
      expect="guest", module=CONSOLE_ELF, module_args="spin=1 dom.pin=1",
      input=debug_keys_script()),
    S("console-keys-bochs", "bochs", smp=2, mem=256, cmdline=GUEST_CMDLINE,
      expect="guest", module=CONSOLE_ELF, module_args="spin=1 dom.pin=1",
      input=debug_keys_script()),
    S("debug-key-reboot", "qemu", smp=2, mem=1024, expect="reboot",
      cmdline="console=com1", input=[
          (r"petrel: nothing to run", b"h"),
          (r"petrel: no control domain reads console input", None),
          (r"petrel: \*\* debug keys: 6$", b"R"),
          (r"petrel: rebooting \(debug key 'R'\)", None)]),
    # No ACPI, so no I/O APIC known: the UART is polled instead.
    S("debug-key-poll", "qemu", smp=1, mem=1024, expect="reboot",
      machine="pc,acpi=off", cmdline="console=com1", input=[
          (r"console: no I/O APIC for IRQ 4; input polled every 20 ms", None),
          (r"petrel: nothing to run", b"R"),
          (r"petrel: rebooting \(debug key 'R'\)", None)]),
    S("guest-console-eperm-bios", "qemu", smp=2, mem=512, cmdline=DOMS_CMDLINE,
      expect="domains", modules=domain_modules([("hello", ""),
                                                ("console-in", "mode=unpriv")])),
]
# ---- dom0 (issue 6): Petrel's control domain, booted from the ISO ----------
# dom0-<fw> boots what `make run` boots: Petrel, build/dom0/dom0.elf and its
# initrd; it passes once dom0's banner and then its prompt have appeared
# (and nothing went wrong for READY_GRACE_S more). dom0-shell-<fw> boots dom0
# with rc=test.rc and the test initrd: dom0 runs that script's commands at
# boot as if typed (tools/dom0/test.rc), each output below must appear in
# order, and the script's last command, poweroff, must stop the machine
# with all of dom0's memory returned.
DOM0_DIR = os.path.join(BUILD, "dom0")
DOM0_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), ""),
                (os.path.join(DOM0_DIR, "initrd.cpio"), "")]
DOM0_SHELL_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "rc=test.rc"),
                      (os.path.join(DOM0_DIR, "initrd-test.cpio"), "")]
DOM0_BANNER = "Petrel dom0: the control domain"
DOM0_PROMPT = "dom0# "                  # DOM0_PROMPT in tools/dom0/dom0.h
DOM0_PROMPT_RE = re.compile(r"^dom0# ")
DOM0_ERROR_RE = re.compile(r"^(dom0: (error|fatal|cannot run|bad start info|"
                           r"no events|no timers|no free RAM|no console input|initrd: not)|"
                           r"unexpected exception)")
# A guest that dom0 built, shown by `hv console` or by console_io.
DOMU_RESULT_BAD_RE = re.compile(r"Test result: (FAILURE|ERROR|SKIP)")
HV_COMMANDS = ("create list destroy shutdown reboot pause unpause console "
               "vcpu-list vcpu-pin sched-credit info dmesg top help").split()
# What test.rc makes dom0 print, in order. hv info, list and dmesg either
# work or name the hypervisor's error (-ENOSYS until the control hypercalls
# are in).
HV_OR_ERROR = r"^({}|hv: {}: [a-z ()]+ \(-E[A-Z0-9]+\))"
DOM0_SHELL_EXPECT = [
    r"^dom0: initrd: 22 files, \d+ bytes",
    r"^dom0: (grant table: \d+ entries|"
    r"no grant table yet: [a-z ()]+ \(-E[A-Z0-9]+\))",
    r"^dom0# echo rc: start", r"^rc: start$",
    r"^two  spacesx y$", r"^sh: too many words or an unclosed quote",
    r"^  ls +list the initrd's files",
    r"^ *\d+  hello\.elf$", r"^ *236  hello\.cfg$",
    r"^kernel = \"hello\.elf\"$",
    r"^cat: nothing\.cfg: no such file or directory",
    r"^usage: hv <command> \[args\]",
] + [r"^  %s " % re.escape(c) for c in HV_COMMANDS] + [
    HV_OR_ERROR.format(r"nr_cpus +: 2", "info"),
    HV_OR_ERROR.format(r"Name +ID +Mem\(MiB\) +VCPUs +State +Time\(s\)", "list"),
    HV_OR_ERROR.format(r".*petrel: ready: 2 CPUs", "dmesg"),
    r"^hv: created domain 1 \(hello\) from hello\.cfg",
    r"^hv: create: bad\.cfg: line 3: unknown key 'memroy'",
    r"^hv: pause: no domain '7'",
    r"^hv: unknown command 'frobnicate'",
    r"^up \d+\.\d{3} s \(hypervisor time \d+\.\d{3} s\)",
    r"^slept 50 ms$", r"^usage: sleep <ms>",
    # The heap holds the toolstack's record of the hello domain.
    r"^pages: \d+ KiB free of \d+ KiB; heap: \d+ bytes in use$",
    r"^sh: bogus: unknown command",
    r"^rc: done$",
    r"^dom0: powering off",
]
for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-{_fw}", "qemu", _fw, smp=2, mem=1024,
                       expect="dom0", modules=DOM0_MODULES))
SCENARIOS.append(S("dom0-shell-bios", "qemu", smp=2, mem=1024,
                   expect="dom0-shell", modules=DOM0_SHELL_MODULES))
# dom0-virtio-<fw>: dom0 with a virtio-blk and a virtio-net device
# (virtio 1.x only: disable-legacy=on), the base for dom0's drivers
# (docs/pci.md): Petrel lists both at boot (modern ids, MSI-X) and dom0,
# which owns them, still reaches its prompt.


def virtio_devices(scratch):
    disk = os.path.join(scratch, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(16 << 20)
    return ["-drive", f"file={disk},format=raw,if=none,id=d0",
            "-device", "virtio-blk-pci,drive=d0,disable-legacy=on",
            "-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,netdev=n0,disable-legacy=on"]


VIRTIO_SEEN = (r"PCI 0000:00:[0-9a-f]{2}\.0 1af4:1042 class 010000 .*msix=",
               r"PCI 0000:00:[0-9a-f]{2}\.0 1af4:1041 class 020000 .*msix=")
for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-virtio-{_fw}", "qemu", _fw, smp=2, mem=1024,
                       expect="dom0", modules=DOM0_MODULES,
                       devices=virtio_devices, must_see=VIRTIO_SEEN))
# dom0-virtio-vtd-<fw>: the same behind VT-d, the devices' DMA through it
# (iommu_platform=on); Petrel says translation is on.


def vtd_virtio_devices(scratch):
    return VTD + [a.replace("disable-legacy=on", "disable-legacy=on,iommu_platform=on")
                  for a in virtio_devices(scratch)]


for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-virtio-vtd-{_fw}", "qemu", _fw, smp=2, mem=1024,
                       expect="dom0", modules=DOM0_MODULES, devices=vtd_virtio_devices,
                       must_see=VIRTIO_SEEN + (r"IOMMU: VT-d: DMA remapping on",)))
# dom0-pci-bridge-<fw>: a virtio-net device behind a PCIe root port:
# Petrel follows the bridge to bus 1, and the device's BARs are dom0's.


def bridged_devices(scratch):
    return ["-device", "pcie-root-port,id=rp1,chassis=1",
            "-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,netdev=n0,disable-legacy=on,bus=rp1"]


BRIDGE_SEEN = (r"PCI 0000:00:[0-9a-f]{2}\.0 1b36:000c class 060400 bridge",
               r"PCI 0000:01:00\.0 1af4:1041 class 020000 .*msix=")
for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-pci-bridge-{_fw}", "qemu", _fw, smp=2, mem=1024,
                       expect="dom0", modules=DOM0_MODULES,
                       devices=bridged_devices, must_see=BRIDGE_SEEN))
# dom0-typing-bios types a line at the prompt, with a cursor move in it
# (Left, then the missing letter), and then poweroff. dom0's prompt ends no
# line: the input script also looks at the partial line the console shows.
DOM0_TYPED = [(r"^dom0# $", b"echo helo\x1b[Dl\r"), (r"^hello$", None),
              (r"^dom0# $", b"poweroff\r"), (r"^dom0: powering off", None)]
SCENARIOS.append(S("dom0-typing-bios", "qemu", smp=2, mem=1024,
                   expect="dom0-typing", modules=DOM0_MODULES,
                   input=DOM0_TYPED))
# dom0-typing-vtd-bios: the same behind VT-d with interrupt remapping: the
# serial port's receive interrupt comes through the I/O APIC's remapped
# entry (compatibility format is blocked).
SCENARIOS.append(S("dom0-typing-vtd-bios", "qemu", smp=2, mem=1024,
                   expect="dom0-typing", modules=DOM0_MODULES, input=DOM0_TYPED,
                   devices=lambda scratch: list(VTD),
                   check=all_seen([r"IOAPIC: ISA IRQ 4 -> GSI \d+ .* remapped by the IOMMU"])))
# dom0-xs-bios: dom0's xenstored and the shell's xs command on dom0's own
# tree (docs/xenstore.md): the tree Xen's toolstack makes, a write read
# back, errors named as the wire protocol names them, a removed subtree.
DOM0_XS = [
    (r"^dom0: xenstored: ready$", None),
    (r"^dom0# $", b"xs ls /\r"),
    (r'^tool = ""$', None), (r'^ xenstored = ""$', None),
    (r'^local = ""$', None), (r'^ domain = ""$', None), (r'^  0 = ""$', None),
    (r'^   name = "Domain-0"$', None), (r'^   domid = "0"$', None),
    (r'^    feature-poweroff = "1"$', None),
    (r'^   memory = ""$', None), (r'^    target = "\d+"$', None),
    (r'^vm = ""$', None), (r'^libxl = ""$', None),
    (r"^dom0# $", b'xs write data/greeting "hello store"\r'),
    (r"^dom0# $", b"xs read /local/domain/0/data/greeting\r"),
    (r"^hello store$", None),
    (r"^dom0# $", b"xs ls data\r"), (r'^greeting = "hello store"$', None),
    (r"^dom0# $", b"xs read /no/such/node\r"),
    (r"^xs: read /no/such/node: ENOENT$", None),
    (r"^dom0# $", b"xs write /bad//path x\r"),
    (r"^xs: write /bad//path: EINVAL$", None),
    (r"^dom0# $", b"xs rm data\r"),
    (r"^dom0# $", b"xs read data/greeting\r"),
    (r"^xs: read data/greeting: ENOENT$", None),
    (r"^dom0# $", b"xs frob\r"), (r"^usage: xs read <path>", None),
    (r"^dom0# $", b"poweroff\r"), (r"^dom0: powering off", None)]
SCENARIOS.append(S("dom0-xs-bios", "qemu", smp=2, mem=1024,
                   expect="dom0-typing", modules=DOM0_MODULES, input=DOM0_XS))
# dom0-pci-assignable-vtd-bios: `hv pci-list` shows edu (at 00:05.0)
# owned by dom0; pci-assignable-add marks it (the list says so), remove
# unmarks it; a function that does not exist and a malformed name are
# refused. dom0-pci-assignable-bios: without an IOMMU the add is refused.
EDU_AT_5 = ["-device", "edu,dma_mask=4294967295,addr=5"]
EDU_ROW = r"^0000:00:05\.0 1234:11e8 00ff00 0 +{}$"
DOM0_PCI_ASSIGNABLE = [
    (r"^dom0# $", b"hv pci-list\r"), (EDU_ROW.format(""), None),
    (r"^dom0# $", b"hv create edu.cfg\r"),
    (r"^hv: create: edu\.cfg: pci 00:05\.0: not assignable: run hv pci-assignable-add 00:05\.0$",
     None),
    (r"^dom0# $", b"hv pci-assignable-add 00:05.0\r"),
    (r"PCI 0000:00:05\.0: now assignable$", None),
    (r"^dom0# $", b"hv create edu.cfg\r"),
    (r"PCI 0000:00:05\.0: assigned to domain 1$", None),
    (r"PCI 0000:00:05\.0: returned to dom0 \(", None),
    (r"^dom0# $", b"hv list\r"), (r"^Domain-0 +0 ", None),
    (r"^dom0# $", b"hv pci-list\r"), (EDU_ROW.format("assignable"), None),
    (r"^dom0# $", b"hv pci-assignable-remove 0000:00:05.0\r"),
    (r"PCI 0000:00:05\.0: no longer assignable$", None),
    (r"^dom0# $", b"hv pci-list\r"), (EDU_ROW.format(""), None),
    (r"^dom0# $", b"hv pci-assignable-add 00:1f.7\r"),
    (r"^hv: pci-assignable-add: no PCI function 00:1f\.7$", None),
    (r"^dom0# $", b"hv pci-assignable-add 00:05\r"),
    (r"^hv: pci-assignable-add: '00:05' is not \[seg:\]bus:dev\.fn$", None),
] + [(r"^dom0# $", b"poweroff\r"), (r"^dom0: powering off", None)]
DOM0_PCI_REFUSED = [
    (r"^dom0# $", b"hv pci-assignable-add 00:05.0\r"),
    (r"PCI 0000:00:05\.0: not assignable: no IOMMU remaps DMA", None),
    (r"^hv: pci-assignable-add: no IOMMU remaps DMA: a guest's device could write anywhere$",
     None),
    (r"^dom0# $", b"hv pci-list\r"), (EDU_ROW.format(""), None),
] + [(r"^dom0# $", b"poweroff\r"), (r"^dom0: powering off", None)]
SCENARIOS.append(S("dom0-pci-assignable-vtd-bios", "qemu", smp=2, mem=1024,
                   expect="dom0-typing", modules=[(os.path.join(DOM0_DIR, "dom0.elf"), ""),
                            (os.path.join(DOM0_DIR, "initrd-guests.cpio"), "")],
                   devices=lambda scratch: VTD + EDU_AT_5, input=DOM0_PCI_ASSIGNABLE))
SCENARIOS.append(S("dom0-pci-assignable-bios", "qemu", smp=2, mem=1024,
                   expect="dom0-typing", modules=DOM0_MODULES,
                   devices=lambda scratch: EDU_AT_5, input=DOM0_PCI_REFUSED))
# The backends with domains that dom0 builds (initrd-guests.cpio; the
# first domain created is 1). dom0-console-<emu>: `hv console` shows a
# guest's PV console (the log replayed), typed lines reach it and its
# replies come back, Ctrl-] detaches to the prompt; attached again, the
# guest ending detaches. dom0-xs-client-bios: xs-client checks its home and
# permissions, dom0's `xs write` fires its watch, a typed line reaches it.
# dom0-abuse-bios: the abuse guest (domain 1) gets its errors beside a
# well-behaved one (2); dom0 drops abuse's broken console ring and still
# answers `hv list`, xenstored still serves `xs ls`, and domain 2 finishes.
DOM0_GUESTS_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), ""),
                       (os.path.join(DOM0_DIR, "initrd-guests.cpio"), "")]
ATTACHED = r"^hv: attached to the console of domain {}; Ctrl-\] detaches$"
DETACHED = r"^hv: detached from the console of domain {}$"
TYPE_A_LINE = r"^xs-client: type a line$"
DOM0_POWEROFF = [(r"^dom0# $", b"poweroff\r"), (r"^dom0: powering off", None)]
DOM0_CONSOLE = [
    (r"^dom0# $", b"hv create echo.cfg\r"),
    (r"^dom0# $", b"hv console 1\r"), (ATTACHED.format(1), None),
    (TYPE_A_LINE, b"hello echo\r"), (r"^xs-client: got 'hello echo'$", None),
    (TYPE_A_LINE, b"\x1d"), (DETACHED.format(1), None),
    (r"^dom0# $", b"hv list\r"), (r"^\S+ +1 +\d+ +1 ", None),
    (r"^dom0# $", b"hv console 1\r"), (ATTACHED.format(1), None),
    (r"^xs-client: got 'hello echo'$", None),            # the log, replayed
    (TYPE_A_LINE, b"quit\r"), (r"^xs-client: got 'quit'$", None),
    (r"^Test result: SUCCESS$", None), (DETACHED.format(1), None),
] + DOM0_POWEROFF
DOM0_XS_CLIENT = [
    (r"^dom0# $", b"hv create xs-client.cfg\r"),
    (r"^dom0# $", b"xs ls /local/domain/1\r"),
    (r'^name = "xs-client"$', None), (r'^ type = "xenconsoled"$', None),
    (r"^dom0# $", b"xs write /local/domain/1/data/poke hello-watch\r"),
    (r"^dom0# $", b"hv console 1\r"), (ATTACHED.format(1), None),
    (r"^xs-client: I am domain 1, called 'xs-client'$", None),
    (r"^xs-client: watch fired: data/poke = 'hello-watch'", None),
    (TYPE_A_LINE, b"hello-console\r"), (r"^xs-client: got 'hello-console'$", None),
    (r"^Test result: SUCCESS$", None), (DETACHED.format(1), None),
    (r"^dom0# $", b"xs read /local/domain/1/name\r"),
    (r"^xs: read /local/domain/1/name: ENOENT$", None),   # its home went with it
] + DOM0_POWEROFF
DOM0_ABUSE = [
    (r"^dom0# $", b"hv create abuse.cfg\r"),
    (r"^dom0# $", b"hv create echo.cfg\r"),
    (r"^dom0: domain 1: console ring indexes out of range; console dropped$", None),
    (r"\(d1\) abuse: dom0 dropped my console", None),
    (r"\(d1\) abuse: 0 failures", None),
    (r"\(d1\) Test result: SUCCESS$", None),
    (r"^hv: domain 1 \(abuse\) powered off: on_poweroff=preserve", b"hv list\r"),
    (r"^Domain-0 +0 ", None), (r"^abuse +1 +\d+ +\d+ +\S*s", None),
    (r"^echo +2 +\d+ +1 ", None),
    (r"^dom0# $", b"hv console 1\r"),                    # kept, its console gone
    (r"^hv: console: domain 1 has no console backend$", None),
    (r"^dom0# $", b"hv destroy 1\r"), (r"^hv: domain 1 \(abuse\) destroyed$", None),
    (r"^dom0# $", b"xs ls /local/domain\r"),
    (r'^0 = ""$', None), (r'^2 = ""$', None), (r'^ name = "echo"$', None),
    (r"^dom0# $", b"hv console 2\r"), (ATTACHED.format(2), None),
    (TYPE_A_LINE, b"quit\r"), (r"^xs-client: got 'quit'$", None),
    (r"^Test result: SUCCESS$", None), (DETACHED.format(2), None),
] + DOM0_POWEROFF
# dom0-abuse-bios runs dom0 with console_log=1: abuse's own lines, until
# it breaks its console, show as (d1) lines, which check_abuse reads.
DOM0_GUESTS_LOG_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1"),
                           DOM0_GUESTS_MODULES[1]]


def check_abuse(j):
    """What abuse says it got, on its PV console (console_log): the node
    quota (1000 nodes a domain, less what its home holds), 128 watches,
    10 transactions (one already open); and its home gone once destroyed."""
    want = ((r"\(d1\) abuse: node flood: EQUOTA after (\d+) nodes$", range(950, 1000)),
            (r"\(d1\) abuse: watch flood: EQUOTA after (\d+) watches$", (128,)),
            (r"\(d1\) abuse: transaction flood: EQUOTA after (\d+) more$", (9,)))
    at = first(j.lines, r"^dom0# xs ls /local/domain$")
    end = first(j.lines, r"^dom0# hv console 2$", at or 0)
    if at is None or end is None or first(j.lines[:end], r'^1 = ""$', at) is not None:
        return "domain 1's xenstore home outlived it (or xs ls did not run)"
    for regex, ok in want:
        i = first(j.lines, regex)
        if i is None:
            return f"no line matching {regex!r}"
        n = int(re.search(regex, j.lines[i]).group(1))
        if n not in ok:
            return f"{j.lines[i]!r}: {n} is not in {ok}"
    return None


for _name, _script, _mods, _check in (
        ("console", DOM0_CONSOLE, DOM0_GUESTS_MODULES, None),
        ("xs-client", DOM0_XS_CLIENT, DOM0_GUESTS_MODULES, None),
        ("abuse", DOM0_ABUSE, DOM0_GUESTS_LOG_MODULES, check_abuse)):
    SCENARIOS.append(S(f"dom0-{_name}-bios", "qemu", smp=2, mem=1024, timeout=180,
                       expect="dom0-typing", modules=_mods, input=_script,
                       check=_check))
SCENARIOS.append(S("dom0-console-bochs", "bochs", smp=2, mem=512, timeout=400,
                   expect="dom0-typing", modules=DOM0_GUESTS_MODULES,
                   input=DOM0_CONSOLE))
SCENARIOS.append(S("dom0-bochs", "bochs", smp=1, mem=512,
                   expect="dom0", modules=DOM0_MODULES))
SCENARIOS.append(S("dom0-shell-bochs", "bochs", smp=2, mem=512,
                   expect="dom0-shell", modules=DOM0_SHELL_MODULES))

# ---- AMD-Vi (issue 8; docs/iommu.md) ------------------------------------------
# QEMU's amd-iommu must come before the devices it translates; virtio
# devices go through it only with iommu_platform=on (and disable-legacy=on).
# intremap=off: these check DMA remapping (interrupt remapping has its own).
AMD_IOMMU = ["-device", "amd-iommu,intremap=off"]
AMD_DMA_SEEN = (r"IOMMU: AMD-Vi: DMA remapping on, interrupt remapping off",)
# With intremap=on QEMU's IVRS lists its I/O APIC, and Petrel remaps
# interrupts: MSI and MSI-X through per-device tables, the I/O APIC's pins
# (the serial port's) through the I/O APIC's.
AMD_IR = ["-device", "amd-iommu,intremap=on"]
AMD_IR_SEEN = (r"IOMMU: AMD-Vi: DMA remapping on, interrupt remapping on",
               r"PCI [0-9a-f]{2}:[0-9a-f]{2}\.0: MSI(-X entry)? \d+ -> vector 0x[0-9a-f]+, "
               r"domain 0 pirq \d+, remapped by the IOMMU")


def amd_edu_devices(scratch):
    return AMD_IOMMU + edu_devices(scratch)


def amd_edu_tries(judge):
    """The addresses of the refused DMAs pci-edu announced."""
    return [int(m.group(1), 16) for l in judge.lines
            for m in [re.search(r"iommu: edu (?:writes to|reads from) (0x[0-9a-f]+)", l)] if m]


def amd_dma_refused(judge):
    """pci-edu under AMD-Vi: DMA at the bus addresses works (the guest
    checks), and the guest ran its IOMMU part: four DMAs where dom0 has no
    RAM, shared_info's bytes unchanged (the guest checks that too)."""
    why = edu_released(judge)
    if why:
        return why
    tries = amd_edu_tries(judge)
    if len(tries) < 4:
        return f"the guest announced {len(tries)} refused DMAs, want 4 (IOMMU checks skipped?)"
    return None


def amd_faults_logged(judge):
    """Each refused DMA must also have an event line naming edu's
    bus:dev.fn and an address in the page aimed at (read or write is not
    checked: QEMU puts the access's permission bits where the event's GN
    and NX flags go and never sets RW, hw/i386/amd_iommu.c
    amdvi_page_fault)."""
    why = amd_dma_refused(judge)
    if why:
        return why
    found = [m.group(1) for l in judge.lines
             for m in [re.search(r"PCI 0000:(\S+) 1234:11e8", l)] if m]
    if not found:
        return "no PCI line for the edu device"
    bdf = found[-1]
    logged = [int(m.group(1), 16) for l in judge.lines
              for m in [re.search(rf"IOMMU fault: PCI {re.escape(bdf)} (?:read|write) at "
                                  r"(0x[0-9a-f]+): reason 0x2 \(I/O page fault", l)] if m]
    for addr in amd_edu_tries(judge):
        if not any(a & ~0xfff == addr & ~0xfff for a in logged):
            return f"no I/O page fault line for PCI {bdf} in page {addr & ~0xfff:#x}"
    return None


# guest-pci-edu-{vtd,amd}-flr-bios: pci-edu with QEMU's nvme beside edu:
# nvme has FLR, so its return on a domain's destruction takes the reaper
# 100 ms; pci-edu, pinned to pCPU 1, spins on getdomaininfo and finds nvme
# dom0's the moment the domain is gone (docs/pci.md).
FLR_SEEN = (r"PCI 0000:00:0[0-9a-f]\.0: returned to dom0 \(FLR\)$",
            r"flr: nvme at 00:[0-9a-f]{2}\.0 was dom0's again when domain \d+ was gone")
for _name, _iommu in (("vtd", VTD), ("amd", AMD_IOMMU)):
    SCENARIOS.append(S(f"guest-pci-edu-{_name}-flr-bios", "qemu", "bios", smp=2, mem=512,
                       cmdline=GUEST_CMDLINE, expect="guest",
                       module=os.path.join(GUESTS, "pci-edu.elf"),
                       devices=lambda scratch, _i=_iommu: _i + edu_devices(scratch)
                       + ["-device", "nvme,serial=flr0"],
                       check=all_seen(FLR_SEEN)))


# QEMU 7.2's amd-iommu never writes its event log: amdvi_log_event() returns
# at once because amdvi_test_mask() ORs where it should AND, so "event log
# overflowed" always reads true (fixed in later QEMU: "amdvi_test_mask" in
# hw/i386/amd_iommu.c). The fault-logging check is kept, skipped with that
# reason, for an emulator that has the fix.
AMD_NO_EVENTS = ("QEMU 7.2's amd-iommu logs no event (amdvi_test_mask ORs instead of "
                 "ANDs, so the event log always reads as overflowed)")
for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"guest-pci-edu-amd-{_fw}", "qemu", _fw, smp=2, mem=512,
                       cmdline=GUEST_CMDLINE, expect="guest",
                       module=os.path.join(GUESTS, "pci-edu.elf"),
                       devices=amd_edu_devices,
                       check=all_seen(AMD_DMA_SEEN, amd_dma_refused)))
SCENARIOS.append(S("guest-pci-edu-amd-faults-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=amd_edu_devices, skip=AMD_NO_EVENTS,
                   check=all_seen(AMD_DMA_SEEN, amd_faults_logged)))
# iommu=force is satisfied by an AMD IOMMU alone.
SCENARIOS.append(S("guest-pci-edu-amd-force-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE + " iommu=force", expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"), devices=amd_edu_devices,
                   check=all_seen(AMD_DMA_SEEN, amd_dma_refused)))
SCENARIOS.append(S("guest-pci-edu-amd-off-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE + " iommu=off", expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=amd_edu_devices,
                   check=all_seen([r"IOMMU: off \(iommu=off\): device DMA is not confined",
                                   r"\(d0\) iommu: checks skipped"] + ASSIGNABLE_REFUSED,
                                  edu_released)))


def iommu_platform(args):
    """QEMU arguments with each virtio device's DMA put through the IOMMU."""
    return [a.replace("disable-legacy=on", "disable-legacy=on,iommu_platform=on") for a in args]


def amd_virtio_net_devices(scratch):
    return AMD_IOMMU + iommu_platform(virtio_net_devices(scratch))


for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"guest-pci-msix-amd-{_fw}", "qemu", _fw, smp=2, mem=512,
                       cmdline=GUEST_CMDLINE, expect="guest",
                       module=os.path.join(GUESTS, "pci-msix.elf"),
                       devices=amd_virtio_net_devices, check=all_seen(AMD_DMA_SEEN)))


SCENARIOS.append(S("guest-pci-edu-amd-ir-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=lambda scratch: AMD_IR + edu_devices(scratch),
                   check=all_seen(AMD_IR_SEEN, amd_dma_refused)))
# iommu_intremap=0 with an IVRS that allows remapping: DMA remapping only,
# MSIs in compatibility format (IV clear in every DTE).
SCENARIOS.append(S("guest-pci-edu-amd-nointremap-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE + " iommu_intremap=0", expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=lambda scratch: AMD_IR + edu_devices(scratch),
                   check=all_seen(AMD_DMA_SEEN, amd_dma_refused)))
SCENARIOS.append(S("guest-pci-msix-amd-ir-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-msix.elf"),
                   devices=lambda scratch: AMD_IR + iommu_platform(virtio_net_devices(scratch)),
                   check=all_seen(AMD_IR_SEEN)))
# dom0-typing-amd-ir-bios: the serial port's receive interrupt through the
# I/O APIC's remapping table.
SCENARIOS.append(S("dom0-typing-amd-ir-bios", "qemu", smp=2, mem=1024,
                   expect="dom0-typing", modules=DOM0_MODULES, input=DOM0_TYPED,
                   devices=lambda scratch: list(AMD_IR),
                   check=all_seen([r"IOAPIC: ISA IRQ 4 -> GSI \d+ .* remapped by the IOMMU"])))


# guest-pci-edu-amd-bridge-bios: edu behind a PCIe root port (bus 1).
SCENARIOS.append(S("guest-pci-edu-amd-bridge-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=lambda scratch: AMD_IR + ["-device", "pcie-root-port,id=rp1,chassis=1",
                                                     "-device", "edu,dma_mask=4294967295,bus=rp1"],
                   check=all_seen(AMD_IR_SEEN + (r"\(d0\) edu at 01:00\.0",), amd_dma_refused)))


# guest-pci-edu-amd-pcibridge-bios: edu (conventional PCI) behind a
# PCIe-to-PCI bridge, whose requester id it uses (an IVRS alias).
SCENARIOS.append(S("guest-pci-edu-amd-pcibridge-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=lambda scratch: AMD_IR + ["-device", "pcie-pci-bridge,id=pb,bus=pcie.0",
                                                     "-device", "edu,dma_mask=4294967295,bus=pb,addr=1"],
                   check=all_seen(AMD_IR_SEEN + (r"AMD-Vi: PCI 01:01\.0 DMAs as 01:00\.0",),
                                  amd_dma_refused)))


# guest-pci-edu-amd-sharedalias-bios: virtio-net (01:01.0) and edu (01:02.0)
# behind one PCIe-to-PCI bridge share its alias and so its interrupt
# remapping table: edu's MSI uses the second half of it.
SCENARIOS.append(S("guest-pci-edu-amd-sharedalias-bios", "qemu", "bios", smp=2, mem=512,
                   cmdline=GUEST_CMDLINE, expect="guest",
                   module=os.path.join(GUESTS, "pci-edu.elf"),
                   devices=lambda scratch: AMD_IR + [
                       "-device", "pcie-pci-bridge,id=pb,bus=pcie.0",
                       "-netdev", "user,id=n0,restrict=on",
                       "-device", "virtio-net-pci,netdev=n0,bus=pb,addr=1",
                       "-device", "edu,dma_mask=4294967295,bus=pb,addr=2"],
                   check=all_seen(AMD_IR_SEEN + (r"AMD-Vi: PCI 01:01\.0 DMAs as 01:00\.0",
                                                 r"AMD-Vi: PCI 01:02\.0 DMAs as 01:00\.0"),
                                  amd_dma_refused)))


def amd_virtio_devices(scratch):
    return AMD_IOMMU + iommu_platform(virtio_devices(scratch))


for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-virtio-amd-{_fw}", "qemu", _fw, smp=2, mem=1024,
                       expect="dom0", modules=DOM0_MODULES, devices=amd_virtio_devices,
                       must_see=VIRTIO_SEEN + (r"IOMMU: AMD-Vi: DMA remapping on",)))

# ---- the toolstack (issue 6): hv create and the rest, typed at dom0's prompt --
# Each scenario boots dom0 with the test initrd (the counter guest and the
# configs of tools/dom0/test-cfg/), types hv commands at the prompt, waits
# for what each must print, ends with poweroff, and then its check reads
# every line the console showed. The lines the script waits for come in a
# fixed order; what may come in any order (a guest's output against dom0's)
# is left to the check. docs/toolstack.md says what each command prints.
# console_log=1: dom0 shows each guest's console lines as "(dN) text".
DOM0_TS_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1"),
                   (os.path.join(DOM0_DIR, "initrd-test.cpio"), "")]
TS_PROMPT = r"^dom0# $"
TS_ROW_RE = re.compile(r"^(\S+) +(\d+) +(\d+) +(\d+) +([-rbpscd]{6}) +[\d.]+$")
TS_FREE_RE = re.compile(r"^free_pages +: (\d+)$")
TS_TICK_RE = re.compile(r"\(d(\d+)\) counter: tick (\d+)$")


def typed(cmd, *wait):
    """Type cmd at the prompt, then wait for each regex in wait, in order."""
    return [(TS_PROMPT, cmd.encode() + b"\r")] + [(w, None) for w in wait]


def then(wait, cmd, *waits):
    """Type cmd as soon as a line matches wait (dom0 waits at its prompt:
    for a guest's line, which comes at any time, the prompt may have gone
    by already), then wait for each regex in waits."""
    return [(wait, cmd.encode() + b"\r")] + [(w, None) for w in waits]


def ts_poweroff():
    return typed("poweroff", r"^dom0: powering off")


def hv_lists(lines):
    """Each `hv list` output: a list of (index of its header, rows), a row
    being (name, id, state)."""
    out = []
    for i, text in enumerate(lines):
        if not re.match(r"^Name +ID +Mem\(MiB\) +VCPUs +State", text):
            continue
        rows = []
        for row in lines[i + 1:]:
            if "(petrel)" in row:
                continue                # a log line in between
            m = TS_ROW_RE.match(row)
            if not m:
                break
            rows.append((m.group(1), int(m.group(2)), m.group(5)))
        out.append((i, rows))
    return out


def first(lines, regex, start=0):
    """Index of the first line from start matching regex, or None."""
    for i in range(start, len(lines)):
        if re.search(regex, lines[i]):
            return i
    return None


def missing(lines, wants):
    """Why the check fails when some regex of wants matches no line."""
    for want in wants:
        if first(lines, want) is None:
            return f"no line matching {want!r}"
    return None


def free_pages_kept(lines, what):
    """Why the check fails unless the two free_pages lines (hv info) agree."""
    free = [int(m.group(1)) for m in map(TS_FREE_RE.match, lines) if m]
    if len(free) != 2 or free[0] != free[1]:
        return f"free pages before and after {what}: {free}"
    return None


def no_hv_errors(lines, allowed=()):
    for text in lines:
        if re.match(r"^hv: ", text) and re.search(r"\(-E[A-Z]+\)|failed|not yet", text) \
                and not any(re.search(a, text) for a in allowed):
            return f"unexpected toolstack error: {text!r}"
    return None


# (a) hello runs and is destroyed by on_poweroff=destroy; the counter is
# listed while it runs and gone after; hello again with a command line and
# a ramdisk sees them in its start info.
TS_CREATE = (
    typed("hv create hello.cfg",
          r"^hv: domain 1 \(hello\) powered off: on_poweroff=destroy: destroyed")
    + typed("hv list", r"^Domain-0 +0 ")
    + typed("hv create counter.cfg", r"^hv: created domain 2 \(counter\) from counter\.cfg")
    + typed("hv list", r"^counter +2 ")
    + [(r"^hv: domain 2 \(counter\) powered off: on_poweroff=destroy: destroyed", None)]
    + typed("hv list", r"^Domain-0 +0 ")
    + typed("hv create hello-rd.cfg",
            r"^hv: domain 3 \(hellord\) powered off: on_poweroff=destroy: destroyed")
    + ts_poweroff())


def check_create(j):
    L = j.lines
    why = missing(L, (r"\(d1\) Hello from a Petrel test guest!", r"\(d1\) Test result: SUCCESS",
                      r"^hv: created domain 1 \(hello\) from hello\.cfg",
                      r"petrel: domain 1 destroyed", r"\(d2\) counter: tick 10$",
                      r"\(d2\) Test result: SUCCESS", r"petrel: domain 2 destroyed",
                      # the layout hello was given: 32 MiB of RAM from 0, no module
                      r"\(d1\) start_info at 0x[0-9a-f]+: magic 0x336ec578 version 1 "
                      r"flags 0 nr_modules 0$",
                      r"\(d1\)   memmap  0: 0x000000000000-0x000001ffffff RAM$",
                      # with a ramdisk (module 0) and a command line, in 8 MiB
                      r"\(d3\) start_info at .* nr_modules 1$",
                      r'\(d3\) cmdline: "greeting=hi"$',
                      r"\(d3\)   memmap  0: 0x000000000000-0x0000007fffff RAM$",
                      r"\(d3\) Test result: SUCCESS"))
    if why:
        return why
    lists = hv_lists(L)
    if len(lists) != 3:
        return f"{len(lists)} hv list outputs, expected 3"
    names = [[r[0] for r in rows] for _, rows in lists]
    if names[0] != ["Domain-0"] or names[2] != ["Domain-0"]:
        return f"hv list before and after the counter: {names[0]}, {names[2]}"
    if names[1] != ["Domain-0", "counter"] or "s" in lists[1][1][1][2] \
            or "d" in lists[1][1][1][2]:
        return f"hv list while the counter runs: {lists[1][1]}"
    if first(L, r"\(d2\) counter: tick \d+$", lists[1][0]) is None:
        return "the counter did not tick after it was listed"
    return no_hv_errors(L)


# (b) eight counters at once, then destroyed; free memory as before. The
# figure before is taken after a first domain was built and destroyed: the
# first foreign mapping in dom0's window gives dom0's own p2m the page-table
# pages for it, which dom0 keeps (a few pages, once).
TS_EIGHT = (typed("hv create g1.cfg", r"^hv: created domain 1 \(g1\) from g1\.cfg")
            + typed("hv destroy g1", r"^hv: domain 1 \(g1\) destroyed")
            + typed("hv info", r"^free_pages +: \d+$")
            + [x for i in range(1, 9)
               for x in typed(f"hv create g{i}.cfg",
                              rf"^hv: created domain {i + 1} \(g{i}\) from g{i}\.cfg")]
            + then(r"\(d9\) counter: tick 2$", "hv list", r"^g8 +9 ")
            + [x for i in range(1, 9)
               for x in typed(f"hv destroy g{i}", rf"^hv: domain {i + 1} \(g{i}\) destroyed")]
            + typed("hv list", r"^Domain-0 +0 ")
            + typed("hv info", r"^free_pages +: \d+$")
            + ts_poweroff())


def check_eight(j):
    L = j.lines
    why = free_pages_kept(L, "the eight domains")
    if why:
        return why
    lists = hv_lists(L)
    if len(lists) != 2:
        return f"{len(lists)} hv list outputs, expected 2"
    got = sorted(r[0] for r in lists[0][1])
    want = sorted(["Domain-0"] + [f"g{i}" for i in range(1, 9)])
    if got != want:
        return f"hv list with eight domains: {got}"
    if [r[0] for r in lists[1][1]] != ["Domain-0"]:
        return f"hv list after destroying them: {lists[1][1]}"
    for i in range(2, 10):
        if first(L, rf"\(d{i}\) counter: tick 2$") is None:
            return f"domain {i} did not tick"
        if first(L, rf"petrel: domain {i} destroyed") is None:
            return f"domain {i} was not destroyed"
    return no_hv_errors(L)


# ---- PCI passthrough through the toolstack (docs/pci.md, "Passthrough") ----
# dom0-pci-pt-<iommu>-<fw>: QEMU's edu at 00:05.0 (the root bus: QEMU 7.2's
# amd-iommu mistakes a bridged device's requester id, docs/iommu.md). dom0
# drives edu (`edu`), marks it assignable; `hv create pt.cfg` gives it to
# the pci-pt guest, which drives it (MSI as an event, DMA into its own
# pages) and is kept when it powers off, still holding edu; a second config
# naming edu is refused naming domain 1, one naming a function never
# marked is refused; dom0 cannot reach edu; `hv destroy` returns it to dom0
# (logged) and an immediate `hv create pt.cfg` gets it again (the
# destruction returned it before hv destroy came back); free pages the same
# around a third create and destroy; dom0 drives edu again, blocked and
# with SCHEDOP_poll. QEMU's nvme (00:06.0, FLR) goes to the hello guest,
# which finds its BAR reserved in its memory map; destroyed, it comes back
# after the FLR, before hv destroy returns, and is given again at once.
# Last, dom0 drives edu with SCHEDOP_poll while a guest floods dom0 with
# console events (each ends a poll early: docs/pci.md).
PT_EDU_ROW = r"^0000:00:05\.0 1234:11e8 00ff00 {} +{}$"
PT_EDU_OK = r"^edu 00:05\.0: alive, 5! = 120, DMA of 256 bytes to edu and back checked"
PT_RETURNED = r"PCI 0000:00:05\.0: returned to dom0 \((FLR|command register cleared)\)$"


def pt_run(dom):
    """hv create pt.cfg as domain dom: assigned, its SUCCESS, kept."""
    return typed("hv create pt.cfg", rf"PCI 0000:00:05\.0: assigned to domain {dom}$",
                 rf"^hv: created domain {dom} \(pt\) from pt\.cfg$",
                 rf"^hv: domain {dom} \(pt\) powered off: on_poweroff=preserve: kept")


PT_NVME_RETURNED = r"PCI 0000:00:06\.0: returned to dom0 \(FLR\)$"


def nvme_run(dom):
    """hv create pt-nvme.cfg as domain dom: assigned, hello's SUCCESS, kept."""
    return typed("hv create pt-nvme.cfg", rf"PCI 0000:00:06\.0: assigned to domain {dom}$",
                 rf"^hv: created domain {dom} \(ptnvme\) from pt-nvme\.cfg$",
                 rf"^hv: domain {dom} \(ptnvme\) powered off: on_poweroff=preserve: kept")


DOM0_PCI_PT = (
    typed("hv pci-list", PT_EDU_ROW.format(0, ""))
    + typed("edu", PT_EDU_OK)
    + typed("edu poll", PT_EDU_OK)
    + typed("hv pci-assignable-add 00:05.0", r"PCI 0000:00:05\.0: now assignable$")
    + pt_run(1)
    + typed("hv create pt2.cfg",
            r"^hv: create: pt2\.cfg: pci 00:05\.0: held by domain 1: .*\(-EBUSY\)$")
    + typed("hv create pt-vga.cfg",
            r"^hv: create: pt-vga\.cfg: pci 00:01\.0: not assignable: "
            r"run hv pci-assignable-add 00:01\.0$")
    + typed("hv pci-list", PT_EDU_ROW.format(1, "assignable"))
    + typed("edu", r"^edu 00:05\.0: not dom0's now \(config space reads all-ones\)$")
    + typed("hv destroy 1", PT_RETURNED, r"^hv: domain 1 \(pt\) destroyed$")
    + pt_run(2)                                 # at once: edu is dom0's again
    + typed("hv destroy 2", PT_RETURNED, r"^hv: domain 2 \(pt\) destroyed$")
    + typed("hv info", r"^free_pages +: \d+$")
    + pt_run(3)
    + typed("hv destroy 3", PT_RETURNED, r"^hv: domain 3 \(pt\) destroyed$")
    + typed("hv info", r"^free_pages +: \d+$")
    + typed("hv pci-list", PT_EDU_ROW.format(0, "assignable"))
    + typed("edu", PT_EDU_OK)
    + typed("edu 00:05.0 poll", PT_EDU_OK)
    # nvme has FLR: its return takes 100 ms of the reaper's time; hv destroy
    # comes back only after it, and the re-create at once gets it.
    + typed("hv pci-assignable-add 00:06.0", r"PCI 0000:00:06\.0: now assignable$")
    + nvme_run(4)
    + typed("hv destroy 4", PT_NVME_RETURNED, r"^hv: domain 4 \(ptnvme\) destroyed$")
    + nvme_run(5)
    + typed("hv destroy 5", PT_NVME_RETURNED, r"^hv: domain 5 \(ptnvme\) destroyed$")
    # A guest's console events wake dom0's SCHEDOP_poll early, many times
    # during each DMA: the wait must poll again (evtchn_wait_port).
    + typed("hv create tick.cfg", r"^hv: created domain 6 \(tick\) from tick\.cfg$")
    + then(r"\(d6\) counter: tick 5$", "edu poll", PT_EDU_OK)
    + typed("edu", PT_EDU_OK)
    + typed("hv destroy 6", r"^hv: domain 6 \(tick\) destroyed$")
    + typed("hv pci-assignable-remove 00:05.0", r"PCI 0000:00:05\.0: no longer assignable$")
    + ts_poweroff())


def check_pci_pt(j):
    L = j.lines
    for dom in (1, 2, 3):
        why = missing(L, (rf"\(d{dom}\) edu at 00:05\.0$",
                          rf"\(d{dom}\) edu DMA: 256 bytes RAM -> edu -> RAM",
                          rf"\(d{dom}\) Test result: SUCCESS$",
                          rf"petrel: domain {dom} destroyed"))
        if why:
            return why
    if len([x for x in L if re.search(PT_RETURNED, x)]) != 3:
        return "edu was not returned to dom0 once per guest"
    if len([x for x in L if re.search(PT_NVME_RETURNED, x)]) != 2:
        return "nvme was not returned to dom0 (FLR) once per guest"
    why = missing(L, (r"\(d4\)   memmap  1: 0x[0-9a-f]{12}-0x[0-9a-f]{12} reserved$",
                      r"\(d5\) Test result: SUCCESS$"))
    if why:
        return why
    rounds = [m for m in (re.search(PT_EDU_OK + r".*\((blocked|SCHEDOP_poll), (\d+) us\)$", x)
                          for x in L) if m]
    if [m.group(1) for m in rounds] != ["blocked", "SCHEDOP_poll"] * 2 + ["SCHEDOP_poll", "blocked"]:
        return "dom0 did not drive edu before and after, blocked and polling"
    # Two DMAs, each QEMU's 100 ms timer: an event held back until a
    # deadline (a bug seen once: docs/pci.md) would take seconds.
    slow = [int(m.group(2)) for m in rounds if int(m.group(2)) > 2000000]
    if slow:
        return f"dom0's edu DMA events took {slow} us (two 100 ms DMAs)"
    return free_pages_kept(L, "the third passthrough guest") or \
        no_hv_errors(L, allowed=(r"pt2\.cfg: pci 00:05\.0: held by domain 1",))


DOM0_PT_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1"),
                   (os.path.join(DOM0_DIR, "initrd-pt.cpio"), "")]
EDU_ON_ROOT_5 = ["-device", "edu,dma_mask=4294967295,addr=5",
                 "-device", "nvme,serial=pt0,addr=6"]
for _name, _fw, _iommu in (("vtd", "bios", VTD), ("vtd", "ovmf", VTD),
                           ("amd", "bios", AMD_IOMMU)):
    SCENARIOS.append(S(f"dom0-pci-pt-{_name}-{_fw}", "qemu", _fw, smp=2, mem=1024,
                       expect="dom0-typing", modules=DOM0_PT_MODULES,
                       devices=lambda scratch, _i=_iommu: _i + EDU_ON_ROOT_5,
                       input=DOM0_PCI_PT, check=check_pci_pt))


# (c) configs with errors leave nothing behind.
TS_ERRORS = (typed("hv info", r"^free_pages +: \d+$")
             + typed("hv create bad.cfg", r"^hv: create: bad\.cfg: line 3: unknown key 'memroy'$")
             + typed("hv create nokernel.cfg",
                     r"^hv: create: nokernel\.cfg: kernel 'nope\.elf': no such file in the initrd$")
             + typed("hv create toobig.cfg",
                     r"^hv: create: toobig\.cfg: not enough memory: 65536 MiB asked, \d+ MiB free$")
             + typed("hv create notelf.cfg", r"^hv: create: notelf\.cfg: kernel 'test\.rc': ")
             + typed("hv create nothing.cfg",
                     r"^hv: create: nothing\.cfg: no such file in the initrd$")
             + typed("hv list", r"^Domain-0 +0 ")
             + typed("hv info", r"^free_pages +: \d+$")
             + ts_poweroff())


def check_errors(j):
    L = j.lines
    why = free_pages_kept(L, "the failed creates")
    if why:
        return why
    lists = hv_lists(L)
    if len(lists) != 1 or [r[0] for r in lists[0][1]] != ["Domain-0"]:
        return f"hv list after the failed creates: {lists}"
    if first(L, r"petrel: domain [1-9]") is not None:
        return f"a domain was created: {L[first(L, r'petrel: domain [1-9]')]!r}"
    return None


# (d) on_crash=destroy, then on_crash=restart until hv destroy, then
# on_crash=preserve: kept, crashed, until hv destroy. The restarted domain's
# first tick (200 ms after its start, 400 ms before it crashes again) comes
# after the toolstack's "restarted" line, which is printed right after the
# unpause; its banner may come before that line.
TS_CRASH = (typed("hv create crash.cfg",
                  r"^hv: domain 1 \(crashy\) crashed: on_crash=destroy: destroyed$")
            + typed("hv list", r"^Domain-0 +0 ")
            + typed("hv create crash-restart.cfg",
                    r"^hv: domain 2 \(crashy\) crashed: on_crash=restart: restarted as domain 3$")
            + then(r"\(d3\) counter: tick 1$", "hv destroy crashy",
                   r"^hv: domain \d+ \(crashy\) destroyed$")
            + typed("hv list", r"^Domain-0 +0 ")
            + typed("hv create crash-preserve.cfg",
                    r"^hv: domain \d+ \(kept\) crashed: on_crash=preserve: kept "
                    r"\(hv destroy \d+ frees it\)$")
            + typed("hv list", r"^kept +\d+ ")
            + typed("hv destroy kept", r"^hv: domain \d+ \(kept\) destroyed$")
            + typed("hv list", r"^Domain-0 +0 ")
            + ts_poweroff())


def check_crash(j):
    L = j.lines
    why = missing(L, (r"\(d1\) counter: crashing on purpose", r"petrel: domain 1 crashed",
                      r"petrel: domain 1 destroyed", r"\(d2\) counter: crashing on purpose",
                      r"petrel: domain 2 crashed", r"\(d3\) counter: a tick every 200 ms"))
    if why:
        return why
    lists = hv_lists(L)
    if len(lists) != 4 or any([r[0] for r in lists[i][1]] != ["Domain-0"] for i in (0, 1, 3)):
        return f"hv list after the crashes: {lists}"
    kept = dict((r[0], r[2]) for r in lists[2][1]).get("kept", "")
    if "c" not in kept:
        return f"the preserved domain's state: {kept!r} (want crashed, c)"
    return no_hv_errors(L)


# (e) a paused counter does not tick; unpaused, it goes on.
TS_PAUSE = (typed("hv create forever.cfg")
            + then(r"\(d1\) counter: tick 3$", "hv pause forever")
            + typed("hv list", r"^forever +1 ")
            + typed("sleep 1500", r"^slept 1500 ms$")
            + typed("hv unpause forever")
            + typed("hv list", r"^forever +1 ")
            + then(r"\(d1\) counter: tick \d+$", "hv destroy forever",
                   r"^hv: domain 1 \(forever\) destroyed$")
            + ts_poweroff())


def check_pause(j):
    L = j.lines
    lists = hv_lists(L)
    if len(lists) != 2:
        return f"{len(lists)} hv list outputs, expected 2"
    paused = dict((r[0], r[2]) for r in lists[0][1]).get("forever", "")
    running = dict((r[0], r[2]) for r in lists[1][1]).get("forever", "")
    if "p" not in paused or "p" in running:
        return f"state while paused {paused!r}, after unpause {running!r}"
    slept = first(L, r"^slept 1500 ms$")
    ticks = [(i, int(m.group(2))) for i, m in enumerate(map(TS_TICK_RE.search, L)) if m]
    during = [n for i, n in ticks if lists[0][0] < i < slept]
    if during:
        return f"tick(s) {during} while paused"
    before = [n for i, n in ticks if i < lists[0][0]]
    after = [n for i, n in ticks if i > slept]
    if not before or not after or after[0] != before[-1] + 1:
        return f"ticks before the pause {before[-3:]}, after the unpause {after[:3]}"
    return no_hv_errors(L)


# (f) vcpu-pin, vcpu-list, sched-credit, top; then reboot (on_reboot's
# default, restart) and shutdown (on_poweroff's, destroy).
TS_SCHED = (typed("hv create forever.cfg")
            + then(r"\(d1\) counter: tick 1$", "hv vcpu-pin forever 0 1")
            + [(r"\(d1\) counter: tick \d+$", None)]
            + then(r"\(d1\) counter: tick \d+$", "hv vcpu-list forever", r"^forever +1 +1 +- ")
            + typed("hv vcpu-list", r"^forever +1 +1 +- ")
            + typed("hv sched-credit", r"^forever +1 +512 +0$")
            + typed("hv sched-credit -d forever -w 128 -c 50", r"^forever +1 +128 +50$")
            + typed("hv sched-credit -d 1", r"^forever +1 +128 +50$")
            + typed("hv sched-credit -w 5", r"^usage: hv sched-credit ")
            + typed("hv vcpu-pin forever 2 0", r"^hv: vcpu-pin: domain 1 has no vCPU '2'")
            + typed("hv create forever.cfg",
                    r"^hv: create: forever\.cfg: the name 'forever' is taken by domain 1$")
            + typed("hv top -n 2", r"^hv top: 2 domain\(s\), \d+ ms sampled, refresh 1$",
                    r"^hv top: 2 domain\(s\), \d+ ms sampled, refresh 2$",
                    r"^forever +1 ")
            + typed("hv reboot forever",
                    r"^hv: domain 1 \(forever\) rebooted: on_reboot=restart: "
                    r"restarted as domain 2$")
            + then(r"\(d2\) counter: tick 1$", "hv shutdown 2",
                   r"^hv: domain 2 \(forever\) powered off: on_poweroff=destroy: destroyed$")
            + typed("hv list", r"^Domain-0 +0 ")
            + ts_poweroff())


def check_sched(j):
    L = j.lines
    rows = [m for m in (re.match(r"^(\S+) +(\d+) +(\d+) +(\S+) +([-rbp]{3}) +[\d.]+  (\S+)$", t)
                        for t in L) if m]
    v0 = [m.groups() for m in rows if m.group(1) == "forever" and m.group(3) == "0"]
    v1 = [m.groups() for m in rows if m.group(1) == "forever" and m.group(3) == "1"]
    if len(v0) != 2 or any(g[3] != "1" or g[5] != "1" for g in v0):
        return f"vCPU 0 of forever after vcpu-pin 0 1: {v0}"
    if len(v1) != 2 or any(g[3] != "-" for g in v1):
        return f"vCPU 1 of forever (never up): {v1}"
    if not any(m.group(1) == "Domain-0" for m in rows):
        return "hv vcpu-list without Domain-0's vCPU"
    top = [i for i, t in enumerate(L) if re.match(r"^hv top: ", t)]
    for i in top:
        block = L[i + 1:i + 4]
        if not re.match(r"^Name +ID +State +CPU\(s\) +CPU\(%\)", block[0]) or \
                not any(re.match(r"^Domain-0 +0 ", b) for b in block) or \
                not any(re.match(r"^forever +1 .* \d+\.\d +16 +1$", b) for b in block):
            return f"hv top's refresh: {block}"
    if first(L, r"\(d2\) counter: a tick every 200 ms") is None:
        return "the rebooted domain 2 did not start"
    lists = hv_lists(L)
    if not lists or [r[0] for r in lists[-1][1]] != ["Domain-0"]:
        return f"hv list after the shutdown: {lists[-1:]}"
    return no_hv_errors(L, allowed=(r"^hv: vcpu-pin: domain 1 has no vCPU",))


for _name, _script, _check in (("create", TS_CREATE, check_create),
                               ("eight", TS_EIGHT, check_eight),
                               ("errors", TS_ERRORS, check_errors),
                               ("crash", TS_CRASH, check_crash),
                               ("pause", TS_PAUSE, check_pause),
                               ("sched", TS_SCHED, check_sched)):
    SCENARIOS.append(S(f"hv-{_name}-bios", "qemu", smp=2, mem=1024, timeout=180,
                       expect="dom0-typing", modules=DOM0_TS_MODULES,
                       input=_script, check=_check))
# hv-create-vtd-bios: the same behind VT-d: dom0's grant and foreign
# mappings of the guests' pages go into its I/O tables and out again.
SCENARIOS.append(S("hv-create-vtd-bios", "qemu", smp=2, mem=1024, timeout=180,
                   expect="dom0-typing", modules=DOM0_TS_MODULES, input=TS_CREATE,
                   devices=lambda scratch: list(VTD),
                   check=all_seen([r"IOMMU: VT-d: DMA remapping on"], check_create)))
# On Bochs (VMX): create, crash (a domU's triple fault under VMX), sched
# (which found input events that come for bytes already read ending top).
for _name, _script, _check in (("create", TS_CREATE, check_create),
                               ("crash", TS_CRASH, check_crash),
                               ("sched", TS_SCHED, check_sched)):
    SCENARIOS.append(S(f"hv-{_name}-bochs", "bochs", smp=2, mem=512, timeout=600,
                       expect="dom0-typing", modules=DOM0_TS_MODULES,
                       input=_script, check=_check))

# hv-create-amd-ir-bios: the create scenario behind AMD-Vi with interrupt
# remapping: dom0's grant and foreign mappings of the guests' pages go
# into its I/O tables and out again, all pages back at the end.
SCENARIOS.append(S("hv-create-amd-ir-bios", "qemu", smp=2, mem=1024, timeout=180,
                   expect="dom0-typing", modules=DOM0_TS_MODULES, input=TS_CREATE,
                   devices=lambda scratch: list(AMD_IR),
                   check=all_seen([AMD_IR_SEEN[0]], check_create)))


# ---- the block backend (issue 7): blkback in dom0, blkfront in the blk guest --
# dom0 boots with two 4 MiB RAM disks (ramdisk=4M,4M: ram0, ram1), a slow
# 1 MiB one (ram2, each request 500 ms late: a guest destroyed on it has
# requests in flight in dom0, whatever the moment), one that takes 3
# segments a request (ram3) and the blk guest's initrd (tools/dom0/blk-cfg/, docs/block.md); each step types
# `hv create` and waits for the guest's result and its destruction.
DOM0_BLK_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1 ramdisk=4M,4M,1M@500,1M/3"),
                    (os.path.join(DOM0_DIR, "initrd-blk.cpio"), "")]
BLK_ROW_RE = re.compile(r"^(\d+) +0 +(\d+) +(-?\d+) +(\S+) +([rw]) +(\d+) +(\d+) +(\d+) "
                        r"+(\d+) +(\d+)$")


def blk_run(cfg, dom, name, *waits):
    """hv create cfg: domain dom (name) succeeds and is destroyed."""
    return typed(f"hv create {cfg}", rf"^hv: created domain {dom} \({name}\)", *waits,
                 rf"\(d{dom}\) Test result: SUCCESS$",
                 rf"^hv: domain {dom} \({name}\) powered off: on_poweroff=destroy: destroyed$")


BLK_MAIN = (
    # A pattern written, the guest destroyed; the next one reads it back.
    blk_run("blk-write.cfg", 1, "blkw")
    + typed("hv info", TS_FREE_RE.pattern)
    + blk_run("blk-read.cfg", 2, "blkr")
    # ram1 holds nothing of it; a pattern on ram1 (one-page ring, grants
    # per request, no indirect requests) leaves ram0's as it was.
    + blk_run("blk-other.cfg", 3, "blko")
    + blk_run("blk-other-write.cfg", 4, "blkow")
    + blk_run("blk-read.cfg", 5, "blkr")
    + blk_run("blk-ro.cfg", 6, "blkro")
    # Malformed requests; last, a broken ring closes that device only.
    + blk_run("blk-hostile.cfg", 7, "blkh",
              r"^dom0: vbd 7/51712: ring indexes out of range; disconnected$")
    # Persistent grants: the counters before and after 200 requests.
    + typed("hv create blk-steady.cfg", r"^hv: created domain 8 \(blks\)")
    + then(r"\(d8\) blk: warm$", "hv block-list 8", BLK_ROW_RE.pattern)
    + typed("xs write /local/domain/8/data/go 1")
    + then(r"\(d8\) blk: steady done$", "hv block-list 8", BLK_ROW_RE.pattern)
    + typed("xs write /local/domain/8/data/end 1", r"\(d8\) Test result: SUCCESS$",
            r"^hv: domain 8 \(blks\) powered off: on_poweroff=destroy: destroyed$")
    # Destroyed with the ring full; a reader on ram0 meanwhile works, and
    # waits (hold=1) until told after the destruction, then finishes.
    + typed("hv create blk-flood.cfg", r"^hv: created domain 9 \(blkf\)")
    + then(r"\(d9\) blk: flooding", "hv create blk-read-hold.cfg",
           r"^hv: created domain 10 \(blkrh\)")
    + typed("hv destroy 9", r"^dom0: vbd 9/51712: waiting for \d+ requests in flight$",
            r"^hv: domain 9 \(blkf\) destroyed$")
    + typed("xs write /local/domain/10/data/end 1", r"\(d10\) Test result: SUCCESS$",
            r"^hv: domain 10 \(blkrh\) powered off: on_poweroff=destroy: destroyed$")
    # Closed and connected again, another ring and no persistent grants.
    + blk_run("blk-reconnect.cfg", 11, "blkre", r"\(d11\) blk: again: ring 1 pages, persistent 0$")
    # 120 requests of 33 grants each at once: more than dom0 may map.
    + blk_run("blk-maps.cfg", 12, "blkm",
              r"\(d12\) blk: 120 indirect reads of 32 grants each: 120 answered, 120 OK$")
    # A flush on the slow ram2 is answered after the disk's 500 ms.
    + blk_run("blk-flush.cfg", 13, "blkfl", r"\(d13\) blk: flush answered after \d+ ms")
    # ram3 takes 3 segments a request: 11- and 32-segment ones go in parts.
    + blk_run("blk-parts.cfg", 14, "blkp",
              r"\(d14\) blk: read 512 sectors, up to \d+ requests in flight: 0 sectors differ$")
    + typed("hv list", r"^Domain-0 +0 ")
    + typed("hv info", TS_FREE_RE.pattern)
    # Disk entries that hv create refuses, with nothing left behind.
    + typed("hv create blk-nodev.cfg",
            r"^hv: create: blk-nodev\.cfg: disk 'phy:ram9,xvda,w': no block device "
            r"'ram9' in dom0$")
    + typed("hv create blk-badspec.cfg",
            r"^hv: create: blk-badspec\.cfg: disk 'phy:ram0,xvda': not TARGET,VDEV,MODE: ")
    + typed("xs ls /local/domain/0/backend", r"^dom0# ")
    + ts_poweroff())


def check_blk(j):
    L = j.lines
    why = free_pages_kept(L, "the blk guests (and one destroyed mid-I/O)") or \
        missing(L, (r"\(d1\) blk: xvd 51712: 8192 sectors, info 0, ring 4 pages \(128 entries\), "
                    r"persistent 1, indirect 32, flush 1$",
                    r"\(d4\) blk: xvd 51728: 8192 sectors, info 0, ring 1 pages \(32 entries\), "
                    r"persistent 0, indirect 32, flush 1$",
                    r"\(d6\) blk: xvd 51712: 8192 sectors, info 4, ",
                    r"\(d1\) blk: read 512 sectors, up to \d+ requests in flight: 0 sectors",
                    r"\(d7\) blk: broken ring: backend state 6$",
                    # the reader beside the destroyed guest
                    r"\(d10\) blk: read 512 sectors, up to \d+ requests in flight: "
                    r"0 sectors differ$"))
    if why:
        return why
    rows = [m.groups() for m in map(BLK_ROW_RE.match, L) if m]
    if len(rows) != 2:
        return f"{len(rows)} hv block-list rows, expected 2"
    (_, st0, _, disk0, _, req0, err0, map0, unmap0, pg0), \
        (_, st1, _, _, _, req1, err1, map1, unmap1, pg1) = rows
    if disk0 != "ram1" or st0 != "4" or st1 != "4":
        return f"hv block-list: {rows}"
    if int(req1) - int(req0) < 200 or err1 != "0":
        return f"requests between the two block-lists: {rows}"
    if map1 != map0 or unmap1 != unmap0 or pg1 != pg0:
        return f"grant maps or unmaps in steady state: {rows}"
    after = first(L, r"^dom0# xs ls /local/domain/0/backend$")
    if after is None or first(L[after:], r"^  \d+ = ") is not None:
        return "a vbd backend directory outlived its domain"
    return no_hv_errors(L, allowed=(r"^hv: create: blk-(nodev|badspec)\.cfg: ",))


SCENARIOS.append(S("blk-bios", "qemu", smp=2, mem=1024, timeout=300, expect="dom0-typing",
                   modules=DOM0_BLK_MODULES, input=BLK_MAIN, check=check_blk))
# blk-vtd-bios: the same behind VT-d (docs/iommu.md): every grant blkback
# maps into dom0 enters dom0's I/O tables and leaves them again.
SCENARIOS.append(S("blk-vtd-bios", "qemu", smp=2, mem=1024, timeout=300,
                   expect="dom0-typing", modules=DOM0_BLK_MODULES, input=BLK_MAIN,
                   devices=lambda scratch: list(VTD),
                   check=all_seen([r"IOMMU: VT-d: DMA remapping on"], check_blk)))
# On Bochs (VMX): a pattern across two guests, and the malformed requests.
BLK_BOCHS = (blk_run("blk-write.cfg", 1, "blkw") + blk_run("blk-read.cfg", 2, "blkr")
             + blk_run("blk-hostile.cfg", 3, "blkh",
                       r"^dom0: vbd 3/51712: ring indexes out of range; disconnected$")
             + ts_poweroff())


def check_blk_bochs(j):
    return missing(j.lines, (r"\(d2\) blk: read 512 sectors, up to \d+ requests in flight: "
                             r"0 sectors differ$",
                             r"\(d3\) blk: a bad segment in the indirect page: status -1$",
                             r"\(d3\) blk: broken ring: backend state 6$")) \
        or no_hv_errors(j.lines)


SCENARIOS.append(S("blk-bochs", "bochs", smp=2, mem=512, timeout=600, expect="dom0-typing",
                   modules=DOM0_BLK_MODULES, input=BLK_BOCHS, check=check_blk_bochs))


# ---- dom0's device drivers (issue 7): virtio-blk and virtio-net ----------
# QEMU's virtio 1.x devices (disable-legacy=on) at fixed slots, driven by
# dom0 (docs/virtio.md); commands typed at its prompt. dom0-virtio-net-*:
# `ping` of QEMU user networking's gateway (restrict=on: slirp still
# answers ARP and ICMP echo for its own address) from dom0's bridge port. The disks' images
# are written into the scenario's scratch directory before QEMU starts
# (a GPT with two partitions and random bytes in them; a read-only disk of
# random bytes) and checked after it exits: exactly the sectors dom0 was
# told to write changed, on the read-write disk only.
VD_SECTORS = 16384                          # vda: 8 MiB
VD_PARTS = ((2048, 6143), (6144, 14335))    # vda1: 2 MiB, vda2: 4 MiB
VD_RO_SECTORS = 2048                        # vdb: 1 MiB, read-only
VD_WRITE = (2, 16, 4, 0x5A)                 # vda2, sectors 16+4, byte 0x5a


sys.path.insert(0, os.path.join(ROOT, "tools"))
from gptimage import gpt_disk  # noqa: E402  (tools/gptimage.py; make run's disk too)


VD_GUEST_PATTERN = 21                       # tools/dom0/blk-cfg/blk-vd-*.cfg


def blk_pattern(pat, first, count):
    """What the blk guest (test/guests/blk.c) writes with pattern=pat in
    sectors first..first+count-1 of its disk: 64-bit words."""
    import struct
    base = (pat * 0x9E3779B97F4A7C15) & (2 ** 64 - 1)
    return b"".join(struct.pack("<64Q", *(base ^ (s << 16 | i) for i in range(64)))
                    for s in range(first, first + count))


def vd_images(damaged=False):
    """(vda's image, vdb's image), the same on every call. vdb holds the
    blk guest's pattern 21 in its first 512 sectors (its read-only mode
    reads them), random bytes after. damaged: vda's primary GPT header is
    (dom0 must use the backup)."""
    import random
    ro = random.Random(99).randbytes(VD_RO_SECTORS * 512)
    return (gpt_disk(VD_SECTORS, VD_PARTS, 1234, damaged),
            blk_pattern(VD_GUEST_PATTERN, 0, 512) + ro[512 * 512:])


def vd_devices(scratch, damaged=False):
    rw, ro = vd_images(damaged)
    for name, data in (("disk.img", rw), ("ro.img", ro)):
        with open(os.path.join(scratch, name), "wb") as f:
            f.write(data)
    return ["-drive", f"file={os.path.join(scratch, 'disk.img')},if=none,format=raw,id=d0",
            "-device", "virtio-blk-pci,drive=d0,disable-legacy=on,addr=0x4",
            "-drive", f"file={os.path.join(scratch, 'ro.img')},if=none,format=raw,id=d1,"
                      "readonly=on",
            # vdb: no indirect descriptors and a small ring, so that a
            # request takes 3 ring entries and a deep scan must wait for room.
            "-device", "virtio-blk-pci,drive=d1,disable-legacy=on,addr=0x5,"
                       "indirect_desc=off,queue-size=16"]


def vd_read_line(dev, sector, count, data):
    """The line `disk read` prints for data."""
    import zlib
    first = " ".join(f"{b:02x}" for b in data[:16])
    return (rf"^disk: read {dev} sectors {sector}\+{count}: crc32 "
            rf"{zlib.crc32(data):08x}, bytes {first}$")


def vd_script():
    rw, ro = vd_images()
    p1 = VD_PARTS[0][0] * 512
    part, sec, cnt, byte = VD_WRITE
    return ([(r"^dom0: vda: GPT with 2 partition\(s\)$", None),
             (r"^dom0: vdb: virtio-blk .*, read-only, queue 16, 14 segments$", None)]
            + typed("lspci", r"^00:04\.0 1af4:1042 storage driver=virtio-blk$")
            + typed("disk", r"^vda +16384 sectors +8192 KiB rw$",
                    r"^vda1 +4096 sectors +2048 KiB rw on vda from sector 2048$",
                    r"^vda2 +8192 sectors +4096 KiB rw on vda from sector 6144$",
                    r"^vdb +2048 sectors +1024 KiB ro$")
            + typed("disk read vda1 0 8", vd_read_line("vda1", 0, 8, rw[p1:p1 + 4096]))
            + typed("disk read vdb 2040 8", vd_read_line("vdb", 2040, 8, ro[-4096:]))
            + typed(f"disk write vda{part} {sec} {cnt} {byte:#x}",
                    rf"^disk: wrote vda{part} sectors {sec}\+{cnt} with {byte:#04x}$")
            + typed(f"disk flush vda{part}", rf"^disk: flushed vda{part}$")
            + typed(f"disk read vda{part} {sec} {cnt}",
                    vd_read_line(f"vda{part}", sec, cnt, bytes([byte]) * cnt * 512))
            + typed("disk write vdb 0 1 0x11", r"^disk: write vdb: .*\(-EROFS\)$")
            + typed("disk read vda2 8192 1", r"^disk: read vda2: .*\(-EINVAL\)$")
            + typed("disk", r"^vdb ")
            # The whole disks, 32 requests in flight and one: the CRC-32 of
            # every byte, in order (vda with the write above).
            + typed("disk scan vda 32", vd_scan_line("vda", vd_written(rw), 32, 32))
            + typed("disk scan vda 32 random",
                    vd_scan_line("vda", vd_written(rw), 32, 32, random=True))
            + typed("disk scan vdb", vd_scan_line("vdb", ro, 1, 1))
            + typed("disk scan vdb 32", vd_scan_line("vdb", ro, 32, 32))
            + typed("disk", r"^vdb ", r"^ +virtio: ")
            + ts_poweroff())


def vd_written(rw):
    """vda's image once dom0 wrote VD_WRITE."""
    part, sec, cnt, byte = VD_WRITE
    start = (VD_PARTS[part - 1][0] + sec) * 512
    return rw[:start] + bytes([byte]) * cnt * 512 + rw[start + cnt * 512:]


def vd_scan_line(dev, data, depth, in_flight, random=False):
    """What `disk scan` prints for data: the CRC-32 of its pages in the
    order dom0 reads them (random: page k * stride mod pages, stride the
    first of 40503, 65537, 1000003 not dividing the count)."""
    import zlib
    pages = [data[i:i + 4096] for i in range(0, len(data), 4096)]
    stride = next(p for p in (40503, 65537, 1000003) if len(pages) % p) if random else 1
    crc = 0
    for k in range(len(pages)):
        crc = zlib.crc32(pages[k * stride % len(pages)], crc)
    order = "in random order" if random else "in order"
    return (rf"^disk: scan {dev}: {len(data) // 512} sectors {order}, crc32 {crc:08x}, "
            rf"depth {depth}, at most {in_flight} in flight, \d+ ms$")


def vd_counters(lines, dev, end):
    """(requests, errors, waited, interrupts) of dev in the last `disk`
    listing before line end, or None."""
    at = max((i for i, t in enumerate(lines[:end]) if re.match(rf"^{dev} +\d+ sectors", t)),
             default=None)
    m = at is not None and at + 1 < len(lines) and re.match(
        r"^ +virtio: (\d+) requests, (\d+) errors, (\d+) waited, (\d+) interrupts, \d+ kicks$",
        lines[at + 1])
    return tuple(map(int, m.groups())) if m else None


def vd_interrupts(lines, dev, least):
    """Why the check fails unless the last `disk` listing before the scans
    shows dev's requests all completed by interrupts (each of dom0's
    requests waits for its completion before the next: one event at least
    each)."""
    c = vd_counters(lines, dev, first(lines, r"^dom0# disk scan") or len(lines))
    if not c:
        return f"no virtio counters for {dev}"
    req, err, _, irq = c
    if req < least or err or irq < req:
        return f"{dev}: {req} requests, {err} errors, {irq} interrupts (want >= {least}, 0, >= requests)"
    return None


def check_virtio_blk(j):
    why = vd_interrupts(j.lines, "vda", 6) or vd_interrupts(j.lines, "vdb", 1)
    if why:
        return why
    # vdb's 32-deep scan (3 of its 16 ring entries a request) waited for room.
    c = vd_counters(j.lines, "vdb", len(j.lines))
    if not c or c[1] or not c[2]:
        return f"vdb's counters after the scans: {c} (want waits and no errors)"
    rw, ro = vd_images()
    return vd_images_differ(j, vd_written(rw), ro)


def vd_images_differ(j, rw, ro):
    """Why the check fails unless disk.img and ro.img hold rw and ro."""
    for name, expect in (("disk.img", rw), ("ro.img", ro)):
        with open(os.path.join(j.sc.scratch, name), "rb") as f:
            got = f.read()
        if got != expect:
            diff = next((i for i in range(min(len(got), len(expect)))
                         if got[i] != expect[i]), min(len(got), len(expect)))
            return f"{name}: not what was written, from sector {diff // 512}"
    return None


# dom0-virtio-hang-bios: a disk that does not answer (QEMU throttles it to
# one byte a second: a sector takes 512 s). dom0 gives up on its GPT after
# blk_timeout=2 seconds and reaches its prompt; a read is refused the same
# way; the rest of dom0 works.
def vd_hang_devices(scratch):
    img = os.path.join(scratch, "hang.img")
    with open(img, "wb") as f:
        f.write(bytes(1 << 20))
    return ["-drive", f"file={img},if=none,format=raw,id=d0,throttling.bps-total=1",
            "-device", "virtio-blk-pci,drive=d0,disable-legacy=on,addr=0x4"]


VD_HANG = ([(r"^dom0: vda: no answer in 2 s to a request at sector 1; abandoned$", None),
            (r"^dom0: vda: GPT not used: .*\(-ETIMEDOUT\)$", None)]
           + typed("disk", r"^vda +2048 sectors +1024 KiB rw$")
           + typed("disk read vda 8 1", r"^dom0: vda: no answer in 2 s to a request at sector 8",
                   r"^disk: read vda: .*\(-ETIMEDOUT\)$")
           + typed("echo still here", r"^still here$")
           + ts_poweroff())
SCENARIOS.append(S("dom0-virtio-hang-bios", "qemu", smp=2, mem=1024, timeout=200,
                   expect="dom0-typing", input=VD_HANG, devices=vd_hang_devices,
                   modules=[(os.path.join(DOM0_DIR, "dom0.elf"), "blk_timeout=2"),
                            (os.path.join(DOM0_DIR, "initrd.cpio"), "")]))


def vn_devices(scratch):
    return ["-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,netdev=n0,disable-legacy=on,addr=0x6"]


VN_SCRIPT = ([(r"^dom0: eth0: virtio-net 00:06\.0, MAC 52:54:00:12:34:56", None)]
             + typed("ping 10.0.2.2 3",
                     r"^ping: ARP: 10\.0\.2\.2 is at ([0-9a-f]{2}:){5}[0-9a-f]{2}$",
                     r"^ping: echo reply from 10\.0\.2\.2: icmp_seq=1 ",
                     r"^ping: echo reply from 10\.0\.2\.2: icmp_seq=3 ",
                     r"^ping: 3 sent, 3 received$")
             + typed("virtio", r"^eth0 +00:06\.0 features ", r"^  queue 1: ")
             + typed("net", r"^eth0 +52:54:00:12:34:56 ")
             + ts_poweroff())


def check_virtio_net(j):
    at = first(j.lines, r"^eth0 +00:06\.0 features ")
    qs = [re.match(r"^  queue (\d): (\d+) entries, (\d+) in flight, (\d+) interrupts "
                   r"\(pirq \d+, port \d+\), (\d+) kicks$", t) for t in j.lines[at + 1:at + 3]] \
        if at is not None else []
    if len(qs) != 2 or not all(qs):
        return "no virtio queue counters for eth0"
    rx, tx = ([int(x) for x in m.groups()] for m in qs)
    # The ARP reply and three echo replies, each awaited before the next
    # frame went out: one receive interrupt at least each; the receive ring
    # kept full; four frames sent, each with its kick.
    if rx[3] < 4 or rx[2] != rx[1] or tx[4] < 4:
        return f"eth0's queues: rx {rx}, tx {tx}"
    row = next((t.split() for t in j.lines if re.match(r"^eth0 +([0-9a-f]{2}:){5}", t)), None)
    if not row or row[-1] != "0" or int(row[2]) < 4:
        return f"eth0 in the bridge's table: {row} (want 4 frames in at least, no errors)"
    return None


# dom0-virtio-guest-*: vda's primary GPT header damaged on SeaBIOS (dom0
# takes the backup's partitions), and the blk guest (test/guests/blk.c, h-blk's
# blkfront) on vda2 through blkback: a pattern written (indirect requests of 32
# pages, many in flight, a flush, the partition's last page), the guest
# destroyed, a second guest reads it back; a third reads vdb read-only
# (writes refused). The check finds the pattern in the image where vda2's
# sectors 0-511 and 8184-8191 lie, and nothing else changed.
DOM0_VD_GUEST_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1"),
                         (os.path.join(DOM0_DIR, "initrd-blk.cpio"), "")]


def vd_guest_devices(damaged):
    return lambda scratch: vd_devices(scratch, damaged)


def vd_guest_script(damaged):
    backup = r"^dom0: vda: the primary GPT is damaged; using the backup$"
    return ([(backup, None)] * damaged + [(r"^dom0: vda: GPT with 2 partition\(s\)$", None)]
            + blk_run("blk-vd-write.cfg", 1, "blkvw")
            + blk_run("blk-vd-read.cfg", 2, "blkvr")
            + blk_run("blk-vd-ro.cfg", 3, "blkvro", r"\(d3\) blk: read-only: writes refused")
            + typed("disk", r"^vdb ", r"^ +virtio: ")
            + typed("virtio", r"^bus addresses: \d+ hypercalls, \d+ from the caches$")
            + ts_poweroff())


def check_virtio_guest(j):
    rw, ro = vd_images(damaged=j.sc.firmware == "bios")
    p2 = VD_PARTS[1][0]
    last = VD_PARTS[1][1] - VD_PARTS[1][0] + 1 - 8
    want = bytearray(rw)
    want[p2 * 512:(p2 + 512) * 512] = blk_pattern(VD_GUEST_PATTERN, 0, 512)
    want[(p2 + last) * 512:(p2 + last + 8) * 512] = blk_pattern(VD_GUEST_PATTERN, last, 8)
    why = vd_images_differ(j, bytes(want), ro)
    if why:
        return why
    c = vd_counters(j.lines, "vda", len(j.lines))
    if not c or c[1]:
        return f"vda's counters: {c} (want no errors)"
    return no_hv_errors(j.lines)


for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-virtio-blk-{_fw}", "qemu", _fw, smp=2, mem=1024, timeout=240,
                       expect="dom0-typing", modules=DOM0_MODULES, input=vd_script(),
                       devices=vd_devices, check=check_virtio_blk))
    SCENARIOS.append(S(f"dom0-virtio-net-{_fw}", "qemu", _fw, smp=2, mem=1024, timeout=240,
                       expect="dom0-typing", modules=DOM0_MODULES, input=VN_SCRIPT,
                       devices=vn_devices, check=check_virtio_net))

# ---- the network (issue 7): netfront, netback and dom0's bridge ------------
# dom0 boots with initrd-net.cpio (the net guest, tools/dom0/net-cfg/) and
# console_log=1. dom0-net-bios: a malformed vif spec is refused; net-bs (d1,
# split event channels) answers, net-c (d2) sends 16 frames with net-a's
# MAC (dropped, counted: net-bs fails if one comes), net-a (d3, two queues)
# and net-bs exchange 64 PINGs and PONGs of every length, each byte
# checked, after net-bs's HELLO broadcasts; `net` shows the counters the
# check reads (final once net-bs has ended: net-a's last frame is the DONE
# that ends it); net-bad (d4) gets NETIF_RSP_ERROR for malformed requests,
# OKAY after them, then breaks its ring and dom0 disconnects it alone;
# net-rekey (d5) writes five sets of hostile keys, each refused (Closing)
# with its line from dom0, closes and starts again each time, then connects.
# dom0-net-flood-bios: net-flood (d2) keeps its tx ring full while net-a2
# (d3) and net-b (d1, three queues, split event channels) exchange their 64
# PINGs; it fails if more than 4096 of its frames were served meanwhile (16
# per round: the budget; without one it was 17408, with 2600 to 2900). The
# script waits for the flooder's count only (the domains end in any order,
# and a regex waited for twice may match a line's partial and then the
# whole line); the check wants every domain's SUCCESS. Then net-flood2 (d4)
# is destroyed while flooding: the hypervisor's free pages are what they
# were before it was created, and its backend directory is gone.
DOM0_NET_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1"),
                    (os.path.join(DOM0_DIR, "initrd-net.cpio"), "")]
NET_OK = r"\(d[{}]\) Test result: SUCCESS$"
NET_ROW_RE = re.compile(r"^(vif\d+\.\d+|eth\d+) +([0-9a-f:]{17}) +(\d+) +(\d+) +(\d+) +(\d+) "
                        r"+(\d+) +(\d+) +(\d+)$")
NET_MAIN = (
    typed("hv create net-badvif.cfg",
          r"^hv: create: net-badvif\.cfg: vif 0: mac: '00:16:3e:00:00' is not a MAC "
          r"address \(xx:xx:xx:xx:xx:xx\)$")
    + typed("hv create net-bs.cfg", r"\(d1\) net: connected as 00:16:3e:00:00:0b$")
    + typed("hv create net-c.cfg", r"\(d2\) net: sent 16 spoofed frames$", NET_OK.format(2))
    + typed("hv create net-a.cfg", NET_OK.format(1))
    + typed("net", r"^bridge: ")
    + typed("hv network-list net-bs", r"^vif1\.0 +00:16:3e:00:00:0b ")
    + typed("hv network-list 9", r"^hv: network-list: no domain '9'")
    + typed("hv create net-bad.cfg",
            r"^dom0: vif4\.0: queue 0: tx ring broken by the guest; vif disconnected$",
            NET_OK.format(4))
    + typed("net", r"^bridge: ")
    + typed("hv create net-rekey.cfg",
            r"^dom0: vif5\.0: queue 0: rings \(map\): ",
            r"^dom0: vif5\.0: the frontend did not ask for rx copy mode",
            r"^dom0: vif5\.0: multi-queue-num-queues: not 1 to 4$",
            r"^dom0: vif5\.0: queue 0: rings \(map\): ",
            r"^dom0: vif5\.0: queue 0: tx-ring-ref: ",
            r"\(d5\) net: connected after the refusals; a frame went out$", NET_OK.format(5))
    + ts_poweroff())


def net_rows(lines, nth):
    """The rows of the nth `net` output: {port: (mac, rx, rx bytes, tx,
    tx bytes, dropped, spoofed, errors)}."""
    heads = [i for i, t in enumerate(lines) if re.match(r"^Port +MAC +RX ", t)]
    if len(heads) <= nth:
        return None
    rows = {}
    for t in lines[heads[nth] + 1:]:
        m = NET_ROW_RE.match(t)
        if not m:
            break
        rows[m.group(1)] = (m.group(2),) + tuple(int(g) for g in m.groups()[2:])
    return rows


def check_net_main(j):
    L = j.lines
    for d in (1, 2, 3, 4):
        if first(L, NET_OK.format(d)) is None:
            return f"domain {d} did not succeed"
    for want in (r"\(d3\) net: connected as 00:16:3e:00:00:0a with several queues$",
                 r"\(d3\) net: got the peer's HELLO \(broadcast, 200 bytes\)$",
                 r"\(d3\) net: 64 frames each way, unicast, payloads checked; PINGs in 1 to 3 "
                 r"pieces$",
                 r"\(d1\) net: answered 64 PINGs$",
                 r"\(d1\) net: the spoofer is done; none of its spoofed frames came$",
                 r"\(d4\) net: an offset past the page: error$",
                 r"\(d4\) net: a good frame after them: okay$",
                 r"\(d4\) net: the backend closed the vif whose ring I broke$"):
        if first(L, want) is None:
            return f"no line matching {want!r}"
    rows = net_rows(L, 0)
    if not rows or sorted(rows) != ["vif1.0", "vif2.0", "vif3.0"]:
        return f"net's ports: {rows}"
    b, c, a = rows["vif1.0"], rows["vif2.0"], rows["vif3.0"]
    if c[0] != "00:16:3e:00:00:0c" or c[6] != 16 or c[1] != 1:
        return f"the spoofer's port (16 spoofed, 1 frame passed): {c}"
    if a[1] != 65 or a[3] < 64 or b[3] != 66 or b[1] < 65:
        return f"net-a's and net-b's counters (65 in from a, 66 to b): {a} {b}"
    if any(r[7] for r in rows.values()):
        return f"errors counted on a port: {rows}"
    rows = net_rows(L, 1)
    if not rows or "vif4.0" in rows:
        return f"net after net-bad broke its ring: {rows}"
    for what in ("grants never given", "rx flip instead of copy", "nine queues",
                 "a ring reference past 32 bits", "no ring references"):
        if first(L, r"\(d5\) net: refused: " + what + "$") is None:
            return f"net-rekey's keys ({what}) were not refused"
    return no_hv_errors(L, allowed=(r"^hv: create: net-badvif\.cfg: vif 0",))


NET_FLOOD = (
    typed("hv create net-b.cfg", r"\(d1\) net: connected as 00:16:3e:00:00:0b with several "
                                 r"queues$")
    + typed("hv create net-flood.cfg", r"\(d2\) net: flooding$")
    + typed("hv create net-a2.cfg", r"\(d2\) net: flood: \d+ of my frames answered")
    + typed("hv info", r"^free_pages +: \d+$")
    + typed("hv create net-flood2.cfg", r"\(d4\) net: flooding$")
    + typed("hv destroy 4", r"^hv: domain 4 \(net-flood2\) destroyed$")
    + typed("hv info", r"^free_pages +: \d+$")
    + typed("net", r"^bridge: ")
    + typed("xs ls /local/domain/0/backend/vif", r'^3 = ""$')
    + ts_poweroff())


def check_net_flood(j):
    L = j.lines
    for d in (1, 2, 3):
        if first(L, NET_OK.format(d)) is None:
            return f"domain {d} did not succeed"
    i = first(L, r"\(d2\) net: flood: (\d+) of my frames answered during the exchange")
    if i is None:
        return "the flooder did not report"
    if first(L, r"\(d3\) net: 64 frames each way") is None:
        return "net-a2's exchange did not complete"
    if first(L, r"\(d1\) net: connected as 00:16:3e:00:00:0b with several queues$") is None:
        return "net-b (three queues, split channels) did not connect"
    rows = net_rows(L, 0)
    if rows is None or "vif4.0" in rows or "vif1.0" not in rows:
        return f"net after destroying net-flood2: {rows}"
    at = first(L, r"^dom0# xs ls /local/domain/0/backend/vif$")
    end = first(L, r"^dom0# poweroff", at or 0)
    if at is None or end is None or first(L[:end], r'^4 = ""$', at) is not None:
        return "net-flood2's backend directory outlived it"
    return free_pages_kept(L, "net-flood2 (destroyed mid-flood)") or no_hv_errors(L)


for _name, _script, _check in (("net", NET_MAIN, check_net_main),
                               ("net-flood", NET_FLOOD, check_net_flood)):
    SCENARIOS.append(S(f"dom0-{_name}-bios", "qemu", smp=2, mem=1024, timeout=400,
                       expect="dom0-typing", modules=DOM0_NET_MODULES,
                       input=_script, check=_check))
# dom0-net-vtd-bios: the exchange behind VT-d: netback's grant mappings and
# copies go through dom0's mirrored I/O tables.
SCENARIOS.append(S("dom0-net-vtd-bios", "qemu", smp=2, mem=1024, timeout=400,
                   expect="dom0-typing", modules=DOM0_NET_MODULES, input=NET_MAIN,
                   devices=lambda scratch: list(VTD),
                   check=all_seen([r"IOMMU: VT-d: DMA remapping on"], check_net_main)))
# On Bochs (VMX): the exchange, spoofing and malformed requests.
SCENARIOS.append(S("dom0-net-bochs", "bochs", smp=2, mem=512, timeout=600,
                   expect="dom0-typing", modules=DOM0_NET_MODULES, input=NET_MAIN,
                   check=check_net_main))


# dom0-virtio-world-*: the net-world guest (test/guests/net-world.c) with a
# vif: its ARP and three echo requests to QEMU's user-network gateway go
# through netback, the bridge and eth0, and the answers come back; dom0's
# own ping then still works beside it.
DOM0_VIRTIO_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1"),
                       (os.path.join(DOM0_DIR, "initrd-virtio.cpio"), "")]
VN_WORLD = ([(r"^dom0: eth0: virtio-net 00:06\.0, MAC 52:54:00:12:34:56", None)]
            + typed("hv create net-world.cfg", r"^hv: created domain 1 \(netw\)",
                    r"\(d1\) net-world: ARP: 10\.0\.2\.2 is at ([0-9a-f]{2}:){5}[0-9a-f]{2}$",
                    r"\(d1\) net-world: echo reply from 10\.0\.2\.2: icmp_seq=3$",
                    r"\(d1\) Test result: SUCCESS$",
                    r"^hv: domain 1 \(netw\) powered off: on_poweroff=destroy: destroyed$")
            + typed("net ping 10.0.2.2 1", r"^ping: 1 sent, 1 received$")
            + typed("net", r"^bridge: ")
            + ts_poweroff())


def check_virtio_world(j):
    row = next((t.split() for t in j.lines if re.match(r"^eth0 +([0-9a-f]{2}:){5}", t)), None)
    # The guest's ARP and 3 echo requests, dom0's 2 frames: out of eth0;
    # as many answers in.
    if not row or int(row[2]) < 6 or int(row[4]) < 6 or row[-1] != "0":
        return f"eth0 in the bridge's table: {row} (want 6 frames each way, no errors)"
    return no_hv_errors(j.lines)


for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-virtio-world-{_fw}", "qemu", _fw, smp=2, mem=1024, timeout=240,
                       expect="dom0-typing", modules=DOM0_VIRTIO_MODULES, input=VN_WORLD,
                       devices=vn_devices, check=check_virtio_world))
# dom0-virtio-guest-* (defined with dom0's drivers above) use blk_run. The
# damaged primary GPT only under SeaBIOS: OVMF repairs it from the backup
# before dom0 runs (it writes the disk).
for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-virtio-guest-{_fw}", "qemu", _fw, smp=2, mem=1024, timeout=300,
                       expect="dom0-typing", modules=DOM0_VD_GUEST_MODULES,
                       input=vd_guest_script(_fw == "bios"),
                       devices=vd_guest_devices(_fw == "bios"), check=check_virtio_guest))

# dom0's own virtio drivers behind AMD-Vi with interrupt remapping
# (iommu_platform=on: they take VIRTIO_F_ACCESS_PLATFORM and DMA at the
# bus addresses bus_addr gives, now gfn << 12): its disk, its network,
# and blkback serving a guest from its disk.
for _name, _script, _devs, _check, _mods in (
        ("blk", vd_script(), vd_devices, check_virtio_blk, DOM0_MODULES),
        ("net", VN_SCRIPT, vn_devices, check_virtio_net, DOM0_MODULES),
        ("guest", vd_guest_script(True), vd_guest_devices(True), check_virtio_guest,
         DOM0_VD_GUEST_MODULES)):
    SCENARIOS.append(S(f"dom0-virtio-{_name}-amd-ir-bios", "qemu", smp=2, mem=1024, timeout=300,
                       expect="dom0-typing", modules=_mods, input=_script,
                       devices=lambda scratch, d=_devs: AMD_IR + iommu_platform(d(scratch)),
                       check=all_seen(AMD_IR_SEEN[:1], _check)))

# blk-amd-ir-bios, dom0-net-amd-ir-bios: blkback's and netback's grant
# mappings behind AMD-Vi go into dom0's I/O tables and out again.
SCENARIOS.append(S("blk-amd-ir-bios", "qemu", smp=2, mem=1024, timeout=300,
                   expect="dom0-typing", modules=DOM0_BLK_MODULES, input=BLK_MAIN,
                   devices=lambda scratch: list(AMD_IR),
                   check=all_seen(AMD_IR_SEEN[:1], check_blk)))
SCENARIOS.append(S("dom0-net-amd-ir-bios", "qemu", smp=2, mem=1024, timeout=400,
                   expect="dom0-typing", modules=DOM0_NET_MODULES, input=NET_MAIN,
                   devices=lambda scratch: list(AMD_IR),
                   check=all_seen(AMD_IR_SEEN[:1], check_net_main)))

# dom0-run-demo-*: what README.md tells a `make run` user to try, on make
# run's own initrd and devices: a disk made by tools/mkdisk (zeros, GPT,
# vda1 and vda2) and a NIC on the user network. disk-write.cfg's guest
# writes pattern 7 to vda2, disk-read.cfg's reads it back through a
# read-only vbd, net-world.cfg's pings the gateway. The check finds the
# pattern in the image where vda2's first 512 sectors lie.
RUN_DEMO_PATTERN = 7                            # tools/dom0/run-cfg/disk-*.cfg


def run_demo_devices(scratch):
    img = os.path.join(scratch, "run-disk.img")
    p = subprocess.run([os.path.join(ROOT, "tools", "mkdisk"), img, "16", "4", "8"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        raise RuntimeError(f"tools/mkdisk failed: {p.stdout}")
    return ["-drive", f"file={img},if=none,format=raw,id=vd0",
            "-device", "virtio-blk-pci,drive=vd0,disable-legacy=on",
            "-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,netdev=n0,disable-legacy=on"]


RUN_DEMO = ([(r"^dom0: vda: GPT with 2 partition\(s\)$", None)]
            + typed("disk", r"^vda2 +16384 sectors +8192 KiB rw on vda from sector 10240$")
            + blk_run("disk-write.cfg", 1, "disk-write")
            + blk_run("disk-read.cfg", 2, "disk-read")
            + typed("hv create net-world.cfg", r"^hv: created domain 3 \(netw\)",
                    r"\(d3\) net-world: echo reply from 10\.0\.2\.2: icmp_seq=3$",
                    r"\(d3\) Test result: SUCCESS$",
                    r"^hv: domain 3 \(netw\) powered off: on_poweroff=destroy: destroyed$")
            + ts_poweroff())


def check_run_demo(j):
    try:
        with open(os.path.join(j.sc.scratch, "run-disk.img"), "rb") as f:
            img = f.read()
    except OSError as e:
        return f"the disk image: {e}"
    first = 2048 + 4 * 2048                     # vda2's first sector
    if img[first * 512:(first + 512) * 512] != blk_pattern(RUN_DEMO_PATTERN, 0, 512):
        return f"vda2's first 512 sectors do not hold the guest's pattern {RUN_DEMO_PATTERN}"
    if any(img[2048 * 512:first * 512]):
        return "vda1 changed (it should still be zeros)"
    return no_hv_errors(j.lines)


for _fw in ("bios", "ovmf"):
    SCENARIOS.append(S(f"dom0-run-demo-{_fw}", "qemu", _fw, smp=2, mem=1024, timeout=300,
                       expect="dom0-typing", input=RUN_DEMO, devices=run_demo_devices,
                       check=check_run_demo,
                       modules=[(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1"),
                                (os.path.join(DOM0_DIR, "initrd.cpio"), "")]))


# ---- Linux guests (issue 9, docs/linux.md) -----------------------------------
# dom0 boots with initrd-linux.cpio (Debian's kernel as linux.elf, the
# busybox initramfs, tools/dom0/linux-cfg/), two 4 MiB RAM disks and
# console_log=1, so that the guests' hvc0 lines appear as (dN) lines.
DOM0_LINUX_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"), "console_log=1 ramdisk=4M,4M"),
                      (os.path.join(DOM0_DIR, "initrd-linux.cpio"), "")]
LINUX_PROMPT = r"linux# $"           # PS1 of tools/linux/profile; ends no line


def linux_cmd(cmd, *waits):
    """Type cmd at the Linux guest's shell (attached with hv console), then
    wait for each regex in waits."""
    return [(LINUX_PROMPT, cmd.encode() + b"\r")] + [(w, None) for w in waits]


def linux_console(d):
    """hv console d, then a newline: a fresh prompt to wait for, as a kernel
    line may have come after the last one."""
    return [(r"^dom0# $", f"hv console {d}\r".encode()), (ATTACHED.format(d), b"\r")]


def linux_leave(d):
    return [(LINUX_PROMPT, b"\x1d"), (DETACHED.format(d), None)]


# The first Linux guest of a boot leaves the hypervisor 9 pages poorer, all
# of them dom0's (the 'm' debug key, 2026-12-05): its grant maptrack, 32 KiB
# made at dom0's first grant map (blkback's) and kept for dom0's life, and
# one page of p2m table for dom0's mapping window (docs/linux.md). Every
# later guest gives back exactly what it took.
FIRST_LINUX_ALLOWANCE = 16


def linux_free_pages(j):
    return [int(m.group(1)) for m in map(TS_FREE_RE.match, j.lines) if m]


def first_linux_kept(before, after, what):
    """None if the guests between two `hv info` lines, the first Linux ones
    of the boot, kept at most FIRST_LINUX_ALLOWANCE pages, else why not."""
    if not 0 <= before - after <= FIRST_LINUX_ALLOWANCE:
        return f"{what} kept {before - after} pages ({before} free before, {after} after)"
    return None


def check_linux_shell(j):
    """The free pages after the second Linux guest's destruction are those
    after the first's; the first kept at most FIRST_LINUX_ALLOWANCE."""
    free = linux_free_pages(j)
    if len(free) != 3 or free[1] != free[2]:
        return f"free pages before, after the first and after the second Linux guest: {free}"
    return first_linux_kept(free[0], free[1], "the first Linux guest") or no_hv_errors(j.lines)


# linux-shell-bios: Debian's kernel boots to its busybox shell on hvc0
# (`hv console`), writes a sector of xvda (dom0's ram0) through blkfront
# and reads it back, says which CPUs are online, that the vDSO has Xen's
# clock and that the kernel's log has no unchecked MSR access (OSVW) and
# its CPU no amd_e400 bug; `hv destroy` ends it. A
# second guest finds the sector still there (dom0's RAM disk) and powers
# off with `poweroff -f` (cli; hlt on its vCPU: Petrel powers it off);
# hv info's free_pages after the first and the second guest agree.
LINUX_SHELL = (
    typed("hv info", r"^free_pages +: \d+$")
    + typed("hv create linux.cfg", r"\(d1\) init: Linux 6\.1\.\S+ up, 1 CPU\(s\) online: 0$")
    + linux_console(1)
    + linux_cmd("echo petrel-$((6*7)) | dd of=/dev/xvda bs=512 count=1 conv=sync 2>/dev/null;"
                " sync; echo write-$((1+1))", r"^write-2\r?$")
    + linux_cmd("dd if=/dev/xvda bs=512 count=1 2>/dev/null | head -n 1", r"^petrel-42\r?$")
    + linux_cmd("echo cpus-$(cat /sys/devices/system/cpu/online)", r"^cpus-0\r?$")
    # The vDSO reads vCPU 0's pvclock copy (VCPUOP_register_vcpu_time_memory_area):
    # no "VDSO_CLOCKMODE_PVCLOCK not supported" in the kernel's log, Xen's clock.
    + linux_cmd("echo vdso-$(dmesg | grep -c VDSO_CLOCKMODE)-"
                "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)",
                r"^vdso-0-xen\r?$")
    # OSVW says erratum 400 is fixed: no amd_e400 bug, so no read of the
    # unemulated MSR 0xc0010055, and no MSR access the kernel did not expect.
    + linux_cmd("echo msr-$(dmesg | grep -c 'unchecked MSR')-e400-$(grep -c amd_e400 /proc/cpuinfo)",
                r"^msr-0-e400-0\r?$")
    + linux_leave(1)
    + typed("hv destroy linux", r"^hv: domain 1 \(linux\) destroyed")
    + typed("hv info", r"^free_pages +: \d+$")
    + typed("hv create linux.cfg", r"\(d2\) init: Linux 6\.1\.\S+ up, 1 CPU\(s\) online: 0$")
    + linux_console(2)
    + linux_cmd("dd if=/dev/xvda bs=512 count=1 2>/dev/null | head -n 1", r"^petrel-42\r?$")
    + linux_cmd("poweroff -f", r"domain 2: every vCPU halted with interrupts off: powered off$",
                r"^hv: domain 2 \(linux\) powered off: on_poweroff=destroy: destroyed$")
    + typed("hv info", r"^free_pages +: \d+$")
    + ts_poweroff())
SCENARIOS.append(S("linux-shell-bios", "qemu", smp=2, mem=1024, timeout=240,
                   expect="dom0-typing", modules=DOM0_LINUX_MODULES,
                   input=LINUX_SHELL, check=check_linux_shell))


# linux-net-bios: two Linux guests (linux.cfg, linux2.cfg: petrel.ip= has
# tools/linux/rcS give eth0 10.0.0.1/24 and 10.0.0.2/24) ping each other
# through xen-netfront, dom0's netback and its bridge, both ways (ARP
# first), with 1400-byte pings and 4000-byte ones (IP fragments), and send
# 512 KiB of /dev/urandom over TCP with busybox nc (netfront leaves TCP
# checksums to netback: NETTXF_csum_blank, and sends chains: feature-sg);
# A's netfront is unbound (frontend and backend go to Closed, the vif
# leaves the bridge) and bound again (Initialising: netback goes back to
# InitWait and connects anew), and pings again; A sends UDP to port 53 of
# B (busybox nslookup; netfront leaves UDP checksums to netback too): B
# counts them as for no port (its /proc/net/snmp), none dropped for a bad
# UDP or TCP checksum (nor on A); the sender's md5sum and the
# receiver's compared by check_linux_net. The listener's stdin is a FIFO
# nobody writes (busybox nc ends when the network side ends, and an empty
# stdin would end its side of the connection at once). B's listener is
# there before A connects (/proc/net/tcp6, busybox listens on ::, shows
# port 5000, 0x1388, listening: 0A). Both guests are destroyed, and the
# same again: hv info's free pages after the second round equal those
# after the first.
def linux_ping(to, count, size=56):
    """ping from the attached guest, 0.2 s apart (the test's time), none lost."""
    return linux_cmd(f"ping -c {count} -i 0.2 -W 2 -s {size} {to}",
                     rf"^{count} packets transmitted, {count} packets received, 0% packet loss\r?$")


# A guest's IPv4 counters (/proc/net/snmp): UDP datagrams to no port, and
# UDP and TCP segments dropped for a bad checksum.
LINUX_SNMP = ("echo snmp udp-noports-$(awk '/^Udp: [0-9]/ {print $3 \"-csum-\" $8}' /proc/net/snmp)"
              " tcp-csum-$(awk '/^Tcp: [0-9]/ {print $16}' /proc/net/snmp)")


# DHCP between the two guests, UDP both ways with payloads that are
# parsed and checked: B runs busybox's udhcpd (a pool of 10.0.0.100-110,
# subnet and domain options) and is ready when its socket on port 67
# (0x0043) shows in /proc/net/udp; A's udhcpc broadcasts DISCOVER and
# REQUEST and reads OFFER and ACK on a raw socket that checks their IP
# and UDP checksums itself; its script prints what it was given (and does
# not configure eth0). -t/-T: 5 tries 2 s apart (udhcpd first probes the
# address with ARP).
LINUX_DHCPD = ("printf 'start 10.0.0.100\\nend 10.0.0.110\\ninterface eth0\\n"
               "option subnet 255.255.255.0\\noption domain petrel.test\\n"
               "lease_file /tmp/leases\\npidfile /tmp/udhcpd.pid\\n' >/tmp/udhcpd.conf;"
               " touch /tmp/leases; udhcpd /tmp/udhcpd.conf;"
               " until grep -q ':0043 ' /proc/net/udp; do :; done; echo dhcpd-up")
LINUX_DHCPC = ("printf '#!/bin/sh\\necho dhcp-$1-$ip-$subnet-$domain\\n' >/tmp/dhcp.sh;"
               " chmod +x /tmp/dhcp.sh; udhcpc -i eth0 -f -q -n -t 5 -T 2 -s /tmp/dhcp.sh 2>/dev/null")
LINUX_DHCP_BOUND = r"^dhcp-bound-10\.0\.0\.1(?:0\d|10)-255\.255\.255\.0-petrel\.test\r?$"


def linux_net_round(a, b):
    return (
        typed("hv create linux.cfg", rf"\(d{a}\) init: eth0 00:16:3e:00:00:51 10\.0\.0\.1/24 up$",
              rf"\(d{a}\) init: Linux 6\.1\.\S+ up, 1 CPU\(s\) online: 0$")
        + typed("hv create linux2.cfg", rf"\(d{b}\) init: eth0 00:16:3e:00:00:52 10\.0\.0\.2/24 up$",
                rf"\(d{b}\) init: Linux 6\.1\.\S+ up, 1 CPU\(s\) online: 0$")
        + linux_console(b)
        + linux_ping("10.0.0.1", 3)
        + linux_cmd("mkfifo /tmp/p; nc -l -p 5000 0<>/tmp/p | md5sum >/tmp/r.md5 & until cat /proc/net/tcp*"
                    " | grep -q ':1388 [0-9A-F]*:0000 0A'; do :; done; echo listening",
                    r"^listening\r?$")
        + linux_cmd(LINUX_DHCPD, r"^dhcpd-up\r?$")
        + linux_leave(b) + linux_console(a)
        + linux_ping("10.0.0.2", 3) + linux_ping("10.0.0.2", 2, 1400)
        + linux_ping("10.0.0.2", 2, 4000)
        + linux_cmd("dd if=/dev/urandom of=/tmp/f bs=1k count=512 2>/dev/null;"
                    " echo sent-$(md5sum </tmp/f | cut -c1-32); nc 10.0.0.2 5000 </tmp/f; echo nc-$?",
                    r"^nc-0\r?$")
        + linux_cmd("nslookup -timeout=1 -retry=1 petrel 10.0.0.2 >/dev/null 2>&1; " + LINUX_SNMP,
                    r"^snmp udp-noports-\d+-csum-0 tcp-csum-0\r?$")
        + linux_cmd(LINUX_DHCPC, LINUX_DHCP_BOUND)
        + linux_cmd("echo vif-0 >/sys/bus/xen/drivers/vif/unbind; echo unbound-$(ls /sys/class/net | grep -c eth0)",
                    r"^unbound-0\r?$")
        + linux_cmd("echo vif-0 >/sys/bus/xen/drivers/vif/bind; eth0-up 10.0.0.1/24",
                    r"^eth0 00:16:3e:00:00:51 10\.0\.0\.1/24 up\r?$")
        + linux_ping("10.0.0.2", 3)
        + linux_leave(a) + linux_console(b)
        + linux_cmd("wait; echo got-$(cut -c1-32 /tmp/r.md5)", r"^got-[0-9a-f]{32}\r?$")
        + linux_ping("10.0.0.1", 2, 4000)
        + linux_cmd(LINUX_SNMP, r"^snmp udp-noports-[1-9]\d*-csum-0 tcp-csum-0\r?$")
        + linux_leave(b)
        + typed("net", rf"^vif{b}\.0 ")
        + typed("hv destroy linux", rf"^hv: domain {a} \(linux\) destroyed")
        + typed("hv destroy linux2", rf"^hv: domain {b} \(linux2\) destroyed")
        + typed("hv info", r"^free_pages +: \d+$"))


LINUX_NET_MD5_RE = re.compile(r"^(?:\(d\d+\) )?(sent|got)-([0-9a-f]{32})\r?$")


def check_linux_net(j):
    """Each round's bytes arrived as sent (md5sum at both ends); the free
    pages as check_linux_shell wants them."""
    sums = {"sent": [], "got": []}
    for m in map(LINUX_NET_MD5_RE.match, j.lines):
        if m:
            sums[m.group(1)].append(m.group(2))
    if len(sums["sent"]) != 2 or sums["sent"] != sums["got"]:
        return f"md5sums of the TCP transfers: sent {sums['sent']}, received {sums['got']}"
    return check_linux_shell(j)


LINUX_NET = (typed("hv info", r"^free_pages +: \d+$")
             + linux_net_round(1, 2) + linux_net_round(3, 4) + ts_poweroff())
SCENARIOS.append(S("linux-net-bios", "qemu", smp=2, mem=1024, timeout=300,
                   expect="dom0-typing", modules=DOM0_LINUX_MODULES,
                   input=LINUX_NET, check=check_linux_net))


def check_linux_smp(j):
    """The free pages after the Linux guests are those before them, less at
    most FIRST_LINUX_ALLOWANCE (they are the boot's first)."""
    free = linux_free_pages(j)
    if len(free) != 2:
        return f"free pages before and after the Linux guests: {free}"
    return first_linux_kept(free[0], free[1], "the Linux guests") or no_hv_errors(j.lines)


# linux-smp-bios: linux-smp.cfg (2 vCPUs) brings both up; xen-netfront
# takes 2 queues, so its xenstore transaction writes queue-0/... and
# queue-1/... under directories it makes itself (this failed with EAGAIN
# for ever before xenstored's fix: docs/linux.md); xvda works with its
# event channel on vCPU 1; vCPU 1 goes offline and comes back (Linux
# parks it with cli; hlt and starts it again with INIT/SIPI); `hv reboot`
# asks it through control/shutdown (its drivers set feature-reboot):
# busybox init shuts down in order and the domain restarts with both
# CPUs; `hv shutdown` asks it to power off the same way; the two
# domains give back what they took.
LINUX_SMP = (
    typed("hv info", r"^free_pages +: \d+$")
    + typed("hv create linux-smp.cfg",
            r"\(d1\) init: Linux 6\.1\.\S+ up, 2 CPU\(s\) online: 0-1$")
    + linux_console(1)
    + linux_cmd("echo q-$(ls /sys/class/net/eth0/queues)", r"^q-rx-0 rx-1 tx-0 tx-1\r?$")
    + linux_cmd("echo petrel-$((6*7)) | dd of=/dev/xvda bs=512 count=1 conv=sync 2>/dev/null;"
                " sync; echo write-$((1+1))", r"^write-2\r?$")
    + linux_cmd("echo 0 > /sys/devices/system/cpu/cpu1/online;"
                " echo off-$(cat /sys/devices/system/cpu/online)", r"^off-0\r?$")
    + linux_cmd("echo 1 > /sys/devices/system/cpu/cpu1/online;"
                " echo on-$(cat /sys/devices/system/cpu/online)", r"^on-0-1\r?$")
    + linux_cmd("echo 3 > /proc/sys/vm/drop_caches;"
                " dd if=/dev/xvda bs=512 count=1 2>/dev/null | head -n 1", r"^petrel-42\r?$")
    + linux_leave(1)
    + typed("hv reboot linux-smp", r"^hv: asked domain 1 to reboot \(control/shutdown\)$")
    + [(r"^\(d1\) .*init: shutdown done\r?$", None),
       (r"^hv: domain 1 \(linux-smp\) rebooted: on_reboot=restart: restarted as domain 2$", None),
       (r"\(d2\) init: Linux 6\.1\.\S+ up, 2 CPU\(s\) online: 0-1$", None)]
    + typed("hv shutdown linux-smp", r"^hv: asked domain 2 to power off \(control/shutdown\)$")
    + [(r"^\(d2\) .*init: shutdown done\r?$", None),
       (r"^hv: domain 2 \(linux-smp\) powered off: on_poweroff=destroy: destroyed$", None)]
    + typed("hv info", r"^free_pages +: \d+$")
    + ts_poweroff())
SCENARIOS.append(S("linux-smp-bios", "qemu", smp=2, mem=1024, timeout=240,
                   expect="dom0-typing", modules=DOM0_LINUX_MODULES,
                   input=LINUX_SMP, check=check_linux_smp))


# linux-run-bios: README.md's Linux demo on what `make run` boots when make
# linux worked (Makefile, tools/dom0/dom0.mk: RUN_LINUX_ISO): dom0 with
# RUN_LINUX_DOM0_ARGS (read from dom0.mk, so the two cannot drift apart)
# and initrd-run-linux.cpio, make run's disk and NIC, no console_log: the
# guest is seen only through hv console, as a user sees it. The README's
# commands, verbatim: hv create linux.cfg, hv console linux, a sector of
# xvda written and read back, Ctrl-], hv destroy linux; then make run's
# other demo still works on the same boot: disk-write.cfg's guest writes
# its pattern to vda2 (check_run_demo finds it in the image).
def make_var(path, name):
    with open(os.path.join(ROOT, path)) as f:
        m = re.search(rf"^{name} := (.*)$", f.read(), re.M)
    if not m:
        raise RuntimeError(f"{path} does not set {name}")
    return m.group(1).strip()


RUN_LINUX_MODULES = [(os.path.join(DOM0_DIR, "dom0.elf"),
                      make_var("tools/dom0/dom0.mk", "RUN_LINUX_DOM0_ARGS")),
                     (os.path.join(DOM0_DIR, "initrd-run-linux.cpio"), "")]
RUN_LINUX = (
    [(r"^dom0: vda: GPT with 2 partition\(s\)$", None)]
    + typed("disk", r"^ram0 +8192 sectors ", r"^ram1 +8192 sectors ",
            r"^vda2 +16384 sectors +8192 KiB rw on vda from sector 10240$")
    + typed("hv create linux.cfg", r"^hv: created domain 1 \(linux\) from linux\.cfg$")
    + [(TS_PROMPT, b"hv console linux\r"), (ATTACHED.format(1), None),
       (r"^init: Linux 6\.1\.\S+ up, 1 CPU\(s\) online: 0\r?$", None)]
    + linux_cmd("echo hello | dd of=/dev/xvda bs=512 count=1 conv=sync")
    + linux_cmd("dd if=/dev/xvda bs=512 count=1 | head -n 1", r"^hello\r?$")
    + [(LINUX_PROMPT, b"\x1d"), (DETACHED.format(1), None)]
    + typed("hv destroy linux", r"^hv: domain 1 \(linux\) destroyed")
    + typed("hv create disk-write.cfg", r"^hv: created domain 2 \(disk-write\)",
            r"^hv: domain 2 \(disk-write\) powered off: on_poweroff=destroy: destroyed$")
    + ts_poweroff())
SCENARIOS.append(S("linux-run-bios", "qemu", smp=2, mem=1024, timeout=240,
                   expect="dom0-typing", modules=RUN_LINUX_MODULES, input=RUN_LINUX,
                   devices=run_demo_devices, check=check_run_demo))


def check_linux_reboot(j):
    """Domains 1 and 2 shut down for a reboot, and the free pages after the
    last guest's destruction are those before the first create, less at
    most the first Linux guest's allowance (check_linux_shell): the two
    restarted domains must give back all they took."""
    free = linux_free_pages(j)
    if len(free) != 2:
        return f"free pages before the first and after the last Linux guest: {free}"
    kept = first_linux_kept(free[0], free[1], "the three Linux guests")
    if kept:
        return kept
    reboots = [t for t in j.lines if re.search(r"petrel: domain \d+ shut down: reboot", t)]
    if len(reboots) != 2:
        return f"reboots: {reboots}"
    # `reboot` and `poweroff` unmounted xvda (rcK); `reboot -f` did not, so
    # only the third guest's mount finds the filesystem not cleanly unmounted.
    unmounted = [t for t in j.lines if re.match(r"init: unmounted /mnt \(/dev/xvda\)$", t)]
    unchecked = [i for i, t in enumerate(j.lines)
                 if re.search(r"EXT4-fs \(xvda\): warning: mounting unchecked fs", t)]
    second = [i for i, t in enumerate(j.lines) if re.search(r"restarted as domain 3$", t)]
    if len(unmounted) != 2:
        return f"rcK's unmount lines: {unmounted}"
    if len(unchecked) != 1 or len(second) != 1 or unchecked[0] < second[0]:
        return (f"'mounting unchecked fs' at lines {unchecked}, "
                f"the restart as domain 3 at {second}: only domain 3 should see it")
    return no_hv_errors(j.lines)


LINUX_UP = r"init: Linux 6\.1\.\S+ up, 1 CPU\(s\) online: 0$"


def linux_attach(dom):
    """linux_console(dom), and the guest's init line: its earlier lines are
    replayed on attach, so it is seen even when it came before."""
    return linux_console(dom) + [(LINUX_UP, None)]


def linux_rebooted(dom):
    """Domain DOM's reboot: Linux as a PVH guest restarts with
    SCHEDOP_shutdown(SHUTDOWN_reboot) (its xen_emergency_restart; no triple
    fault), on_reboot=restart, and the detach (the console went with it)."""
    return [(rf"petrel: domain {dom} shut down: reboot code 0$", None),
            (rf"^hv: domain {dom} \(linux\) rebooted: on_reboot=restart: "
             rf"restarted as domain {dom + 1}$", None),
            (DETACHED.format(dom), None)]


# linux-reboot-bios: a file on xvda survives guest reboots, and poweroff and
# reboot do what they say. mke2fs on xvda, mount, write a file; `reboot`
# (busybox init: rcK syncs and unmounts; then Linux's SCHEDOP_shutdown
# with SHUTDOWN_reboot) reboots the domain: the
# toolstack restarts it as domain 2 with the same disk, where the file is
# read back; the keyboard controller's and port 0xcf9's reset writes do
# nothing there; `reboot -f` (no init, no unmount) restarts it as domain 3,
# where the file is still there; `poweroff` (init unmounts) powers it off
# and on_poweroff=destroy destroys it. hv info's free pages before and
# after (check_linux_reboot).
LINUX_REBOOT = (
    typed("hv info", r"^free_pages +: \d+$")
    + typed("hv create linux.cfg", r"\(d1\) " + LINUX_UP)
    + linux_console(1)
    + linux_cmd("mke2fs /dev/xvda >/dev/null 2>&1 && mount -t ext2 /dev/xvda /mnt"
                " && echo mounted-$((1+1))", r"^mounted-2\r?$")
    + linux_cmd("echo petrel-$((6*7))-kept > /mnt/file && echo written-$((1+2))",
                r"^written-3\r?$")
    + linux_cmd("reboot", r"^init: unmounted /mnt \(/dev/xvda\)\r?$",
                r"^init: shutdown done\r?$")
    + linux_rebooted(1)
    + linux_attach(2)
    + linux_cmd("mount -t ext2 /dev/xvda /mnt && cat /mnt/file", r"^petrel-42-kept\r?$")
    + linux_cmd(r"printf '\376' | dd of=/dev/port bs=1 seek=100 2>/dev/null;"
                r" printf '\6' | dd of=/dev/port bs=1 seek=3321 2>/dev/null;"
                " echo ports-$((2*2))", r"^ports-4\r?$")
    + linux_cmd("reboot -f")
    + linux_rebooted(2)
    + linux_attach(3)
    + linux_cmd("mount -t ext2 /dev/xvda /mnt && cat /mnt/file", r"^petrel-42-kept\r?$")
    + linux_cmd("poweroff", r"^init: unmounted /mnt \(/dev/xvda\)\r?$",
                r"domain 3: every vCPU halted with interrupts off: powered off$",
                r"^hv: domain 3 \(linux\) powered off: on_poweroff=destroy: destroyed$",
                DETACHED.format(3))
    + typed("hv info", r"^free_pages +: \d+$")
    + ts_poweroff())
SCENARIOS.append(S("linux-reboot-bios", "qemu", smp=2, mem=1024, timeout=300,
                   expect="dom0-typing", modules=DOM0_LINUX_MODULES,
                   input=LINUX_REBOOT, check=check_linux_reboot))

# linux-smp-bochs: the same kernel on the VMX path (Bochs: VMX, EPT,
# unrestricted guest, 2 CPUs) with linux-smp.cfg: both vCPUs come up,
# xen-netfront takes 2 queues, a sector of xvda is written and read back
# (past the page cache), vCPU 1 goes offline (cli; hlt) and comes back
# (INIT/SIPI through the vLAPIC), `hv shutdown` asks it through
# control/shutdown and busybox init powers it off in order; a second
# guest is destroyed running (`hv destroy` of 2 running vCPUs); the two
# give back what they took (check_linux_smp's two free-page lines).
LINUX_BOCHS = (
    typed("hv info", r"^free_pages +: \d+$")
    + typed("hv create linux-smp.cfg",
            r"\(d1\) init: Linux 6\.1\.\S+ up, 2 CPU\(s\) online: 0-1$")
    + linux_console(1)
    + linux_cmd("echo q-$(ls /sys/class/net/eth0/queues)", r"^q-rx-0 rx-1 tx-0 tx-1\r?$")
    + linux_cmd("echo petrel-$((6*7)) | dd of=/dev/xvda bs=512 count=1 conv=sync 2>/dev/null;"
                " sync; echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/xvda bs=512 count=1"
                " 2>/dev/null | head -n 1", r"^petrel-42\r?$")
    + linux_cmd("echo 0 > /sys/devices/system/cpu/cpu1/online;"
                " echo off-$(cat /sys/devices/system/cpu/online)", r"^off-0\r?$")
    + linux_cmd("echo 1 > /sys/devices/system/cpu/cpu1/online;"
                " echo on-$(cat /sys/devices/system/cpu/online)", r"^on-0-1\r?$")
    + linux_leave(1)
    + typed("hv shutdown linux-smp", r"^hv: asked domain 1 to power off \(control/shutdown\)$")
    + [(r"^\(d1\) .*init: shutdown done\r?$", None),
       (r"^hv: domain 1 \(linux-smp\) powered off: on_poweroff=destroy: destroyed$", None)]
    + typed("hv create linux-smp.cfg",
            r"\(d2\) init: Linux 6\.1\.\S+ up, 2 CPU\(s\) online: 0-1$")
    + typed("hv destroy linux-smp", r"^hv: domain 2 \(linux-smp\) destroyed")
    + typed("hv info", r"^free_pages +: \d+$")
    + ts_poweroff())
SCENARIOS.append(S("linux-smp-bochs", "bochs", smp=2, mem=1024, timeout=900,
                   expect="dom0-typing", modules=DOM0_LINUX_MODULES,
                   input=LINUX_BOCHS, check=check_linux_smp))


class Dom0Judge(GuestJudge):
    """Judges dom0-* scenarios (see DOM0_MODULES above). Everywhere: a
    panic, a reboot, "nothing to run", a crash of dom0 or an error line of
    dom0's own fails at once. "dom0": the banner, then the prompt, then
    READY_GRACE_S of quiet; dom0 stopping fails. "dom0-shell": each of
    DOM0_SHELL_EXPECT in order, then dom0's poweroff, all its memory back,
    and the emulator's exit for a poweroff. "dom0-typing": the same, for
    the lines the scenario's input script waits for; then sc.check, when
    set, is called with the judge (its .lines: every line seen) and returns
    None or why the scenario fails."""

    def __init__(self, sc):
        super().__init__(sc)
        self.banner = False
        self.prompt_at = None
        self.step = 0                   # dom0-shell, -typing: lines reached
        self.expected = (DOM0_SHELL_EXPECT if sc.expect == "dom0-shell"
                         else [w for w, data in sc.input if data is None])
        self.lines = []                 # every line, for sc.check
        self.in_dmesg = False           # between "dom0# hv dmesg" and the next prompt

    def waiting_for(self):
        if not self.banner:
            return f"dom0's banner {DOM0_BANNER!r}"
        if self.sc.expect == "dom0":
            if self.prompt_at is None:
                return f"dom0's prompt {DOM0_PROMPT!r}"
            return "the end of the grace period after the prompt"
        if self.step < len(self.expected):
            return f"a line matching {self.expected[self.step]!r}"
        if self.down_at is None:
            return "'petrel: domain 0 shut down: poweroff code 0'"
        return "the emulator's exit (Petrel powering off)"

    def line(self, text, t):
        text = printable(text)
        self.lines.append(text)
        # dom0's `hv dmesg` shows the hypervisor's log again, up to the
        # next prompt: only Petrel's own lines count for the boot verdicts.
        if text.startswith(DOM0_PROMPT):
            self.in_dmesg = re.match(r"dom0# +hv +dmesg\b", text) is not None
        done, result = (False, None) if self.in_dmesg else \
            self.boot_line(text, t, "dom0")
        if done:
            return result
        m = MEMORY_LEAK_RE.search(text) or DOM_CRASH_RE.search(text) \
            or DOM0_ERROR_RE.search(text) or DOMU_RESULT_BAD_RE.search(text)
        if m:
            return False, f"{text.strip()}"
        if MEMORY_BACK in text:
            self.memory_back = True
        if DOM0_BANNER in text:
            self.banner = True
        if self.sc.expect == "dom0":
            if DOM_SHUTDOWN_RE.search(text):
                return False, f"dom0 stopped: {text.strip()}"
            if self.banner and self.prompt_at is None and DOM0_PROMPT_RE.search(text):
                self.prompt_at = t
            return None
        if self.step < len(self.expected) and \
                re.search(self.expected[self.step], text):
            self.step += 1
        m = DOM_SHUTDOWN_RE.search(text)
        if m:
            if self.step < len(self.expected):
                return False, (f"dom0 shut down before a line matching "
                               f"{self.expected[self.step]!r}")
            if (m.group(1), m.group(2)) != ("poweroff", "0"):
                return False, f"dom0 shut down with the wrong reason: {text.strip()}"
            self.down_at = t
        return None

    def partial(self, text, t):
        """The console's unfinished last line: dom0's prompt ends none."""
        if self.sc.expect == "dom0" and self.banner and self.prompt_at is None \
                and DOM0_PROMPT_RE.search(text):
            self.prompt_at = t

    def tick(self, t):
        if self.sc.expect != "dom0":
            return None
        if self.prompt_at is not None and t - self.prompt_at >= READY_GRACE_S:
            return True, "dom0 banner and prompt"
        return None

    def exited(self, rc, t, powered_off):
        how = f"emulator exited with status {rc}"
        if self.sc.expect == "dom0" or self.down_at is None:
            return False, f"{how} while waiting for {self.waiting_for()}"
        if not powered_off:
            return False, f"{how} after dom0's poweroff (expected a poweroff)"
        if not self.memory_back:
            return False, f"{how} without the line {MEMORY_BACK!r}"
        if self.sc.check:
            why = self.sc.check(self)
            if why:
                return False, why
        if self.sc.expect == "dom0-typing":
            return True, "dom0 ran the typed lines, powered off, memory returned"
        return True, "dom0 ran its script, powered off, memory returned"
# ---- end dom0 ------------------------------------------------------------


def make_judge(sc):
    if sc.expect.startswith("dom0"):
        return Dom0Judge(sc)
    if sc.expect == "domains":
        return DomainsJudge(sc)
    return GuestJudge(sc) if sc.expect.startswith("guest") else Judge(sc)


# ---- ISOs ------------------------------------------------------------------

def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_isos(elf, keys):
    """Build one ISO per (cmdline, ((module, module args), ...)) under
    build/test/, reusing those whose ELF, modules and tools/mkiso are
    unchanged. Returns {key: path or error}."""
    os.makedirs(CACHE, exist_ok=True)
    stamp = file_digest(elf) + " " + file_digest(MKISO)
    out = {}
    for key in sorted(keys):
        cmdline, mods = key
        tag = cmdline + "".join(f"\0{m}\0{a}" for m, a in mods)
        iso = os.path.join(CACHE, f"petrel-{hashlib.sha256(tag.encode()).hexdigest()[:12]}.iso")
        cmd = [MKISO, elf, iso, "--cmdline", cmdline]
        want = stamp + " " + cmdline
        missing = [m for m, _ in mods if not os.path.exists(m)]
        if missing:
            out[key] = RuntimeError(f"{rel(missing[0])} not found (run make guests)")
            continue
        for module, margs in mods:
            cmd += ["--module", module] + ([margs] if margs else [])
            want += f" {file_digest(module)} {module} {margs}"
        stampfile = iso + ".stamp"
        try:
            with open(stampfile) as f:
                if f.read() == want and os.path.exists(iso):
                    out[key] = iso
                    continue
        except OSError:
            pass
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, text=True)
        if p.returncode != 0:
            out[key] = RuntimeError(f"tools/mkiso failed for cmdline "
                                    f"{cmdline!r}:\n{p.stdout.rstrip()}")
            continue
        with open(stampfile, "w") as f:
            f.write(want)
        out[key] = iso
    return out


# ---- emulators -------------------------------------------------------------

def load_accel():
    path = os.path.join(ROOT, "test", "accel.py")
    spec = importlib.util.spec_from_file_location("accel", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# KVM or TCG for QEMU (test/accel.py, docs/kvm.md): KVM with -cpu host when
# /dev/kvm can nest, for the scenarios that name no CPU model of their own.
ACCEL_MOD = load_accel()
ACCEL, ACCEL_WHY = ACCEL_MOD.detect()


def qemu_accel(sc):
    """'kvm' or 'tcg': what this QEMU scenario runs under."""
    return ACCEL if sc.cpu is None else "tcg"


def qemu_command(sc, iso, port, scratch):
    cmd = [QEMU, "-machine", sc.machine, *ACCEL_MOD.qemu_args(qemu_accel(sc), sc.cpu),
           "-smp", str(sc.smp), "-m", f"{sc.mem}M",
           "-display", "none", "-monitor", "none", "-no-reboot",
           "-chardev", f"socket,id=ser0,host=127.0.0.1,port={port},server=off",
           "-serial", "chardev:ser0",
           "-cdrom", iso, "-boot", "d",
           # Why QEMU stopped: a triple fault (cpu_reset), a poweroff (the
           # shutdown request, reason 6); with -no-reboot a reset is silent.
           "-d", "cpu_reset", "-trace", "qemu_system_shutdown_request",
           "-D", os.path.join(scratch, QEMU_WHY)]
    if sc.firmware == "ovmf":
        vars_copy = os.path.join(scratch, "ovmf-vars.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)
        cmd += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]
    if sc.devices:
        extra = list(sc.devices(scratch))
        # A device of the scenario's own (a PCI serial card) may take the
        # console socket: then no ISA serial port has it.
        if any("chardev=ser0" in a for a in extra):
            cmd[cmd.index("chardev:ser0")] = "none"
        cmd += extra
    return cmd


def bochs_command(sc, iso, port, scratch):
    rc = os.path.join(scratch, "bochsrc")
    cmds = os.path.join(scratch, "bochs-commands")
    with open(rc, "w") as f:
        f.write(f"""# Generated by test/run-all.py for {sc.name}
memory: guest={sc.mem}, host={sc.mem}
romimage: file={BOCHS_BIOS}
vgaromimage: file={BOCHS_VGABIOS}
cpu: model={sc.cpu or BOCHS_CPU}, count={sc.smp}, ips={BOCHS_IPS}
ata0-master: type=cdrom, path="{iso}", status=inserted
boot: cdrom
com1: enabled=1, mode=socket-client, dev=127.0.0.1:{port}
# rfb runs without a viewer (timeout=0); each Bochs takes the first free
# port from 5900 on, so several can run at once.
display_library: rfb, options="timeout=0"
speaker: enabled=0
log: {os.path.join(scratch, "bochs.log")}
""")
    with open(cmds, "w") as f:
        f.write("c\n")     # Bochs's debugger: continue, without a terminal
    return [BOCHS, "-q", "-f", rc, "-rc", cmds]


def missing_requirement(sc):
    """Why the scenario cannot run on this machine, or None."""
    if sc.skip:
        return sc.skip
    if sc.emulator == "qemu":
        if not shutil.which(QEMU):
            return f"{QEMU} not installed (tools/install-deps)"
        if sc.firmware == "ovmf":
            for f in (OVMF_CODE, OVMF_VARS):
                if not os.path.exists(f):
                    return f"{f} missing (package ovmf; tools/install-deps)"
    else:
        if not shutil.which(BOCHS):
            return "bochs not installed (tools/install-deps)"
        for f in (BOCHS_BIOS, BOCHS_VGABIOS):
            if not os.path.exists(f):
                return f"{f} missing (bochsbios, vgabios; tools/install-deps)"
    return None


def qemu_stop(scratch):
    """Why QEMU stopped the machine, from its -D log: 'triple fault',
    'poweroff' (a guest shutdown request), or 'reset' (neither: with
    -no-reboot a reset request stops QEMU without a trace)."""
    try:
        with open(os.path.join(scratch, QEMU_WHY), errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    if "Triple fault" in text:
        return "triple fault"
    if re.search(r"qemu_system_shutdown_request reason=6\b", text):
        return "poweroff"
    return "reset"


def powered_off(sc, rc, emu_path):
    """Did the emulator exit because the machine powered itself off?"""
    if sc.emulator == "qemu":
        return rc == 0 and qemu_stop(sc.scratch) in ("poweroff", None)
    try:
        with open(emu_path, errors="replace") as f:
            return rc in (1, -signal.SIGSEGV) and BOCHS_POWEROFF in f.read()
    except OSError:
        return False


class Stopped(Exception):
    pass


STOP = threading.Event()                    # set on Ctrl-C


def run_scenario(sc, iso, keep_logs):
    """Boot one scenario; returns a dict: passed, reason, elapsed (s),
    ready_at and fatal_at (s from the emulator's start, or None), stamp
    (Petrel's time stamp on the ready line), log (serial log path), kept
    (other files kept for a look)."""
    os.makedirs(LOGS, exist_ok=True)
    scratch = os.path.join(CACHE, sc.name)
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    sc.scratch = scratch
    log_path = os.path.join(LOGS, sc.name + ".log")
    emu_path = os.path.join(LOGS, sc.name + ".emu.log")
    for p in (log_path, emu_path):
        if os.path.exists(p):
            os.remove(p)

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    if sc.emulator == "qemu":
        cmd = qemu_command(sc, iso, port, scratch)
    else:
        cmd = bochs_command(sc, iso, port, scratch)

    judge = make_judge(sc)
    verdict = None
    conn = None
    emu_log = open(emu_path, "w")
    emu_log.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
    emu_log.flush()
    log = open(log_path, "wb")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=emu_log,
                            stderr=subprocess.STDOUT, cwd=scratch,
                            start_new_session=True)
    pending = b""
    script = list(sc.input)

    def type_input(text):
        """The next input step, if this line is what it waits for."""
        if script and re.search(script[0][0], printable(text)):
            _, data = script.pop(0)
            if data and conn:
                conn.sendall(data)

    def feed(data, t):
        nonlocal pending
        log.write(data)
        log.flush()
        pending += data
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            text = raw.decode("utf-8", "replace").rstrip("\r")
            type_input(text)
            v = judge.line(text, t)
            if v:
                return v
        # A prompt ends no line: the script and the judge see the partial one.
        if pending:
            text = pending.decode("utf-8", "replace")
            type_input(text)
            judge.partial(text, t)
        return None

    try:
        while verdict is None:
            if STOP.is_set():
                raise Stopped()
            t = time.monotonic() - t0
            if t > sc.timeout:
                verdict = (False, f"timed out after {sc.timeout} s waiting for "
                                  + judge.waiting_for())
                break
            if conn or lsock:
                r, _, _ = select.select([conn or lsock], [], [], 0.2)
            else:
                # Serial closed but the emulator lives on: wait for its exit.
                r = []
                try:
                    proc.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    pass
            t = time.monotonic() - t0
            if lsock in r:
                conn, _ = lsock.accept()
                continue
            if conn in r:
                try:
                    data = conn.recv(65536)
                except OSError:     # reset by a dying emulator: as EOF
                    data = b""
                if data:
                    verdict = feed(data, t)
                    if verdict:
                        break
                else:
                    # EOF: the emulator closed the serial port, probably
                    # because it is exiting.
                    conn.close()
                    conn = None
                    lsock.close()
                    lsock = None
            rc = proc.poll()
            if rc is not None:
                if conn:            # drain what it wrote before exiting
                    conn.settimeout(1.0)
                    try:
                        while True:
                            data = conn.recv(65536)
                            if not data:
                                break
                            verdict = feed(data, t)
                            if verdict:
                                break
                    except OSError:
                        pass
                if verdict is None and pending:
                    verdict = judge.line(pending.decode("utf-8", "replace"), t)
                    pending = b""
                if verdict is None:
                    verdict = judge.exited(rc, t, powered_off(sc, rc, emu_path))
                    why = qemu_stop(scratch) if sc.emulator == "qemu" else None
                    if verdict[0] is False and rc == 0 and why != "poweroff":
                        verdict = (False, f"{verdict[1]} [QEMU stopped on a "
                                   f"{why or 'reset'}; -d cpu_reset log: "
                                   f"{rel(os.path.join(LOGS, sc.name + '.why.log'))}]")
                break
            verdict = judge.tick(t)
    finally:
        elapsed = time.monotonic() - t0
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for s in (conn, lsock):
            if s:
                s.close()
        log.close()
        emu_log.close()

    passed, reason = verdict        # passed: True, False, or None (skipped)
    if script and passed is not None:
        why = f"the input script still waited for {script[0][0]!r}"
        passed, reason = False, (why if passed else f"{reason} ({why})")
    kept = []
    if passed is not False and not keep_logs:
        os.remove(emu_path)
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        kept.append(emu_path)
        why = os.path.join(scratch, QEMU_WHY)
        if os.path.exists(why):
            shutil.copyfile(why, os.path.join(LOGS, sc.name + ".why.log"))
            kept.append(os.path.join(LOGS, sc.name + ".why.log"))
        for f in ("bochsrc", "bochs.log"):
            if os.path.exists(os.path.join(scratch, f)):
                kept.append(os.path.join(scratch, f))
    return dict(passed=passed, reason=reason, elapsed=elapsed,
                ready_at=judge.ready_at, stamp=judge.ready_stamp,
                fatal_at=judge.fatal_at, log=log_path, kept=kept)


# ---- output ----------------------------------------------------------------

PRINT_LOCK = threading.Lock()


def rel(path):
    return os.path.relpath(path, os.getcwd())


# Terminal control sequences (GRUB's screen handling) and other control
# characters are dropped from what is printed, not from the log.
CONTROL_RE = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]|\x1b[^\[]|[\x00-\x08\x0b-\x1f\x7f]")


def printable(text):
    return CONTROL_RE.sub("", text)


def tail(path, n):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    lines = [printable(l) for l in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines[-n:]


def report(sc, result):
    r = result
    passed, reason, elapsed, log_path = r["passed"], r["reason"], r["elapsed"], r["log"]
    # Which accelerator ran a QEMU scenario, on its result line: the one
    # place that says it (scenario names stay as they are).
    name = sc.name + (f" [{qemu_accel(sc)}]" if sc.emulator == "qemu" else "")
    out = []
    info = ""
    if r["ready_at"] is not None:
        info = f"ready after {r['ready_at']:.1f} s"
        if r["stamp"] is not None:
            info += f" (Petrel's clock: {r['stamp']:.2f} s)"
        info += ", "
    elif r["fatal_at"] is not None:
        info = f"fatal message after {r['fatal_at']:.1f} s, "
    info += f"{elapsed:.1f} s in all"
    if passed:
        out.append(f"PASS {name}: {reason}; {info}")
    elif passed is None:
        out.append(f"SKIP {name}: {reason}; {info}")
    else:
        out.append(f"FAIL {name}: {reason}; {info}")
        out.append(f"     scenario: {sc.describe()}")
        out.append(f"     serial log: {rel(log_path)}")
        for k in r["kept"]:
            out.append(f"     also kept: {rel(k)}")
        lines = tail(log_path, TAIL_LINES)
        out.append(f"     ---- last {len(lines)} lines of the serial log ----")
        out += ["     | " + l for l in lines]
        out.append("     ----")
    with PRINT_LOCK:
        print("\n".join(out), flush=True)


# ---- main ------------------------------------------------------------------

def load_run_unit():
    path = os.path.join(ROOT, "test", "run-unit.py")
    spec = importlib.util.spec_from_file_location("run_unit", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_host_tests():
    path = os.path.join(ROOT, "test", "host_tests.py")
    spec = importlib.util.spec_from_file_location("host_tests", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_host_tests(selected, keep_logs):
    """test/host_tests.py's tests (make install, the .deb, ...), named
    host/<name>: prints their lines, returns (passed, failed, skipped)."""
    mod = load_host_tests()
    counts = [0, 0, 0]
    for name, fn in mod.TESTS:
        if not selected(name):
            continue
        def note(rname, ok, reason):
            counts[0 if ok else 2 if ok is None else 1] += 1
            if reason is not None:
                word = "PASS" if ok else "SKIP" if ok is None else "FAIL"
                print(f"{word} {rname}: {reason}", flush=True)
        try:
            for rname, ok, reason in fn(sys.modules[__name__], keep_logs):
                note(rname, ok, reason)
        except Exception as e:          # a test's own bug: say so, go on
            note(name, False, f"harness error: {e!r}")
    return counts


def unit_binaries():
    """build/unit/'s cmocka binaries, then test/unit/test_*.py (the host
    tools written in Python)."""
    d = os.path.join(BUILD, "unit")
    bins = []
    if os.path.isdir(d):
        bins = sorted(os.path.join(d, f) for f in os.listdir(d)
                      if os.path.isfile(os.path.join(d, f))
                      and os.access(os.path.join(d, f), os.X_OK))
    t = os.path.join(ROOT, "test", "unit")
    return bins + sorted(os.path.join(t, f) for f in os.listdir(t)
                         if f.startswith("test_") and f.endswith(".py"))


def main():
    ap = argparse.ArgumentParser(description="Run Petrel's unit tests and boot matrix.")
    ap.add_argument("--only", metavar="REGEX",
                    help="run only tests whose name matches REGEX")
    ap.add_argument("-j", type=int, default=2, metavar="N",
                    help="emulators run at once (default 2)")
    ap.add_argument("--keep-logs", action="store_true",
                    help="keep the emulators' own logs for passing scenarios too")
    ap.add_argument("--list", action="store_true", help="list tests and exit")
    ap.add_argument("--elf", default=os.path.join(BUILD, "petrel.elf"),
                    help="hypervisor image to boot (default build/petrel.elf)")
    args = ap.parse_args()
    only = re.compile(args.only) if args.only else None

    def selected(name):
        return only is None or only.search(name)

    units = [b for b in unit_binaries()
             if selected("unit/" + os.path.basename(b).removesuffix(".py"))]
    scenarios = [sc for sc in SCENARIOS if selected(sc.name)]

    if args.list:
        for b in units:
            print("unit/" + os.path.basename(b).removesuffix(".py"))
        for name, fn in load_host_tests().TESTS:
            if selected(name):
                print(f"{name:22} {fn.__doc__.split(chr(10))[0]}")
        for sc in scenarios:
            print(f"{sc.name:22} {sc.describe()}")
        return 0

    passed = failed = skipped = 0

    if units:
        run_unit = load_run_unit()
        p, f = run_unit.run(units)
        passed += p
        failed += f
    elif only is None:
        print("unit: no test binaries in build/unit")
    if not args.list:
        p, f, sk = run_host_tests(selected, args.keep_logs)
        passed, failed, skipped = passed + p, failed + f, skipped + sk

    runnable = []
    for sc in scenarios:
        why = missing_requirement(sc)
        if why:
            print(f"SKIP {sc.name}: {why}")
            skipped += 1
        else:
            runnable.append(sc)

    isos = {}
    if runnable:
        if not os.path.exists(args.elf):
            isos = {sc.iso_key(): RuntimeError(f"{rel(args.elf)} not found (run make)")
                    for sc in runnable}
        else:
            isos = build_isos(args.elf, {sc.iso_key() for sc in runnable})

    todo = []
    for sc in runnable:
        iso = isos[sc.iso_key()]
        if isinstance(iso, Exception):
            print(f"FAIL {sc.name}: {iso}")
            failed += 1
        else:
            todo.append((sc, iso))

    if any(sc.emulator == "qemu" for sc, _ in todo):
        print(f"QEMU: {ACCEL.upper()} ({ACCEL_WHY}); a scenario naming its CPU "
              "model runs under TCG", flush=True)
    t0 = time.monotonic()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j))
    try:
        futures = {pool.submit(run_scenario, sc, iso, args.keep_logs): sc
                   for sc, iso in todo}
        for fut in concurrent.futures.as_completed(futures):
            sc = futures[fut]
            try:
                result = fut.result()
            except Exception as e:          # a harness bug: say so, go on
                with PRINT_LOCK:
                    print(f"FAIL {sc.name}: harness error: {e!r}", flush=True)
                failed += 1
                continue
            report(sc, result)
            if result["passed"]:
                passed += 1
            elif result["passed"] is None:
                skipped += 1
            else:
                failed += 1
    except KeyboardInterrupt:
        STOP.set()
        pool.shutdown(wait=True, cancel_futures=True)
        print("interrupted", file=sys.stderr)
        return 130
    pool.shutdown(wait=True)
    if todo:
        print(f"boot matrix: {len(todo)} scenarios in "
              f"{time.monotonic() - t0:.0f} s with -j {args.j}")

    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
