"""Start the real app (production build) as a subprocess on a free port, for browser tests and benchmarks.

Each server gets its own SQLite file (migrated and seeded with the demo school) unless a
database URL is given, a fresh production secret, and only its own origin allowed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"app exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"app did not answer {url} within {timeout}s:\n{log_path.read_text()[-4000:]}"
    )


def prepare_database(url: str, evidence_dir: Path | None = None) -> None:
    """Migrate and seed the demo school into ``url``, every account reading English (the
    browser tests find elements by their English names; the language tests choose theirs).

    The demo's evidence files go to ``evidence_dir`` (the server's, when it is started by
    :func:`running_app`), never into the project's own ``data/`` folder; without one they are
    written to a temporary folder and dropped.
    """
    with tempfile.TemporaryDirectory(prefix="ilp-e2e-evidence-") as scratch:
        subprocess.run(
            [sys.executable, "-m", "ilp_app.seed", "--english"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "ILP_DATABASE_URL": url,
                "ILP_ENV": "test",
                "ILP_EVIDENCE_DIR": str(evidence_dir or scratch),
            },
        )


@dataclass(frozen=True)
class RunningApp:
    base_url: str
    pid: int

    log_path: Path | None = None

    def workers(self) -> dict[int, int]:
        """Worker number -> process id of the live workers Granian reports in the log."""
        import re

        found: dict[int, int] = {}
        text = self.log_path.read_text() if self.log_path else ""
        for number, pid in re.findall(r"Spawning worker-(\d+) with PID: (\d+)", text):
            found[int(number)] = int(pid)
        return {n: pid for n, pid in found.items() if Path(f"/proc/{pid}").exists()}

    def processes(self) -> list[str]:
        """Command lines of every process the app started (supervisor and workers)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getsid(int(entry.name)) != self.pid:
                    continue
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip())
            except (OSError, ProcessLookupError):
                continue
        return found


PROJECT_FILES = ("ilp_app", "assets", "rxconfig.py")


def project_copy(workdir: Path) -> Path:
    """A private copy of the app for one server.

    Reflex compiles the frontend into the project's ``.web`` with the server's port baked in, so
    two servers (or a server and a developer's ``make run``) must not share a project folder.
    The copy's frontend packages come from bun's cache after the first install.
    """
    target = workdir / "project"
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "external")
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=ignore, dirs_exist_ok=True)
        else:
            shutil.copy2(src, target / name)
    return target


@contextlib.contextmanager
def running_app(
    workdir: Path,
    *,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    serve_args: tuple[str, ...] | None = None,
    port: int | None = None,
) -> Iterator[RunningApp]:
    """Run the app until the block ends; yields where it answers (http://localhost:PORT).

    By default through ``reflex run --env prod``; with ``serve_args`` (possibly empty) through
    the production command ``python -m ilp_app.serve`` with those options. A server started
    again in the same ``workdir`` on the same ``port`` reuses the frontend build.
    """
    project = project_copy(workdir)
    port = port or free_port()
    db_url = database_url or f"sqlite:///{workdir / 'e2e.db'}"
    evidence_dir = workdir / "evidence"
    if database_url is None:
        prepare_database(db_url, evidence_dir)
    base = f"http://localhost:{port}"
    env = {
        **os.environ,
        "ILP_ENV": "production",
        "ILP_SECRET_KEY": secrets.token_urlsafe(48),
        "ILP_DATABASE_URL": db_url,
        "ILP_PUBLIC_ORIGINS": f"{base},http://127.0.0.1:{port}",
        "ILP_EVIDENCE_DIR": str(evidence_dir),
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}:{VENV_BIN}:{os.environ.get('PATH', '')}",
        **(extra_env or {}),
    }
    log_path = workdir / f"app-{port}.log"
    if serve_args is None:
        command = [
            str(VENV_BIN / "reflex"),
            "run",
            "--env",
            "prod",
            "--single-port",
            "--backend-host",
            "127.0.0.1",
            "--frontend-port",
            str(port),
            "--backend-port",
            str(port),
            "--loglevel",
            "info",
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "ilp_app.serve",
            *("--host", "127.0.0.1", "--port", str(port)),
            *serve_args,
        ]
    with log_path.open("a") as log:
        proc = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_http(f"{base}/ping", proc, log_path, STARTUP_TIMEOUT)
        _wait_http(f"{base}/login", proc, log_path, 30)
        yield RunningApp(base_url=base, pid=proc.pid, log_path=log_path)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def app_log(workdir: Path) -> str:
    return "\n".join(p.read_text() for p in sorted(workdir.glob("app-*.log")))
