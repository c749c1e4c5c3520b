"""Is a paper document's ``jti`` revoked? EHIC PDF QR PoC v0.5 §5 step 6, as a check.

Three-valued on purpose: a list that is missing, stale (past ``next_update``, or older than the
24 h the spec allows a cached list) or cannot be verified makes the answer ``undetermined``,
never "revoked". Nothing here reads the clock or fetches a list.
"""

from __future__ import annotations

from verifier import codes
from verifier._errors import VerificationError
from verifier._report import Check, CheckResult, failed, passed
from verifier.revocation._list import RevocationList

MAX_LIST_AGE_SECONDS = 24 * 3600  # EHIC PDF QR PoC v0.5 §5 step 6: cache lists for at most 24 h


def revocation_list_check(
    revocation_list: RevocationList | VerificationError | None,
    *,
    jti: str,
    rid: str,
    now: int | float,
) -> Check:
    """The ``revocation`` check of the document ``jti`` against the verified list ``rid``.

    ``revocation_list`` is the list as :func:`~verifier.revocation.decode_revocation_list`
    returned it, the error that stopped it (``revocation.unusable``), or ``None`` when no copy of
    the list is at hand (``revocation.unavailable``).
    """
    if revocation_list is None:
        return Check(
            codes.REVOCATION_UNAVAILABLE,
            CheckResult.UNDETERMINED,
            f"no copy of the revocation list {rid} is available",
        )
    if isinstance(revocation_list, VerificationError):
        return Check(
            codes.REVOCATION_UNUSABLE,
            CheckResult.UNDETERMINED,
            f"revocation list unusable: {revocation_list.message}",
        )
    age = now - revocation_list.issued_at
    if now > revocation_list.next_update or age > MAX_LIST_AGE_SECONDS:
        return Check(
            codes.REVOCATION_STALE,
            CheckResult.UNDETERMINED,
            "the revocation list is past its next_update",
        )
    if revocation_list.is_revoked(jti):
        return failed(codes.REVOCATION_REVOKED, "the document has been revoked (its jti is listed)")
    return passed(codes.REVOCATION, f"not on revocation list {rid}")
