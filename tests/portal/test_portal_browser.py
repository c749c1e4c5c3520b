"""The portal in a real browser (Debian's Chromium driven by Playwright): a citizen logs in at the
npm OIDC provider, sees her statuses, switches language, gets an offer whose QR code is decoded
from a screenshot and redeemed by a wallet, downloads a PDF that verifies offline, and revokes a
credential. Screenshots go to docs/screenshots/portal-*.png with
CIVICRED_UPDATE_SCREENSHOTS=1.

Skips without /usr/bin/chromium or Playwright, unless ``CIVICRED_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from issuer.world import publish
from tests.conftest import screenshot_path
from verifier import OfflineVerifier, Outcome, VerificationTime
from verifier.inputs import detect_input

from ._provider import MARIE
from ._support import PortalWorld, portal_world
from .test_portal import redeem

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get("CIVICRED_REQUIRE_BROWSER") == "1":
        pytest.fail(f"a browser is required (CIVICRED_REQUIRE_BROWSER=1): {reason}")
    pytest.skip(reason, allow_module_level=True)


if not CHROMIUM.exists():
    _unavailable(f"no {CHROMIUM} (apt-get install chromium)")
try:
    from playwright import sync_api
except ImportError:
    _unavailable("Playwright for Python is not installed")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalWorld]:
    with portal_world(tmp_path_factory.mktemp("portal-browser")) as world:
        yield world


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield instance
        finally:
            instance.close()


def new_page(browser: Any) -> Any:
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1100, "height": 900}, accept_downloads=True
    )
    return context.new_page()


def log_in(page: Any, portal: PortalWorld) -> None:
    page.goto(f"{portal.portal}/")
    page.click("#login")
    page.fill("#login", MARIE.login)
    page.fill("#password", MARIE.password)
    page.click("button[type=submit]")
    page.wait_for_selector("#statuses")


@pytest.fixture(scope="module")
def page(portal: PortalWorld, browser: Any) -> Iterator[Any]:
    """One citizen's browser for the module, logged in (each test may run first, or alone)."""
    page = new_page(browser)
    log_in(page, portal)
    try:
        yield page
    finally:
        page.context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_path(name)), full_page=True)


def test_a_citizen_logs_in_and_sees_her_statuses(portal: PortalWorld, browser: Any) -> None:
    page = new_page(browser)
    page.goto(f"{portal.portal}/")
    shot(page, "portal-home.png")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # keyboard first
    log_in(page, portal)
    assert page.inner_text("h1") == "Hello Marie-Louise Peeters"
    statuses = page.inner_text("#statuses")
    assert "Increased reimbursement (BIM)" in statuses and "Federal Pensions Service" in statuses
    assert "Reduced tariff" in page.inner_text("#entitlements")
    assert "BE:0120" in page.inner_text("#cover")
    # every visible control has an accessible name
    unnamed = page.evaluate(
        """[...document.querySelectorAll('button, select, input:not([type=hidden]), a')]
           .filter(e => !(e.innerText || e.labels?.length || e.getAttribute('aria-label')))
           .map(e => e.outerHTML)"""
    )
    assert unnamed == []
    shot(page, "portal-dashboard-en.png")
    page.context.close()


@pytest.mark.parametrize(
    ("language", "heading", "status"),
    [
        ("Français", "Mes statuts sociaux", "Intervention majorée (BIM)"),
        ("Nederlands", "Mijn sociale statuten", "Verhoogde tegemoetkoming (VT)"),
        ("Deutsch", "Mein Sozialstatus", "Erhöhte Kostenbeteiligung (EKB)"),
        ("English", "My social statuses", "Increased reimbursement (BIM)"),
    ],
)
def test_switch_language(
    portal: PortalWorld, page: Any, language: str, heading: str, status: str
) -> None:
    page.click(f"nav .languages >> text={language}")
    page.wait_for_selector(f"text={heading}")
    assert status in page.inner_text("#statuses")
    code = page.evaluate("document.documentElement.lang")
    if code != "en":
        shot(page, f"portal-dashboard-{code}.png")


def test_the_offer_qr_decodes_from_a_screenshot_and_a_wallet_redeems_it(
    portal: PortalWorld, page: Any
) -> None:
    import zxingcpp
    from PIL import Image

    page.goto(f"{portal.portal}/?lang=en")
    page.click("#wallet-social-status-1")
    page.wait_for_selector("svg.qr")
    shot(page, "portal-offer.png")
    picture = Image.open(io.BytesIO(page.locator("svg.qr").screenshot()))
    decoded = zxingcpp.read_barcodes(picture)
    assert len(decoded) == 1
    link = page.get_attribute("#same-device", "href")
    assert decoded[0].text == link and link.startswith("openid-credential-offer://")
    tx_code = "".join(page.locator("#tx-code .digit").all_inner_texts())
    assert len(tx_code) == 6 and tx_code not in decoded[0].text
    title = page.text_content("svg.qr title") or ""
    assert title.startswith("QR code: offer of the credential")  # what a screen reader says
    credentials = redeem(decoded[0].text, tx_code)
    assert len(credentials) == 2


def test_download_a_pdf_and_verify_it(portal: PortalWorld, page: Any, tmp_path: Path) -> None:
    page.goto(f"{portal.portal}/")
    with page.expect_download() as download:
        page.click("#pdf-ehic")
    saved = tmp_path / "ehic.pdf"
    download.value.save_as(saved)
    data = saved.read_bytes()
    world = portal.world
    publish(world)
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    root = x509.load_pem_x509_certificate(world.registry.root_pem())
    offline = OfflineVerifier.from_bundle(
        world.registry.bundle(), root=root, time=VerificationTime.at(now, timezone=UTC)
    )
    assert offline.verify_document(data, detect_input(data)).outcome is Outcome.VALID


def test_revoke_a_credential(portal: PortalWorld, page: Any) -> None:
    page.goto(f"{portal.portal}/?lang=en")
    with page.expect_download():
        page.click("#pdf-prc")  # something issued, whatever ran before
    page.click("text=What was issued to me")
    page.wait_for_selector("#issued")
    rows = page.locator("tr.issuance.state-active")
    before = rows.count()
    assert before >= 1
    first = rows.first
    reference = first.get_attribute("data-reference")
    first.locator("select").select_option("device_lost")
    shot(page, "portal-issued.png")
    first.locator("button.danger").click()
    page.wait_for_selector("[role=status]")
    assert "Revoked." in page.inner_text("[role=status]")
    revoked = page.locator(f'tr[data-reference="{reference}"]')
    assert "revoked" in revoked.get_attribute("class")
    shot(page, "portal-revoked.png")


def test_the_portal_works_on_a_phone(portal: PortalWorld, page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{portal.portal}/?lang=en")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling
    shot(page, "portal-phone.png")
    page.set_viewport_size({"width": 1100, "height": 900})
