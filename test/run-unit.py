#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run cmocka unit-test binaries, and Python unittest files
(test/unit/test_*.py, for the host tools written in Python); print
per-binary results and totals.

Usage: run-unit.py BINARY|FILE.py...   (exit status 0 when all passed)
Also importable: run(binaries) -> (passed, failed)."""
import os
import re
import subprocess
import sys


def run_py(path):
    """(passed, failed, output) of a Python unittest file."""
    p = subprocess.run([sys.executable, path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=300)
    out = p.stdout
    m = re.search(r"^Ran (\d+) tests?", out, re.M)
    ran = int(m.group(1)) if m else 0
    m = re.search(r"^FAILED \((.*)\)", out, re.M)
    bad = 0
    if m:
        bad = sum(int(n) for n in re.findall(r"(?:failures|errors)=(\d+)", m.group(1)))
    if p.returncode != 0 and bad == 0:
        bad = 1
    return ran - bad if ran >= bad else 0, bad, out


def run(binaries):
    passed = failed = 0
    for b in binaries:
        if b.endswith(".py"):
            ok, bad, out = run_py(b)
            print(f"unit {os.path.basename(b)[:-3]}: {ok} passed, {bad} failed")
            if bad:
                print(out)
            passed += ok
            failed += bad
            continue
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="stdout")
        p = subprocess.run([b], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, text=True, timeout=300)
        out = p.stdout
        # cmocka's closing summary: "[  PASSED  ] N test(s)." and, when some
        # failed, "[  FAILED  ] N test(s), listed below:".
        ok = sum(int(n) for n in re.findall(r"^\[  PASSED  \] (\d+) test", out, re.M))
        bad = sum(int(n) for n in re.findall(r"^\[  FAILED  \] (\d+) test", out, re.M))
        if p.returncode != 0 and bad == 0:
            bad = 1         # crashed (sanitizer, abort) without a cmocka verdict
        name = os.path.basename(b)
        print(f"unit {name}: {ok} passed, {bad} failed")
        if bad:
            print(out)
        passed += ok
        failed += bad
    return passed, failed


if __name__ == "__main__":
    p, f = run(sys.argv[1:])
    print(f"{p} passed, {f} failed")
    sys.exit(1 if f else 0)
