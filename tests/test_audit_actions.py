"""Every action the services record is registered (singlewindow/audit_actions.py), so the admin's audit trail
shows an entry by its label, never by a raw code like "approvals.case_filed". The project's source is read:
an action is a literal `action="<app>.<verb>"` or a member of an app's `XxxAction` TextChoices; one built
by an f-string could not be checked, so there is none."""

from __future__ import annotations

import ast
import importlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.contrib import admin
from django.db import models
from django.utils.functional import Promise

from singlewindow import audit_actions
from singlewindow.admin import AuditedAdmin

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {"tests", "node_modules", "static", "templates", "locale", "var", "__pycache__"}
CODE = re.compile(r"[a-z_]+\.[a-z_.]+")  # "approvals.case_filed"; argparse's action="store_true" has no dot


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and not d.startswith("."))  # .venv, .git
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder) / name
                yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module(relative: str) -> str:
    return relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _action_values(tree: ast.Module) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "action":
            yield node.value


def _action_classes(tree: ast.Module) -> Iterator[str]:
    """The names of the TextChoices classes declaring audit actions (`class XxxAction(models.TextChoices)`)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ClassDef)
            and node.name.endswith("Action")
            and any(ast.unparse(base) in {"models.TextChoices", "TextChoices"} for base in node.bases)
        ):
            yield node.name


SOURCES = list(_sources())


def test_the_scan_sees_the_actions() -> None:
    """The scan is not vacuous: it finds the declarations' actions and the portal's own."""
    classes = {(_module(path), name) for path, tree in SOURCES for name in _action_classes(tree)}
    assert ("declarations.choices", "DeclarationAction") in classes
    assert ("singlewindow.audit_actions", "PortalAction") in classes


def test_every_literal_action_is_registered() -> None:
    unregistered = [
        f"{path}:{value.lineno} {value.value}"
        for path, tree in SOURCES
        for value in _action_values(tree)
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and CODE.fullmatch(value.value)
        if audit_actions.label(value.value) == value.value
    ]
    assert unregistered == []


def test_no_action_is_built_by_an_f_string() -> None:
    """A code made up at run time cannot be checked here: name each one in an XxxAction."""
    built = [
        f"{path}:{value.lineno} {ast.unparse(value)}"
        for path, tree in SOURCES
        for value in _action_values(tree)
        if isinstance(value, ast.JoinedStr | ast.BinOp)
    ]
    assert built == []


def test_every_declared_action_is_registered_with_a_translatable_label() -> None:
    unregistered, untranslatable = [], []
    for path, tree in SOURCES:
        for name in _action_classes(tree):
            actions: type[models.TextChoices] = getattr(importlib.import_module(_module(path)), name)
            for member in actions:
                if audit_actions.label(member.value) == member.value:
                    unregistered.append(f"{name}.{member.name} {member.value}")
                if not isinstance(member.label, Promise):
                    untranslatable.append(f"{name}.{member.name} {member.value}")
    assert unregistered == []
    assert untranslatable == []  # wrapped in gettext_lazy, so the trail reads in the administrator's language


def test_saves_in_an_audited_admin_are_registered() -> None:
    """An audited admin records "<model>.created_in_admin" and "<model>.updated_in_admin"."""
    audited = [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, AuditedAdmin)]
    assert audited
    unregistered = [
        code
        for model in audited
        for save in audit_actions.AdminSave
        if audit_actions.label(code := audit_actions.admin_save(model, save)) == code
    ]
    assert unregistered == []
