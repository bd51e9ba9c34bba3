"""No view queries learner data itself (issue 13 item 2).

Every read of learner data goes through a selector that scopes it by the user's
prisons and role (and filters restricted rows with `visible_to`); a view that
wrote `Review.objects.get(...)`, `get_object_or_404(...)`,
`review.interventions.all()` or `some_queryset.filter(...)` could skip the gate,
as the review edit page did. This test reads every app's views.py and fails on:

* any `.objects` (a model manager), any `get_object_or_404` / `get_list_or_404`,
  and raw SQL (`.raw(`, `.extra(`, `connection.cursor`);
* any call of a queryset method (`filter`, `all`, `select_related`, ...), on a
  related manager or on a selector's result: narrowing belongs in the selector;
* any use of a model class that holds learner data, other than in a type
  annotation.

What it cannot see (a reverse one-to-one such as `learner.intake` read in a
view) is kept out by review and by the marker crawl."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from learners.models import Learner

QUERYSET_METHODS = frozenset(
    {
        "filter",
        "exclude",
        "all",
        "none",
        "select_related",
        "prefetch_related",
        "annotate",
        "alias",
        "order_by",
        "values",
        "values_list",
        "aggregate",
        "only",
        "defer",
        "distinct",
        "select_for_update",
        "in_bulk",
        "iterator",
        "first",
        "last",
        "latest",
        "earliest",
        "exists",
        "count",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "raw",
        "extra",
        "visible_to",
    }
)
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})


def holds_learner_data(model: type[models.Model], depth: int = 4) -> bool:
    """The learner, or a model that points at one (through up to `depth` keys)."""
    if model is Learner:
        return True
    if depth == 0:
        return False
    return any(
        field.many_to_one or field.one_to_one
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is not None
        and holds_learner_data(field.related_model, depth - 1)
    )


def _learner_models_imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("models"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if (
                    isinstance(value, type)
                    and issubclass(value, models.Model)
                    and holds_learner_data(value)
                ):
                    names.add(alias.asname or alias.name)
    return names


def _annotation_nodes(tree: ast.Module) -> set[int]:
    """ids of every node inside a type annotation."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            annotations.append(node.returns)
        for annotation in annotations:
            inside.update(id(child) for child in ast.walk(annotation))
    return inside


def problems_in(source: str, filename: str = "views.py") -> list[str]:
    tree = ast.parse(source, filename)
    learner_models = _learner_models_imported(tree)
    in_annotation = _annotation_nodes(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{where} uses a model manager: {ast.unparse(node)}")
        elif isinstance(node, ast.Attribute) and node.attr == "cursor":
            found.append(f"{where} runs SQL: {ast.unparse(node)}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in SHORTCUTS:
                found.append(f"{where} calls {name}")
            elif isinstance(func, ast.Attribute) and func.attr in QUERYSET_METHODS:
                found.append(f"{where} queries in the view: {ast.unparse(node)[:80]}")
        elif (
            isinstance(node, ast.Name)
            and node.id in learner_models
            and id(node) not in in_annotation
        ):
            found.append(f"{where} uses the learner-data model {node.id}")
    return found


def view_modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    paths = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        # The project's own apps sit directly in the project folder (not .venv).
        if path.parent == base and (path / "views.py").exists():
            paths.append(path / "views.py")
    return sorted(paths)


def test_every_apps_views_are_checked():
    names = {path.parent.name for path in view_modules()}
    assert {"learners", "reviews", "resettlement", "reports", "privacy", "audit"} <= names


def test_no_view_queries_learner_data_itself():
    base = Path(settings.BASE_DIR)
    found = [
        problem
        for path in view_modules()
        for problem in problems_in(path.read_text(), str(path.relative_to(base)))
    ]
    assert found == [], "\n".join(found)


def test_the_check_finds_each_kind_of_direct_query():
    """The check can fail: each line below is one problem (the review edit page's
    defect was the second)."""
    source = """
from django.shortcuts import get_object_or_404
from reviews.models import Review, ReviewStatus
from learners.models import Learner

def page(request, pk: int, learner: Learner) -> Learner:
    a = Review.objects.get(pk=pk)
    b = review.interventions.select_related("owner")
    c = get_object_or_404(Review, pk=pk)
    d = selectors.interventions_of(request.user, learner).filter(review=review)
    e = Learner
    f = ReviewStatus.DRAFT
    g = request.GET.get("page")
"""
    found = problems_in(source)
    lines = sorted({int(problem.split(":")[1].split()[0]) for problem in found})
    assert lines == [7, 8, 9, 10, 11], found
    assert "views.py:7 uses a model manager: Review.objects" in found
    assert "views.py:9 calls get_object_or_404" in found
    assert "views.py:11 uses the learner-data model Learner" in found
