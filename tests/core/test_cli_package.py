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
