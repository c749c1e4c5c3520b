"""The dependency direction of docs/architecture.md, enforced on the source.

Every ``import`` and ``from … import`` in the packages (at module level or inside a function, as
lazy imports are), plus every ``importlib.import_module("…")`` with a literal name, is read with
``ast``:

- the verifier never imports the issuer, the registry, servicekit, the desk or a web/database
  framework: it is the base install;
- servicekit imports the verifier only; the issuer and the registry never import each other; the
  desk imports neither of them;
- nothing outside the verifier imports a private verifier module (``verifier._offline``,
  ``verifier.cli._common``, ``verifier.qr._base45``, or ``from verifier.qr import _x``);
- inside the verifier, one subpackage reaches another only through its public names (never
  ``verifier.qr._x`` from ``verifier/scan/``); the verifier's own top-level private modules
  (``verifier._errors``, ``verifier._report``, ``verifier._time``) are shared by its subpackages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("verifier", "issuer", "trust_registry", "servicekit", "desk")
SERVER_ONLY = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "pydantic")
FORBIDDEN = {
    "verifier": ("issuer", "trust_registry", "servicekit", "desk", *SERVER_ONLY),
    "servicekit": ("issuer", "trust_registry", "desk"),
    "issuer": ("trust_registry", "desk"),
    "trust_registry": ("issuer", "desk"),
    "desk": ("issuer", "trust_registry"),
}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name of the importing file
    imported: str  # dotted name of what is imported (module, or module.attribute)
    where: str  # path:line


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(source: str, importer: str, where: str) -> Iterator[Import]:
    parts = importer.split(".")
    package = parts if where.endswith("__init__.py") else parts[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(importer, alias.name, f"{where}:{node.lineno}")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing package
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield Import(importer, base, f"{where}:{node.lineno}")
            for alias in node.names:
                yield Import(importer, f"{base}.{alias.name}", f"{where}:{node.lineno}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield Import(importer, node.args[0].value, f"{where}:{node.lineno}")


def all_imports(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> list[Import]:
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            where = str(path.relative_to(root))
            found.extend(imports_in(path.read_text(), module_name(path, root), where))
    return found


def _private_at(name: str) -> int | None:
    """The index of the first private component (``_x``, not ``__init__``), if any."""
    for index, part in enumerate(name.split(".")):
        if part.startswith("_") and not part.startswith("__"):
            return index
    return None


def violations(found: list[Import]) -> list[str]:
    """One line per breaching import statement (``from a._b import c`` is one, not two)."""
    problems: dict[str, str] = {}
    for item in found:
        if item.where in problems:
            continue
        top = item.importer.split(".")[0]
        target = item.imported.split(".")
        if target[0] in FORBIDDEN.get(top, ()):
            problems[item.where] = f"{item.where}: {top} must not import {item.imported}"
        if target[0] != "verifier":
            continue
        private = _private_at(item.imported)
        if private is None:
            continue
        if top != "verifier":
            problems[item.where] = f"{item.where}: private verifier module {item.imported}"
        elif private >= 2:  # verifier.<sub>._x: only from inside verifier.<sub>
            owner = ".".join(target[:private])
            if item.importer != owner and not item.importer.startswith(owner + "."):
                problems[item.where] = f"{item.where}: {item.importer} reaches into {item.imported}"
    return list(problems.values())


def test_the_packages_follow_the_dependency_direction() -> None:
    found = all_imports()
    assert len({item.importer for item in found}) > 200  # every package was read
    assert violations(found) == []


def test_scan_and_qr_share_no_private_module() -> None:
    found = all_imports()
    between = [
        item
        for item in found
        if (item.importer.startswith("verifier.scan") and item.imported.startswith("verifier.qr"))
        or (item.importer.startswith("verifier.qr") and item.imported.startswith("verifier.scan"))
    ]
    assert all(_private_at(item.imported) is None for item in between), between


@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        ("verifier/qr", "from issuer.errors import IssuerError", "must not import issuer"),
        ("verifier/qr", "def f():\n    import fastapi", "must not import fastapi"),
        ("issuer", "import trust_registry.domain", "must not import trust_registry"),
        ("trust_registry", "from issuer import paper", "must not import issuer"),
        ("servicekit", "from desk.app import create_app", "must not import desk"),
        ("desk", "from verifier._offline import OfflineVerifier", "private verifier module"),
        ("desk", "from verifier.cli import _common", "private verifier module"),
        ("issuer", "importlib.import_module('verifier.qr._base45')", "private verifier module"),
        ("verifier/scan", "from verifier.qr._base45 import b45decode", "reaches into"),
        ("verifier/qr", "from verifier.scan import _pdf", "reaches into"),
    ],
)
def test_each_rule_catches_its_breach(
    tmp_path: Path, package: str, source: str, expected: str
) -> None:
    folder = tmp_path / package
    folder.mkdir(parents=True)
    (folder / "breach.py").write_text(source + "\n")
    found = all_imports(tmp_path, (package.split("/")[0],))
    problems = violations(found)
    assert len(problems) == 1 and expected in problems[0], problems


def test_allowed_imports_pass(tmp_path: Path) -> None:
    (tmp_path / "verifier" / "scan").mkdir(parents=True)
    (tmp_path / "verifier" / "scan" / "ok.py").write_text(
        "from verifier._report import Check\nfrom verifier.scan._errors import ScanError\n"
        "from verifier.qr import decode_qr_text\n"
    )
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "ok.py").write_text(
        "from verifier.cli.pins import PinStore\nfrom servicekit.observability import x\n"
    )
    assert violations(all_imports(tmp_path, ("verifier", "desk"))) == []
