#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench, issue 7: paravirtual block and network throughput.

Each run boots Petrel with dom0 on one CPU and types at dom0's shell as
test/run-all.py's dom0-* scenarios do (its Scenario and run_scenario are
reused): in QEMU (TCG, SVM+NPT, SeaBIOS) with -icount shift=0, where the
TSC and pvclock advance one nanosecond per executed instruction, and in
Bochs (VMX), whose TSC advances one tick per instruction (docs/
performance.md).

block: dom0 reads a 16 MiB device whole with `disk scan DEV DEPTH [random]
nocrc`, one page a request, in order and in a random order, 1 and 32
requests in flight; then the blk guest (test/guests/blk.c, mode=bench,
tools/dom0/blk-cfg/blk-bench*.cfg, `disk = ['phy:DEV,xvda,r']`) reads it
the same way through blkfront and blkback. `hv block-list` before and
after the guest's four scans gives the grant maps and unmaps per request
in steady state. DEV is ram0, dom0's RAM disk (no device wait: pure
instruction counts, sleep=off; on both paths), and vda1, a partition of a
virtio-blk disk (QEMU only: Bochs has no virtio; sleep=on, since with
sleep=off QEMU jumps the clock to the next timer deadline whenever every
vCPU is idle, even with a request in the host's hands, and the guest's own
timeouts expire).

network: net-sink and net-stream (test/guests/net.c, tools/dom0/net-cfg/),
then net-sink2 and net-stream2: the stream sends 10000 frames of 60, then
1514 bytes to the sink through netback and dom0's bridge as fast as its tx
ring takes them; the sink counts them and times the first to the last;
`net` shows the drops.

Prints the tables and exits non-zero when a run did not complete (the
scenario failed, or a figure is missing); a figure it did not read from
the run is never printed.

Usage: bench-io.py [--only block|ram0|vda1|network] [--path svm|vmx]
                   [--markdown] [--keep-logs]"""
import argparse
import os
import re
import sys
import time

from bench_common import load_run_all, print_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICOUNT = ["-icount", "shift=0,sleep=off"]
# With sleep=off QEMU jumps the clock to the next timer deadline whenever
# every vCPU is idle, even while a disk request is in the host's hands: a
# guest waiting for virtio-blk sees its own timeouts expire. The virtio
# run lets idle time pass as the host's (sleep=on) instead.
ICOUNT_SLEEP = ["-icount", "shift=0,sleep=on"]
PART_MIB = 16                               # vda1
PART_FIRST = 2048


RA = load_run_all()
CASES = [(1, False), (32, False), (1, True), (32, True)]    # (depth, random)


def case_args(depth, random):
    return f"{depth}{' random' if random else ''}"


def case_name(depth, random):
    return f"{'random' if random else 'sequential'} 4 KiB reads, depth {depth}"


def block_devices(scratch, icount):
    sectors = PART_FIRST + PART_MIB * 2048 + 2048
    img = RA.gpt_disk(sectors, ((PART_FIRST, PART_FIRST + PART_MIB * 2048 - 1),), 7)
    path = os.path.join(scratch, "bench.img")
    with open(path, "wb") as f:
        f.write(img)
    return icount + ["-drive", f"file={path},if=none,format=raw,id=d0",
                     "-device", "virtio-blk-pci,drive=d0,disable-legacy=on,addr=0x4"]


SCAN_RE = r"disk: scan {}: (\d+) requests, (\d+) bytes, (\d+) ns, (\d+) TSC ticks$"
GUEST_RE = (r"\(d1\) blk: bench (in order|random) depth (\d+): (\d+) requests, (\d+) bytes, "
            r"(\d+) ns, (\d+) TSC ticks, at most (\d+) in flight$")


def block_script(dev, cfg, name):
    t = RA.typed
    s = t("disk", rf"^{dev} +{PART_MIB * 2048} sectors ")
    for depth, random in CASES:
        s += t(f"disk scan {dev} {case_args(depth, random)} nocrc", "^" + SCAN_RE.format(dev))
    s += (t(f"hv create {cfg}", rf"^hv: created domain 1 \({name}\)")
          + RA.then(r"\(d1\) blk: warm", "hv block-list 1", RA.BLK_ROW_RE.pattern)
          + t("xs write /local/domain/1/data/go 1")
          + RA.then(r"\(d1\) blk: bench done$", "hv block-list 1", RA.BLK_ROW_RE.pattern)
          + t("xs write /local/domain/1/data/end 1", r"\(d1\) Test result: SUCCESS$",
              rf"^hv: domain 1 \({name}\) powered off: on_poweroff=destroy: destroyed$")
          + RA.ts_poweroff())
    return s


def block_figures(lines, dev):
    """The rows (case, MB/s, IOPS and ns a request for dom0 and the guest,
    the most in flight) and (requests, maps, unmaps, persistent)."""
    dom0 = [tuple(map(int, m.groups())) for m in
            (re.search(SCAN_RE.format(dev), x) for x in lines) if m]
    guest = {}
    for x in lines:
        m = re.search(GUEST_RE, x)
        if m:
            guest[(int(m.group(2)), m.group(1) == "random")] = tuple(
                int(g) for g in m.groups()[2:])
    if len(dom0) != len(CASES) or len(guest) != len(CASES):
        raise ValueError(f"{len(dom0)} of dom0's scans and {len(guest)} of the guest's "
                         f"(want {len(CASES)} each)")
    rows = []
    for (depth, random), d in zip(CASES, dom0):
        g = guest[(depth, random)]
        reqs, nbytes, dns, gns = d[0], d[1], d[2], g[2]
        if g[0] != reqs or g[1] != nbytes or not dns or not gns:
            raise ValueError(f"{case_name(depth, random)}: dom0 {d}, guest {g}")
        rows.append((case_name(depth, random),
                     nbytes * 1000 / dns, nbytes * 1000 / gns,    # MB/s (10^6 bytes)
                     reqs * 1e9 / dns, reqs * 1e9 / gns,          # IOPS
                     d[3] / reqs, g[3] / reqs, g[4]))         # TSC ticks a request
    counts = [RA.BLK_ROW_RE.match(x) for x in lines]
    counts = [m for m in counts if m]
    if len(counts) != 2:
        raise ValueError(f"{len(counts)} hv block-list rows (want 2)")
    (r0, m0, u0), (r1, m1, u1) = ((int(m.group(6)), int(m.group(8)), int(m.group(9)))
                                  for m in counts)
    if r1 <= r0:
        raise ValueError(f"blkback counted no requests between the lists ({r0}, {r1})")
    grants = (r1 - r0, m1 - m0, u1 - u0, int(counts[1].group(10)))
    return rows, grants


# (sink config, its domain, stream config, its domain)
STREAMS = (("net-sink.cfg", 1, "net-stream.cfg", 2), ("net-sink2.cfg", 3, "net-stream2.cfg", 4))


def stream_script():
    t = RA.typed
    s = []
    for sink, ds, stream, dt in STREAMS:
        s += (t(f"hv create {sink}", rf"\(d{ds}\) net: connected as ")
              + t(f"hv create {stream}", rf"\(d{dt}\) net: stream: ", rf"\(d{ds}\) net: sink: ",
                  rf"\(d{ds}\) Test result: SUCCESS$", rf"\(d{dt}\) Test result: SUCCESS$")
              + t("net", r"^bridge: "))
    return s + RA.ts_poweroff()


STREAM_RE = r"\(d{}\) net: stream: (\d+) frames of (\d+) bytes sent in (\d+) ns, (\d+) TSC"
SINK_RE = (r"\(d{}\) net: sink: (\d+) frames of (\d+) bytes, (\d+) missing, (\d+) ns and "
           r"(\d+) TSC ticks from the first to the last$")


def net_figures(lines):
    out = []
    for i, (_, ds, _, dt) in enumerate(STREAMS):
        st = next((m for m in (re.search(STREAM_RE.format(dt), x) for x in lines) if m), None)
        sk = next((m for m in (re.search(SINK_RE.format(ds), x) for x in lines) if m), None)
        rows = RA.net_rows(lines, i)
        vs, vt = f"vif{ds}.0", f"vif{dt}.0"
        if not st or not sk or not rows or vs not in rows or vt not in rows:
            raise ValueError(f"stream {i + 1}: no stream, sink or net lines")
        sent, length = int(st.group(1)), int(st.group(2))
        got, missing, ns, ticks = (int(sk.group(g)) for g in (1, 3, 4, 5))
        if got < 2 or not ns or not ticks or int(sk.group(2)) != length:
            raise ValueError(f"stream {i + 1}: the sink got {got} frames in {ns} ns")
        out.append(dict(sent=sent, length=length, got=got, missing=missing,
                        fps=(got - 1) * 1e9 / ns, insns=ticks / (got - 1),
                        drops=rows[vs][5], errors=rows[vt][7]))
    return out


class Unavailable(Exception):
    """An emulator or firmware is not installed: no figures, as bench.py."""


def run(name, modules, script, devices, keep, emulator="qemu"):
    lines = []

    def keep_lines(j):
        lines.extend(j.lines)
        return None

    sc = RA.S(f"bench-{name}-{emulator}", emulator, smp=1, mem=1024, timeout=300,
              expect="dom0-typing", modules=modules, input=script, devices=devices,
              check=keep_lines)
    why = RA.missing_requirement(sc)
    if why:
        raise Unavailable(why)
    iso = RA.build_isos(os.path.join(RA.BUILD, "petrel.elf"), [sc.iso_key()])[sc.iso_key()]
    if isinstance(iso, Exception):
        raise iso
    res = RA.run_scenario(sc, iso, keep)
    if not res["passed"]:
        raise RuntimeError(f"{sc.name}: {res['reason']} (serial log: {res['log']})")
    return lines, res["elapsed"]


# MB/s, IOPS and frames/s are in emulated time: under QEMU -icount shift=0
# one instruction takes a nanosecond; under Bochs (ips=50M) 20. The
# instructions a request or frame are the TSC ticks (one an instruction on
# both) over the count, comparable across the two.
def print_block(rows, grants, md, unit):
    hdr = ("case", "dom0 MB/s", "guest MB/s", "ratio", "dom0 IOPS", "guest IOPS",
           f"dom0 {unit}/req", f"guest {unit}/req")
    out = [(r[0], f"{r[1]:.1f}", f"{r[2]:.1f}", f"{r[2] / r[1]:.2f}", f"{r[3]:.0f}",
            f"{r[4]:.0f}", f"{r[5]:.0f}", f"{r[6]:.0f}") for r in rows]
    reqs, maps, unmaps, persistent = grants
    print_table(hdr, out, md, 38, 16)
    print(f"grants in the guest's steady state: {reqs} requests, {maps} maps, {unmaps} unmaps "
          f"({maps / reqs:.4f} maps and {unmaps / reqs:.4f} unmaps a request; "
          f"{persistent} persistent grants held)")


def print_net(figs, md):
    hdr = ("frames, one direction", "frames/s", "MB/s", "insns/frame", "received", "missing",
           "dropped", "errors")
    out = [(f"{n['length']} bytes", f"{n['fps']:.0f}", f"{n['fps'] * n['length'] / 1e6:.1f}",
            f"{n['insns']:.0f}", f"{n['got']} of {n['sent']}", str(n['missing']),
            str(n['drops']), str(n['errors'])) for n in figs]
    print_table(hdr, out, md, 24, 16)


PATHS = {"qemu": "SVM (QEMU -icount)", "bochs": "VMX (Bochs)"}


def block_job(dev, emulator, args):
    """One block run: dom0's scans, the guest's, the grant counters."""
    cfg, name = ("blk-bench-ram.cfg", "blkbenchram") if dev == "ram0" else \
        ("blk-bench.cfg", "blkbench")
    icount = ICOUNT if dev == "ram0" else ICOUNT_SLEEP
    mods = [(os.path.join(RA.DOM0_DIR, "dom0.elf"), f"console_log=1 ramdisk={PART_MIB}M"),
            (os.path.join(RA.DOM0_DIR, "initrd-blk.cpio"), "")]
    lines, secs = run(f"block-{dev}", mods, block_script(dev, cfg, name),
                      lambda scratch: block_devices(scratch, icount), args.keep_logs, emulator)
    rows, grants = block_figures(lines, dev)
    what = {"ram0": "dom0's RAM disk ram0 (instructions only",
            "vda1": "the virtio-blk partition vda1 (-icount sleep=on: instructions, and idle "
                    "time at the host's pace"}[dev]
    print(f"PV block on {PATHS[emulator]}, {what}): {PART_MIB} MiB read whole, 4 KiB a "
          f"request, by dom0 and by a guest through blkfront and blkback ({secs:.0f} s wall)")
    # Under sleep=on the TSC also counts idle time: ticks, not instructions.
    print_block(rows, grants, args.markdown, "insns" if dev == "ram0" else "ticks")


def network_job(emulator, args):
    mods = [(os.path.join(RA.DOM0_DIR, "dom0.elf"), "console_log=1"),
            (os.path.join(RA.DOM0_DIR, "initrd-net.cpio"), "")]
    lines, secs = run("network", mods, stream_script(), lambda scratch: ICOUNT,
                      args.keep_logs, emulator)
    figs = net_figures(lines)
    print(f"PV network on {PATHS[emulator]}, guest to guest through netback and dom0's "
          f"bridge ({secs:.0f} s wall); dropped: at the sink's vif, errors: the stream's")
    print_net(figs, args.markdown)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=("block", "ram0", "vda1", "network"))
    ap.add_argument("--path", choices=("svm", "vmx"))
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--keep-logs", action="store_true")
    args = ap.parse_args()
    jobs = [("ram0", "qemu", lambda: block_job("ram0", "qemu", args)),
            ("ram0", "bochs", lambda: block_job("ram0", "bochs", args)),
            ("vda1", "qemu", lambda: block_job("vda1", "qemu", args)),
            ("network", "qemu", lambda: network_job("qemu", args)),
            ("network", "bochs", lambda: network_job("bochs", args))]
    failed = False
    start = time.time()
    for what, emulator, fn in jobs:
        if args.only not in (None, what) and not (args.only == "block" and what != "network"):
            continue
        if args.path and {"svm": "qemu", "vmx": "bochs"}[args.path] != emulator:
            continue
        try:
            fn()
        except Unavailable as e:
            print(f"bench-io: {e}: no {what} figures on {PATHS[emulator]}", file=sys.stderr)
        except (RuntimeError, ValueError, OSError) as e:
            print(f"bench-io: {what} on {PATHS[emulator]}: {e}", file=sys.stderr)
            failed = True
        print()
    print(f"({time.time() - start:.0f} s wall in all; the virtio-blk figures have no VMX "
          "column: Bochs has no virtio device)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
