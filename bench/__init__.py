"""Benchmarks run against the real production build (see bench/README.md)."""
