"""The desk: from a posted QR text, photo or wallet response to the verdict, over HTTP, vs the
library call alone.

Run: ``.venv/bin/python bench/desk.py [--requests N]``. The desk runs as a real ``uvicorn``
server process (``python -m desk serve``, the venue policy, the committed sample bundle and root,
``--now`` at the samples' time) on 127.0.0.1; this process posts each input N times over one
keep-alive connection (``http.client``: the lightest client, so the figure is the desk's, not a
client library's) and times request → verdict HTML (wall clock, median), and the round trip of
``GET /healthz`` alone (the floor any HTTP answer pays on this machine). In the
same run it times the library call the desk makes for each request
(:func:`desk.verdicts.verify`: the offline verifier at that moment, then the policy) on the same
inputs. Goal: the desk ≤ 1.5× the library call. Requests stay on loopback, are bounded in number,
and the server is stopped at the end.

The OpenID4VP row: a wallet's ``direct_post.jwt`` response (an SD-JWT+KB in a JWE) posted to
``/oid4vp/response``, each to its own request (a nonce is used once): the requests are made and
answered by the holder half of :mod:`verifier.oid4vp` beforehand, and only the response POST is
timed (its verdict is judged within it; the page collects it afterwards). Its library call is
what the desk does with a response besides HTTP and its transaction store: open the form,
decrypt, check the vp_token against the query, verify the presentation under the policy with the
request's nonce and the client id.
"""

from __future__ import annotations

import argparse
import html
import http.client
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desk.identity import load_identity  # noqa: E402
from desk.sources import Channel, Presentation  # noqa: E402
from desk.trust import DeskTrust  # noqa: E402
from desk.verdicts import verify  # noqa: E402
from servicekit.local import free_port, server_process  # noqa: E402
from verifier.cli.pins import PinStore  # noqa: E402
from verifier.jose import CompactJws, jwk_from_public_key  # noqa: E402
from verifier.oid4vp import (  # noqa: E402
    DIRECT_POST_JWT,
    FORM_MEDIA_TYPE,
    AuthorizationRequest,
    AuthorizationResponse,
    ReceivedRequest,
    ResponseForm,
    dcql_query,
    open_response,
    parse_form,
    presentations_of,
    read_link,
    response_form,
)
from verifier.policies import load_policy  # noqa: E402
from verifier.sdjwt import HeldCredential, format_pointer  # noqa: E402
from verifier.signing import load_signer  # noqa: E402

SAMPLES = ROOT / "sample_credentials"
ROOT_PEM = SAMPLES / "registry-root.pem"
POLICY = "venue-reduced-tariff"
AUDIENCE = "x509_san_dns:museum.example"


def _printed_photo() -> bytes:
    """The venue PDF's first page rendered at 144 dpi: what a phone photo of the print shows."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(SAMPLES / "social-status-venue.pdf"))
    try:
        image = document[0].render(scale=2.0).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def _inputs() -> list[tuple[str, bytes, str, Channel]]:
    return [
        ("QR text (camera)", (SAMPLES / "social-status-venue.qr.txt").read_bytes().strip(),
         "text/plain", Channel.CAMERA),
        ("SD-JWT+KB (pasted)", (SAMPLES / "social-status.presentation.sd-jwt").read_bytes().strip(),
         "text/plain", Channel.PASTE),
        ("QR image, PNG", (SAMPLES / "social-status-venue.qr.png").read_bytes(), "image/png",
         Channel.PHOTO),
        ("photo of the printed PDF", _printed_photo(), "image/png", Channel.PHOTO),
    ]  # fmt: skip


WALLET = "OpenID4VP response (JWE)"


def _wallet_answer(request: ReceivedRequest, when: datetime) -> bytes:
    """The holder's direct_post.jwt form for ``request``: the sample social-status credential,
    the claims the query names, a KB-JWT over the request's nonce and client id."""
    held = HeldCredential.parse((SAMPLES / "social-status.sd-jwt").read_text().strip())
    query = request.dcql_query["credentials"][0]
    pointers = [format_pointer(tuple(c["path"])) for c in query["claims"]]
    presentation = held.present(
        held.select(pointers), holder=load_signer(SAMPLES / "holder-key.DEV-ONLY.jwk"),
        nonce=request.nonce, aud=request.client_id, iat=int(when.timestamp()),
    )  # fmt: skip
    return urlencode(response_form(request, {query["id"]: [presentation]})).encode()


def _library_wallet(work: Path, trust: DeskTrust, now: datetime, n: int) -> Callable[[], None]:
    """The library part of a wallet response, in this process, each call on a fresh request
    (made with :mod:`verifier.oid4vp` as the desk makes it: its own nonce, state and key)."""
    policy = load_policy(POLICY)
    query = dcql_query(policy)
    assert query is not None
    identity = load_identity(key=None, certificates=None, dev_dir=work / "bench-identity",
                             dns_name="127.0.0.1", now=now)  # fmt: skip
    at = int(now.timestamp())
    prepared = []
    for i in range(n + 1):
        key = ec.generate_private_key(ec.SECP256R1())
        jwk = {**jwk_from_public_key(key.public_key()), "kid": f"k{i}", "alg": "ECDH-ES"}
        request = AuthorizationRequest(
            client_id=identity.client_id, response_uri="http://127.0.0.1/oid4vp/response",
            response_mode=DIRECT_POST_JWT, nonce=f"nonce-{i}", state=f"state-{i}", query=query,
            issued_at=at, expires_at=at + 180, encryption_jwk=jwk,
        )  # fmt: skip
        received = ReceivedRequest(request.claims())
        prepared.append((request, key, _wallet_answer(received, now)))
    answers = iter(prepared)

    def library() -> None:
        request, key, body = next(answers)
        form = parse_form(body, FORM_MEDIA_TYPE)
        assert isinstance(form, ResponseForm)
        opened = open_response(form, key)
        assert isinstance(opened, AuthorizationResponse) and opened.state == request.state
        presented = presentations_of(opened.vp_token, query)
        assert isinstance(presented, tuple)
        (only,) = presented
        presentation = Presentation(only.presentation.encode(), Channel.WALLET,
                                    nonce=request.nonce, types=frozenset({query.credentials[0].vct}))  # fmt: skip
        report = verify(presentation, policy=policy, trust=trust, now=now,
                        audience=identity.client_id)  # fmt: skip
        assert report.valid, report.failures

    return library


def _median_ms(run: Callable[[], object], n: int) -> float:
    return _paired_ms(run, run, n)[0]


def _paired_ms(
    first: Callable[[], object], second: Callable[[], object], n: int
) -> tuple[float, float]:
    """Median ms of each, timed in alternation (first, second, first…): on a shared machine
    both see the same load, so their ratio holds when the absolute figures do not."""
    first(), second()  # warm-up
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(n):
        for run, sink in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            run()
            sink.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def _http_wallet(
    request: Callable[[str, str, bytes | None, dict[str, str]], str], now: datetime, n: int
) -> Callable[[], None]:
    """``POST /oid4vp/response`` over HTTP, each call answering its own fresh request."""
    prepared = []
    for _ in range(n + 1):
        card = request("POST", "/wallet", None, {})
        link = html.unescape(card.split('class="wallet-link" href="', 1)[1].split('"', 1)[0])
        parsed = read_link(link)
        request_object = request("GET", urlsplit(parsed.request_uri).path, None, {})  # type: ignore[union-attr]
        received = ReceivedRequest(CompactJws.parse(request_object).payload_object())
        prepared.append(_wallet_answer(received, now))
    answers = iter(prepared)
    headers = {"Content-Type": FORM_MEDIA_TYPE}

    def post() -> None:
        assert request("POST", "/oid4vp/response", next(answers), headers) == "{}"

    return post


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per input (≤ 1000)")
    args = parser.parse_args()
    n = max(5, min(args.requests, 1000))
    now_text = __import__("json").loads((SAMPLES / "manifest.json").read_text())["generated_at"]
    now = datetime.fromisoformat(now_text)
    policy = load_policy(POLICY)
    inputs = _inputs()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        bundle = work / "bundle.jwt"
        bundle.write_bytes((SAMPLES / "bundle.jwt").read_bytes())
        trust = DeskTrust.load(bundle, now=now, root=ROOT_PEM, store=PinStore(work / "config"))
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CIVICRED_CONFIG_DIR": str(work / "config"),
               "CIVICRED_DESK_MAX_WALLET_REQUESTS": str(n + 2)}  # fmt: skip
        command = [sys.executable, "-m", "desk", "serve", "--bundle", str(bundle), "--root",
                   str(ROOT_PEM), "--port", str(port), "--now", now_text, "--policy", POLICY,
                   "--audience", AUDIENCE, "--identity-dir", str(work / "identity")]  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        with server_process(command, url=url, env=env, log=work / "desk.log"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

            inside: list[float] = []  # the desk's own Server-Timing: verify;dur=…

            def request(method: str, path: str, data: bytes | None, headers: dict[str, str]) -> str:
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                timing = response.getheader("Server-Timing", "")
                if timing.startswith("verify;dur="):
                    inside.append(float(timing.removeprefix("verify;dur=")))
                return response.read().decode("utf-8", errors="replace")

            floor = _median_ms(lambda: request("GET", "/healthz", None, {}), n)
            library: dict[str, float] = {}
            over_http: dict[str, float] = {}
            in_server: dict[str, float] = {}
            for name, data, media, channel in inputs:
                headers = {"Content-Type": media, "X-Desk-Fragment": "1",
                           "X-Desk-Channel": channel.value}  # fmt: skip

                def call(data: bytes = data, channel: Channel = channel) -> None:
                    verify(Presentation(data, channel), policy=policy, trust=trust, now=now,
                           audience=AUDIENCE)  # fmt: skip

                def post(data: bytes = data, headers: dict[str, str] = headers) -> None:
                    html = request("POST", "/verify", data, headers)
                    assert 'data-outcome="valid"' in html, html[:300]

                inside.clear()
                library[name], over_http[name] = _paired_ms(call, post, n)
                in_server[name] = statistics.median(inside)
            library[WALLET], over_http[WALLET] = _paired_ms(
                _library_wallet(work, trust, now, n), _http_wallet(request, now, n), n
            )
            connection.close()
    names = [name for name, *_ in inputs] + [WALLET]
    width = max(len(name) for name in names)
    print(f"desk over HTTP (uvicorn, loopback) vs the library call, median of {n} requests")
    print(f"HTTP round trip alone (GET /healthz): {floor:.2f} ms")
    print(
        f"{'input':{width}}  {'library ms':>10}  {'desk ms':>8}  {'ratio':>6}  {'verify in desk ms':>17}"
    )  # the wallet row has no Server-Timing: its verdict goes to the page, not to the wallet
    for name in names:
        ratio = over_http[name] / library[name]
        mark = "ok" if ratio <= 1.5 else "over 1.5×"
        inside_ms = f"{in_server[name]:17.2f}" if name in in_server else f"{'-':>17}"
        print(f"{name:{width}}  {library[name]:10.2f}  {over_http[name]:8.2f}  {ratio:5.2f}×  "
              f"{inside_ms}  {mark}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
