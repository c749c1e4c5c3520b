"""The desk in a real browser: Debian's Chromium driven by Playwright, the page served by uvicorn
from 127.0.0.1 (a secure context, so the camera works), the camera fed a fake capture of a real
QR code, a photo of a printed PDF, a pasted SD-JWT, and a wallet answering the page's OpenID4VP
request QR. Each verdict is saved as a screenshot (under docs/screenshots/ with
CIVICRED_UPDATE_SCREENSHOTS=1).

Skips with a reason where /usr/bin/chromium or Playwright is missing (``apt-get install
chromium``; ``pip install playwright``: ``playwright install`` is not needed, nor possible here),
unless ``CIVICRED_REQUIRE_BROWSER=1`` (CI), where it fails.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desk.app import create_app
from desk.identity import VerifierIdentity, load_identity
from desk.settings import DeskSettings
from desk.trust import DeskTrust
from servicekit.local import app_thread, free_port
from tests.conftest import screenshot_path

from ._support import MUSEUM, NOT_FOR_THE_VENUE, ROOT_PEM, SAMPLES, Clock

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
#: The EHIC's personal identification number and birth date, as the card and the page write them.
EHIC_PERSONAL = ("92120512345", "1992-12-05", "05/12/1992", "Ţăranu", "Solidaris")

REQUIRED = os.environ.get("CIVICRED_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"a browser is required (CIVICRED_REQUIRE_BROWSER=1): {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if not CHROMIUM.exists():
    _unavailable(f"no {CHROMIUM} (apt-get install chromium)")
try:
    from playwright import sync_api
except ImportError:
    _unavailable("Playwright for Python is not installed")


# -- test material ---------------------------------------------------------------------------
def y4m_of(png: Path, out: Path, *, width: int = 640, height: int = 480) -> Path:
    """One YUV4MPEG2 4:2:0 frame (Chromium loops it) showing the QR image on white paper."""
    from PIL import Image

    qr = Image.open(png).convert("L")
    side = min(width, height) - 40
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr.resize((side, side), Image.Resampling.NEAREST), ((width - side) // 2, 20))
    chroma = bytes([128]) * (width // 2 * (height // 2))
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    out.write_bytes(header + b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return out


def photo_of_printed(pdf: Path, *, scale: float = 2.0) -> bytes:
    """A PNG of the PDF's first page as printed (PDFium, 144 dpi): what a phone photo shows."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


# -- the served desk ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> VerifierIdentity:
    folder = tmp_path_factory.mktemp("identity")
    return load_identity(key=None, certificates=None, dev_dir=folder, dns_name="127.0.0.1",
                         now=clock())  # fmt: skip


@pytest.fixture(scope="module")
def desk_url(
    tmp_path_factory: pytest.TempPathFactory, clock: Clock, identity: VerifierIdentity
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("desk")
    bundle = folder / "bundle.jwt"
    bundle.write_bytes((SAMPLES / "bundle.jwt").read_bytes())
    trust = DeskTrust.load(bundle, now=clock(), root=ROOT_PEM)
    port = free_port()
    settings = DeskSettings(bundle=bundle, root=ROOT_PEM, audience=MUSEUM, port=port)
    app = create_app(settings, trust, clock=clock, identity=identity)
    with app_thread(app, port) as url:
        yield url


class Recorder:
    """Every response the page received, and every console complaint (CSP violations, errors)."""

    def __init__(self, page: Any) -> None:
        self.responses: list[Any] = []
        self.problems: list[str] = []
        page.on("response", lambda response: self.responses.append(response))
        page.on(
            "console", lambda m: m.type in ("error", "warning") and self.problems.append(m.text)
        )
        page.on("pageerror", lambda e: self.problems.append(str(e)))

    def texts(self) -> str:
        bodies = []
        for response in self.responses:
            kind = response.headers.get("content-type", "")
            if kind.startswith(("text/", "application/json")):
                bodies.append(response.body().decode("utf-8", errors="replace"))
        return "\n".join(bodies)


def launch(playwright: Any, *extra: str) -> Any:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(extra)
    )


def verdict_of(page: Any) -> Any:
    page.wait_for_selector("#verdict-body .verdict", timeout=30_000)
    return page.locator("#verdict-body .verdict")


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_path(name)), full_page=True)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        instance = launch(playwright)
        try:
            yield instance
        finally:
            instance.close()


# -- the tests -------------------------------------------------------------------------------
def test_the_camera_reads_the_venue_qr_and_the_verdict_is_valid(
    desk_url: str, tmp_path: Path
) -> None:
    capture = y4m_of(SAMPLES / "social-status-venue.qr.png", tmp_path / "venue.y4m")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright, "--use-fake-ui-for-media-stream",
                         "--use-fake-device-for-media-stream",
                         f"--use-file-for-fake-video-capture={capture}")  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
            recorder = Recorder(page)
            page.goto(f"{desk_url}/?lang=en")
            page.click("#camera-button")
            verdict = verdict_of(page)
            assert verdict.get_attribute("data-outcome") == "valid"
            text = verdict.inner_text()
            assert "VALID" in text and "Marie-Louise" in text and "Peeters" in text
            assert page.evaluate("document.activeElement.id") == "verdict-body"
            assert page.locator("#verdict").get_attribute("aria-live") == "assertive"
            assert page.locator("#camera-video").evaluate("v => v.srcObject") is None  # stopped
            shot(page, "desk-valid.png")
            seen = recorder.texts() + page.content()
            assert "1951" not in seen
            for personal in NOT_FOR_THE_VENUE:
                assert personal not in seen
            wasm = [r for r in recorder.responses if r.url.endswith("zxing_reader.wasm")]
            assert wasm and all(r.url.startswith(desk_url) for r in recorder.responses)
            assert not [p for p in recorder.problems if "Content Security Policy" in p]
        finally:
            browser.close()


def test_a_photo_of_the_printed_venue_pdf_is_valid(browser: Any, desk_url: str) -> None:
    page = browser.new_page(locale="nl-BE")
    recorder = Recorder(page)
    page.goto(f"{desk_url}/")
    assert page.locator("html").get_attribute("lang") == "nl"
    photo = photo_of_printed(SAMPLES / "social-status-venue.pdf")
    page.set_input_files("#photo-input", files=[
        {"name": "foto.png", "mimeType": "image/png", "buffer": photo}])  # fmt: skip
    verdict = verdict_of(page)
    assert verdict.get_attribute("data-outcome") == "valid"
    assert "GELDIG" in verdict.inner_text()
    assert page.locator("#photo-input").evaluate("i => i.files.length") == 0  # forgotten
    assert not recorder.problems, recorder.problems


def test_a_photo_of_a_printed_ehic_at_the_venue_shows_nothing_of_it(
    browser: Any, desk_url: str
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="de-DE")
    recorder = Recorder(page)
    page.goto(f"{desk_url}/")
    photo = photo_of_printed(SAMPLES / "eehic.pdf")
    page.set_input_files("#photo-input", files=[
        {"name": "karte.png", "mimeType": "image/png", "buffer": photo}])  # fmt: skip
    verdict = verdict_of(page)
    assert verdict.get_attribute("data-outcome") == "invalid"
    assert "UNGÜLTIG" in verdict.inner_text()
    assert "nicht akzeptiert" in verdict.inner_text()
    shot(page, "desk-invalid.png")
    seen = recorder.texts() + page.content()
    for personal in EHIC_PERSONAL:
        assert personal not in seen, personal


def test_a_pasted_wallet_presentation_is_valid_and_the_text_is_cleared(
    browser: Any, desk_url: str
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="fr-BE")
    recorder = Recorder(page)
    page.goto(f"{desk_url}/")
    page.fill("#paste-text", (SAMPLES / "social-status.presentation.sd-jwt").read_text())
    page.click("#paste-form button[type=submit]")
    verdict = verdict_of(page)
    assert verdict.get_attribute("data-outcome") == "valid"
    text = verdict.inner_text()
    assert "VALABLE" in text and "Droit au tarif réduit" in text and "oui" in text
    assert page.input_value("#paste-text") == ""
    shot(page, "desk-valid-wallet.png")
    seen = recorder.texts() + page.content()
    for personal in NOT_FOR_THE_VENUE:
        assert personal not in seen
    page.click("#verdict-body .next")
    assert page.locator("#verdict-body .verdict").count() == 0


def test_stale_trust_data_is_undetermined_never_valid(
    browser: Any, desk_url: str, clock: Clock
) -> None:
    clock.advance(hours=25)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
        page.goto(f"{desk_url}/")
        assert page.locator(".trust").get_attribute("class") == "trust trust-stale"
        page.fill("#paste-text", (SAMPLES / "social-status-venue.qr.txt").read_text())
        page.click("#paste-form button[type=submit]")
        verdict = verdict_of(page)
        assert verdict.get_attribute("data-outcome") == "undetermined"
        assert re.search(r"trust data is too old", verdict.inner_text())
        shot(page, "desk-undetermined.png")
    finally:
        clock.advance(hours=-25)


def test_the_language_can_be_switched_on_the_page(browser: Any, desk_url: str) -> None:
    page = browser.new_page(locale="en-GB")
    page.goto(f"{desk_url}/")
    page.click("nav.languages a[hreflang=de]")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("#camera-button").inner_text() == "Kamera starten"


def test_a_wallet_answers_the_request_qr_and_the_page_shows_the_verdict(
    browser: Any, desk_url: str, clock: Clock, identity: VerifierIdentity
) -> None:
    import httpx
    import zxingcpp
    from PIL import Image

    from ._wallet import TestWallet

    page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
    recorder = Recorder(page)
    page.goto(f"{desk_url}/")
    page.click("#wallet-button")
    qr = page.wait_for_selector("#verdict-body .wallet-qr", timeout=30_000)
    link = page.locator("#verdict-body .wallet-link").get_attribute("href")
    assert link and link.startswith("openid4vp://?")
    assert "Entitled to a reduced tariff" in page.locator(".wallet-asks").inner_text()
    # the QR code as the browser drew it holds the link (zxing-cpp reads the screenshot)
    (read,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert read.text == link
    shot(page, "desk-wallet-request.png")

    assert identity.dev_root is not None
    with httpx.Client(timeout=30) as http:
        wallet = TestWallet(http, [identity.dev_root], clock,
                            [(SAMPLES / "social-status.sd-jwt").read_text().strip()])  # fmt: skip
        assert wallet.respond_to(link).status_code == 200
    verdict = verdict_of(page)  # the page's long poll brings it
    assert verdict.get_attribute("data-outcome") == "valid"
    text = verdict.inner_text()
    assert "VALID" in text and "Marie-Louise" in text and "Entitled to a reduced tariff" in text
    shot(page, "desk-valid-openid4vp.png")
    seen = recorder.texts() + page.content()
    for personal in NOT_FOR_THE_VENUE:
        assert personal not in seen, personal
    assert all(r.url.startswith(desk_url) for r in recorder.responses)
    assert not [p for p in recorder.problems if "Content Security Policy" in p], recorder.problems
