"""Where a level's CPU went: the server's processes, PostgreSQL's, this client, and everything else.

On a shared 2-core machine a throughput figure means little without it: a level that ran beside someone
else's benchmark shows it under "others". Read from /proc (Linux); elsewhere nothing is printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class CpuSnapshot:
    server_s: float
    database_s: float
    client_s: float
    machine_busy_s: float


def available() -> bool:
    return (_PROC / "stat").exists()


def snapshot(server_pid: int) -> CpuSnapshot:
    """CPU seconds used so far by the server's process tree, PostgreSQL's processes, this process, and the machine."""
    processes = list(_processes())
    tree = _tree(server_pid, processes)
    server = sum(used for pid, _parent, _name, used in processes if pid in tree)
    database = sum(
        used for pid, _parent, name, used in processes if pid not in tree and name in ("postgres", "postmaster")
    )
    times = os.times()
    return CpuSnapshot(server, database, times.user + times.system, _machine_busy_s())


def summary(before: CpuSnapshot, after: CpuSnapshot, *, requests: int, seconds: float) -> str:
    """One line: CPU ms per request by part, and how busy the machine's cores were (others included)."""
    if not requests or seconds <= 0:
        return ""
    server, database, client = (
        after.server_s - before.server_s,
        after.database_s - before.database_s,
        after.client_s - before.client_s,
    )
    busy = after.machine_busy_s - before.machine_busy_s
    others = max(0.0, busy - server - database - client)
    cores = os.cpu_count() or 1

    def per_request(used: float) -> str:
        return f"{used / requests * 1000:.2f}"

    return (
        f"    CPU ms per request: server {per_request(server)}, database {per_request(database)}, "
        f"client {per_request(client)}, others {per_request(others)}; "
        f"cores busy {busy / seconds / cores:.0%} of {cores}"
    )


def _processes() -> Iterator[tuple[int, int, str, float]]:
    """(pid, parent pid, name, CPU seconds used) of every process, from /proc/PID/stat."""
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone since the listing
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        # after the name: state, ppid, ...; utime and stime are fields 14 and 15, here at 11 and 12
        fields = stat[stat.rindex(")") + 2 :].split()
        yield int(entry.name), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / _TICKS


def _tree(root: int, processes: list[tuple[int, int, str, float]]) -> set[int]:
    """`root` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, parent, _name, _used in processes:
        children.setdefault(parent, []).append(pid)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _machine_busy_s() -> float:
    # the first line of /proc/stat: cpu user nice system idle iowait irq softirq steal ...
    values = [int(v) for v in (_PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / _TICKS
