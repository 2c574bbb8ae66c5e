"""Data protection: a learner's archive, erasure, and retention."""
