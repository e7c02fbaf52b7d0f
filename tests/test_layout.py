"""The house's one-way dependencies, read from the source (no imports)."""

import ast
from pathlib import Path

import pytest
from conftest import REPO

# What each part may import of this project's own code, besides itself (issue #23).
ALLOWED = {
    "extractors": {"pipeline.text"},
    "pipeline.text": set(),
    "pipeline.parse": {"pipeline.text", "pipeline.errors", "pipeline.settings", "extractors"},
    "pipeline.store": {"pipeline.text", "pipeline.errors", "pipeline.settings"},
    "pipeline.review": {
        "pipeline.store",
        "pipeline.parse",
        "pipeline.text",
        "pipeline.errors",
        "pipeline.settings",
        "extractors",
    },
    "pipeline.research": {"pipeline.store", "pipeline.text", "pipeline.errors", "pipeline.settings"},
}


def _part(module: str) -> str | None:
    """The part a dotted module belongs to: `extractors`, `pipeline.store`, `pipeline.cli` ..."""
    parts = module.split(".")
    if parts[0] == "extractors":
        return "extractors"
    if parts[0] != "pipeline" or len(parts) < 2:
        return None
    return f"pipeline.{parts[1]}"


def _modules() -> list[Path]:
    return sorted(p for folder in ("pipeline", "extractors") for p in (REPO / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """The project parts a module imports (absolute imports; relative ones stay in their package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(part for name in names if (part := _part(name)) and _exists(part))
    return found


def _exists(part: str) -> bool:
    path = REPO / Path(*part.split("."))
    return path.is_dir() or path.with_suffix(".py").exists()


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_dependencies_run_one_way(part):
    wrong = []
    for path in _modules():
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        if _part(module) != part:
            continue
        wrong += [f"{path.relative_to(REPO)} imports {other}" for other in _imports(path) - ALLOWED[part] - {part}]
    assert wrong == []


def test_the_checker_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from pipeline.portal.fetch import Fetcher\nfrom pipeline.text.nlp import Segmenter\n")
    assert _imports(module) == {"pipeline.portal", "pipeline.text"}


def test_every_sub_package_says_what_it_is_for():
    for init in sorted((REPO / "pipeline").glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring.splitlines()) == 1, init


MAX_MODULE_LINES = 400


def test_no_module_over_the_limit():
    long = [
        f"{path.relative_to(REPO)}: {count}"
        for path in _modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


MAX_FUNCTION_LINES = 60


def test_no_function_over_the_limit():
    long = [
        f"{path.relative_to(REPO)}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
