"""The command line is one package, warranty_desk/cli/: common.py (opening the database, argument types,
output) and one module per group of verbs, registered by the package. No module imports the package
it belongs to, and the modules' imports of each other form no loop."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "warranty_desk" / "cli"


def _imports(path: Path) -> set[str]:
    """The sibling modules `path` imports (also inside functions); "" for the package itself."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("warranty_desk.cli"):
            rest = node.module[len("warranty_desk.cli"):].lstrip(".")
            found.add(rest.split(".")[0] if rest else "")
    return found


def test_no_module_imports_its_package_and_no_loops():
    modules = {p.stem: _imports(p) for p in PKG.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert {"common", "tickets", "backup"} <= set(modules)
    assert not (ROOT / "warranty_desk" / "cli.py").exists() and not list((ROOT / "warranty_desk").glob("cli_*.py"))
    into_package = sorted(name for name, deps in modules.items() if "" in deps or "__init__" in deps)
    assert not into_package, f"import the package they belong to: {into_package}"

    def visit(name, path):
        if name in path:
            raise AssertionError("import loop: " + " → ".join([*path[path.index(name):], name]))
        for dep in modules.get(name, ()):
            visit(dep, [*path, name])

    for name in modules:
        visit(name, [])


def test_one_reader_of_dates_and_moments():
    """Every verb reads a date option with common.date_arg and a time with common.moment_arg (the services'
    own reading); no verb module parses dates itself."""
    from warranty_desk.cli import common

    for path in PKG.glob("*.py"):
        if path.stem != "common":
            assert "fromisoformat" not in path.read_text(encoding="utf-8"), path.name
    assert common.date_arg(" 2026-07-01") == common.date_arg("2026-07-01")
    assert str(common.moment_arg("2026-11-29 14:30")) == "2026-11-29 14:30:00"


def test_no_private_name_is_imported_across_packages():
    """A name with a leading underscore stays inside its module's package (e.g. tickets' own helpers);
    what other modules use has a public name (tickets.parse_moment, not tickets._moment)."""
    crossing = []
    for top in ("warranty_desk", "ui"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                ours = node.level >= 2 or (node.module or "").startswith(("warranty_desk", "ui")) \
                    if isinstance(node, ast.ImportFrom) else False
                if ours:
                    crossing += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names
                                 if a.name.startswith("_") and a.name != "_" and not a.name.startswith("__")]
    assert not crossing, crossing
