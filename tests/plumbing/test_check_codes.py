"""Check codes: declared once in ``verifier.codes``, each documented, none decided by spelling.

- every declared code is in docs/verification-codes.md, and every code-like name the document
  mentions (``family.something``) is declared;
- no module outside ``verifier/codes.py`` spells a dotted code as a string literal: emitters and
  readers use the constants (a literal would drift, or invite deciding by its prefix);
- no module decides by a part of a check code (``code.startswith(…)``, ``"…" in code``): what a
  code is comes from its declared attributes (``codes.family``, ``codes.step``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from verifier import codes

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "verification-codes.md"
PACKAGES = ("verifier", "issuer", "trust_registry", "servicekit", "desk")
_DOTTED = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


def _documented() -> set[str]:
    return set(re.findall(r"`([^`\s]+)`", DOC.read_text()))


def test_every_declared_code_is_documented() -> None:
    missing = sorted(set(codes.CODES) - _documented())
    assert len(codes.CODES) > 140
    assert missing == []


def test_every_documented_code_is_declared() -> None:
    families = set(codes.FAMILIES)
    named = {
        token
        for token in _documented()
        if _DOTTED.fullmatch(token) and token.split(".")[0] in families
    }
    assert len(named) > 100
    assert sorted(named - set(codes.CODES)) == []


def _sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "verifier" / "codes.py"
    ]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def code_literals(source: str) -> list[tuple[int, str]]:
    """Dotted declared codes spelled as string literals (docstrings aside)."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and "." in node.value
        and node.value in codes.CODES
    ]


def decisions_by_spelling(source: str) -> list[int]:
    """Lines that look at a part of something named ``code``: ``code.startswith(…)``,
    ``code.split(…)``, ``code[:n]``, ``"…" in code``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"startswith", "endswith", "split", "partition", "rpartition"}
                and _names_a_code(node.func.value)
            )
            or (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Slice)
                and _names_a_code(node.value)
            )
            or (
                isinstance(node, ast.Compare)
                and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
                and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)
                and any(_names_a_code(c) for c in node.comparators)
            )
        ):
            lines.append(node.lineno)
    return lines


def _names_a_code(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "code" or name.endswith("_code")


def test_no_module_spells_a_code() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for path in _sources()
        if (hits := code_literals(path.read_text()))
    }
    assert found == {}


def test_no_module_decides_by_a_part_of_a_code() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for path in _sources()
        if (hits := decisions_by_spelling(path.read_text()))
    }
    assert found == {}


def test_the_scanners_see_what_they_look_for() -> None:
    assert code_literals('x = "trust.root"\ny = "status"\n"""qr.sid in a docstring"""') == [
        (1, "trust.root")
    ]
    bad = (
        "a = check.code.startswith('trust.')\n"
        "b = 'kb' in code\n"
        "c = exc.code.split('.')[0]\n"
        "d = code[:5]\n"
    )
    assert sorted(set(decisions_by_spelling(bad))) == [1, 2, 3, 4]
    assert decisions_by_spelling("e = codes.family(check.code) == codes.KB_FAMILY\n") == []
