"""A wallet for the tests, in Python, over real HTTP: it reads the desk's link, fetches and
verifies the signed request object (verifier.oid4vp's holder half), picks the credential the DCQL
query asks for, discloses what it names (or what a test says), signs the KB-JWT with the holder
key, and posts the response (encrypted when asked). Every step can be bent for an attack."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from cryptography import x509

from verifier.oid4vp import (
    ReceivedRequest,
    WalletLink,
    read_link,
    response_form,
    verify_request_object,
)
from verifier.sdjwt import HeldCredential, format_pointer
from verifier.signing import LocalSigner, load_signer

from ._support import SAMPLES

_LINK = re.compile(r'href="(openid4vp://[^"]+)"')
_ID = re.compile(r'data-transaction="([^"]+)"')


def sample_holder() -> LocalSigner:
    return load_signer(SAMPLES / "holder-key.DEV-ONLY.jwk")


def link_in(page: str) -> str:
    match = _LINK.search(page)
    assert match, page[:400]
    return html.unescape(match.group(1))


def transaction_in(page: str) -> str:
    match = _ID.search(page)
    assert match, page[:400]
    return match.group(1)


@dataclass
class TestWallet:
    __test__ = False  # not a test class

    http: httpx.Client
    trusted: Sequence[x509.Certificate]
    clock: Callable[[], datetime]
    credentials: list[str]
    holder: LocalSigner = field(default_factory=sample_holder)

    def scan(self, link: str) -> ReceivedRequest:
        parsed = read_link(link)
        assert isinstance(parsed, WalletLink), parsed
        fetched = self.http.get(parsed.request_uri)
        assert fetched.status_code == 200, fetched.text
        assert fetched.headers["content-type"] == "application/oauth-authz-req+jwt"
        request = verify_request_object(fetched.text, link=parsed, trusted=self.trusted,
                                        now=self.clock())  # fmt: skip
        assert isinstance(request, ReceivedRequest), request
        return request

    def choose(self, request: ReceivedRequest) -> tuple[dict[str, Any], HeldCredential]:
        """The first credential query one of our credentials answers (by vct)."""
        for query in request.dcql_query["credentials"]:
            for credential in self.credentials:
                held = HeldCredential.parse(credential)
                if held.claims.get("vct") in query["meta"]["vct_values"]:
                    return query, held
        raise AssertionError("no credential answers the query")

    def present(
        self,
        request: ReceivedRequest,
        *,
        disclose: Sequence[str] | None = None,
        nonce: str | None = None,
        aud: str | None = None,
        key_binding: bool = True,
    ) -> dict[str, list[str]]:
        """The vp_token (§8.1): the chosen credential with the claims the query names."""
        query, held = self.choose(request)
        pointers = disclose if disclose is not None else [
            format_pointer(tuple(c["path"])) for c in query.get("claims", [])]  # fmt: skip
        presentation = held.present(
            held.select(pointers), holder=self.holder if key_binding else None,
            nonce=nonce or request.nonce, aud=aud or request.client_id,
            iat=int(self.clock().timestamp()),
        )  # fmt: skip
        return {query["id"]: [presentation]}

    def post(self, request: ReceivedRequest, form: dict[str, str]) -> httpx.Response:
        return self.http.post(request.response_uri, data=form)

    def answer(self, request: ReceivedRequest, vp_token: dict[str, list[str]]) -> httpx.Response:
        return self.post(request, response_form(request, vp_token))

    def respond_to(self, link: str, **present: Any) -> httpx.Response:
        request = self.scan(link)
        return self.answer(request, self.present(request, **present))
