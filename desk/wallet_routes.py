"""The desk's OpenID4VP endpoints (docs/desk.md §OpenID4VP): thin routes over
:class:`desk.wallet.WalletRequests`, which decides everything.

- ``POST /wallet`` — the page asks for a request: ``201`` and the request's HTML (its QR code, its
  link, what it asks for), ``404`` when the purpose takes no wallet credential, ``503`` when too
  many requests are open;
- ``GET /wallet/{id}?wait=S`` — the page waits (long polling, at most 25 s) for the verdict:
  ``200`` the verdict's HTML (then the request is forgotten), ``204`` still waiting, ``404`` no
  such request, ``410`` expired;
- ``DELETE /wallet/{id}`` — the page withdraws the request (``204``);
- ``GET /oid4vp/request/{request id}`` — the wallet fetches the signed request object
  (``application/oauth-authz-req+jwt``, RFC 9101 §10.2), ``404`` unknown or expired;
- ``POST /oid4vp/response`` — the wallet's response (OpenID4VP 1.0 §8.2): ``200 {}`` once judged
  (the verdict goes to the page, not to the wallet), ``400 invalid_request`` with the ``oid4vp.*``
  code in brackets when it cannot be used, ``413`` beyond the size limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from desk.wallet import (
    REQUEST_PATH,
    RESPONSE_PATH,
    Busy,
    Finished,
    Judge,
    WalletRequests,
)
from servicekit import ServiceError
from verifier import codes
from verifier.oid4vp import MAX_RESPONSE_BYTES, REQUEST_OBJECT_MEDIA_TYPE, Refused

MAX_WAIT_SECONDS = 25.0
POLL_SECONDS = 0.05


class WalletRefused(ServiceError):
    """A wallet's response or request fetch that cannot be used (OpenID4VP 1.0 §8.2)."""

    status_code = 400
    error = "invalid_request"

    def __init__(self, refused: Refused) -> None:
        super().__init__(f"[{refused.code}] {refused.message}")
        self.code = refused.code


class WalletRequestUnknown(WalletRefused):
    status_code = 404
    error = "not_found"


class WalletRequestExpired(WalletRefused):
    status_code = 410
    error = "expired"


class WalletUnavailable(ServiceError):
    status_code = 404
    error = "not_found"


class WalletBusy(ServiceError):
    status_code = 503
    error = "temporarily_unavailable"  # RFC 6749 §4.1.2.1


def wallet_router(
    wallets: WalletRequests,
    *,
    judge: Callable[[], Judge],
    render: Callable[..., str],
    language: Callable[[Request], str],
    now: Callable[[], Any],
    read_body: Callable[[Request, int], Any],
    media_type: Callable[[Request], str],
) -> APIRouter:
    """The routes; ``judge()`` gives the verification at the current time, ``render`` a
    template in a language, the rest the desk's request helpers (desk.app)."""
    router = APIRouter()

    @router.post("/wallet", response_class=HTMLResponse, status_code=201)
    async def start(request: Request) -> HTMLResponse:
        if not wallets.enabled:
            raise WalletUnavailable("this purpose accepts no credential from a wallet")
        lang = language(request)
        started = wallets.start(now())
        if isinstance(started, Busy):
            raise WalletBusy(started.message)
        html = render("wallet.html", lang, started=started, qr=_qr_data_uri(started.link),
                      asked=_asked(wallets, lang))  # fmt: skip
        return HTMLResponse(html, status_code=201)

    @router.get("/wallet/{transaction_id}", response_class=HTMLResponse)
    async def outcome(request: Request, transaction_id: str, wait: float = 0.0) -> Response:
        lang = language(request)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, min(wait, MAX_WAIT_SECONDS))
        while True:
            result = wallets.outcome(transaction_id, now())
            if isinstance(result, Finished):
                return HTMLResponse(render("verdict.html", lang, verdict=result.verdict))
            if isinstance(result, Refused):
                expired = result.code == codes.OID4VP_EXPIRED
                raise (WalletRequestExpired if expired else WalletRequestUnknown)(result)
            if loop.time() >= deadline:
                return Response(status_code=204)
            await asyncio.sleep(POLL_SECONDS)

    @router.delete("/wallet/{transaction_id}", status_code=204)
    async def cancel(transaction_id: str) -> Response:
        wallets.cancel(transaction_id)
        return Response(status_code=204)

    @router.get(REQUEST_PATH + "{request_id}")
    async def request_object(request_id: str) -> Response:
        result = wallets.request_object(request_id, now())
        if isinstance(result, Refused):
            raise WalletRequestUnknown(result)
        return Response(result, media_type=REQUEST_OBJECT_MEDIA_TYPE)

    @router.post(RESPONSE_PATH)
    async def response(request: Request) -> JSONResponse:
        body = await read_body(request, MAX_RESPONSE_BYTES)
        if body is None:
            raise WalletRefused(Refused(codes.OID4VP_RESPONSE, "the response is too large"))
        # An SD-JWT is verified on the event loop (a few ms), as pasted text is (desk.app).
        result = wallets.respond(body, media_type(request), now(), judge())
        if isinstance(result, Refused):
            raise WalletRefused(result)
        return JSONResponse({})  # §8.2: no redirect_uri in a cross-device flow

    return router


def _qr_data_uri(link: str) -> str:
    """The link as an SVG QR code, inline (``img-src data:``: nothing is fetched for it)."""
    import segno

    return str(
        segno.make(link, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")
    )


def _asked(wallets: WalletRequests, lang: str) -> list[str]:
    """The labels of the claims the request names, in the desk's language."""
    labels: list[str] = []
    for accepted in wallets.policy.accepts:
        for claim in accepted.show:
            asked = any(claim.path[: len(p)] == p or p[: len(claim.path)] == claim.path
                        for p in accepted.request)  # fmt: skip
            if asked and claim.label(lang) not in labels:
                labels.append(claim.label(lang))
    return labels
