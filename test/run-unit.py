#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run cmocka unit-test binaries; print per-binary results and totals.

Usage: run-unit.py BINARY...   (exit status 0 when all passed)
Also importable: run(binaries) -> (passed, failed)."""
import os
import re
import subprocess
import sys


def run(binaries):
    passed = failed = 0
    for b in binaries:
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
