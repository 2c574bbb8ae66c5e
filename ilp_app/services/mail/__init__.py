"""Outgoing mail: an outbox written in the deciding transaction, and a sender that retries."""
