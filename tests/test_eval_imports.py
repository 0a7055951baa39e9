"""The evals' modules import one another without a cycle: the runner and the metrics at
the bottom, the red team and the report over them, the suite (the command) on top.
Imports inside functions count as well."""

from __future__ import annotations

import ast
from pathlib import Path

EVALS = Path(__file__).resolve().parents[1] / "evals"


def evals_imports(path: Path, package: set[str]) -> set[str]:
    """The ``evals`` modules (by name: "suite", "runner" …) that the file imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names
                      if a.name.startswith("evals.")}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and module.startswith("evals."):
                found.add(module.split(".")[1])
            elif (node.level == 0 and module == "evals") or (node.level == 1 and not module):
                found |= {a.name for a in node.names if a.name in package}  # from evals import x
            elif node.level == 1:
                found.add(module.split(".")[0])
    return found & package


def graph(folder: Path) -> dict[str, set[str]]:
    modules = {p.stem for p in folder.glob("*.py")}
    return {p.stem: evals_imports(p, modules) - {p.stem} for p in sorted(folder.glob("*.py"))}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk, each as the path that closes it."""
    found, done = [], set()

    def walk(node: str, path: list[str]) -> None:
        if node in path:
            found.append([*path[path.index(node):], node])
            return
        if node in done:
            return
        for nxt in sorted(edges.get(node, ())):
            walk(nxt, [*path, node])
        done.add(node)

    for start in sorted(edges):
        walk(start, [])
    return found


def test_no_evals_module_imports_one_that_imports_it_back() -> None:
    edges = graph(EVALS)
    assert not cycles(edges), f"importcyklus i evals/: {cycles(edges)}"
    # The layering the cycle check protects: the suite uses the rest, nothing uses it
    # but the command that starts it and the module aliases.
    assert {"runner", "metrics", "redteam", "gate"} <= edges["suite"]
    assert {"metrics"} <= edges["report"] and "runner" in edges["redteam"]
    users = {m for m, deps in edges.items() if "suite" in deps}
    assert users == {"__main__", "answers", "commands"}


def test_the_check_sees_a_cycle_through_an_import_inside_a_function(tmp_path: Path) -> None:
    (tmp_path / "suite.py").write_text("from evals import redteam\n")
    (tmp_path / "redteam.py").write_text("def f():\n    from evals.runner import x\n")
    (tmp_path / "runner.py").write_text("def g():\n    from . import suite\n")
    assert cycles(graph(tmp_path)) == [["redteam", "runner", "suite", "redteam"]]
