"""The citizens' portal: server-rendered pages (Jinja2) mounted at ``/portal`` of the issuer
(docs/portal.md).

- ``GET  /`` — logged out: the login; logged in: statuses, entitlements, EHIC cover, actions;
- ``GET  /login`` → the OpenID Connect provider; ``GET /login/callback`` ← it (also for the
  wallet's authorization requests); ``POST /login/dev`` (DEV ONLY, ``dev_login``);
- ``POST /wallet`` — a credential offer: QR code, same-device link, the transaction code apart;
- ``POST /documents/{ssh|ehic|prc}`` — a signed PDF, as an attachment;
- ``GET  /issued``, ``POST /issued/{reference}/revoke`` — what was issued to me, self-revocation;
- ``POST /logout``.

Every state-changing request is a POST with the session's CSRF token (and, when the browser
sends one, an ``Origin`` of this service). Cookies are HttpOnly and SameSite=Lax, Secure (with the
``__Host-`` prefix) whenever the service is reached over https. Every answer is ``no-store``;
the Content-Security-Policy allows nothing but this service's own style sheet.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from functools import partial
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from issuer.errors import (
    CsrfRefused,
    InvalidRequest,
    NotFound,
    RequestTooLarge,
    SessionRequired,
)
from issuer.lifecycle import ReasonCode
from issuer.login import AUTHORIZE, PORTAL
from issuer.portal._i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, text, texts
from issuer.portal._qr import qr_svg
from issuer.portal._sessions import PortalSession, PortalSessions
from issuer.portal._views import DOCUMENTS, dashboard, issued
from issuer.services import IssuerServices
from issuer.status import Change
from servicekit import ServiceError
from servicekit.http import current_request_id, negotiate_language

#: The audit actor of what a citizen does herself (no subject id in the audit chain).
CITIZEN_ACTOR = "citizen"
FORM_LIMIT = 16 * 1024
LANGUAGE_COOKIE = "civicred-lang"
SELF_REVOCATION_REASONS = (ReasonCode.DEVICE_LOST, ReasonCode.HOLDER_REQUEST)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Cookies:
    """Cookie names and attributes: ``__Host-`` and Secure over https, plain on http loopback."""

    def __init__(self, services: IssuerServices) -> None:
        self.secure = urlsplit(services.settings.public_base_url).scheme == "https"
        prefix = "__Host-" if self.secure else ""
        self.session = f"{prefix}civicred-portal"
        self.login = f"{prefix}civicred-login"

    def set(self, response: Response, name: str, value: str, *, max_age: int) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path="/", secure=self.secure, httponly=True,
            samesite="lax",
        )  # fmt: skip

    def clear(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", secure=self.secure, httponly=True, samesite="lax")


class Portal:
    def __init__(self, services: IssuerServices) -> None:
        self.services = services
        self.sessions = PortalSessions(services.db, services.settings.login, services.clock)
        self.cookies = Cookies(services)
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(services.settings.public_base_url))
        self.templates = Environment(
            loader=PackageLoader("issuer.portal", "templates"),
            autoescape=select_autoescape(["html"]),
            auto_reload=False,
        )
        self._paper: Any = None

    @property
    def paper(self) -> Any:
        """The paper issuer, made on first use (PDF rendering loads fonts and pyHanko)."""
        if self._paper is None:
            from issuer.documents import DocumentService
            from issuer.paper import PaperIssuer

            self._paper = PaperIssuer(self.services, DocumentService())
        return self._paper

    # -- requests --------------------------------------------------------------------------------
    def language(self, request: Request) -> str:
        return negotiate_language(
            request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
            LANGUAGES,
            DEFAULT_LANGUAGE,
        )

    def session(self, request: Request) -> PortalSession | None:
        return self.sessions.find(request.cookies.get(self.cookies.session))

    def base(self, request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    async def form(self, request: Request) -> dict[str, str]:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > FORM_LIMIT:
            raise RequestTooLarge(f"the form is limited to {FORM_LIMIT} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > FORM_LIMIT:
                raise RequestTooLarge(f"the form is limited to {FORM_LIMIT} bytes")
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type != "application/x-www-form-urlencoded":
            raise InvalidRequest("a portal form is application/x-www-form-urlencoded")
        try:
            return dict(parse_qsl(body.decode("utf-8"), max_num_fields=20))
        except (UnicodeDecodeError, ValueError):
            raise InvalidRequest("the form is not readable") from None

    def same_origin(self, request: Request) -> None:
        origin = request.headers.get("origin")
        if origin is not None and origin != "null" and not hmac.compare_digest(origin, self.origin):
            raise CsrfRefused("this form was sent from another site")

    async def checked_form(self, request: Request) -> tuple[PortalSession, dict[str, str]]:
        """The logged-in session and the form of a state-changing request (CSRF checked)."""
        self.same_origin(request)
        session = self.session(request)
        if session is None:
            raise SessionRequired("your session has ended: log in again")
        form = await self.form(request)
        if not session.csrf_matches(form.get("csrf")):
            raise CsrfRefused("the form's security token is missing or wrong: reload the page")
        return session, form

    # -- responses -------------------------------------------------------------------------------
    def page(
        self,
        request: Request,
        template: str,
        *,
        status: int = 200,
        session: PortalSession | None = None,
        **context: Any,
    ) -> HTMLResponse:
        lang = self.language(request)
        body = self.templates.get_template(template).render(
            lang=lang,
            t=lambda key, **values: text(key, lang, **values),
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            here=request.url.path if request.method == "GET" else f"{self.base(request)}/",
            base=self.base(request),
            csrf=session.csrf_token if session else None,
            logged_in=session is not None,
            **context,
        )
        response = HTMLResponse(body, status_code=status)
        if "lang" in request.query_params and request.query_params["lang"] in LANGUAGES:
            response.set_cookie(
                LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, path="/",
                secure=self.cookies.secure, samesite="lax",
            )  # fmt: skip
        return response

    def error_page(self, request: Request, status: int, error: str) -> HTMLResponse:
        key = f"error.{error}" if f"error.{error}" in texts() else "error.generic"
        return self.page(
            request,
            "error.html",
            status=status,
            session=None,
            message_key=key,
            request_id=current_request_id() or "",
        )


def create_portal_app(services: IssuerServices) -> FastAPI:
    """The portal app (mounted at ``/portal`` by :func:`issuer.api.create_app`)."""
    portal = Portal(services)
    app = FastAPI(title="civicred portal", docs_url=None, redoc_url=None, openapi_url=None)
    static = resources.files("issuer.portal").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            if name == "Cache-Control" and request.url.path.startswith(
                f"{portal.base(request)}/static"
            ):
                response.headers[name] = "public, max-age=3600"
                continue
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        return portal.error_page(request, exc.status_code, exc.error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return portal.error_page(request, 422, "invalid_request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return portal.error_page(
            request, exc.status_code, "not_found" if exc.status_code == 404 else "generic"
        )

    @app.get("/")
    def home(request: Request) -> Response:
        session = portal.session(request)
        if session is None:
            choices = []
            if services.settings.dev_login:
                choices = _dev_choices(services)
            return portal.page(
                request,
                "home.html",
                login_configured=services.login.configured,
                dev_choices=choices,
            )
        lang = portal.language(request)
        person = services.source.person(session.subject_id)
        view = dashboard(person, services.clock().date(), lang)
        return portal.page(request, "dashboard.html", session=session, view=view)

    @app.get("/login")
    def login(request: Request) -> Response:
        redirect = services.login.begin(purpose=PORTAL, resume="/")
        response = RedirectResponse(redirect.url, status_code=303)
        portal.cookies.set(
            response, portal.cookies.login, redirect.binding,
            max_age=services.settings.login.attempt_lifetime_seconds,
        )  # fmt: skip
        return response

    @app.get("/authorize")
    def authorize(request: Request) -> Response:
        """The authorization endpoint of wallet-initiated issuance (RFC 9126 §4): the pushed
        request, then the citizen's login; errors are shown here, never sent to the wallet."""
        if not services.oid4vci.authorization_code_enabled:
            raise NotFound("this issuer takes no authorization requests")
        reference = services.oid4vci.authorizations.open(
            request.query_params.get("client_id"), request.query_params.get("request_uri")
        )
        redirect = services.login.begin(purpose=AUTHORIZE, resume=reference)
        response = RedirectResponse(redirect.url, status_code=303)
        portal.cookies.set(
            response, portal.cookies.login, redirect.binding,
            max_age=services.settings.login.attempt_lifetime_seconds,
        )  # fmt: skip
        return response

    @app.get("/login/callback")
    def login_callback(request: Request) -> Response:
        identity = services.login.complete(
            dict(request.query_params), request.cookies.get(portal.cookies.login)
        )
        if identity.purpose == AUTHORIZE:  # back to the wallet with a code (or access_denied)
            back = services.oid4vci.authorizations.respond(identity.resume, identity.subject_id)
            response: Response = RedirectResponse(back, status_code=303)
        else:
            response = _logged_in(portal, request, identity.subject_id)
        portal.cookies.clear(response, portal.cookies.login)
        return response

    if services.settings.dev_login:

        @app.post("/login/dev")
        async def dev_login(request: Request) -> Response:
            portal.same_origin(request)
            form = await portal.form(request)
            identity = services.login.dev_identity(
                form.get("subject_id", ""), purpose=PORTAL, resume="/"
            )
            return _logged_in(portal, request, identity.subject_id)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        session, _ = await portal.checked_form(request)
        portal.sessions.end(session.secret)
        response = RedirectResponse(f"{portal.base(request)}/", status_code=303)
        portal.cookies.clear(response, portal.cookies.session)
        return response

    @app.post("/wallet")
    async def wallet(request: Request) -> Response:
        session, form = await portal.checked_form(request)
        lang = portal.language(request)
        view = dashboard(services.source.person(session.subject_id), services.clock().date(), lang)
        chosen = next((c for c in view.wallet if c.key == form.get("configuration_id")), None)
        if chosen is None or not chosen.available:
            raise InvalidRequest("this credential cannot be added to a wallet now")
        offer = await run_in_threadpool(
            partial(
                services.oid4vci.create_offer,
                subject_id=session.subject_id,
                configuration_ids=[chosen.key],
                tx_code=True,
                actor=CITIZEN_ACTOR,
            )
        )
        title = text("offer.qr_title", lang, credential=chosen.label)
        return portal.page(
            request,
            "offer.html",
            session=session,
            credential=chosen.label,
            qr=qr_svg(offer.by_reference, title=title),
            link=offer.by_reference,
            tx_code=offer.tx_code,
            expires=offer.expires_at.astimezone().strftime("%H:%M"),
        )

    @app.post("/documents/{name}")
    async def document(name: str, request: Request) -> Response:
        session, _ = await portal.checked_form(request)
        if name not in DOCUMENTS:
            raise NotFound("no such document")
        lang = portal.language(request)
        person = services.source.person(session.subject_id)
        now = services.clock().astimezone()
        # PDF rendering and PAdES signing are blocking (pyHanko runs its own event loop)
        issued_document = await run_in_threadpool(portal.paper.issue, name, person, lang, now=now)
        filename = f"{name}-{now:%Y%m%d}.pdf"
        return Response(
            issued_document.rendered.pdf_bytes,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @app.get("/issued")
    def issued_page(request: Request) -> Response:
        session = portal.session(request)
        if session is None:
            return RedirectResponse(f"{portal.base(request)}/", status_code=303)
        rows = issued(services.lifecycle.of_subject(session.subject_id), portal.language(request))
        return portal.page(
            request, "issued.html", session=session, issued=rows,
            reasons=[r.value for r in SELF_REVOCATION_REASONS],
            revoked=request.query_params.get("revoked") == "1",
        )  # fmt: skip

    @app.post("/issued/{reference}/revoke")
    async def revoke(reference: str, request: Request) -> Response:
        session, form = await portal.checked_form(request)
        own = {i.reference for i in services.lifecycle.of_subject(session.subject_id)}
        if reference not in own:  # another citizen's, or nobody's: the same answer
            raise NotFound("no such issuance among yours")
        try:
            reason = ReasonCode(form.get("reason", ""))
        except ValueError:
            reason = ReasonCode.HOLDER_REQUEST
        if reason not in SELF_REVOCATION_REASONS:
            raise InvalidRequest("choose why you revoke it")
        await run_in_threadpool(
            partial(
                services.lifecycle.change_issuance,
                reference,
                Change.REVOKE,
                actor=CITIZEN_ACTOR,
                reason=reason,
            )
        )
        return RedirectResponse(f"{portal.base(request)}/issued?revoked=1", status_code=303)

    return app


def _logged_in(portal: Portal, request: Request, subject_id: str) -> Response:
    """A new session (the browser's previous one ended first) and the dashboard."""
    session = portal.sessions.open(
        subject_id, replacing=request.cookies.get(portal.cookies.session)
    )
    response = RedirectResponse(f"{portal.base(request)}/", status_code=303)
    portal.cookies.set(
        response, portal.cookies.session, session.secret,
        max_age=portal.services.settings.login.session_lifetime_seconds,
    )  # fmt: skip
    return response


def _dev_choices(services: IssuerServices) -> list[tuple[str, str]]:
    """DEV ONLY: a few citizens of the source to log in as."""
    from issuer.sources import DevAuthenticSource, SyntheticSource

    source = services.source
    if isinstance(source, DevAuthenticSource):
        people = list(source.people())
    elif isinstance(source, SyntheticSource):
        people = [
            p for _, p in zip(range(200), source.people(), strict=False) if p["social_statuses"]
        ][:8]
    else:
        return []
    return [(p["person_id"], f"{p['given_name']} {p['family_name']}") for p in people]


__all__ = ["CITIZEN_ACTOR", "create_portal_app"]
