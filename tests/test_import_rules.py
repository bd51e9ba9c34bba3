"""The import rules between the apps (issue 12). import-linter checks the module
level in CI (.importlinter, `lint-imports` in .ci/run); this test catches the way
around it that import-linter also sees but a reader may miss: an import of another
domain app inside a function. Apps tell each other things through journey events
(learners/events.py) instead."""

import ast
from pathlib import Path

DOMAIN_APPS = ("learners", "reviews", "resettlement", "notifications", "privacy", "reports")
APPS = ("accounts", "audit", *DOMAIN_APPS)
ROOT = Path(__file__).resolve().parent.parent


def _function_level_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    yield inner.lineno, inner.module
                elif isinstance(inner, ast.Import):
                    for alias in inner.names:
                        yield inner.lineno, alias.name


def test_no_function_level_import_of_another_domain_app():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for lineno, module in _function_level_imports(tree):
                top = module.split(".")[0]
                if top in DOMAIN_APPS and top != app:
                    found.append(f"{path.relative_to(ROOT)}:{lineno} imports {module}")
    assert found == []


def test_the_check_finds_a_lazy_import():
    tree = ast.parse("def follow_on():\n    from reviews.services import schedule_refresh\n")
    assert list(_function_level_imports(tree)) == [(2, "reviews.services")]
