"""Issuer-side status: Token Status List allocation, revocation and publication."""

from issuer.status._jti_lists import JtiAssignment, JtiRevocationService
from issuer.status._service import (
    Change,
    PublishedList,
    StatusAllocation,
    StatusService,
    allowed,
)

__all__ = [
    "Change",
    "JtiAssignment",
    "JtiRevocationService",
    "PublishedList",
    "StatusAllocation",
    "StatusService",
    "allowed",
]
