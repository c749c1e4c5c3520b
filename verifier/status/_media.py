"""Media types and header values of Token Status List (draft-ietf-oauth-status-list-20)."""

from __future__ import annotations

from typing import Final

#: JWT ``typ`` header of a Status List Token (§5.1); "application/" omitted per RFC 7515 §4.1.9.
STATUS_LIST_JWT_TYP: Final = "statuslist+jwt"
#: HTTP Content-Type / Accept of a Status List Token in JWT form (§8.1, §14.7).
STATUS_LIST_JWT_MEDIA_TYPE: Final = "application/statuslist+jwt"
#: HTTP Content-Type / Accept and COSE ``typ`` (label 16) of the CWT form (§5.2, §8.1, §14.7).
STATUS_LIST_CWT_MEDIA_TYPE: Final = "application/statuslist+cwt"
