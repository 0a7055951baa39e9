"""The stages import one way: a module may use its own stage and the stages below it,
never one above. The order is the answer's: what every stage shares, the documents, their
retrieval, the rules, reading the question, composing the answer, storing it, the state a
question carries through the steps, the service that runs them, and the two ways in (API
and command line), which do not use each other. Imports inside functions count as well."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
STAGES = ("common", "corpus", "retrieval", "rules", "understanding", "answering", "storage",
          "turn", "service", "api|cli")
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names.split("|")}


def stage(module: str) -> str:
    """``assistant.retrieval.index`` -> "retrieval"; ``assistant.service`` -> "service"."""
    parts = module.split(".")
    if parts[0] != "assistant" or len(parts) < 2:
        raise ValueError(module)
    return parts[1]


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``assistant.…`` module the file imports, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("assistant.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module.startswith("assistant.")):
            found.append((node.lineno, node.module))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_belongs_to_a_stage() -> None:
    # A new top-level module or package must be given its place in STAGES.
    unplaced = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in MODULES} - set(RANK)
    assert not unplaced, f"moduler uden trin: {sorted(unplaced)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_stage_imports_a_higher_one(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    upward = [f"linje {line}: {module}" for line, module in imports(path)
              if RANK[stage(module)] > RANK[own]
              or (RANK[stage(module)] == RANK[own] and stage(module) != own)]
    assert not upward, f"{own} importerer et højere trin: {upward}"


def test_no_library_module_imports_the_evals() -> None:
    # The evals use the assistant, never the other way round: the CLI finds `pulje eval`
    # through the "pulje.commands" entry point (pyproject.toml), not by importing it.
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            offenders += [f"{path.relative_to(PACKAGE)}:{node.lineno} {n}" for n in names
                          if n == "evals" or n.startswith("evals.")]
    assert not offenders, f"biblioteket importerer evals: {offenders}"


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    # The check itself: a rules module that imports the service is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from assistant.service import Assistant\n")
    assert [RANK[stage(m)] for _, m in imports(bad)] == [RANK["service"]] > [RANK["rules"]]
