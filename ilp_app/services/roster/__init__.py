"""Importing the school's people and groups from a OneRoster export."""
