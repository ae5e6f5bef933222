#!/usr/bin/env python3
"""Runs a unittest module and closes with "<suite>: N passed, N failed, N skipped"
like the other suites. Usage: run_unittest.py SUITE MODULE_FILE"""
import importlib.util
import sys
import unittest
from pathlib import Path

suite_name, path = sys.argv[1], Path(sys.argv[2]).resolve()
sys.path.insert(0, str(path.parent))
spec = importlib.util.spec_from_file_location(path.stem, path)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(
    unittest.defaultTestLoader.loadTestsFromModule(mod))
failed = len(result.failures) + len(result.errors)
skipped = len(result.skipped)
print(f"{suite_name}: {result.testsRun - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
