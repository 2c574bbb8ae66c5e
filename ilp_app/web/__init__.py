"""The HTTP layer around the Reflex app: ASGI middleware and plain HTTP routes."""
