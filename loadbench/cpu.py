"""Where a level's CPU went: the server's processes, PostgreSQL's, this client, and everything else.

On a shared 2-core machine a throughput figure means little without it: a level that ran beside someone
else's benchmark shows it under "others". Read from /proc (Linux); elsewhere nothing is printed.
"""

from __future__ import annotations

import os
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
    server = database = 0.0
    tree = _descendants(server_pid) | {server_pid}
    for pid, name, used in _processes():
        if pid in tree:
            server += used
        elif name in ("postgres", "postmaster"):
            database += used
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


def _processes():
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone since the listing
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # utime and stime are fields 14 and 15 of /proc/PID/stat; `fields` starts at field 3
        yield int(entry.name), name, (int(fields[11]) + int(fields[12])) / _TICKS


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
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
