"""Reflex configuration. Values come from ilp_app.settings, the one reader of the environment."""

import os

import reflex as rx

from ilp_app.settings import get_settings

settings = get_settings()

# Frames up to 4 MB reach the event guard, which refuses any event over 64 KB with a message;
# only larger frames are cut off by the socket itself.
os.environ.setdefault("REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE", str(4 * 1000 * 1000))

config = rx.Config(
    app_name="ilp_app",
    # The app makes no outbound requests at run time.
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Only the origins this app is served from may open the event websocket with credentials.
    cors_allowed_origins=list(settings.public_origins),
    redis_url=settings.redis_url,
    # One worker keeps page states in memory: nothing about a page is written to disk. Several
    # workers share them in Redis (see docs/operations.md for its password and TLS).
    state_manager_mode="redis" if settings.redis_url else "memory",
    # The socket's client address (sign-in throttling, audit) comes from X-Forwarded-For only
    # through this many trusted proxies; HTTP routes use ilp_app.domain.client_address alike.
    trusted_proxy_hops=settings.trusted_proxy_hops,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="indigo", gray_color="slate", radius="medium", has_background=True
            )
        ),
        rx.plugins.SitemapPlugin(),
    ],
)
