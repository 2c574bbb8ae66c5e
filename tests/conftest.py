"""Shared test setup: a test environment that never touches the developer's database."""

import os

os.environ.setdefault("ILP_ENV", "test")
os.environ.setdefault("ILP_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
