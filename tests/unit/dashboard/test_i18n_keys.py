"""The interface's string catalog: every key a page asks for is declared, every declared key
is asked for somewhere, and no key is declared twice (issue 15).

The tests also run the dashboard with ``TOWNSHIP_ATLAS_STRICT_I18N=1`` (conftest), so a key
built at run time that is not declared fails the test that draws it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from township_atlas.dashboard import i18n

DASHBOARD = ROOT / "dashboard"


def _code_files() -> list[Path]:
    """The dashboard's modules and pages, with i18n.py (its helpers build keys too), not the
    string tables themselves."""
    files = [p for p in DASHBOARD.rglob("*.py") if not p.name.startswith("i18n")]
    return [*files, DASHBOARD / "i18n.py"]


def _scan() -> tuple[set[str], set[str], list[tuple[str, int, str]]]:
    """String constants, f-string prefixes, and literal keys passed to ``t()`` (with where)."""
    constants: set[str] = set()
    prefixes: set[str] = set()
    asked: list[tuple[str, int, str]] = []
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and first.value:
                    prefixes.add(str(first.value))
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                arg = node.args[0]
                if name == "t" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    asked.append((path.name, node.lineno, arg.value))
    return constants, prefixes, asked


def test_every_key_asked_for_is_declared():
    _, _, asked = _scan()
    assert asked  # the scan found the pages' calls
    missing = [f"{name}:{line} {key}" for name, line, key in asked if key not in i18n.declared()]
    assert missing == []


def test_every_declared_key_is_used():
    """A key is used when the code names it, or builds it from a literal prefix
    (``t(f"change_{kind}")``)."""
    constants, prefixes, _ = _scan()
    unused = sorted(
        k
        for k in i18n.declared()
        if k not in constants and not any(k.startswith(p) for p in prefixes)
    )
    assert unused == []


def test_every_key_has_both_languages_and_the_same_fields():
    import string

    fields = string.Formatter()
    for key in i18n.declared():
        zh, en = (i18n.t(key, lang) for lang in ("zh", "en"))
        assert zh.strip() and en.strip(), key
        names = [{f for _, f, _, _ in fields.parse(text) if f} for text in (zh, en)]
        assert names[0] == names[1], f"{key}: {names}"


def test_strict_mode_refuses_an_unknown_key(monkeypatch):
    monkeypatch.setenv(i18n.STRICT_ENV, "1")
    with pytest.raises(KeyError, match="not declared"):
        i18n.t("no_such_string")
    monkeypatch.delenv(i18n.STRICT_ENV)
    assert i18n.t("no_such_string") == "no_such_string"  # what a user would see
