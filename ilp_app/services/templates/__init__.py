"""The school's plan templates, making plans from them, and following their updates."""
