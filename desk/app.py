"""The desk's HTTP side: one page, one verification endpoint, its static files (docs/desk.md).

- ``GET /`` — the page (``?lang=fr|nl|de|en``, else ``Accept-Language``);
- ``POST /verify`` — one presentation: ``text/plain`` (a QR text or an SD-JWT, from the camera or
  pasted), a file (``image/*``, ``application/pdf``, ``application/octet-stream``), or the page's
  form without JavaScript (``application/x-www-form-urlencoded``, field ``text``). With the
  header ``X-Desk-Fragment: 1`` the answer is the verdict alone (the page puts it in its live
  region), else the whole page;
- ``GET /healthz`` — ``{"status", "policy", "trust", "client_id"}``;
- ``/static/…`` — the page's script and style sheet, and zxing-wasm with its ``.wasm``;
- the wallet's requests and responses over OpenID4VP: :mod:`desk.wallet_routes`.

Privacy: a presentation lives in memory for one request (the body is read into memory, never
spooled to a file), nothing is logged about it, and every answer but the static files carries
``Cache-Control: no-store``. The Content-Security-Policy allows scripts from the desk only (and
WebAssembly compilation, for the QR reader): no inline script, nothing from elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from desk.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    format_age,
    format_instant,
    format_value,
    negotiate,
    reason_key,
    text,
)
from desk.identity import VerifierIdentity, load_identity
from desk.settings import DeskSettings
from desk.sources import Channel, Presentation, channel_of
from desk.trust import DeskTrust
from desk.verdicts import Verdict, judge, refused, verdict_of
from desk.wallet import Judge, WalletRequests
from desk.wallet_routes import wallet_router
from servicekit.http import install_error_handling
from verifier import codes
from verifier.policies import Policy, load_policy

log = logging.getLogger("desk")
Clock = Callable[[], datetime]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",  # zxing-wasm compiles its WebAssembly
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
STATIC_CACHE = "public, max-age=3600"
FRAGMENT_HEADER = "X-Desk-Fragment"
CHANNEL_HEADER = "X-Desk-Channel"
_TEXT_TYPES = ("text/plain", "application/x-www-form-urlencoded")


def system_clock() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: DeskSettings,
    trust: DeskTrust,
    *,
    clock: Clock = system_clock,
    identity: VerifierIdentity | None = None,
) -> FastAPI:
    """The desk for ``settings.policy`` on ``trust``; ``clock`` is read once per request.
    ``identity`` signs the wallet requests (default: from the settings, docs/desk.md §Identity)."""
    policy = load_policy(settings.policy)
    identity = identity or load_identity(
        key=settings.request_key, certificates=settings.request_certificates,
        dev_dir=settings.identity_dir, dns_name=urlsplit(settings.base_url).hostname or "localhost",
        now=clock(),
    )  # fmt: skip
    wallets = WalletRequests(
        policy=policy, identity=identity, base_url=settings.base_url,
        response_mode=settings.wallet_response_mode,
        lifetime=timedelta(seconds=settings.wallet_request_seconds),
        max_open=settings.max_wallet_requests,
    )  # fmt: skip
    pages = Environment(
        loader=PackageLoader("desk", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates are package data: read once, not stat'ed per request
    )
    templates = {
        name: pages.get_template(name) for name in ("page.html", "verdict.html", "wallet.html")
    }

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = None
        if trust.registry_url is not None:
            task = asyncio.create_task(_refresh_forever(trust, clock, settings.refresh_seconds))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(title="civicred desk", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip

    def render(name: str, lang: str, **context: Any) -> str:
        page = name == "page.html"  # the verdict alone needs no trust panel
        return templates[name].render(
            lang=lang,
            languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            policy=policy,
            wallet=wallets.enabled,
            trust=_trust_view(trust, policy, clock(), lang) if page else None,
            t=lambda key, **values: text(key, lang, **values),
            value=lambda v: format_value(v, lang),
            instant=lambda moment: format_instant(moment, lang),
            reason=lambda code: text(reason_key(code), lang),
            **context,
        )

    @app.get("/", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        lang = _language(request, settings)
        return HTMLResponse(render("page.html", lang, verdict=None))

    @app.post("/verify", response_class=HTMLResponse)
    async def verify(request: Request) -> HTMLResponse:
        body = await _read_capped(request, settings.max_upload_bytes)
        form = _form(request, body)
        lang = negotiate(
            (form or {}).get("lang") or request.query_params.get("lang"),
            request.headers.get("accept-language"),
            settings.default_language,
        )
        status, took = 200, None
        if body is None:
            verdict, status = verdict_of(refused(codes.INPUT_SIZE, "too large"), policy), 413
        else:
            presentation = _presentation(request, body, form)
            run = partial(judge, presentation, policy=policy, trust=trust, now=clock(),
                          audience=settings.audience)  # fmt: skip
            # Text (a QR text, an SD-JWT: a few ms, bounded by the library's limits) is verified
            # on the event loop: a hop to a worker thread would cost as much as the check.
            # Images and PDFs (decoding, rendering: tens of ms) go to the thread pool.
            started = time.perf_counter()
            verdict = run() if _is_text(request) else await run_in_threadpool(run)
            took = time.perf_counter() - started
            del presentation, body, form, run  # nothing of it outlives the request
        fragment = request.headers.get(FRAGMENT_HEADER) == "1"
        html = render("verdict.html" if fragment else "page.html", lang, verdict=verdict)
        # W3C Server Timing: how long the verification itself took (bench/desk.py reads it)
        timing = {} if took is None else {"Server-Timing": f"verify;dur={took * 1000:.2f}"}
        return HTMLResponse(html, status_code=status, headers=timing)

    @app.get("/healthz")
    async def health() -> JSONResponse:
        view = _trust_view(trust, policy, clock(), settings.default_language)
        return JSONResponse({"status": "ok", "policy": policy.name, "trust": view["state"],
                             "client_id": identity.client_id})  # fmt: skip

    def wallet_judge() -> Judge:
        at = clock()

        def run(presentation: Presentation, audience: str) -> Verdict:
            return judge(presentation, policy=policy, trust=trust, now=at, audience=audience)

        return run

    app.include_router(
        wallet_router(
            wallets, judge=wallet_judge, render=render,
            language=lambda request: _language(request, settings), now=clock,
            read_body=_read_capped, media_type=_media_type,
        )
    )  # fmt: skip

    static = resources.files("desk").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    app.add_middleware(_Headers)
    install_error_handling(app)
    return app


class _Headers:
    """Security headers on every answer; ``no-store`` on all but the static files (a pure ASGI
    middleware: it adds headers to the response start and touches no body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                cached = static and message["status"] == 200
                headers["Cache-Control"] = STATIC_CACHE if cached else "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


async def _refresh_forever(trust: DeskTrust, clock: Clock, every: float) -> None:
    """Fetch a fresh bundle now and every ``every`` seconds; a failure waits for the next turn
    (the desk keeps its bundle: docs/desk.md §Offline)."""
    while True:
        try:
            await asyncio.to_thread(trust.refresh, clock())
        except Exception:  # a defect in one refresh must not stop the next ones
            log.exception("bundle refresh crashed")
        await asyncio.sleep(every)


def _language(request: Request, settings: DeskSettings) -> str:
    return negotiate(
        request.query_params.get("lang"),
        request.headers.get("accept-language"),
        settings.default_language,
    )


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The body in memory, or ``None`` beyond ``limit`` bytes (whatever Content-Length says)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _form(request: Request, body: bytes | None) -> dict[str, str] | None:
    """The no-JavaScript form (``text``, ``lang``), parsed from the body already read."""
    if body is None or _media_type(request) != "application/x-www-form-urlencoded":
        return None
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=4)
    return {name: values[0] for name, values in fields.items() if values}


def _is_text(request: Request) -> bool:
    return _media_type(request) in _TEXT_TYPES


def _presentation(request: Request, body: bytes, form: dict[str, str] | None) -> Presentation:
    is_text = _is_text(request)
    channel = channel_of(
        request.headers.get(CHANNEL_HEADER), default=Channel.PASTE if is_text else Channel.PHOTO
    )
    if form is not None:
        return Presentation(form.get("text", "").strip().encode("utf-8"), channel)
    return Presentation(body.strip() if is_text else body, channel)


def _trust_view(trust: DeskTrust, policy: Policy, now: datetime, lang: str) -> dict[str, Any]:
    """How fresh the trust data is under the policy, for the page and /healthz."""
    bundle = trust.bundle
    issued = min(bundle.issued_at, bundle.snapshot.issued_at)
    next_update = min(bundle.next_update, bundle.snapshot.next_update)
    state = policy.trust.freshness.classify(issued, now=now, next_update=next_update)
    last = trust.last_refresh
    if trust.registry_url is None:
        refresh = text("trust.refresh.none", lang)
    elif last is None:
        refresh = ""
    else:
        key = "trust.refresh.ok" if last.ok else "trust.refresh.failed"
        refresh = text(key, lang, when=format_instant(last.at, lang))
    when, age = format_instant(issued, lang), format_age((now - issued).total_seconds())
    return {
        "state": state.value,
        "issued": text("trust.issued", lang, when=when, age=age),
        "summary": text(f"trust.{state.value}", lang),
        "refresh": refresh,
        "registry": bundle.iss,
    }
