"""Hostile text from an authentic source (a name with markup) is shown as text, never run: the
portal's templates escape everything and its CSP allows no script at all."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from issuer.api import create_app
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from issuer.sources import DevAuthenticSource
from servicekit.local import asgi_client
from verifier.signing import LocalSigner, generate_private_key

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class HostileSource(DevAuthenticSource):
    def person(self, person_id: str) -> dict[str, Any]:
        record = copy.deepcopy(super().person(person_id))
        record["family_name"] = HOSTILE
        return record


def test_markup_in_a_name_is_escaped_and_no_script_may_run(tmp_path: Path) -> None:
    url = "http://127.0.0.1:8998"
    settings = IssuerSettings(
        public_base_url=url, dev_mode=True, dev_login=True,
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
    )  # fmt: skip
    signer = LocalSigner(generate_private_key("ES256"))
    services = IssuerServices.build(
        settings, document_signer=signer, status_signer=signer, source=HostileSource()
    )
    client = asgi_client(create_app(services), url)
    page = client.post(
        "/portal/login/dev",
        content="subject_id=p-0001",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert HOSTILE not in page.text and "<script>" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
