"""Credential configurations (OpenID4VCI 1.0 §12.2.4): one per catalog type, ``<type>-<version>``
(``social-status-1``, ``ehic-1``, ``ehic-prc-1``), all SD-JWT VC (``dc+sd-jwt``, Appendix A.3)."""

from __future__ import annotations

from functools import cache

from issuer.catalog import CredentialType, credential_types

FORMAT = "dc+sd-jwt"


def configuration_id(ctype: CredentialType) -> str:
    return f"{ctype.id}-{ctype.version}"


@cache
def configurations() -> dict[str, CredentialType]:
    """Every credential configuration the issuer offers, by id (sorted)."""
    return {configuration_id(t): t for t in credential_types().values()}
