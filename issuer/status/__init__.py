"""Issuer-side status: Token Status List allocation, revocation and publication."""

from issuer.status._jti_lists import JtiAssignment, JtiRevocationService
from issuer.status._service import PublishedList, StatusAllocation, StatusService

__all__ = [
    "JtiAssignment",
    "JtiRevocationService",
    "PublishedList",
    "StatusAllocation",
    "StatusService",
]
