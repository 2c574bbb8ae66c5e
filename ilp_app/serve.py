"""Serve the app in production: build the frontend once, then run Granian with respawning workers.

``reflex run --env prod`` rebuilds the frontend at every start (about 30 s on a small server)
and starts Granian without respawning failed workers: one crashed worker stopped the whole
app. This command serves the same app on one port (pages, built assets, ``/api`` and the
``/_event`` socket), but

* builds the frontend (``reflex export --frontend-only``) only when the build is missing or
  was made from other sources, another Reflex, or for another port;
* starts Granian directly with the worker respawn on: a worker that dies is replaced while
  the others keep serving (browsers on it reconnect to another worker; with Redis their
  page state is still there).

Run it from the project folder (where ``rxconfig.py`` is)::

    python -m ilp_app.serve --host 127.0.0.1 --port 3000 --workers 4

It reads Granian's and Reflex's own variables (``GRANIAN_WORKERS``, ``REFLEX_REDIS_URL``) as
the defaults of its options; the app's settings stay in :mod:`ilp_app.settings`.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

log = logging.getLogger("ilp.serve")

#: What the built frontend is made from, relative to the project folder.
SOURCES = ("ilp_app", "assets", "rxconfig.py")
#: Variables that change what the build contains (the socket URL is written into it).
BUILD_VARIABLES = ("REFLEX_API_URL", "REFLEX_DEPLOY_URL", "REFLEX_FRONTEND_PATH")
BUILD_DIR = Path(".web") / "build" / "client"
STAMP = Path(".web") / "ilp-frontend.sha256"
#: Granian exits instead of respawning a worker that dies again this soon (a crash loop).
RESPAWN_INTERVAL_SECONDS = 1.0
#: How long a stopping worker may finish its requests before it is killed.
WORKERS_KILL_TIMEOUT_SECONDS = 10


def build_fingerprint(project: Path, port: int, env: dict[str, str] | None = None) -> str:
    """A digest of everything the built frontend depends on."""
    env = dict(os.environ if env is None else env)
    digest = hashlib.sha256()
    digest.update(f"reflex {metadata.version('reflex')}\nport {port}\n".encode())
    for name in BUILD_VARIABLES:
        digest.update(f"{name}={env.get(name, '')}\n".encode())
    for name in SOURCES:
        root = project / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(project)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_is_current(project: Path, fingerprint: str) -> bool:
    stamp = project / STAMP
    return (
        (project / BUILD_DIR / "index.html").is_file()
        and stamp.is_file()
        and stamp.read_text().strip() == fingerprint
    )


def build_frontend(project: Path, port: int, fingerprint: str) -> None:
    """Build the frontend for ``port`` and record what it was built from."""
    log.info("building the frontend (the build is missing or stale)")
    (project / STAMP).unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"],
        cwd=project,
        env={**os.environ, **_port_variables(port)},
        check=True,
    )
    (project / STAMP).write_text(fingerprint + "\n")


def _port_variables(port: int) -> dict[str, str]:
    # Reflex writes the socket's URL (with this port) into the build, and reads it again at run
    # time; both must agree, as under `reflex run --single-port`.
    return {"REFLEX_FRONTEND_PORT": str(port), "REFLEX_BACKEND_PORT": str(port)}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ilp_app.serve", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=3000, help="port for pages and socket")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("GRANIAN_WORKERS", "1")),
        help="worker processes (several need REFLEX_REDIS_URL); default GRANIAN_WORKERS or 1",
    )
    parser.add_argument(
        "--no-respawn",
        action="store_true",
        help="stop the whole server when a worker dies (Granian's default; for drills)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the frontend even if current")
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    project = Path.cwd()
    if not (project / "rxconfig.py").is_file():
        sys.exit("Run this from the project folder (where rxconfig.py is).")
    if args.workers > 1 and not os.environ.get("REFLEX_REDIS_URL", "").strip():
        sys.exit("Several workers share page states through Redis: set REFLEX_REDIS_URL.")

    fingerprint = build_fingerprint(project, args.port)
    if args.rebuild or not build_is_current(project, fingerprint):
        build_frontend(project, args.port, fingerprint)
    else:
        log.info("the frontend build is current; not rebuilding")

    os.environ.update(_port_variables(args.port))
    from reflex_base import constants
    from reflex_base.environment import environment

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    # Workers serve what was built; they do not compile the app again.
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(True)
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    # Each worker imports the app itself (nothing is forked with the app's connections open),
    # so a respawned worker starts exactly like the first ones.
    server = Server(
        target="ilp_app.ilp_app:app",
        factory=True,  # the Reflex App object is called to build the ASGI app
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=max(1, args.workers),
        respawn_failed_workers=not args.no_respawn,
        respawn_interval=RESPAWN_INTERVAL_SECONDS,
        workers_kill_timeout=WORKERS_KILL_TIMEOUT_SECONDS,
        log_level=LogLevels(args.log_level),
        log_access=False,
    )
    server.serve()


if __name__ == "__main__":
    main()
