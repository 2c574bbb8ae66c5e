"""Live updates: what each channel shows, and who is watching it."""
