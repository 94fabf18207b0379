"""Keep numba's compiled cache of the search in step with its sources.

numba checks a cached function against its own file only. The search's functions call (and inline) each
other across the search's modules, so after a change to routes.py alone the
cached moves.py code would still run the old route logic. A hash over all of the search's sources,
kept next to the cache, clears the cache whenever any of them changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = ("driver.py", "eject.py", "layout.py", "local_search.py", "moves.py", "routes.py")
STAMP = "search_sources.sha256"


def drop_stale_compiled_code(cache_dir: Path = HERE / "__pycache__") -> bool:
    """Delete the search's cached machine code if its sources changed since it was compiled; True if it did."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((HERE / name).read_bytes())
    wanted = digest.hexdigest()
    stamp = cache_dir / STAMP
    try:
        if stamp.read_text() == wanted:
            return False
    except OSError:
        pass
    dropped = False
    for name in SOURCES:
        for cached in cache_dir.glob(f"{Path(name).stem}.*.nb[ic]"):
            cached.unlink(missing_ok=True)
            dropped = True
    try:
        cache_dir.mkdir(exist_ok=True)
        stamp.write_text(wanted)
    except OSError:  # a read-only install: numba then caches elsewhere, per function, as before
        pass
    return dropped
