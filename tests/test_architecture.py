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


def test_domains_write_the_outbox_without_knowing_the_webhooks_package():
    import ast

    def imported(path: Path) -> set[str]:
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0])
        return names

    for package in ("common", "dispatch", "technicians", "scheduling"):
        users = sorted(str(p.relative_to(REPO)) for p in (REPO / package).rglob("*.py") if "webhooks" in imported(p))
        assert users == [], f"{package} must not import webhooks: {users}"
    assert imported(REPO / "common" / "outbox.py") <= {"__future__", "enum", "uuid", "datetime", "typing",
                                                       "sqlalchemy", "common"}
