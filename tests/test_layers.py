"""Imports run one way: the runtime never imports the lab, and training and benchmarks never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rashomon"
LAB = ("rashomon.datasets", "rashomon.learn", "rashomon.bench")


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_runtime_never_imports_the_lab():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = module_of(path)
        if any(under(module, lab) for lab in LAB) or module == "rashomon.cli":
            continue  # the CLI runs the lab's commands
        wrong += [f"{module} imports {name}" for name in imports(path) if any(under(name, lab) for lab in LAB)]
    assert wrong == []


def test_training_and_benchmarks_share_only_the_datasets():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = module_of(path)
        for mine, other in (
            ("rashomon.learn", "rashomon.bench"),
            ("rashomon.bench", "rashomon.learn"),
            ("rashomon.datasets", "rashomon.bench"),
            ("rashomon.datasets", "rashomon.learn"),
        ):
            if under(module, mine):
                wrong += [f"{module} imports {name}" for name in imports(path) if under(name, other)]
    assert wrong == []
