# SPDX-License-Identifier: MIT
"""What make bench's boot runs share (test/bench-io.py, test/bench-linux.py):
test/run-all.py as a module (its scenarios and harness), and the tables."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_run_all():
    spec = importlib.util.spec_from_file_location("run_all",
                                                  os.path.join(ROOT, "test", "run-all.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def print_table(hdr, rows, md, first, width):
    """hdr and rows (tuples of strings) as Markdown or in columns."""
    if md:
        print("| " + " | ".join(hdr) + " |")
        print("|---" * len(hdr) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    for r in (hdr,) + tuple(rows):
        print(f"{r[0]:<{first}}" + "".join(f"{v:>{width}}" for v in r[1:]))
