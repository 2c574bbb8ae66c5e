"""The production command rebuilds the frontend only when what it is built from has changed."""

from ilp_app.serve import BUILD_DIR, STAMP, build_fingerprint, build_is_current


def _project(tmp_path):
    (tmp_path / "ilp_app").mkdir()
    (tmp_path / "ilp_app" / "page.py").write_text("TITLE = 'Plans'\n")
    (tmp_path / "rxconfig.py").write_text("config = None\n")
    return tmp_path


def _built(project, fingerprint):
    (project / BUILD_DIR).mkdir(parents=True)
    (project / BUILD_DIR / "index.html").write_text("<html></html>")
    (project / STAMP).write_text(fingerprint + "\n")


def test_a_build_of_the_same_sources_for_the_same_port_is_reused(tmp_path):
    project = _project(tmp_path)
    _built(project, build_fingerprint(project, 3000, env={}))
    assert build_is_current(project, build_fingerprint(project, 3000, env={}))


def test_a_changed_source_another_port_or_api_url_needs_a_new_build(tmp_path):
    project = _project(tmp_path)
    before = build_fingerprint(project, 3000, env={})
    _built(project, before)
    assert not build_is_current(project, build_fingerprint(project, 3001, env={}))
    assert not build_is_current(
        project, build_fingerprint(project, 3000, env={"REFLEX_API_URL": "https://x.org"})
    )
    (project / "ilp_app" / "page.py").write_text("TITLE = 'My plans'\n")
    assert not build_is_current(project, build_fingerprint(project, 3000, env={}))


def test_compiled_python_files_do_not_force_a_rebuild(tmp_path):
    project = _project(tmp_path)
    before = build_fingerprint(project, 3000, env={})
    (project / "ilp_app" / "__pycache__").mkdir()
    (project / "ilp_app" / "__pycache__" / "page.cpython-311.pyc").write_bytes(b"\0")
    assert build_fingerprint(project, 3000, env={}) == before


def test_a_missing_build_is_not_current_even_with_its_stamp(tmp_path):
    project = _project(tmp_path)
    fingerprint = build_fingerprint(project, 3000, env={})
    (project / STAMP).parent.mkdir(parents=True)
    (project / STAMP).write_text(fingerprint)
    assert not build_is_current(project, fingerprint)
