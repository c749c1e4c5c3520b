"""The desk's HTTP endpoints, through the whole ASGI stack, on real credentials (the committed
samples): verdicts, languages, headers, what a page may and may not contain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desk.app import CONTENT_SECURITY_POLICY
from verifier.trust import peek_bundle

from ._support import NOT_FOR_THE_VENUE, Desk, sample, sample_desk


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return sample_desk(tmp_path)


def outcome(html: str) -> str:
    match = re.search(r'data-outcome="(\w+)"', html)
    assert match, html[:300]
    return match.group(1)


def test_the_page_has_the_scanner_the_purpose_and_fresh_trust_data(desk: Desk) -> None:
    response = desk.client.get("/")
    assert response.status_code == 200
    html = response.text
    assert 'lang="en"' in html and "Reduced tariff (museum, swimming pool)" in html
    assert 'id="camera-video"' in html and 'id="photo-input"' in html and 'id="paste-text"' in html
    assert 'aria-live="assertive"' in html
    registry = peek_bundle(sample("bundle.jwt").decode().strip()).iss
    assert registry and "trust-fresh" in html and registry in html


def test_no_inline_script_or_style_and_nothing_from_elsewhere(desk: Desk) -> None:
    html = desk.client.get("/").text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", html)  # no event-handler attributes
    assert " style=" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # every resource is the desk's


def test_security_and_privacy_headers(desk: Desk) -> None:
    for response in (desk.client.get("/"), desk.post(sample("eehic.qr.txt"), "text/plain")):
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self' 'wasm-unsafe-eval'" in CONTENT_SECURITY_POLICY
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "", "de"),
        ("es-ES,nl;q=0.5,fr;q=0.7", "", "fr"),
        ("es-ES", "", "en"),
        ("de", "?lang=nl", "nl"),
        ("fr;q=0", "?lang=xx", "en"),
        ("en;q=0.5, fr-BE", "", "fr"),
    ],
)
def test_the_language_follows_the_browser_and_can_be_switched(
    desk: Desk, accept: str, query: str, expected: str
) -> None:
    html = desk.client.get(f"/{query}", headers={"accept-language": accept}).text
    assert f'<html lang="{expected}">' in html


def test_the_venue_document_is_valid_and_shows_only_five_fields(desk: Desk) -> None:
    response = desk.post(sample("social-status-venue.qr.txt"), "text/plain",
                         **{"x-desk-channel": "camera", "accept-language": "nl"})  # fmt: skip
    html = response.text
    assert outcome(html) == "valid"
    assert "GELDIG" in html and "Recht op verminderd tarief" in html
    shown = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)
    assert [value for _label, value in shown] == [
        "Marie-Louise",
        "Peeters",
        "ja",
        "01-03-2025",
        "31-12-2027",
    ]
    assert "1951" not in html  # the birth year is printed on the document, never shown


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("eehic.qr.txt", "policy.type"),
        ("eehic.qr.png", "policy.type"),
        ("ehic.presentation.sd-jwt", "kb.aud"),  # presented to the pharmacy, not to this desk
    ],
)
def test_an_ehic_at_the_venue_is_not_valid_and_shows_nothing_of_it(
    desk: Desk, name: str, code: str
) -> None:
    media = "image/png" if name.endswith(".png") else "text/plain"
    html = desk.post(sample(name), media, **{"accept-language": "de"}).text
    assert outcome(html) == "invalid"
    assert "UNGÜLTIG" in html and f'data-code="{code}"' in html
    assert "<dl" not in html
    for personal in (*NOT_FOR_THE_VENUE, "Solidaris", "Ţăranu"):
        assert personal not in html


def test_an_ehic_presented_to_this_desk_is_refused_by_type(tmp_path: Path) -> None:
    desk = sample_desk(tmp_path, audience="x509_san_dns:pharmacy.example")
    html = desk.post(sample("ehic.presentation.sd-jwt"), "text/plain").text
    assert outcome(html) == "invalid" and 'data-code="policy.type"' in html
    for personal in NOT_FOR_THE_VENUE:
        assert personal not in html


def test_a_wallet_presentation_is_valid_with_the_replay_remark(desk: Desk) -> None:
    html = desk.post(sample("social-status.presentation.sd-jwt"), "text/plain").text
    assert outcome(html) == "valid"
    assert "no replay protection" in html
    assert re.findall(r"<dd>(.*?)</dd>", html) == [
        "Marie-Louise",
        "Peeters",
        "yes",
        "01/03/2025",
        "31/12/2027",
    ]
    for personal in NOT_FOR_THE_VENUE:
        assert personal not in html


def test_a_credential_without_holder_binding_is_refused(desk: Desk) -> None:
    html = desk.post(sample("social-status.sd-jwt"), "text/plain", **{"accept-language": "fr"}).text
    assert outcome(html) == "invalid" and 'data-code="kb.missing"' in html
    assert "Le portefeuille doit signer" in html


def test_a_revoked_credential_is_invalid_with_its_reason(desk: Desk) -> None:
    html = desk.post(sample("social-status-revoked.presentation.sd-jwt"), "text/plain").text
    assert outcome(html) == "invalid"
    assert 'data-code="status.revoked"' in html and "has been revoked" in html


def test_a_photo_and_a_pdf_are_read(desk: Desk) -> None:
    assert outcome(desk.post(sample("social-status-venue.qr.png"), "image/png").text) == "valid"
    assert outcome(desk.post(sample("social-status-venue.pdf"), "application/pdf").text) == "valid"


def test_the_no_javascript_form_answers_with_the_whole_page(desk: Desk) -> None:
    from urllib.parse import urlencode

    body = urlencode({"text": sample("social-status-venue.qr.txt").decode(), "lang": "fr"})
    response = desk.client.post("/verify", content=body,
                                headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 200
    assert response.text.startswith("<!DOCTYPE html>") and '<html lang="fr">' in response.text
    assert outcome(response.text) == "valid" and "VALABLE" in response.text
    assert response.headers["cache-control"] == "no-store"


def test_garbage_is_not_a_credential(desk: Desk) -> None:
    html = desk.post(b"hello, world", "text/plain").text
    assert outcome(html) == "invalid" and 'data-code="input.unrecognised"' in html
    html = desk.post(b"\x00\x01binary", "application/octet-stream").text
    assert outcome(html) == "invalid"


def test_an_image_without_a_qr_code(desk: Desk) -> None:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, "PNG")
    html = desk.post(buffer.getvalue(), "image/png").text
    assert outcome(html) == "invalid" and 'data-code="scan.qr"' in html


def test_a_body_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    desk = sample_desk(tmp_path, max_upload_bytes=1000)
    response = desk.post(b"A" * 1001, "text/plain")
    assert response.status_code == 413 and outcome(response.text) == "invalid"
    assert "too large" in response.text


def test_trust_data_getting_old_is_a_remark_then_never_valid(desk: Desk) -> None:
    qr = sample("social-status-venue.qr.txt")
    desk.clock.advance(hours=13)  # past the venue policy's 12 h warning
    html = desk.post(qr, "text/plain").text
    assert outcome(html) == "valid" and "the trust data is getting old" in html
    assert "trust-warn" in desk.client.get("/").text
    desk.clock.advance(hours=12)  # 25 h: past 24 h and the bundle's next_update
    html = desk.post(qr, "text/plain").text
    assert outcome(html) == "undetermined" and "CANNOT BE DECIDED" in html
    assert "<dd>Peeters</dd>" in html  # undetermined: shown, for the clerk's risk analysis
    assert "trust-stale" in desk.client.get("/").text
    health = desk.client.get("/healthz").json()
    assert health.pop("client_id").startswith("x509_hash:")
    assert health == {"status": "ok", "policy": "venue-reduced-tariff", "trust": "stale"}


def test_the_pharmacy_desk_shows_coverage_without_the_numbers(tmp_path: Path) -> None:
    desk = sample_desk(tmp_path, policy="pharmacy-ehic")
    html = desk.post(sample("eehic.qr.txt"), "text/plain").text
    assert outcome(html) == "valid"
    assert "Solidaris" in html and "05/12/1992" in html
    assert "92120512345" not in html and "00000003200000654321" not in html


def test_the_institution_desk_shows_the_whole_card(tmp_path: Path) -> None:
    desk = sample_desk(tmp_path, policy="institution-ehic")
    html = desk.post(sample("eehic.qr.txt"), "text/plain").text
    assert outcome(html) == "valid" and "92120512345" in html


def test_static_files_are_served_by_the_desk(desk: Desk) -> None:
    wasm = desk.client.get("/static/vendor/zxing-wasm/reader/zxing_reader.wasm")
    assert wasm.status_code == 200 and wasm.headers["content-type"] == "application/wasm"
    assert wasm.content[:4] == b"\x00asm"
    script = desk.client.get("/static/desk.js")
    assert "prepareZXingModule" in script.text and "locateFile" in script.text
    assert "cdn" not in script.text.lower() and "http" not in script.text.split("*/", 1)[1]
