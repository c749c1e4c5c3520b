"""Audit targets: ``<kind>:<handle>``, where the handle is pseudonymous by construction.

A handle is written as presented only when it has the shape the issuer gives such handles
(random, meaningless); anything else — a mistyped handle, or a national number pasted into a
URL — is written ``<kind>:-`` and never reaches the log.
"""

from __future__ import annotations

import re
from enum import StrEnum

#: ``iss_`` + 128 random bits in lowercase base32 without padding.
ISSUANCE_REFERENCE = re.compile(r"iss_[a-z2-7]{26}")
#: :meth:`issuer.status.StatusService.allocate`: 128 random bits in hex.
CREDENTIAL_ID = re.compile(r"[0-9a-f]{32}")
#: :meth:`issuer.status.JtiRevocationService.assign`: a random (version 4) UUID URN.
DOCUMENT_JTI = re.compile(
    r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
UNRECOGNISED = "-"


class TargetKind(StrEnum):
    ISSUANCE = "issuance"
    CREDENTIAL = "credential"
    DOCUMENT = "document"
    #: Groups are named by whoever allocated (``allocate(group_id=…)``): no shape to check, so a
    #: group is written only once it is known to exist.
    GROUP = "group"


_SHAPES = {
    TargetKind.ISSUANCE: ISSUANCE_REFERENCE,
    TargetKind.CREDENTIAL: CREDENTIAL_ID,
    TargetKind.DOCUMENT: DOCUMENT_JTI,
}


def target(kind: TargetKind, handle: str, *, exists: bool = False) -> str:
    """The audit target for ``handle`` (see the module docstring); ``exists``: the handle was
    found in the database (what lets a group's name be written)."""
    shape = _SHAPES.get(kind)
    recognised = shape.fullmatch(handle) is not None if shape is not None else exists
    return f"{kind}:{handle if recognised else UNRECOGNISED}"
