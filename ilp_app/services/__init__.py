"""Use cases: load, apply domain rules, save, audit. No Reflex import here."""
