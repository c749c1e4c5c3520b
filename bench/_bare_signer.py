"""The ceiling for ``bench/issuance_http.py``: a bare FastAPI endpoint that signs one JWT per
request (ES256, the crypto policy's default, with the same ``LocalSigner`` the issuer uses) and
does nothing else: no database, no checks, no middleware. Served by uvicorn like the issuer:
``uvicorn --app-dir bench _bare_signer:create_app --factory``."""

from __future__ import annotations

import secrets
import time

from fastapi import FastAPI, Response

from verifier.jose import sign_compact_json
from verifier.signing import LocalSigner, generate_private_key


def create_app() -> FastAPI:
    signer = LocalSigner(generate_private_key())
    app = FastAPI()

    @app.post("/sign")
    def sign() -> Response:
        claims = {"iss": "https://issuer.bench.test", "iat": int(time.time()),
                  "jti": secrets.token_urlsafe(16)}  # fmt: skip
        jwt = sign_compact_json({"typ": "JWT"}, claims, signer)
        return Response(f'{{"jwt":"{jwt}"}}', media_type="application/json")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
