"""YAML example specs with ``!sd`` tags → plain claims, RFC 6901 pointers, the holder's choice.

Format (sd-jwt-python testcases README, ../shared/conformance/sd-jwt-python-testcases/README.md):
``user_claims`` marks a selectively disclosable object key (``!sd given_name: John``) or array
element (``[!sd "US", "DE"]``) with the local tag ``!sd``; nesting gives structured and recursive
disclosures (RFC 9901 §4.2.6). ``holder_disclosed_claims`` mirrors that structure to say what the
holder releases. Nothing here touches the engine under test: this module is the independent
oracle (what to make disclosable, what to release, what the verifier must output).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CONFORMANCE_DIR

ClaimPath = tuple[str, ...]


@dataclass(frozen=True)
class SD:
    """A ``!sd`` marker around an object key (a string) or an array element (any value)."""

    value: Any


class SpecError(ValueError):
    """A ``holder_disclosed_claims`` entry that does not fit the claims (sd-jwt-python raises too)."""


# -- loading -----------------------------------------------------------------------------------
class SpecLoader(yaml.SafeLoader):
    """SafeLoader that also understands ``!sd`` (on keys, values and sequence elements)."""


def _construct_sd(loader: SpecLoader, node: yaml.Node) -> SD:
    if isinstance(node, yaml.ScalarNode):
        # The explicit tag hides the scalar's implicit type (``!sd 42`` is an int, ``!sd "42"`` a
        # string): resolve plain scalars again as if untagged; quoted scalars stay strings.
        tag = (
            "tag:yaml.org,2002:str"
            if node.style in ('"', "'")
            else loader.resolve(yaml.ScalarNode, node.value, (True, False))
        )
        return SD(loader.construct_object(yaml.ScalarNode(tag, node.value, style=node.style)))
    if isinstance(node, yaml.MappingNode):
        return SD(loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return SD(loader.construct_sequence(node, deep=True))
    raise yaml.constructor.ConstructorError(None, None, f"unsupported !sd node {node!r}")


SpecLoader.add_constructor("!sd", _construct_sd)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SpecLoader)  # noqa: S506 (SpecLoader is a SafeLoader)


@dataclass(frozen=True)
class Spec:
    """One ``specification.yml`` with the ``settings.yml`` of its folder applied."""

    name: str
    user_claims: dict[Any, Any]
    holder_disclosed_claims: Any
    settings: dict[str, Any]
    key_binding: bool = False
    json_serialization: bool = False
    extra_header: dict[str, Any] = field(default_factory=dict)
    decoys: bool = True
    include_default_claims: bool = True
    expected: dict[str, Any] | None = None  # expect_verified_user_claims, when the spec has it

    @property
    def issuer_jwks_private(self) -> list[dict[str, Any]]:
        """``issuer_keys`` (list) or ``issuer_key`` (single, older settings files)."""
        keys = self.settings["key_settings"]
        return list(keys["issuer_keys"]) if "issuer_keys" in keys else [keys["issuer_key"]]

    @property
    def holder_jwk_private(self) -> dict[str, Any]:
        return dict(self.settings["key_settings"]["holder_key"])


def load_spec(spec_file: Path) -> Spec:
    raw = load_yaml(spec_file)
    settings = load_yaml(spec_file.parent.parent / "settings.yml")
    settings = _apply_override(settings, raw.get("settings_override") or {})
    claims = raw["user_claims"]
    if "non_sd_claims" in raw:
        claims = _legacy_non_sd(claims, raw["non_sd_claims"])
    expected = raw.get("expect_verified_user_claims")
    return Spec(
        name=spec_file.parent.name,
        user_claims=claims,
        holder_disclosed_claims=raw.get("holder_disclosed_claims"),
        settings=settings,
        key_binding=bool(raw.get("key_binding", False)),
        json_serialization=raw.get("serialization_format", "compact") == "json",
        extra_header=dict(raw.get("extra_header_parameters") or {}),
        # Our issuer adds decoys by default (RFC 9901 §4.2.5); a spec can switch them off.
        decoys=bool(raw.get("add_decoy_claims", True)),
        include_default_claims=bool(raw.get("include_default_claims", True)),
        expected=copy.deepcopy(expected),
    )


def _apply_override(settings: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**settings, **override}
    # testcases/json_serialization_flattened puts ``issuer_keys`` at the top level of the
    # override (sd-jwt-python ignores it there); its intent is the issuer key with kid
    # "issuer-key-1", so we apply it to key_settings.
    if "issuer_keys" in override:
        merged["key_settings"] = {**merged["key_settings"], "issuer_keys": override["issuer_keys"]}
    return merged


def _legacy_non_sd(claims: Any, non_sd: Any) -> Any:
    """Pre-``!sd`` format (sd-jwt-python examples/jsonld): every claim is disclosable except
    those named in ``non_sd_claims`` (``true``: in clear; an object: in clear, recurse)."""
    if not isinstance(claims, dict):
        return claims
    out: dict[Any, Any] = {}
    for name, value in claims.items():
        rule = non_sd.get(name) if isinstance(non_sd, dict) else None
        if rule is True:
            out[name] = value
        elif isinstance(rule, dict):
            out[name] = _legacy_non_sd(value, rule)
        else:
            out[SD(name)] = value
    return out


def spec_params(*parts: str) -> list[Any]:
    """``pytest.param`` per ``*/specification.yml`` under a conformance folder (collection time).

    When the folder is absent there is one skipped parameter; the tests themselves go through
    ``conformance_path`` and skip with its reason.
    """
    root = CONFORMANCE_DIR.joinpath(*parts)
    found = sorted(root.glob("*/specification.yml")) if root.is_dir() else []
    if not found:
        reason = f"conformance vectors not found at {root} (set CIVICRED_CONFORMANCE_DIR)"
        return [pytest.param(None, id="missing", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(p.parent.name, id=p.parent.name) for p in found]


# -- issuer input --------------------------------------------------------------------------------
def plain_claims(tree: Any) -> Any:
    """The claims without ``!sd`` markers (what a fully disclosed SD-JWT carries)."""
    if isinstance(tree, SD):
        return plain_claims(tree.value)
    if isinstance(tree, dict):
        return {_name(k): plain_claims(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [plain_claims(v) for v in tree]
    return tree


def sd_paths(tree: Any, path: ClaimPath = ()) -> Iterator[ClaimPath]:
    """Every ``!sd`` location, as a path into :func:`plain_claims`; parents before children."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            child = (*path, _name(key))
            if isinstance(key, SD):
                yield child
            yield from sd_paths(value, child)
    elif isinstance(tree, list):
        for index, item in enumerate(tree):
            child = (*path, str(index))
            if isinstance(item, SD):
                yield child
                item = item.value
            yield from sd_paths(item, child)


def pointer(path: ClaimPath) -> str:
    """RFC 6901 §3: ``~`` → ``~0``, ``/`` → ``~1``."""
    return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in path)


def sd_pointers(tree: Any) -> list[str]:
    return [pointer(p) for p in sd_paths(tree)]


def _name(key: Any) -> Any:
    return key.value if isinstance(key, SD) else key


# -- holder's choice (sd-jwt-python 0.10.4 holder.py ``_select_disclosures`` semantics) -----------
def released_paths(tree: Any, choice: Any) -> set[ClaimPath]:
    """The ``!sd`` locations the holder releases for ``holder_disclosed_claims`` = ``choice``.

    Objects: an SD key is released when its entry is truthy (``true`` or a non-empty object);
    the entry's value then chooses among the key's own SD children (``true`` releases none of
    them). Arrays: positional; an SD element is released unless its entry is ``false``/``null``.
    """
    out: set[ClaimPath] = set()
    _select(tree, choice, (), out)
    return out


def _select(node: Any, choice: Any, path: ClaimPath, out: set[ClaimPath]) -> None:
    if isinstance(node, dict):
        _select_object(node, choice, path, out)
    elif isinstance(node, list):
        _select_array(node, choice, path, out)


def _select_object(obj: dict[Any, Any], choice: Any, path: ClaimPath, out: set[ClaimPath]) -> None:
    if choice is None:
        return
    if choice is True:
        choice = {}
    if not isinstance(choice, dict):
        raise SpecError(
            f"an object is needed to choose claims at {pointer(path)!r}, not {choice!r}"
        )
    for key, value in obj.items():
        child, sub = (*path, _name(key)), choice.get(_name(key))
        if isinstance(key, SD) and sub:
            out.add(child)
        _select(value, sub, child, out)


def _select_array(items: list[Any], choice: Any, path: ClaimPath, out: set[ClaimPath]) -> None:
    if choice is None:
        return
    if choice is True:
        choice = []
    if not isinstance(choice, list):
        raise SpecError(
            f"an array is needed to choose elements at {pointer(path)!r}, not {choice!r}"
        )
    for index, (item, sub) in enumerate(zip_longest(items, choice[: len(items)])):
        child = (*path, str(index))
        if not isinstance(item, SD):
            _select(item, sub, child, out)
            continue
        if sub in (False, None):
            continue
        out.add(child)
        if sub is True:
            sub = (
                {} if isinstance(item.value, dict) else [] if isinstance(item.value, list) else sub
            )
        _select(item.value, sub, child, out)


# -- verifier output ----------------------------------------------------------------------------
def project(tree: Any, released: set[ClaimPath], path: ClaimPath = ()) -> Any:
    """The Processed SD-JWT Payload (RFC 9901 §7.1 steps 3-4) of ``tree`` when exactly the
    ``released`` SD locations are disclosed: withheld keys vanish, withheld elements are removed."""
    if isinstance(tree, dict):
        out = {}
        for key, value in tree.items():
            child = (*path, _name(key))
            if not isinstance(key, SD) or child in released:
                out[_name(key)] = project(value, released, child)
        return out
    if isinstance(tree, list):
        items = []
        for index, item in enumerate(tree):
            child = (*path, str(index))
            if isinstance(item, SD):
                if child in released:
                    items.append(project(item.value, released, child))
            else:
                items.append(project(item, released, child))
        return items
    return tree
