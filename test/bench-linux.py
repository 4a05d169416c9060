#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench, issue 9: a Linux guest's boot time, block and TCP throughput.

Boots Petrel in QEMU (TCG, SVM+NPT, SeaBIOS, one CPU) with
-icount shift=0,sleep=off: the clock advances one nanosecond per executed
instruction, and jumps to the next timer deadline whenever the CPU is
idle (a guest's sleep then takes no host time, but it does take emulated
time). dom0 runs with build/dom0/initrd-linux.cpio's files (Debian's
kernel, the busybox initramfs, tools/dom0/linux-cfg/) plus an rc script
written here, a 16 MiB RAM disk as the guest's xvda (ram0), and
console_log=2, which stamps each guest console line with the
hypervisor's time when dom0 takes it off the ring.

The rc script runs, before dom0 takes any input: `disk scan ram0 1
nocrc` and `disk scan ram0 32 nocrc` (dom0 reading the RAM disk whole
itself, 4 KiB a request; its own ns), `uptime` (T0), `hv create
linux.cfg`, `uptime` (T1). No typed input comes in between, so no wait
on the host's typing is inside the figures. Then:

boot: T1 - T0 is dom0 building the domain (reading the 66 MB ELF out of
its initrd into the domain's memory); the stamp of the guest's `init:`
line minus T0, and the stamp of the line busybox's shell writes just
before its first prompt ("Enter 'help' ...") minus T0, are the times to
the guest's init and to its shell. T0 and T1 come from dom0's `uptime`
(millisecond resolution). `hv destroy` then prints how long the guest's
vCPU ran (Petrel's scheduler; it idled at its prompt since, waiting for
the typed destroy): under shift=0 one microsecond is 1000 instructions,
of the guest and of Petrel on its behalf.

block: a second guest (the same config) runs, at its shell, dd if=/dev/xvda
of=/dev/null over the whole 16 MiB: 4 KiB and 1 MiB blocks with
iflag=direct, then 1 MiB through the page cache (cold: the direct reads
leave nothing in it). Each is timed with the guest's monotonic clock
(`now at` of /proc/timer_list, read just before and after; the figure
includes one fork and exec of dd and of grep); /sys/block/xvda/stat,
read before and after outside the timed part, gives the requests Linux
completed and checks that the 16 MiB were read from the device. MB/s
(10^6 bytes) in emulated time, and the ratio to dom0's own scans of the
same RAM disk.

network: a third guest (linux2.cfg) and the block guest exchange TCP with
busybox nc: NET_MIB sent guest to guest and over the sender's loopback,
timed by the sender's clock, counted by each receiver (see NET_CASES).

Prints the figures and exits non-zero when the run did not complete or a
figure is missing; a figure not read from the run is never printed.

Usage: bench-linux.py [--markdown] [--keep-logs]"""
import argparse
import os
import re
import subprocess
import sys
import time

from bench_common import load_run_all, print_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIFT = 0
ICOUNT = ["-icount", f"shift={SHIFT},sleep=off"]
RAM_MIB = 16


RA = load_run_all()
LINUX_DIR = os.path.join(RA.BUILD, "linux")
CFG_DIR = os.path.join(ROOT, "tools", "dom0", "linux-cfg")
BENCH_DIR = os.path.join(RA.BUILD, "bench")
RC_NAME = "bench.rc"
RC = ["disk scan ram0 1 nocrc", "disk scan ram0 32 nocrc",
      "uptime", "hv create linux.cfg", "uptime"]

STAMP = r"\[hv (\d+)\.(\d{{6}})\] "
INIT_RE = r"^\(d{}\) " + STAMP + r"init: Linux 6\.1\.\S+ up, 1 CPU\(s\) online: 0$"
SHELL_RE = r"^\(d{}\) " + STAMP + r"Enter 'help' for a list of built-in commands\.$"
UPTIME_RE = re.compile(r"^up \d+\.\d{3} s \(hypervisor time (\d+)\.(\d{3}) s\)$")
SCAN_RE = re.compile(r"^disk: scan ram0: (\d+) requests, (\d+) bytes, (\d+) ns, (\d+) TSC ticks$")
RAN_RE = r"petrel: domain {} vCPU 0 ran (\d+) us on pCPUs"
# (name, dd's arguments after if= and of=)
DD_CASES = (("4 KiB blocks, iflag=direct", f"bs=4k count={RAM_MIB * 256} iflag=direct"),
            ("1 MiB blocks, iflag=direct", f"bs=1M count={RAM_MIB} iflag=direct"),
            ("1 MiB blocks, page cache (cold)", f"bs=1M count={RAM_MIB}"))
DD_RE = (r"^ddbench {}: (\d+)\+0 records in; now at (\d+) nsecs; now at (\d+) nsecs; "
         r"stat +(\d+) +\d+ +(\d+) .*; stat +(\d+) +\d+ +(\d+) .*\r?$")


def dd_cmd(i, args):
    """dd timed by the monotonic clock; xvda's block statistics (reads
    completed, sectors read) before and after, outside the timed part."""
    now = "$(grep -m1 'now at' /proc/timer_list)"
    stat = "$(cat /sys/block/xvda/stat)"
    return (f"s={stat}; a={now}; r=$(dd if=/dev/xvda of=/dev/null {args} 2>&1 | head -n 1); "
            f"b={now}; t={stat}; echo \"ddbench {i}: $r; $a; $b; stat $s; stat $t\"")


# network: a third guest (linux2.cfg: eth0 10.0.0.2, xvda on ram1) listens
# with nc on TCP port 5000; the block guest (10.0.0.1) sends NET_MIB of
# /dev/zero to it, then the same to its own nc on 127.0.0.1:5001 (Linux's
# loopback: the same sockets, dd and nc, no netfront, netback or bridge).
# Each send is timed by the sender's monotonic clock; busybox's nc, at the
# end of its input, shuts its side down and exits only when the receiver,
# having read everything, closes: the time covers delivery. Each
# receiver's `wc -c` checks the bytes arrived.
NET_MIB = 8
NET_CASES = (("guest to guest (netfront, netback, bridge)", "10.0.0.2 5000"),
             ("the same guest over loopback", "127.0.0.1 5001"))
NET_RE = (r"^netbench {}: (\d+)\+0 records in; now at (\d+) nsecs; now at (\d+) nsecs\r?$")
NET_GOT_RE = r"^netgot-{}-(\d+)\r?$"


def listen_cmd(port, tag):
    """nc listening on port in the background, its byte count to
    /tmp/TAG when the sender closes; returns once /proc/net/tcp* shows the
    port listening (0A). Its stdin is a FIFO nobody writes, as in
    linux-net-bios."""
    return (f"mkfifo /tmp/p{port}; nc -l -p {port} 0<>/tmp/p{port} | wc -c >/tmp/{tag} &"
            f" until cat /proc/net/tcp* | grep -q ':{port:04X} [0-9A-F]*:0000 0A'; do :; done;"
            " echo listening")


def net_cmd(i, dest):
    now = "$(grep -m1 'now at' /proc/timer_list)"
    return (f"a={now}; dd if=/dev/zero bs=64k count={NET_MIB * 16} 2>/tmp/dd.err | nc {dest}; "
            f"b={now}; echo \"netbench {i}: $(head -n 1 /tmp/dd.err); $a; $b\"")


def net_script():
    t, lc = RA.typed, RA.linux_cmd
    return (t("hv create linux2.cfg", INIT_RE.format(3), SHELL_RE.format(3))
            + RA.linux_console(3) + lc(listen_cmd(5000, "net"), r"^listening\r?$") + RA.linux_leave(3)
            + RA.linux_console(2) + lc(listen_cmd(5001, "lo"), r"^listening\r?$")
            + lc(net_cmd(0, NET_CASES[0][1]), NET_RE.format(0))
            + lc(net_cmd(1, NET_CASES[1][1]), NET_RE.format(1))
            + lc("wait; echo netgot-lo-$(cat /tmp/lo)", NET_GOT_RE.format("lo")) + RA.linux_leave(2)
            + RA.linux_console(3) + lc("wait; echo netgot-net-$(cat /tmp/net)", NET_GOT_RE.format("net"))
            + RA.linux_leave(3) + t("hv destroy linux2", r"^hv: domain 3 \(linux2\) destroyed"))


def script():
    t, lc = RA.typed, RA.linux_cmd
    s = ([(INIT_RE.format(1), None), (SHELL_RE.format(1), None)]
         + [(RA.TS_PROMPT, b"hv destroy linux\r"), (RAN_RE.format(1), None),
            (r"^hv: domain 1 \(linux\) destroyed", None)]
         + t("hv create linux.cfg", INIT_RE.format(2), SHELL_RE.format(2))
         + [(RA.TS_PROMPT, b"hv console 2\r"), (RA.ATTACHED.format(2), None)])
    for i, (_, args) in enumerate(DD_CASES):
        s += lc(dd_cmd(i, args), DD_RE.format(i))
    return (s + [(RA.LINUX_PROMPT, b"\x1d"), (RA.DETACHED.format(2), None)]
            + net_script()
            + t("hv destroy linux", RAN_RE.format(2), r"^hv: domain 2 \(linux\) destroyed")
            + RA.ts_poweroff())


def make_initrd():
    """initrd-linux.cpio's files and the rc script, in build/bench/."""
    os.makedirs(BENCH_DIR, exist_ok=True)
    rc = os.path.join(BENCH_DIR, RC_NAME)
    with open(rc, "w") as f:
        f.write("".join(line + "\n" for line in RC))
    files = {"linux.elf": os.path.join(LINUX_DIR, "linux.elf"),
             "initramfs.cpio.gz": os.path.join(LINUX_DIR, "initramfs.cpio.gz"),
             RC_NAME: rc}
    for name in sorted(os.listdir(CFG_DIR)):
        if name.endswith(".cfg"):
            files[name] = os.path.join(CFG_DIR, name)
    missing = [p for p in files.values() if not os.path.exists(p)]
    if missing:
        raise RuntimeError(f"{os.path.relpath(missing[0], ROOT)} not found (run make linux)")
    out = os.path.join(BENCH_DIR, "initrd-linux-bench.cpio")
    subprocess.run([os.path.join(ROOT, "tools", "mkcpio"), out]
                   + [f"{n}={p}" for n, p in files.items()], check=True)
    return out


def ns(m, first=1):
    """A (seconds, fraction) match as ns: 6 digits (µs) or 3 (ms)."""
    sec, frac = m.group(first), m.group(first + 1)
    return int(sec) * 10**9 + int(frac) * 10**(9 - len(frac))


def figures(lines):
    def one(regex, what):
        """The one line for what; hv console replays a guest's earlier
        lines when it attaches again, so equal lines count once."""
        hits = list({m.group(0): m for m in (re.search(regex, x) for x in lines) if m}.values())
        if len(hits) != 1:
            raise ValueError(f"{len(hits)} lines for {what} (want 1)")
        return hits[0]

    up = [m for m in map(UPTIME_RE.match, lines) if m]
    scans = [tuple(map(int, m.groups())) for m in map(SCAN_RE.match, lines) if m]
    if len(up) != 2 or len(scans) != 2:
        raise ValueError(f"{len(up)} uptime and {len(scans)} scan lines (want 2 each)")
    t0, t1 = ns(up[0]), ns(up[1])
    init, shell = ns(one(INIT_RE.format(1), "the init line")), \
        ns(one(SHELL_RE.format(1), "the shell's line"))
    ran = int(one(RAN_RE.format(1), "the first guest's run time").group(1))
    if not t0 < t1 < init < shell:
        raise ValueError(f"times out of order: {t0} {t1} {init} {shell}")
    boot = dict(build=t1 - t0, init=init - t0, shell=shell - t0, ran_us=ran)
    size = RAM_MIB << 20
    dom0 = []
    for reqs, nbytes, dns, _ in scans:
        if nbytes != size or reqs != size // 4096 or not dns:
            raise ValueError(f"dom0's scan: {reqs} requests, {nbytes} bytes in {dns} ns")
        dom0.append(nbytes * 1000 / dns)
    dd = []
    for i, (name, args) in enumerate(DD_CASES):
        m = one(DD_RE.format(i), f"dd {name}")
        recs, a, b, r0, s0, r1, s1 = (int(g) for g in m.groups())
        blocks = int(re.search(r"count=(\d+)", args).group(1))
        if recs != blocks or b <= a or r1 <= r0:
            raise ValueError(f"dd {name}: {recs} records of {blocks}, {b - a} ns, "
                             f"{r1 - r0} reads")
        if (s1 - s0) * 512 != size:
            raise ValueError(f"dd {name}: xvda's statistics say {(s1 - s0) * 512} bytes read")
        dd.append((name, size * 1000 / (b - a), b - a, r1 - r0))
    net = []
    size = NET_MIB << 20
    for i, (name, _) in enumerate(NET_CASES):
        recs, a, b = (int(g) for g in one(NET_RE.format(i), f"the send {name}").groups())
        if recs != NET_MIB * 16 or b <= a:
            raise ValueError(f"send {name}: {recs} records of {NET_MIB * 16}, {b - a} ns")
        net.append((name, size * 1000 / (b - a), b - a))
    for tag in ("net", "lo"):
        got = int(one(NET_GOT_RE.format(tag), f"the {tag} receiver's count").group(1))
        if got != size:
            raise ValueError(f"the {tag} receiver got {got} bytes of {size}")
    return boot, dom0, dd, net


def report(boot, dom0, dd, net, md, secs):
    per = 2 ** SHIFT
    print(f"Linux guest on SVM (QEMU -icount shift={SHIFT},sleep=off, one CPU; "
          f"{secs:.0f} s wall)")
    rows = (("dom0 builds the domain (hv create's run)", boot["build"]),
            ("hv create to the guest's init: line", boot["init"]),
            ("hv create to its shell's prompt", boot["shell"]))
    hdr = ("boot, from dom0 starting hv create", "emulated s")
    out = [(n, f"{v / 1e9:.3f}") for n, v in rows]
    out.append((f"the guest's vCPU ran (until hv destroy), in {per} ns an instruction",
                f"{boot['ran_us'] / 1e6:.3f}"))
    print_table(hdr, out, md, 66, 24)
    if md:
        print()
    print(f"(the guest's vCPU ran about {boot['ran_us'] * 1000 / per / 1e6:.0f} million "
          "instructions)")
    print()
    print(f"block: {RAM_MIB} MiB read whole from dom0's RAM disk ram0; dom0 itself 4 KiB a "
          f"request: {dom0[0]:.1f} MB/s at depth 1, {dom0[1]:.1f} MB/s at depth 32")
    if md:
        print()
    hdr = ("guest dd if=/dev/xvda of=/dev/null", "guest MB/s", "emulated ms",
           "requests", "KiB a request", "ns a request", "ratio to dom0 depth 1",
           "ratio to dom0 depth 32")
    out = [(n, f"{v:.1f}", f"{t / 1e6:.1f}", str(r), f"{(RAM_MIB << 10) / r:.1f}",
            f"{t / r:.0f}", f"{v / dom0[0]:.3f}", f"{v / dom0[1]:.3f}")
           for n, v, t, r in dd]
    print_table(hdr, out, md, 34, 14)
    print()
    print(f"network: {NET_MIB} MiB of /dev/zero over TCP with busybox nc, sent by the guest "
          "at 10.0.0.1 (timed by its clock; the receiver counts the bytes)")
    if md:
        print()
    hdr = ("TCP send", "MB/s", "emulated ms", "ratio to loopback")
    out = [(n, f"{v:.1f}", f"{t / 1e6:.1f}", f"{v / net[1][1]:.3f}") for n, v, t in net]
    print_table(hdr, out, md, 44, 18)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--keep-logs", action="store_true")
    args = ap.parse_args()
    start = time.time()
    try:
        initrd = make_initrd()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        print(f"bench-linux: {e}: no Linux figures", file=sys.stderr)
        return 1
    lines = []

    def keep_lines(j):
        lines.extend(j.lines)
        return RA.no_hv_errors(j.lines)

    mods = [(os.path.join(RA.DOM0_DIR, "dom0.elf"),
             f"console_log=2 ramdisk={RAM_MIB}M,4M rc={RC_NAME}"), (initrd, "")]
    sc = RA.S("bench-linux-qemu", "qemu", smp=1, mem=1024, timeout=600,
              expect="dom0-typing", modules=mods, input=script(),
              devices=lambda scratch: list(ICOUNT), check=keep_lines)
    why = RA.missing_requirement(sc)
    if why:
        print(f"bench-linux: {why}: no Linux figures", file=sys.stderr)
        return 0
    try:
        iso = RA.build_isos(os.path.join(RA.BUILD, "petrel.elf"), [sc.iso_key()])[sc.iso_key()]
        if isinstance(iso, Exception):
            raise iso
        res = RA.run_scenario(sc, iso, args.keep_logs)
        if not res["passed"]:
            raise RuntimeError(f"{sc.name}: {res['reason']} (serial log: {res['log']})")
        boot, dom0, dd, net = figures(lines)
    except (RuntimeError, ValueError, OSError) as e:
        print(f"bench-linux: {e}", file=sys.stderr)
        return 1
    report(boot, dom0, dd, net, args.markdown, time.time() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
