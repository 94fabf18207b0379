"""The repository explains itself: no comment, docstring or document sends its reader to something a clone
does not have (a folder beside the repository, the team's own notes, who wrote a piece, a tracker's number).

Comments and docstrings of Python files, comments of scripts, templates, styles and configuration, and the
whole of the Markdown documents are read; vendored libraries are not ours to word.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# What a reader of a clone cannot follow, and why each pattern stands for it.
OUTSIDE = {
    "the notes of the team that wrote it (design, conventions, ecosystem, developers' pages)": re.compile(
        r"\b(DESIGN|CONVENTIONS|ECOSYSTEM|DEVELOPERS)(\.md)?\b"
    ),
    "a shared folder beside the repository": re.compile(r"\bshared/"),
    "a path of the machine the code was written on": re.compile(r"(?<![\w.])/work/"),
    "a member of the team instead of the code (H3, the lead, a helper, a brief)": re.compile(
        r"\bH\d{1,2}\b|\bthe lead\b|\bthe lead's\b|\bhelpers? (dayproblem|i18n|load|solver|testsdocs)\b|\bbriefs?\b"
    ),
    "a number in the team's tracker": re.compile(r"\b[Ii]ssues? #?\d+|(?<![\w/.#-])#\d+\b"),
}
# `../x` that leaves the repository (read from the folder of the file it is written in).
UP_PATH = re.compile(r"(?<![.\w])((?:\.\./)+)([\w.-]*)")
VENDORED = re.compile(r"(^|/)(vendor|node_modules)/")
HASH_COMMENTED = (".sh", ".toml", ".cfg", ".ini", ".txt", ".yml", ".yaml")
BLOCK_COMMENTS = {
    ".js": re.compile(r"/\*.*?\*/|(?<![:\w'\"])//[^\n]*", re.S),
    ".css": re.compile(r"/\*.*?\*/", re.S),
    ".html": re.compile(r"<!--.*?-->|\{#.*?#\}", re.S),
}


def repository_files() -> list[str]:
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    listed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True).stdout.splitlines()
    return [path for path in listed if (REPO / path).is_file() and not VENDORED.search(path)]


def python_prose(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring."""
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                found.append((node.body[0].lineno, docstring))
    return found


def prose_of(path: str) -> list[tuple[int, str]]:
    """What a file says to its reader rather than to the machine, by the kind of file."""
    text = (REPO / path).read_text(encoding="utf-8", errors="replace")
    suffix = Path(path).suffix
    if suffix == ".py":
        return python_prose(text)
    if suffix == ".md":
        return [(1, text)]
    if suffix in BLOCK_COMMENTS:
        return [(text.count("\n", 0, m.start()) + 1, m.group()) for m in BLOCK_COMMENTS[suffix].finditer(text)]
    if suffix in HASH_COMMENTED or path.startswith(("scripts/", ".ci/")):
        return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("#")]
    return []


def references_outside(path: str, text: str) -> list[str]:
    """Why `text`, written in `path`, points outside the repository; [] when it does not."""
    reasons = [why for why, pattern in OUTSIDE.items() if pattern.search(text)]
    for ups, name in UP_PATH.findall(text):
        target = ((REPO / path).parent / ups / name).resolve()
        if not target.is_relative_to(REPO):
            reasons.append(f"a path above the repository ({ups}{name})")
    return reasons


def test_no_comment_docstring_or_document_refers_to_anything_outside_the_repository():
    found = [
        f"{path}:{line}: {why}: {text.strip()[:120]!r}"
        for path in repository_files()
        for line, text in prose_of(path)
        for why in references_outside(path, text)
    ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "path, text",
    [
        ("README.md", "The formats are in ../shared/DESIGN.md."),
        ("dispatch/service/visits.py", "# as in H3's visit blueprint"),
        ("common/errors.py", "# CONVENTIONS 3: one handler"),
        ("scheduling/store.py", "# see issue 12"),
        ("scheduling/store.py", "# fixed for #12"),
        ("scheduling/bench/solomon.py", "# reads ../../../shared/benchmarks/"),
        ("tests/slots/conftest.py", "# the lead's migration"),
    ],
)
def test_a_reference_outside_is_found(path, text):
    assert references_outside(path, text)


@pytest.mark.parametrize(
    "path, text",
    [
        ("benchmarks/gh400/README.md", "Same meaning as in `../solomon/`."),
        ("common/db.py", "# a stub type checkers follow (python/mypy#8603)"),
        ("dispatch/remedies/service.py", "What GET .../remedies shows."),
        ("demo/seed.py", "# The team works in Chinese."),
    ],
)
def test_what_stays_inside_is_not_flagged(path, text):
    assert references_outside(path, text) == []
