"""A learner's plan: reading it, changing it, its life from draft to locked, its history."""
