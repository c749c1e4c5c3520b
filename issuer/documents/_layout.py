"""What each printed document shows, independent of drawing: a :class:`Layout` of blocks and
numbered cells built from a validated payload, the doc-type labels and a language.

- ePRC (``eessi:prc:1.0``): the Decision S2 PRC model as laid out by the EU PoC (DOMAIN §1.7):
  heading, "(Article 25 …)", blocks Issuing Member State (1, 2), Card holder-related information
  (3–6), Competent institution (7), Card-related information (8, 9), then the validity period and
  delivery date ((a), (b), (c)) beside box (d) "Signature and/or stamp", which holds the QR code.
- eEHIC (``be.civicred:ehic:1.0``): the card's S2 fields; field 1 (the card name) is the heading.
- Social status (``be.civicred:ssh:1.0``): one large statement, name, birth year, validity and
  issuer; never a status or a reason (there is none in the payload either).

Dates are printed DD/MM/YYYY (S2; v0.5 §4); unknown parts of a partial date stay ``00``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from issuer.documents._texts import text
from verifier.qr import DocType


@dataclass(frozen=True, slots=True)
class Cell:
    """One printed field: its S2 number (``"3."``, ``"(a)"`` or ``""``), label and value."""

    number: str
    label: str
    value: str
    span: float = 1.0  # share of the row width
    key: str | None = None  # the payload body key the value comes from


@dataclass(frozen=True, slots=True)
class Block:
    title: str
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True)
class Layout:
    sid: str
    language: str
    title: str  # the document name (S2 field 1 on a card); upper-cased for S2 models
    subtitle: str
    statement: str | None  # the large statement of a venue document
    blocks: tuple[Block, ...]  # stacked, full width
    side: Block  # beside the QR box
    qr_title: str
    qr_note: str
    notes_title: str
    notes: str

    def cells(self) -> tuple[Cell, ...]:
        return tuple(
            cell for block in (*self.blocks, self.side) for row in block.rows for cell in row
        )


def format_date(value: str) -> str:
    """``YYYY-MM-DD`` (``00`` allowed for unknown parts) → ``DD/MM/YYYY``; a year stays a year."""
    if len(value) == 4:
        return value
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def printed_values(doctype: DocType, payload: Mapping[str, Any]) -> dict[str, str]:
    """Every body field as it is printed (dates DD/MM/YYYY), for comparing paper with the QR."""
    body = payload[doctype.body]
    out: dict[str, str] = {}
    for key, value in body.items():
        if isinstance(value, bool):
            continue  # ``rt: true`` is printed as the statement, not as a value
        kind = doctype.date_kind(key)
        out[key] = format_date(value) if kind in ("date", "partial") else str(value)
    return out


class Cells:
    """The printed cells of one document: a cell by body key, labelled in the language."""

    def __init__(self, doctype: DocType, payload: Mapping[str, Any], language: str) -> None:
        self.doctype = doctype
        self.language = language
        self.values = printed_values(doctype, payload)

    def __call__(self, key: str, number: str = "", span: float = 1.0) -> Cell:
        label = self.doctype.label(key, self.language)
        return Cell(number, label, self.values.get(key, ""), span, key)


def prc_layout(c: Cells, name: str, lang: str) -> Layout:
    blocks = (
        Block(text("block_state", lang), ((Cell("1.", "", "", 0.5), c("ic", "2.", 0.5)),)),
        Block(
            text("block_holder", lang),
            ((c("fn", "3."),), (c("gn", "4."),), (c("dob", "5.", 0.4), c("hi", "6.", 0.6))),
        ),
        Block(text("block_institution", lang), ((c("ii", "7.", 0.4), c("in", "", 0.6)),)),
        Block(text("block_card", lang), ((c("ci", "8.", 0.6), c("xd", "9.", 0.4)),)),
    )
    side = Block(
        text("block_validity", lang), ((c("sd", "(a)"),), (c("ed", "(b)"),), (c("di", "(c)"),))
    )
    return Layout(
        sid=c.doctype.sid,
        language=lang,
        title=name.upper(),
        subtitle=text("article", lang),
        statement=None,
        blocks=blocks,
        side=side,
        qr_title="(d) " + text("signature", lang),
        qr_note=text("esigned", lang),
        notes_title=text("notes_title", lang),
        notes=text("prc_notes", lang),
    )


def ehic_layout(c: Cells, name: str, lang: str) -> Layout:
    blocks = (
        Block(text("block_state", lang), ((c("ic", "2."),),)),
        Block(
            text("block_holder", lang),
            ((c("fn", "3."),), (c("gn", "4."),), (c("dob", "5.", 0.4), c("hi", "6.", 0.6))),
        ),
        Block(text("block_institution", lang), ((c("ii", "7.", 0.4), c("in", "", 0.6)),)),
        Block(text("block_card", lang), ((c("ci", "8.", 0.6), c("xd", "9.", 0.4)),)),
    )
    side = Block(text("block_coverage", lang), ((c("sd"),), (c("di"),)))
    return Layout(
        sid=c.doctype.sid,
        language=lang,
        title=name.upper(),
        subtitle=text("regulations", lang),
        statement=None,
        blocks=blocks,
        side=side,
        qr_title=text("scan", lang),
        qr_note=text("esigned", lang),
        notes_title=text("notes_title", lang),
        notes=text("ehic_notes", lang),
    )


def ssh_layout(c: Cells, name: str, lang: str) -> Layout:
    blocks = (
        Block(
            text("block_ssh_holder", lang), ((c("fn"),), (c("gn", span=0.65), c("by", span=0.35)))
        ),
        Block(text("block_ssh_issuer", lang), ((c("ii", span=0.5), c("ic", span=0.5)),)),
    )
    side = Block(text("block_ssh_validity", lang), ((c("vf"),), (c("vu"),), (c("di"),)))
    return Layout(
        sid=c.doctype.sid,
        language=lang,
        title=name,
        subtitle="",
        statement=c.doctype.label("rt", lang),
        blocks=blocks,
        side=side,
        qr_title=text("scan", lang),
        qr_note=text("esigned", lang),
        notes_title=text("notes_title", lang),
        notes=text("ssh_notes", lang),
    )
