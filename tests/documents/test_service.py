"""DocumentService: inputs it refuses, fonts (configurable, loud when missing), typical sizes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from issuer.documents import (
    FONT_DIR_ENV,
    DevPki,
    DocumentError,
    DocumentService,
    FontNotFoundError,
    RenderedDocument,
    load_fonts,
)
from issuer.documents._fonts import BOLD_FILE, DEFAULT_FONT_DIR, REGULAR_FILE
from verifier.signing import LocalSigner, generate_private_key

from ._support import JTI, NOW, STATUS, TYPES, decode_page, person


def _render(
    service: DocumentService,
    pki: DevPki,
    doc_type: str = "prc",
    *,
    who: dict[str, Any] | None = None,
    language: str = "en",
    **overrides: Any,
) -> RenderedDocument:
    args: dict[str, Any] = {
        "signer": pki.signer,
        "now": NOW,
        "revocation": JTI,
        "status": STATUS,
        **overrides,
    }
    return service.render(doc_type, who or person(), language, **args)


def test_refused_inputs(service: DocumentService, pki: DevPki) -> None:
    with pytest.raises(DocumentError, match="timezone-aware"):
        _render(service, pki, now=NOW.replace(tzinfo=None))
    with pytest.raises(DocumentError, match="certificate chain"):
        _render(service, pki, signer=LocalSigner(generate_private_key("ES256")))
    with pytest.raises(DocumentError, match="unsupported language"):
        _render(service, pki, language="it")
    with pytest.raises(DocumentError, match="status list reference"):
        _render(service, pki, "ssh", status=None)


def test_missing_font_fails_loudly(tmp_path: Path, pki: DevPki) -> None:
    with pytest.raises(FontNotFoundError) as caught:
        _render(DocumentService(font_dir=tmp_path), pki)
    message = str(caught.value)
    assert str(tmp_path / REGULAR_FILE) in message
    assert "fonts-dejavu-core" in message and FONT_DIR_ENV in message


def test_font_directory_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (REGULAR_FILE, BOLD_FILE):
        shutil.copy(DEFAULT_FONT_DIR / name, tmp_path / name)
    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path))
    assert load_fonts().directory == tmp_path
    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FontNotFoundError):
        load_fonts()
    assert load_fonts(DEFAULT_FONT_DIR).directory == DEFAULT_FONT_DIR


def test_a_character_outside_the_font_is_refused(service: DocumentService, pki: DevPki) -> None:
    who = person()
    who["family_name"] = "Wang 王"  # valid in the payload; DejaVu Sans has no Han glyphs
    with pytest.raises(DocumentError, match="U\\+738B"):
        _render(service, pki, "ehic", who=who)


@pytest.mark.parametrize("doc_type", TYPES)
def test_typical_documents(service: DocumentService, pki: DevPki, doc_type: str) -> None:
    doc = _render(service, pki, doc_type, who=person("p-0001"))
    assert decode_page(doc.pdf_bytes) == [doc.qr_text]
    ms = doc.timings_ms
    print(
        f"{doc.sid:22} typical {len(doc.qr_text):4} chars {doc.qr_version}-{doc.ecc}"
        f"  render {ms['render']:.0f} ms  pades {ms['pades']:.0f} ms"
    )


def test_public_api_resolves_lazily() -> None:
    import subprocess
    import sys

    import issuer.documents as documents

    assert len(set(documents.__all__)) == len(documents.__all__)  # order: ruff RUF022
    for name in documents.__all__:
        assert getattr(documents, name) is not None
    with pytest.raises(AttributeError):
        _ = documents.not_a_name  # type: ignore[attr-defined]
    # Registering the CLI must not import pyHanko or reportlab (every civicred command pays).
    code = (
        "import sys, argparse; from issuer.documents._cli import register; "
        "register(argparse.ArgumentParser().add_subparsers()); "
        "print(any(m.split('.')[0] in ('pyhanko', 'reportlab', 'segno') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
