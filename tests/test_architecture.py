"""The scheduling core, its command line and the checker run without Flask or a database."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_scheduling_core_cli_and_checker_load_without_flask_or_sqlalchemy():
    code = (
        "import sys, scheduling.core, scheduling.cli, scheduling.check, scheduling.__main__\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_only_the_solver_module_imports_or_tools():
    core = REPO / "scheduling" / "core"
    importers = sorted(p.name for p in core.glob("*.py") if "ortools" in p.read_text(encoding="utf-8"))
    assert importers == ["solver.py"]
