"""The layers hold: the scheduling core, its command line and the checker run without Flask or a database; tests share helpers, not test modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_scheduling_core_cli_and_checker_load_without_flask_or_sqlalchemy():
    code = (
        "import sys, scheduling.core, scheduling.command_line, scheduling.check, scheduling.check_travel, scheduling.__main__\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_only_the_ortools_model_imports_or_tools():
    def imports_ortools(path: Path) -> bool:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            if any(name.split(".")[0] == "ortools" for name in names):
                return True
        return False

    core = REPO / "scheduling" / "core"
    importers = sorted(str(p.relative_to(core)) for p in core.rglob("*.py") if imports_ortools(p))
    assert importers == ["ortools_model.py"]


APP_PACKAGES = ("common", "demo", "dispatch", "reporting", "scheduling", "technicians", "webhooks")


def _app_modules():
    for package in APP_PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_a_use_case_that_takes_the_acting_user_uses_it():
    # A `by` nobody reads tells the reader the user matters (who may, who did) when it does not.
    unused = []
    for path, tree in _app_modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if "by" not in [a.arg for a in node.args.args + node.args.kwonlyargs]:
                continue
            if not any(isinstance(n, ast.Name) and n.id == "by" for n in ast.walk(node)):
                unused.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert unused == []


def test_every_table_has_the_one_model_base():
    # `common.db.Model` is what type checkers can follow; `db.Model` is the same class at run time.
    spelled = []
    for path, tree in _app_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(ast.unparse(base) == "db.Model" for base in node.bases):
                spelled.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert spelled == []


def test_no_test_module_imports_another():
    # Shared builders and flows live in modules not named test_*; importing a test module runs its tests' imports
    # and fixtures twice and hides where a helper belongs.
    imports = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name.rsplit(".", 1)[-1].startswith("test_") for name in names):
                imports.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert imports == []
