"""The rollback rule: a bundle older than the newest seen from its root is UNDETERMINED."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from verifier import CheckResult, codes
from verifier.trust import (
    Bundle,
    SequenceWatermark,
    build_bundle,
    rollback_check,
    sign_trust_list,
)

from ._world import NOW, World


def _bundle(world: World, sequence: int | None, trust_list_sequence: int = 17) -> Bundle:
    model = replace(world.model, sequence=trust_list_sequence)
    token = build_bundle(
        trust_list=sign_trust_list(model, world.pki.registry_signer),
        root=world.pki.root,
        signer=world.pki.registry_signer,
        issued_at=NOW - timedelta(hours=1),
        next_update=NOW + timedelta(hours=20),
        sequence=sequence,
    )
    return Bundle.parse(token, root=world.pki.root, now=NOW)


@pytest.mark.parametrize(
    ("seen", "sequence", "trust_list", "result"),
    [
        (None, 5, 17, CheckResult.PASSED),  # first bundle from this root
        (SequenceWatermark(5, 17), 5, 17, CheckResult.PASSED),  # the same bundle again
        (SequenceWatermark(5, 17), 6, 18, CheckResult.PASSED),  # newer
        (SequenceWatermark(6, 17), 5, 17, CheckResult.UNDETERMINED),  # older bundle
        (SequenceWatermark(5, 18), 6, 17, CheckResult.UNDETERMINED),  # newer number, older list
        (SequenceWatermark(5, 17), None, 17, CheckResult.UNDETERMINED),  # made before numbering
        (SequenceWatermark(None, 17), None, 17, CheckResult.PASSED),
        (SequenceWatermark(None, 17), 1, 17, CheckResult.PASSED),
    ],
)
def test_rule(
    world: World,
    seen: SequenceWatermark | None,
    sequence: int | None,
    trust_list: int,
    result: CheckResult,
) -> None:
    check = rollback_check(_bundle(world, sequence, trust_list), seen)
    assert (check.code, check.result) == (codes.TRUST_ROLLBACK, result)


def test_message_names_both_numbers(world: World) -> None:
    check = rollback_check(_bundle(world, 5), SequenceWatermark(9, 17))
    assert "sequence 5" in check.message and "sequence 9" in check.message


def test_watermark_only_grows(world: World) -> None:
    mark = SequenceWatermark.of(_bundle(world, 7, 18))
    assert mark == SequenceWatermark(7, 18)
    assert mark.advanced(_bundle(world, 3, 17)) == SequenceWatermark(7, 18)
    assert mark.advanced(_bundle(world, 9, 19)) == SequenceWatermark(9, 19)
    assert SequenceWatermark(None, 1).advanced(_bundle(world, None, 2)) == SequenceWatermark(
        None, 2
    )
