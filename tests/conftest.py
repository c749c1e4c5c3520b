"""Shared fixtures: the conformance vectors (../shared/conformance) and keys made at test time."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from verifier.signing import LocalSigner, generate_private_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE_DIR = Path(
    os.environ.get("CIVICRED_CONFORMANCE_DIR", PROJECT_ROOT.parent / "shared" / "conformance")
)


def conformance_path(*parts: str) -> Path:
    """A path under the conformance vectors, or skip the test with a clear reason."""
    path = CONFORMANCE_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"conformance vectors not found at {path} "
            "(clone the project beside ../shared or set CIVICRED_CONFORMANCE_DIR)"
        )
    return path


@pytest.fixture
def issuer_signer() -> LocalSigner:
    return LocalSigner(generate_private_key("ES256"))


@pytest.fixture
def holder_signer() -> LocalSigner:
    return LocalSigner(generate_private_key("ES256"))


DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def unavailable(reason: str, *, required_by: str) -> NoReturn:
    """A test needs something this machine lacks: skip with ``reason``, or fail when the
    environment variable ``required_by`` is ``1`` (CI: ``CIVICRED_REQUIRE_POSTGRES``,
    ``CIVICRED_REQUIRE_NODE``), where a skip would hide that the test never ran."""
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{reason} (required: {required_by}=1)")
    pytest.skip(reason)


def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL isolated in a fresh schema, dropped afterwards.

    Skips where no server is reachable (a laptop) unless ``CIVICRED_REQUIRE_POSTGRES=1`` (CI),
    where an unreachable server fails the test instead.
    """
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    base = os.environ.get("CIVICRED_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)
    admin = create_engine(base, connect_args={"connect_timeout": 3})
    schema = "t_" + secrets.token_hex(6)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        unavailable(
            f"no PostgreSQL reachable at {base} (set CIVICRED_TEST_POSTGRES_URL): {exc.orig}",
            required_by="CIVICRED_REQUIRE_POSTGRES",
        )
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on a SQLite file and on PostgreSQL (marker ``postgres``)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture(scope="session", autouse=True)
def _civicred_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CLI's pin store (docs/cli.md §Pinned registry roots) in a temporary folder: no test
    reads or writes the real ``~/.config/civicred``; subprocesses inherit the variable."""
    folder = tmp_path_factory.mktemp("civicred-config")
    previous = os.environ.get("CIVICRED_CONFIG_DIR")
    os.environ["CIVICRED_CONFIG_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("CIVICRED_CONFIG_DIR", None)
    else:
        os.environ["CIVICRED_CONFIG_DIR"] = previous


SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def screenshot_path(name: str) -> Path:
    """Where a browser test saves the screenshot ``name``: ``docs/screenshots/`` when
    ``CIVICRED_UPDATE_SCREENSHOTS=1`` (to refresh the README's pictures), else a temporary
    directory, so that a test run never rewrites committed files."""
    if os.environ.get("CIVICRED_UPDATE_SCREENSHOTS") == "1":
        folder = SCREENSHOTS
    else:
        folder = Path(tempfile.gettempdir()) / f"civicred-screenshots-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
