"""The HTTP layer around the Reflex app: ASGI middleware and plain HTTP routes."""

from __future__ import annotations


def add_transformer(app, transformer) -> None:
    """Add a layer around what ``app`` (an ``rx.App``) serves.

    Reflex applies ``api_transformer`` entries in order: a Starlette app gets the backend mounted
    inside it, a callable wraps it. The entry added last is therefore the outermost.
    """
    existing = app.api_transformer
    if existing is None:
        transformers = []
    elif isinstance(existing, list | tuple):
        transformers = list(existing)
    else:
        transformers = [existing]
    app.api_transformer = [*transformers, transformer]
