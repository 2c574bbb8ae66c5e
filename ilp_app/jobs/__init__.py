"""Scheduled work run outside the web app, e.g. from cron: ``python -m ilp_app.jobs.<name>``."""
