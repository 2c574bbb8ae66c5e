"""What the app keeps on disk is readable by its own account only, and page states stay off disk.

The database holds every learner's plan and notes; a state store on disk would hold pages.
Other local accounts (a shared server, a backup tool) must read neither.
"""

from __future__ import annotations

import stat

from ilp_app.db.migrate import upgrade


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_is_private_in_a_private_folder(tmp_path):
    folder = tmp_path / "data"
    db = folder / "ilp.db"
    upgrade(f"sqlite:///{db}")
    assert mode(folder) == 0o700
    assert mode(db) == 0o600
    for extra in (folder / "ilp.db-wal", folder / "ilp.db-shm"):
        if extra.exists():
            assert mode(extra) == 0o600


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    db = folder / "ilp.db"
    upgrade(f"sqlite:///{db}")
    db.chmod(0o644)
    folder.chmod(0o755)
    upgrade(f"sqlite:///{db}")  # as every start of the app does
    assert (mode(folder), mode(db)) == (0o700, 0o600)


def test_a_database_in_a_shared_folder_like_tmp_leaves_the_folder_open_to_others(tmp_path):
    """Closing a sticky, world-writable folder (as /tmp is) would break every other program's
    files; the database file itself is still made private."""
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    db = shared / "ilp.db"
    upgrade(f"sqlite:///{db}")
    assert mode(shared) == 0o1777  # with the old rule it became 0o700
    assert mode(db) == 0o600


def test_one_worker_keeps_page_states_in_memory_and_several_in_redis():
    import importlib

    import rxconfig

    config = importlib.reload(rxconfig).config
    expected = "redis" if config.redis_url else "memory"
    assert str(getattr(config.state_manager_mode, "value", config.state_manager_mode)) == expected
