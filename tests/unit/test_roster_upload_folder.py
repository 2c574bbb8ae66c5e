"""Roster uploads wait only in a folder of the app's own account, never where a link points.

The system's temporary folder is shared by every local account: another one could create the
folder's name first, as a link to a place it (or everyone, like the public upload folder) can read.
"""

from __future__ import annotations

import os
import stat
import tempfile

import pytest

from ilp_app.state import roster_uploads


@pytest.fixture
def tmp_root(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    return tmp_path


def test_the_folder_is_created_private(tmp_root):
    path = roster_uploads.store(b"PK roster")
    folder = tmp_root / f"ilp-roster-uploads-{os.getuid()}"
    assert os.path.dirname(path) == str(folder)
    assert (
        stat.S_IMODE(folder.stat().st_mode) == 0o700
        and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    )


def test_a_link_put_in_the_folders_place_is_refused_and_nothing_is_written(tmp_root):
    elsewhere = tmp_root / "public"
    elsewhere.mkdir(mode=0o755)
    (tmp_root / f"ilp-roster-uploads-{os.getuid()}").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(PermissionError):
        roster_uploads.store(b"PK roster")
    assert list(elsewhere.iterdir()) == []
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755
