"""The house has floors and imports only go down (README: where things live).

Read from the source (imports inside functions count too), not from what happens to be
imported at run time.
"""

import ast
from collections import defaultdict
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["config", "core", "library", "news", "events", "people", "pages", "newsroom", "demo"]
APPS = {"news", "events", "people"}
# What each floor may import, besides itself. An app may read another's models (a person's
# page lists her talks), never its views (test below); no module cycle either.
ALLOWED = {
    "core": set(),
    "library": {"core"},
    "people": {"core", "library", "events", "news"},
    "events": {"core", "library", "people", "news"},
    "news": {"core", "library", "people", "events"},
    "pages": {"core", "library", "people", "events", "news"},
    "newsroom": {"core", "library", "people", "events", "news", "pages"},
    "demo": {"core", "library", "people", "events", "news", "pages"},
    "config": {"core", "library", "people", "events", "news", "pages", "newsroom"},
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """Every project module ``name`` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {module for module in found if module.split(".")[0] in PACKAGES}


class FloorTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modules = modules()
        cls.graph = {
            name: {target for target in imports(name, path) if target in cls.modules}
            for name, path in cls.modules.items()
        }

    def test_imports_only_go_down(self):
        wrong = sorted(
            f"{name} imports {target}"
            for name, targets in self.graph.items()
            for target in targets
            if (floor := name.split(".")[0]) != (other := target.split(".")[0]) and other not in ALLOWED[floor]
        )
        self.assertEqual(wrong, [])

    def test_no_app_imports_another_apps_views(self):
        wrong = sorted(
            f"{name} imports {target}"
            for name, targets in self.graph.items()
            for target in targets
            if name.split(".")[0] in APPS and target.split(".")[0] in APPS - {name.split(".")[0]}
            and target.split(".")[-1] in ("views", "admin", "feeds", "urls")
        )
        self.assertEqual(wrong, [])

    def test_no_import_cycle_between_modules(self):
        cycles, state = [], defaultdict(int)  # 0 new, 1 on the path, 2 done

        def visit(name, path):
            state[name] = 1
            for target in sorted(self.graph[name]):
                if state[target] == 1:
                    cycles.append(" -> ".join([*path[path.index(target):], target]))
                elif state[target] == 0:
                    visit(target, [*path, target])
            state[name] = 2

        for name in sorted(self.graph):
            if state[name] == 0:
                visit(name, [name])
        self.assertEqual(cycles, [])

    def test_config_is_wiring_only(self):
        lines = sum(len(path.read_text().splitlines()) for name, path in self.modules.items() if name.startswith("config"))
        self.assertLess(lines, 1200)
        self.assertFalse((ROOT / "config" / "models.py").exists())
        self.assertFalse((ROOT / "config" / "management").exists())
