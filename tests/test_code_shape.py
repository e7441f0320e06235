"""The shape of the code, held by tests: imports point down the pipeline, no package cycles,
no module or function past the size where it should be split, no private names borrowed.

The pipeline order (../ARCHITECTURE.md): model < load < index < markdown < pages < write <
incremental < build < serve < cli. A module may import its own package and anything in an
earlier layer, never a later one; so the stages never import `incremental`, the engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "margin"

# Each layer may import itself and the layers before it. Top-level helper modules sit where
# what they import and what imports them puts them.
LAYERS: list[set[str]] = [
    {"margin", "model", "diagnostics", "urls", "slugs", "filenames", "theme", "collector",
     "orphans", "parallel", "progress", "origin", "fingerprint"},
    {"load"},
    {"index"},
    {"markdown"},
    {"config", "linkcheck"},
    {"pages"},
    {"write"},
    {"incremental"},
    {"build"},
    {"serve", "importers", "deploy", "init", "scaffold"},
    {"cli", "__main__"},
]
LAYER_OF = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}

# Imports against the order that remain, each to be removed, never added to: the drawing of
# pages still asks the engine's fingerprints which pages it may keep (issue 17).
KNOWN_UPWARD: set[tuple[str, str]] = {
    ("margin.pages.drawing", "margin.incremental.pageprint"),
}

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def unit_of(module: str) -> str:
    """The pipeline unit a module belongs to: its package under margin, or its own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "margin"


def imports_of(path: Path, module: str) -> set[str]:
    """Every margin module PATH imports, at any depth in the file (lazy imports count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("margin")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("margin"):
                found.add(base)
                found |= {f"{base}.{alias.name}" for alias in node.names}
    known = modules()
    return {name for name in found if name in known}


def test_every_unit_has_a_place_in_the_pipeline():
    units = {unit_of(name) for name in modules()}
    assert units <= set(LAYER_OF), f"place these in LAYERS: {sorted(units - set(LAYER_OF))}"


def test_imports_point_down_the_pipeline():
    upward = set()
    for name, path in modules().items():
        for imported in imports_of(path, name):
            here, there = unit_of(name), unit_of(imported)
            if LAYER_OF[there] > LAYER_OF[here]:
                upward.add((name, imported))
    assert upward - KNOWN_UPWARD == set(), "imports against the pipeline order"
    assert KNOWN_UPWARD - upward == set(), "fixed: remove these from KNOWN_UPWARD"


def test_units_import_each_other_in_one_direction_only():
    edges = {(unit_of(name), unit_of(imported))
             for name, path in modules().items() for imported in imports_of(path, name)
             if (name, imported) not in KNOWN_UPWARD}
    both_ways = sorted((a, b) for a, b in edges if a < b and (b, a) in edges)
    assert both_ways == []


def test_no_module_is_past_the_size_to_split():
    long = {name: lines for name, path in modules().items()
            if (lines := path.read_text(encoding="utf-8").count("\n")) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_is_past_the_size_to_split():
    long = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{name}.{node.name}"] = lines
    assert long == {}


def test_no_private_name_is_imported_from_another_module():
    borrowed = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("margin"):
                borrowed += [f"{name}: {node.module}.{alias.name}" for alias in node.names
                             if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert borrowed == []
