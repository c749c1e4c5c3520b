"""The Referenced Token's status claim (§6.2 JOSE, §6.3 CWT claim 65535)."""

from __future__ import annotations

from typing import Any

import pytest

from verifier import MalformedInput
from verifier.cose import CwtClaim
from verifier.status import StatusReference

URI = "https://example.com/statuslists/1"


def test_jose_and_cwt_forms() -> None:
    claim = {"status_list": {"idx": 7, "uri": URI}}
    assert StatusReference.from_claims({"status": claim}) == StatusReference(7, URI)
    assert StatusReference.from_cwt_claims({CwtClaim.STATUS: claim}) == StatusReference(7, URI)
    assert StatusReference(7, URI).to_claim() == claim


def test_absent_or_other_mechanism_is_none() -> None:
    assert StatusReference.from_claims({"iss": "x"}) is None
    assert StatusReference.from_claims({"status": {"status_assertion": {}}}) is None
    assert StatusReference.from_cwt_claims({2: "sub"}) is None


@pytest.mark.parametrize(
    "status",
    [
        {},
        [],
        "status_list",
        {"status_list": "x"},
        {"status_list": {"idx": 1}},
        {"status_list": {"uri": URI}},
        {"status_list": {"idx": -1, "uri": URI}},
        {"status_list": {"idx": 1.0, "uri": URI}},
        {"status_list": {"idx": True, "uri": URI}},
        {"status_list": {"idx": "1", "uri": URI}},
        {"status_list": {"idx": 1, "uri": 5}},
        {"status_list": {"idx": 1, "uri": ""}},
        {"status_list": {"idx": 1, "uri": "/relative/path"}},
        {"status_list": {"idx": 1, "uri": "https://exa mple.com/1"}},
        {"status_list": {"idx": 1, "uri": "https://example.com/\n1"}},
    ],
)
def test_malformed(status: Any) -> None:
    with pytest.raises(MalformedInput) as info:
        StatusReference.from_claims({"status": status})
    assert info.value.code == "status.reference"


def test_cwt_status_keys_must_be_text() -> None:
    with pytest.raises(MalformedInput):
        StatusReference.from_cwt_claims({CwtClaim.STATUS: {1: {"idx": 0, "uri": URI}}})


def test_compact_form_is_the_paper_st_object() -> None:
    """A QR document's ``st`` is the ``status_list`` object: ``{"idx", "uri"}``, in that order."""
    reference = StatusReference(412_337, URI)
    assert list(reference.to_compact().items()) == [("idx", 412_337), ("uri", URI)]
    assert reference.to_claim() == {"status_list": reference.to_compact()}
    assert StatusReference.from_compact({"uri": URI, "idx": 412_337}) == reference
    for bad in (None, [], {"idx": 1}, {"idx": 1, "uri": URI, "x": 0}, {"idx": -1, "uri": URI}):
        with pytest.raises(MalformedInput) as info:
            StatusReference.from_compact(bad)
        assert info.value.code == "status.reference"
