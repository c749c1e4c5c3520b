"""SD-JWT / SD-JWT VC verification: RFC 9901 §7.1 and §7.3, draft-ietf-oauth-sd-jwt-vc §3.

:func:`verify_sd_jwt` never raises on bad input. It returns a :class:`VerificationReport` whose
checks name every step performed (stable codes, see docs/verification-codes.md).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from verifier import codes
from verifier._errors import (
    ClaimsInvalid,
    KeyBindingInvalid,
    MalformedInput,
    SignatureInvalid,
    VerificationError,
)
from verifier._report import Check, CheckResult, VerificationReport, failed, passed
from verifier.jose import CompactJws, b64url_encode, cached_public_key_from_jwk, loads_object
from verifier.sdjwt._disclosure import DEFAULT_SD_ALG, HASH_ALGORITHMS
from verifier.sdjwt._issue import NEVER_DISCLOSABLE
from verifier.sdjwt._json_serialization import to_compact
from verifier.sdjwt._policy import VerificationPolicy
from verifier.sdjwt._process import DigestProcessor, index_disclosures
from verifier.trust import IssuerKeyResolver

if TYPE_CHECKING:  # verifier.status is imported for credentials with a status reference only
    from verifier.status import StatusSource

KB_TYP = "kb+jwt"
# Checks whose message never varies are built once (the verifier's hot path).
_FORMAT_OK = passed(
    codes.INPUT_FORMAT, "well-formed SD-JWT (issuer-signed JWT, disclosures, optional KB-JWT)"
)
_TYP_OK = passed(codes.JWS_TYP, "the header typ is the expected one")
_ALG_OK = passed(codes.JWS_ALG, "the signature algorithm is allowed by the policy")
_SD_ALG_OK = passed(codes.SDJWT_SD_ALG, "the digest algorithm is allowed by the policy")
_VCT_OK = passed(codes.CLAIMS_VCT, "the credential type (vct) is present and accepted")
_SIGNATURE_OK = passed(codes.JWS_SIGNATURE, "issuer signature is valid")
_DISCLOSURES_OK = passed(
    codes.SDJWT_DISCLOSURES, "disclosures are valid, unique and all referenced"
)
_TIME_OK = passed(codes.CLAIMS_TIME, "exp, nbf and iat are satisfied at the verification time")
_CLEAR_OK = passed(
    codes.CLAIMS_NOT_DISCLOSABLE, "technical claims (iss, exp, vct, cnf, status…) are in clear"
)
_KB_OK = passed(codes.KB, "key binding verified: holder signature, iat, nonce, aud and sd_hash")
_KB_NOT_REQUIRED = Check(codes.KB, CheckResult.NOT_APPLICABLE, "key binding not required by policy")
_KB_IGNORED = Check(
    codes.KB,
    CheckResult.NOT_APPLICABLE,
    "key binding not required by policy; the KB-JWT was not evaluated",
)
_STATUS_NOT_CHECKED = Check(
    codes.STATUS, CheckResult.NOT_APPLICABLE, "status reference present; no status source given"
)
_NO_STATUS_LIST = Check(codes.STATUS, CheckResult.NOT_APPLICABLE, "no status_list reference")
# Errors that well-formed code can only raise on hostile input; turned into a failed check so a
# verifier never shows a traceback (defence in depth behind the explicit checks).
_HOSTILE_INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError)


def verify_sd_jwt(
    presentation: str,
    *,
    policy: VerificationPolicy,
    resolver: IssuerKeyResolver,
    status: StatusSource | None = None,
) -> VerificationReport:
    """Verify an SD-JWT or SD-JWT+KB (compact or JWS JSON serialization) under ``policy``.

    A credential with a ``status`` claim gets one ``status`` check, last: from ``status`` (the
    lists a verifier holds), or NOT_APPLICABLE when no source is given. draft-ietf-oauth-status-list
    §8.3: the referenced token is validated first; an invalid one is not looked up.
    """
    run = _Run(policy)
    try:
        run.verify(presentation, resolver, status)
    except VerificationError as exc:
        run.checks.append(failed(exc.code, exc.message))
    except _HOSTILE_INPUT_ERRORS as exc:
        run.checks.append(
            failed(codes.INPUT_MALFORMED, f"input could not be processed: {type(exc).__name__}")
        )
    return VerificationReport.from_checks(
        run.checks,
        claims=run.claims,
        issuer=run.issuer,
        key_id=run.kid,
        format="dc+sd-jwt" if policy.sd_jwt_vc else "sd-jwt",
        details=run.details,
    )


class _Run:
    def __init__(self, policy: VerificationPolicy) -> None:
        self.policy = policy
        self.checks: list[Check] = []
        self.claims: dict[str, Any] | None = None
        self.issuer: str | None = None
        self.kid: str | None = None
        self.details: dict[str, Any] = {}

    # -- RFC 9901 §7.1 -------------------------------------------------------------------------
    def verify(
        self, presentation: str, resolver: IssuerKeyResolver, status: StatusSource | None
    ) -> None:
        policy, limits = self.policy, self.policy.limits
        if not isinstance(presentation, str):
            raise MalformedInput("the presentation is not text", code=codes.INPUT_FORMAT)
        if len(presentation) > limits.max_token_chars:
            raise MalformedInput(
                f"the presentation exceeds {limits.max_token_chars} characters",
                code=codes.INPUT_SIZE,
            )
        presentation = presentation.strip()
        hashed = None
        if presentation.startswith("{"):
            # sd_hash covers the compact form built from the *first* signature (RFC 9901 §8.1,
            # §8.3); the signature we verify is the first one whose key we trust.
            hashed = to_compact(presentation)
            presentation = to_compact(presentation, pick=lambda jws: _resolvable(resolver, jws))
        parts = presentation.split("~")
        if len(parts) < 2:
            raise MalformedInput("not an SD-JWT: no '~' separator", code=codes.INPUT_FORMAT)
        if len(parts) - 2 > limits.max_disclosures:
            raise MalformedInput(
                f"more than {limits.max_disclosures} disclosures", code=codes.INPUT_SIZE
            )
        kb_jwt = parts[-1]
        encoded_disclosures = parts[1:-1]
        self.checks.append(_FORMAT_OK)

        jws = CompactJws.parse(parts[0], what="issuer-signed JWT")
        header = jws.header
        payload = jws.payload_object(what="issuer-signed JWT payload")
        accepted = policy.accepted_typs
        if accepted:
            typ = header.get("typ")
            if typ not in accepted:
                raise ClaimsInvalid(
                    f"header typ {typ!r} is not {' or '.join(sorted(accepted))}", code=codes.JWS_TYP
                )
            self.checks.append(_TYP_OK)
        algorithm = jws.algorithm(policy.algorithms)  # §7.1 step 2.1: allow-list, never "none"
        self.checks.append(_ALG_OK)

        resolved = resolver.resolve(header, payload)  # §7.1 step 2.3
        if resolved.alg is not None and resolved.alg != algorithm.name:
            raise SignatureInvalid(
                f"the trusted key is registered for {resolved.alg}, not {algorithm.name}",
                code=codes.JWS_ALG,
            )
        self.issuer, self.kid = resolved.issuer, resolved.kid
        self.checks.append(passed(codes.ISSUER_KEY, f"trusted issuer key from {resolved.source}"))
        jws.verify(resolved.key, policy.algorithms)  # §7.1 step 2.2
        self.checks.append(_SIGNATURE_OK)

        sd_alg = self._sd_alg(payload)
        by_digest = index_disclosures(encoded_disclosures, sd_alg)
        processor = DigestProcessor(by_digest, max_depth=limits.max_depth)
        claims = processor.process_payload(payload)
        self.checks.append(_DISCLOSURES_OK)

        self._check_time(claims)
        if policy.sd_jwt_vc:
            self._check_vc(payload, claims)
        missing = policy.required_claims - claims.keys()
        if missing:
            raise ClaimsInvalid(
                f"required claim(s) missing: {', '.join(sorted(missing))}",
                code=codes.CLAIMS_REQUIRED,
            )
        self._check_key_binding(hashed or presentation, kb_jwt, claims, sd_alg)
        self.claims = claims
        if "status" in claims:
            self.checks.append(_STATUS_NOT_CHECKED if status is None else _status(claims, status))

    def _sd_alg(self, payload: Mapping[str, Any]) -> str:
        value = payload.get("_sd_alg", DEFAULT_SD_ALG)  # §4.1.1: default sha-256
        # Case-insensitive on input (some ecosystems write "SHA-256"); RFC 9901 names are lower case.
        name = value.lower() if isinstance(value, str) else None
        if name not in HASH_ALGORITHMS or name not in self.policy.sd_algs:
            raise VerificationError(
                f"_sd_alg {value!r} is not an accepted hash algorithm", code=codes.SDJWT_SD_ALG
            )
        self.checks.append(_SD_ALG_OK)
        return name

    # -- §7.1 step 6 ----------------------------------------------------------------------------
    def _check_time(self, claims: Mapping[str, Any]) -> None:
        now, leeway = self.policy.now, self.policy.leeway_seconds
        for name in ("exp", "nbf", "iat"):
            value = claims.get(name)
            if value is not None and (type(value) is bool or not isinstance(value, int | float)):
                raise ClaimsInvalid(f"{name} is not a NumericDate", code=codes.CLAIMS_TIME)
        exp, nbf, iat = claims.get("exp"), claims.get("nbf"), claims.get("iat")
        if exp is not None and now >= exp + leeway:
            raise ClaimsInvalid("the credential has expired (exp)", code=codes.CLAIMS_EXP)
        if nbf is not None and now + leeway < nbf:
            raise ClaimsInvalid("the credential is not valid yet (nbf)", code=codes.CLAIMS_NBF)
        if iat is not None and now + leeway < iat:
            raise ClaimsInvalid(
                "the credential was issued in the future (iat)", code=codes.CLAIMS_IAT
            )
        self.checks.append(_TIME_OK)

    # -- draft-ietf-oauth-sd-jwt-vc §3.2.2 -------------------------------------------------------
    def _check_vc(self, payload: Mapping[str, Any], claims: Mapping[str, Any]) -> None:
        vct = claims.get("vct")
        if not isinstance(vct, str) or not vct:
            raise ClaimsInvalid("vct is missing or not a string", code=codes.CLAIMS_VCT)
        accepted = self.policy.accepted_vcts
        if accepted is not None and vct not in accepted:
            raise ClaimsInvalid(
                f"credential type {vct!r} is not accepted here", code=codes.CLAIMS_VCT
            )
        self.checks.append(_VCT_OK)
        # A never-disclosable claim that came from a disclosure is in the processed claims but not
        # in the signed payload; one with disclosable parts carries digests inside its value.
        for name in NEVER_DISCLOSABLE.intersection(claims):
            if name not in payload or _has_digests(payload[name]):
                raise ClaimsInvalid(
                    f"{name!r} must never be selectively disclosable (SD-JWT VC §3.2.2)",
                    code=codes.CLAIMS_NOT_DISCLOSABLE,
                )
        iss = claims.get("iss")
        if iss is not None and not isinstance(iss, str):
            raise ClaimsInvalid("iss is not a string", code=codes.CLAIMS_ISS)
        self.checks.append(_CLEAR_OK)

    # -- RFC 9901 §7.3 --------------------------------------------------------------------------
    def _check_key_binding(
        self, presentation: str, kb_jwt: str, claims: Mapping[str, Any], sd_alg: str
    ) -> None:
        policy = self.policy
        if not policy.require_key_binding:
            self.checks.append(_KB_IGNORED if kb_jwt else _KB_NOT_REQUIRED)
            return
        if not kb_jwt:  # §7.3 step 2
            raise KeyBindingInvalid(
                "key binding is required but no KB-JWT was presented", code=codes.KB_MISSING
            )
        cnf = claims.get("cnf")
        holder_jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
        if holder_jwk is None:
            raise KeyBindingInvalid("the credential has no cnf.jwk holder key", code=codes.KB_CNF)
        try:
            holder_key = cached_public_key_from_jwk(holder_jwk)
        except MalformedInput as exc:
            raise KeyBindingInvalid(
                f"cnf.jwk is not a usable key: {exc.message}", code=codes.KB_CNF
            ) from None
        jws = CompactJws.parse(kb_jwt, what="KB-JWT")
        if jws.header.get("typ") != KB_TYP:  # §7.3 step 5.4
            raise KeyBindingInvalid(
                f"KB-JWT typ is {jws.header.get('typ')!r}, not 'kb+jwt'", code=codes.KB_TYP
            )
        try:
            jws.verify(holder_key, policy.algorithms)  # §7.3 steps 5.2-5.3
        except VerificationError as exc:
            raise KeyBindingInvalid(f"KB-JWT: {exc.message}", code=codes.KB_SIGNATURE) from None
        kb = loads_object(jws.payload, what="KB-JWT payload")
        iat = kb.get("iat")
        if type(iat) is bool or not isinstance(iat, int | float):
            raise KeyBindingInvalid("KB-JWT iat is missing or not a NumericDate", code=codes.KB_IAT)
        if iat > policy.now + policy.leeway_seconds or policy.now - iat > policy.max_kb_age_seconds:
            raise KeyBindingInvalid(
                "KB-JWT iat is outside the accepted window", code=codes.KB_IAT
            )  # 5.5
        self._match(kb, "nonce", policy.expected_nonce, codes.KB_NONCE)  # §7.3 step 5.6
        self._match(kb, "aud", policy.expected_aud, codes.KB_AUD)
        sd_hash = kb.get("sd_hash")
        expected = b64url_encode(
            HASH_ALGORITHMS[sd_alg](
                presentation[: len(presentation) - len(kb_jwt)].encode("ascii")
            ).digest()
        )
        if not isinstance(sd_hash, str) or not hmac.compare_digest(sd_hash, expected):  # 5.7
            raise KeyBindingInvalid(
                "KB-JWT sd_hash does not match the presented SD-JWT", code=codes.KB_SD_HASH
            )
        self.checks.append(_KB_OK)

    def _match(self, kb: Mapping[str, Any], claim: str, expected: str | None, code: str) -> None:
        value = kb.get(claim)
        if not isinstance(value, str):
            raise KeyBindingInvalid(f"KB-JWT {claim} is missing or not a string", code=code)
        if expected is None:
            self.checks.append(
                Check(
                    code,
                    CheckResult.WARNING,
                    f"KB-JWT {claim} not compared: the verifier supplied none (no replay protection)",
                )
            )
        elif not hmac.compare_digest(value.encode(), expected.encode()):
            raise KeyBindingInvalid(f"KB-JWT {claim} does not match", code=code)


def _status(claims: Mapping[str, Any], source: StatusSource) -> Check:
    """The referenced entry's status (draft-ietf-oauth-status-list §8.3), from ``source``."""
    from verifier.status import StatusReference

    try:
        reference = StatusReference.from_claims(claims)
    except MalformedInput as exc:
        return failed(codes.STATUS_REFERENCE, exc.message)
    if reference is None:
        return _NO_STATUS_LIST
    try:
        check = source.status_check(reference)
    except Exception as exc:  # a status source's bug must not become a traceback or a verdict
        return Check(
            codes.STATUS,
            CheckResult.UNDETERMINED,
            f"the status source failed ({type(exc).__name__})",
        )
    if not isinstance(check, Check):
        return Check(codes.STATUS, CheckResult.UNDETERMINED, "the status source gave no answer")
    return check


def _resolvable(resolver: IssuerKeyResolver, jws: CompactJws) -> bool:
    try:
        resolver.resolve(jws.header, jws.payload_object())
    except VerificationError:
        return False
    return True


def _has_digests(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        if "_sd" in value or "..." in value:
            return True
        return any(_has_digests(v) for v in value.values() if type(v) in (dict, list))
    if kind is list:
        return any(_has_digests(v) for v in value if type(v) in (dict, list))
    return False
