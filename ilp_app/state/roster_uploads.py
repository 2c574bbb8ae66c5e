"""Roster files waiting to be imported: kept privately on the server, never in the public
upload folder, and swept away after an hour if nobody imports them.

The page keeps only a file's path (a backend var); the bytes stay here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

KEEP_UPLOAD_S = 3600


def upload_dir() -> Path:
    """A private folder for uploads waiting to be imported (never the public upload folder).

    The shared temporary folder is writable by every local account: a link or a folder someone
    else put under this name is refused, so a roster never lands where another account (or the
    public upload folder) can reach it.
    """
    folder = Path(tempfile.gettempdir()) / f"ilp-roster-uploads-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(
            f"{folder} is not a folder of this account; roster uploads are not kept there"
        )
    os.chmod(folder, 0o700)
    return folder


def sweep(folder: Path) -> None:
    """Delete uploads that were never imported (their page was left, or its session ended)."""
    cutoff = time.time() - KEEP_UPLOAD_S
    for old in folder.glob("*.zip"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def store(data: bytes) -> str:
    folder = upload_dir()
    sweep(folder)
    fd, path = tempfile.mkstemp(dir=folder, suffix=".zip")  # created 0600
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def discard(path: str) -> None:
    if path:
        with contextlib.suppress(OSError):
            Path(path).unlink()


def read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes() if path else None
    except OSError:
        return None
