"""Property tests (hypothesis) for issue → present → verify and for hostile input.

(a) For arbitrary JSON claim trees, an arbitrary set of disclosable locations and an arbitrary
    presented subset, the verifier outputs exactly the projection (RFC 9901 §7.1 steps 3-4).
(b) ``verify_sd_jwt`` never raises and never says "valid" for garbage.
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.jose import jwk_from_public_key
from verifier.sdjwt import HeldCredential, VerificationPolicy, issue_sd_jwt, verify_sd_jwt
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import JwksResolver

from ._yaml_specs import ClaimPath, pointer

NOW = 1_800_000_000
NONCE, AUD = "prop-nonce", "https://verifier.example"
ISSUER = LocalSigner(generate_private_key("ES256"))
HOLDER = LocalSigner(generate_private_key("ES256"))
RESOLVER = JwksResolver({"keys": [{**jwk_from_public_key(ISSUER.public_key()), "kid": ISSUER.kid}]})
POLICY = VerificationPolicy(now=NOW, sd_jwt_vc=False, expected_typ="example+sd-jwt")
KB_POLICY = VerificationPolicy(
    now=NOW,
    sd_jwt_vc=False,
    expected_typ="example+sd-jwt",
    require_key_binding=True,
    expected_nonce=NONCE,
    expected_aud=AUD,
)
EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- (a) round trips ------------------------------------------------------------------------------
# Names an SD-JWT reserves (RFC 9901 §4.1, §4.2.1) or a verifier interprets (exp/nbf/iat, cnf).
RESERVED = {"_sd", "...", "_sd_alg", "exp", "nbf", "iat", "cnf"}
names = st.text(min_size=0, max_size=6).filter(lambda s: s not in RESERVED)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(names, children, max_size=4),
    max_leaves=16,
)
claim_trees = st.dictionaries(names, json_values, min_size=1, max_size=5)


def locations(tree: Any, path: ClaimPath = ()) -> list[ClaimPath]:
    """Every object member and array element of ``tree``, parents first."""
    if isinstance(tree, dict):
        items: list[tuple[Any, Any]] = list(tree.items())
    elif isinstance(tree, list):
        items = list(enumerate(tree))
    else:
        return []
    out: list[ClaimPath] = []
    for key, value in items:
        child = (*path, str(key))
        out.append(child)
        out.extend(locations(value, child))
    return out


def project(tree: Any, hidden: set[ClaimPath], path: ClaimPath = ()) -> Any:
    """``tree`` with the ``hidden`` locations removed (array elements drop out, §7.1 step 3.4)."""
    if isinstance(tree, dict):
        pairs = ((k, v, (*path, k)) for k, v in tree.items())
        return {k: project(v, hidden, p) for k, v, p in pairs if p not in hidden}
    if isinstance(tree, list):
        triples = ((v, (*path, str(i))) for i, v in enumerate(tree))
        return [project(v, hidden, p) for v, p in triples if p not in hidden]
    return tree


@st.composite
def credentials(draw: st.DrawFn) -> tuple[dict[str, Any], set[ClaimPath], set[ClaimPath]]:
    """(claims, disclosable locations, locations the holder releases; parents included)."""
    claims = draw(claim_trees)
    every = locations(claims)
    disclosable = set(draw(st.lists(st.sampled_from(every), unique=True))) if every else set()
    chosen = (
        set(draw(st.lists(st.sampled_from(sorted(disclosable)), unique=True)))
        if disclosable
        else set()
    )
    # A presented disclosure needs every disclosable ancestor (RFC 9901 §7.2 step 2.2).
    released = {p[:k] for p in chosen for k in range(1, len(p) + 1)} & disclosable
    return claims, disclosable, released


def issue(claims: dict[str, Any], disclosable: set[ClaimPath], decoys: bool) -> HeldCredential:
    issued = issue_sd_jwt(
        claims,
        disclosable=[pointer(p) for p in disclosable],
        signer=ISSUER,
        typ="example+sd-jwt",
        decoys=decoys,
    )
    held = HeldCredential.parse(issued.compact)
    assert held.claims == claims
    assert sorted(held.paths.values()) == sorted(disclosable)
    return held


@EXAMPLES
@given(credentials(), st.booleans(), st.booleans())
def test_round_trip_outputs_exactly_the_projection(
    credential: tuple[dict[str, Any], set[ClaimPath], set[ClaimPath]], decoys: bool, kb: bool
) -> None:
    claims, disclosable, released = credential
    if kb:  # cnf is never a generated name, so adding it leaves the locations unchanged
        claims = {**claims, "cnf": {"jwk": jwk_from_public_key(HOLDER.public_key())}}
    held = issue(claims, disclosable, decoys)
    chosen = [d for d in held.disclosures if held.paths[d.digest] in released]
    presentation = held.present(
        chosen, holder=HOLDER if kb else None, nonce=NONCE, aud=AUD, iat=NOW
    )
    report = verify_sd_jwt(presentation, policy=KB_POLICY if kb else POLICY, resolver=RESOLVER)
    assert report.valid, report.failures
    assert report.claims == project(claims, disclosable - released)


@EXAMPLES
@given(credentials(), st.lists(st.integers(min_value=0), max_size=3))
def test_select_by_pointer_releases_ancestors_and_descendants(
    credential: tuple[dict[str, Any], set[ClaimPath], set[ClaimPath]], picks: list[int]
) -> None:
    """``HeldCredential.select``: a pointer releases the claim, its containers, everything in it."""
    claims, disclosable, _ = credential
    held = issue(
        {**claims, "cnf": {"jwk": jwk_from_public_key(HOLDER.public_key())}}, disclosable, True
    )
    every = locations(claims)
    wanted = [every[i % len(every)] for i in picks]
    presentation = held.present(
        held.select([pointer(w) for w in wanted]), holder=HOLDER, nonce=NONCE, aud=AUD, iat=NOW
    )
    report = verify_sd_jwt(presentation, policy=KB_POLICY, resolver=RESOLVER)
    assert report.valid, report.failures

    def released(path: ClaimPath) -> bool:
        return any(path == w[: len(path)] or w == path[: len(w)] for w in wanted)

    hidden = {p for p in disclosable if not released(p)}
    expected = project(claims, hidden)
    assert {k: v for k, v in (report.claims or {}).items() if k != "cnf"} == expected


# -- (b) garbage ----------------------------------------------------------------------------------
B64URL = string.ascii_letters + string.digits + "-_"
b64_chunks = st.text(alphabet=B64URL, max_size=40)


def assert_rejected(presentation: Any) -> None:
    for policy in (POLICY, KB_POLICY):
        report = verify_sd_jwt(presentation, policy=policy, resolver=RESOLVER)
        assert report.outcome != "valid"
        assert report.claims is None
        assert report.failures


@EXAMPLES
@given(st.text(max_size=300))
def test_random_text_is_never_valid(text: str) -> None:
    assert_rejected(text)


@EXAMPLES
@given(st.binary(max_size=300))
def test_random_bytes_as_latin1_are_never_valid(data: bytes) -> None:
    assert_rejected(data.decode("latin-1"))


@EXAMPLES
@given(st.lists(st.lists(b64_chunks, min_size=1, max_size=4), min_size=1, max_size=6))
def test_structured_garbage_is_never_valid(groups: list[list[str]]) -> None:
    """Base64url chunks joined into JWS-like segments and ``~``-separated SD-JWT-like parts."""
    assert_rejected("~".join(".".join(group) for group in groups))
    assert_rejected("~".join(".".join(group) for group in groups) + "~")


VALID = HeldCredential.parse(
    issue_sd_jwt(
        {"a": 1, "b": [1, {"c": "x"}], "cnf": {"jwk": jwk_from_public_key(HOLDER.public_key())}},
        disclosable=["/a", "/b/1", "/b/1/c"],
        signer=ISSUER,
        typ="example+sd-jwt",
    ).compact
)


@pytest.fixture(scope="module")
def kb_presentation() -> str:
    presentation = VALID.present(VALID.disclosures, holder=HOLDER, nonce=NONCE, aud=AUD, iat=NOW)
    assert verify_sd_jwt(presentation, policy=KB_POLICY, resolver=RESOLVER).valid
    return presentation


@EXAMPLES
@given(data=st.data())
def test_mutated_presentation_never_raises(kb_presentation: str, data: st.DataObject) -> None:
    """One character replaced anywhere (a base64url character, '.', '~' or a non-ASCII one).

    Only "never raises": replacing the last character of a signature segment can leave the
    decoded bytes unchanged (unused low bits of base64url), so validity is not asserted.
    """
    index = data.draw(st.integers(min_value=0, max_value=len(kb_presentation) - 1))
    replacement = data.draw(st.sampled_from([*B64URL, ".", "~", "é", "\x00"]))
    mutated = kb_presentation[:index] + replacement + kb_presentation[index + 1 :]
    for policy in (POLICY, KB_POLICY):
        verify_sd_jwt(mutated, policy=policy, resolver=RESOLVER)
