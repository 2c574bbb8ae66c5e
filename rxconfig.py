"""Reflex configuration. Values come from ilp_app.settings, the one reader of the environment."""

import reflex as rx

from ilp_app.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="ilp_app",
    # The app makes no outbound requests at run time.
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Only the origins this app is served from may open the event websocket with credentials.
    cors_allowed_origins=list(settings.public_origins),
    redis_url=settings.redis_url,
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
