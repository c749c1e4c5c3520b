"""A lying authentic source: every answer that is not a valid record of the asked-for person is
refused with 502 ``source_answer_invalid`` (and nothing is issued from it). Real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from issuer.errors import SourceAnswerInvalid
from issuer.sources import HttpAuthenticSource, HttpSourceOptions, SyntheticSource
from tests.sources._fake_source import LIES, Behaviour, fake_source_app, serve

SOURCE = SyntheticSource(50, seed=3)
#: A citizen with a status and an insurer, so every lie has something to bend.
SUBJECT = next(
    p["person_id"] for p in SOURCE.people() if p["social_statuses"] and "health_insurance" in p
)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()
    with serve(fake_source_app(SOURCE, behaviour)) as url:
        yield url, behaviour


EXPECTED = {
    "other_person": "another person",
    "unknown_status": "status code the issuer does not know",
    "bad_checksum": "national number is malformed",
    "birth_mismatch": "birth date disagrees",
    "impossible_dates": "valid_until is before its valid_from",
    "wrong_institution": "another institution",
    "huge": "larger than",
    "not_json": "not JSON",
    "control_characters": "control characters",
}


@pytest.mark.parametrize("lie", LIES)
def test_a_lie_is_refused(lie: str, served: tuple[str, Behaviour]) -> None:
    url, behaviour = served
    behaviour.lie = lie
    source = HttpAuthenticSource(HttpSourceOptions(url=url, attempts=1))
    with pytest.raises(SourceAnswerInvalid, match=EXPECTED[lie]) as caught:
        source.person(SUBJECT)
    assert caught.value.status_code == 502 and caught.value.error == "source_answer_invalid"
    # the message names the field, never the value the source sent
    assert SOURCE.person(SUBJECT)["family_name"] not in str(caught.value)
    behaviour.lie = None
    assert source.person(SUBJECT) == SOURCE.person(SUBJECT)
