"""The README's layout table names every top-level package, module and folder and every sub-package, and
nothing that is not there: a newcomer reading it finds the tree it describes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `(?P<path>[^`]+)` \| (?P<job>.+) \|$")


def layout_rows() -> dict[str, str]:
    """The layout table's rows: path (folders end in /) -> job."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return {m["path"]: m["job"] for m in map(ROW.match, section.splitlines()) if m}


def tracked_files() -> list[str]:
    """The repository's files: those git tracks and the new ones it does not ignore."""
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    listed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [path for path in listed.splitlines() if (REPO / path).exists()]


def tree_entries() -> set[str]:
    """Top-level folders and Python modules, and every package below a top-level one."""
    entries = set()
    for path in tracked_files():
        parts = path.split("/")
        if parts[0].startswith("."):
            continue
        if len(parts) == 1:
            if path.endswith(".py"):
                entries.add(path)
            continue
        entries.add(parts[0] + "/")
        if parts[-1] == "__init__.py" and len(parts) > 2 and parts[0] not in ("tests", "migrations"):
            entries.add("/".join(parts[:-1]) + "/")
    return entries


def test_the_layout_table_names_every_package_module_and_folder_of_the_tree():
    missing = sorted(tree_entries() - set(layout_rows()))
    assert missing == [], f"add a row with its one job to README.md's layout table for: {missing}"


def test_the_layout_table_names_nothing_that_is_not_in_the_tree():
    absent = sorted(set(layout_rows()) - tree_entries())
    assert absent == [], f"README.md's layout table names what the tree does not have: {absent}"


def test_every_row_says_its_job():
    assert all(len(job.split()) >= 2 for job in layout_rows().values())


def test_the_files_a_row_names_are_there():
    """`check.py`, `static/m/`, ... in a row's job are files of the tree (under the row's folder or the root)."""
    files = set(tracked_files())
    folders = {f.rsplit("/", 1)[0] + "/" for f in files if "/" in f}
    stale = []
    for path, job in layout_rows().items():
        for name in re.findall(r"`([\w./-]+\.py|[\w/-]+/)`", job):
            places = {path + name, name} if path.endswith("/") else {name}
            if not places & (files | folders):
                stale.append((path, name))
    assert stale == []


def test_the_architecture_diagram_draws_the_layers_the_import_contract_enforces():
    """docs/architecture.md's diagram, top to bottom, is the `layers` contract of pyproject.toml."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    [layers] = [c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    document = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagram = document.split("```", 2)[1]
    drawn = []
    for line in diagram.splitlines():
        names = re.findall(r"(?<![\w/])(\w+)/(?=\s)", line.split("<-")[0])
        if names:
            drawn.append(" | ".join(sorted(names)))
    assert drawn == [" | ".join(sorted(layer.split(" | "))) for layer in layers]
