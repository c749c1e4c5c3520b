"""Issuer-side status: Token Status List allocation, revocation and publication."""

from issuer.status._service import PublishedList, StatusAllocation, StatusError, StatusService

__all__ = ["PublishedList", "StatusAllocation", "StatusError", "StatusService"]
