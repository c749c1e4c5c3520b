"""When the status data a credential refers to was issued, as carried by the offline bundle.

The list itself is verified by :class:`verifier.OfflineVerifier` (signature, signer, ``exp`` and
``ttl``). Here its issue time is only *read*, to rate its age under a purpose's status limits: a
forged time cannot help an attacker, because the rating can only make a verdict stricter and a
list that does not verify answers nothing anyway.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from verifier import VerificationError
from verifier.cose import CoseSign1, CwtClaims
from verifier.jose import CompactJws
from verifier.status import STATUS_LIST_CWT_MEDIA_TYPE
from verifier.trust import Bundle


def referenced_list(claims: Mapping[str, Any] | None) -> str | None:
    """The status or revocation list a credential names: an SD-JWT VC's
    ``status.status_list.uri``, a QR document's ``st.uri`` or ``rid``."""
    if claims is None:
        return None
    status = claims.get("status")
    reference = status.get("status_list") if isinstance(status, Mapping) else claims.get("st")
    uri = reference.get("uri") if isinstance(reference, Mapping) else claims.get("rid")
    return uri if isinstance(uri, str) else None


def list_issued_at(bundle: Bundle, uri: str) -> datetime | None:
    """The issue time of the list at ``uri`` in ``bundle``; ``None`` if it is absent or
    unreadable (the verification has then already said so)."""
    issued: object
    try:
        carried = bundle.status_tokens.get(uri)
        if carried is not None:
            if carried.media_type == STATUS_LIST_CWT_MEDIA_TYPE:
                message = CoseSign1.decode(base64.b64decode(carried.token, validate=True))
                issued = CwtClaims.decode(message.payload).iat
            else:
                jws = CompactJws.parse(carried.token, what="status list")
                issued = jws.payload_object().get("iat")
        elif uri in bundle.revocation_lists:
            jws = CompactJws.parse(bundle.revocation_lists[uri], what="revocation list")
            issued = jws.payload_object().get("issued_at")
        else:
            return None
    except (VerificationError, binascii.Error, ValueError):
        return None
    if type(issued) not in (int, float):
        return None
    try:
        return datetime.fromtimestamp(issued, UTC)  # type: ignore[arg-type]
    except (OverflowError, OSError, ValueError):
        return None
