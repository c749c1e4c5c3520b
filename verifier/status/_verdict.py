"""The status of one Referenced Token, as a check (draft-ietf-oauth-status-list-20 §8.3).

Three-valued on purpose: a list that is missing, stale or cannot be verified makes the answer
``undetermined``, never "revoked". Nothing here reads the clock or fetches a list: the caller
hands over the list it verified (or why it has none) and the verification time.
"""

from __future__ import annotations

from typing import Protocol

from verifier import codes
from verifier._errors import StatusUnavailable, VerificationError
from verifier._report import Check, CheckResult, failed, passed
from verifier.status._list import TokenStatus
from verifier.status._reference import StatusReference
from verifier.status._token import StatusListToken


class StatusSource(Protocol):
    """Answers the status of a reference from lists it holds (a bundle's copies, a cache);
    never fetches, never reads the clock: its verification time was fixed when it was made."""

    def status_check(self, reference: StatusReference) -> Check: ...


def status_check(
    token: StatusListToken | VerificationError | None,
    reference: StatusReference,
    *,
    now: int | float,
    fetched_at: int | float | None = None,
) -> Check:
    """The ``status`` check of ``reference`` against its verified list ``token``.

    ``token`` is the list as :func:`~verifier.status.decode_status_list_token` returned it, the
    error that stopped it (undetermined, under the error's code), or ``None`` when no copy of the
    list is at hand (``status.unavailable``). ``fetched_at`` is when the copy was obtained (its
    ``ttl`` counts from then, §13.7); without it, from the list's ``iat``.
    """
    if token is None:
        return Check(
            codes.STATUS_UNAVAILABLE,
            CheckResult.UNDETERMINED,
            f"no copy of the status list {reference.uri} is available",
        )
    if isinstance(token, StatusUnavailable):
        return Check(token.code, CheckResult.UNDETERMINED, f"status undetermined: {token.message}")
    if isinstance(token, VerificationError):
        return Check(token.code, CheckResult.UNDETERMINED, f"status list unusable: {token.message}")
    try:
        value = token.lookup(reference)
    except StatusUnavailable as exc:
        if exc.code == codes.STATUS_INDEX_OUT_OF_RANGE:
            # §8.3 step 6: an index outside the list MUST be rejected.
            return failed(exc.code, exc.message)
        return Check(exc.code, CheckResult.UNDETERMINED, f"status undetermined: {exc.message}")
    if value == TokenStatus.VALID:
        fresh_until = token.fresh_until(token.iat if fetched_at is None else fetched_at)
        if fresh_until is not None and now > fresh_until:
            return Check(
                codes.STATUS, CheckResult.WARNING, "valid on a status list older than its ttl"
            )
        return passed(codes.STATUS, "status list entry: VALID")
    if value == TokenStatus.INVALID:
        return failed(codes.STATUS_REVOKED, "the credential has been revoked (status INVALID)")
    if value == TokenStatus.SUSPENDED:
        return failed(codes.STATUS_SUSPENDED, "the credential is suspended")
    return Check(
        codes.STATUS_UNKNOWN_VALUE,
        CheckResult.UNDETERMINED,
        f"status value {value:#x} is application-specific",
    )
