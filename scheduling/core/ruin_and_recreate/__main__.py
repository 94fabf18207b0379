"""`python -m scheduling.core.ruin_and_recreate`: compile the search (or load it from numba's cache) now."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

LOCK = Path(__file__).resolve().parent / "__pycache__" / "compile.lock"


def main() -> None:
    """Compile once at a time: a second run (the app's, while bootstrap's runs) waits, then loads the cache."""
    began = time.monotonic()
    LOCK.parent.mkdir(exist_ok=True)
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # imported under the lock: importing the driver clears a stale cache, which must not happen while
        # another process is writing a fresh one
        from scheduling.core.ruin_and_recreate.driver import warm_up

        warm_up()
    print(f"the ruin and recreate search is compiled and ready ({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
