"""The load bench's CPU account: the server's whole process tree is counted as the server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from loadbench import cpu

pytestmark = pytest.mark.skipif(not cpu.available(), reason="reads /proc")

# A server that forks a worker which, once told to go, burns 0.3 s of its own CPU; then both wait to be read.
BURNING_SERVER = """
import os, sys, time
if os.fork() == 0:
    sys.stdin.readline()
    started = time.process_time()
    while time.process_time() - started < 0.3:
        pass
    print("done", flush=True)
    time.sleep(30)
    os._exit(0)
time.sleep(30)
"""


def test_a_workers_cpu_counts_for_the_server_and_the_line_splits_it_per_request():
    server = subprocess.Popen(
        [sys.executable, "-c", BURNING_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        before = cpu.snapshot(server.pid)
        assert server.stdin is not None
        server.stdin.write("go\n")
        server.stdin.flush()
        assert server.stdout is not None and server.stdout.readline().strip() == "done"
        after = cpu.snapshot(server.pid)
    finally:
        server.kill()
        server.wait()
    used = after.server_s - before.server_s
    assert 0.28 <= used < 5
    line = cpu.summary(before, after, requests=100, seconds=1.0)
    assert f"server {used / 100 * 1000:.2f}" in line and "cores busy" in line
