# SPDX-License-Identifier: MIT
"""For test/unit/test_*.py: load one of tools/'s Python scripts (no .py
suffix, so not importable by name) as a module."""
import importlib.machinery
import importlib.util
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def tool_path(rel):
    return os.path.join(ROOT, "tools", rel)


def load_tool(rel, name):
    """tools/REL as module NAME, its top level run once."""
    loader = importlib.machinery.SourceFileLoader(name, tool_path(rel))
    spec = importlib.util.spec_from_loader(name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod
