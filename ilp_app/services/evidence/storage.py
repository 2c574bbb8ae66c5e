"""Evidence files on disk: one private folder, random names, owner-only permissions.

The folder is never the public upload folder (Reflex serves that to anyone). A file's name is
random and says nothing about whose it is; only the database knows, and only the authorised
download reads it back.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

from ilp_app.settings import get_settings

_NAME = re.compile(r"[0-9a-f]{32}")


def evidence_dir() -> Path:
    """The private evidence folder (created 0700; a folder of another account is refused)."""
    folder = Path(get_settings().evidence_dir)
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(
            f"{folder} is not a folder of this account; evidence is not kept there"
        )
    os.chmod(folder, 0o700)
    return folder


def file_store(data: bytes) -> str:
    """Keep ``data`` under a new random name, readable by this account only; returns the name."""
    name = secrets.token_hex(16)
    fd = os.open(evidence_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return name


def file_read(name: str) -> bytes | None:
    """The bytes stored under ``name``, or None (a name that is not one of ours is never opened)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return None
    try:
        return (evidence_dir() / name).read_bytes()
    except OSError:
        return None


def file_delete(name: str) -> None:
    if isinstance(name, str) and _NAME.fullmatch(name):
        with contextlib.suppress(OSError):
            (evidence_dir() / name).unlink()
