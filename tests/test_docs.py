"""The README keeps up with the code: every command and every library query is documented,
and the README's two commands are what CI runs (datasette's test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conflictkg.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_documented(name):
    shown = re.search(rf"conflictkg {re.escape(name)}\b", README)
    assert shown, f"README.md does not show `conflictkg {name}`"


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_is_documented(path):
    docs = README + (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    assert path.stem in docs, f"{path.name} is not listed in README.md or queries/README.md"


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```\n(.*?)```", README, flags=re.S)
    commands = {line.strip() for block in blocks for line in block.splitlines()}
    assert "make run" in commands and "make test" in commands
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
