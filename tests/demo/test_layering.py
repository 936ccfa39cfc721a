"""``demo`` stands above the domain apps: it imports them, none of them imports it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BELOW_DEMO = ["strategy_exchange", "participants", "clauses", "rounds"]


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("package", BELOW_DEMO)
def test_no_domain_module_imports_demo(package):
    root = Path(settings.BASE_DIR) / package

    importers = [
        str(path.relative_to(root.parent))
        for path in sorted(root.rglob("*.py"))
        if any(name == "demo" or name.startswith("demo.") for name in _imported_modules(path))
    ]

    assert importers == []
