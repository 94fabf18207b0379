"""The search's compiled code is thrown away when any of its sources changed, not only the caller's own file."""

from __future__ import annotations

from scheduling.core.ruin_and_recreate.cache import STAMP, drop_stale_compiled_code


def test_cached_code_of_the_search_is_dropped_when_the_sources_changed(tmp_path):
    stale = [tmp_path / "moves._iterate-240.py311.nbi", tmp_path / "routes._serve-35.py311.1.nbc"]
    other = tmp_path / "insertion.something-1.py311.nbi"
    for path in stale + [other]:
        path.write_bytes(b"old machine code")
    (tmp_path / STAMP).write_text("hash of older sources")

    assert drop_stale_compiled_code(tmp_path) is True

    assert not any(path.exists() for path in stale)
    assert other.exists()


def test_cached_code_is_kept_while_the_sources_are_unchanged(tmp_path):
    drop_stale_compiled_code(tmp_path)
    cached = tmp_path / "routes._serve-35.py311.nbi"
    cached.write_bytes(b"current machine code")

    assert drop_stale_compiled_code(tmp_path) is False
    assert cached.exists()
