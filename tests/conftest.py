"""Shared test setup: a test environment that never touches the developer's database or files."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("ILP_ENV", "test")
os.environ.setdefault("ILP_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
# Evidence files the tests (and the demo seed they load) store go to a folder of their own.
if "ILP_EVIDENCE_DIR" not in os.environ:
    _evidence = tempfile.mkdtemp(prefix="ilp-test-evidence-")
    os.environ["ILP_EVIDENCE_DIR"] = _evidence
    atexit.register(shutil.rmtree, _evidence, ignore_errors=True)
