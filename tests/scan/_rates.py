"""Decode rates of the robustness set: documents × resolutions × transformations × decoders.

Each document is printed to a PDF (_corpus.document_pdf), rendered with PDFium at each dpi,
transformed with PIL, and decoded by each decoder configuration through ``decode_image`` (with
its preprocessing retries). A decode counts only if it returns exactly the issued QR text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.qr import CIVICRED_EHIC_SID, CIVICRED_SSH_SID, EESSI_PRC_SID
from verifier.scan import (
    PyzbarDecoder,
    QrDecoder,
    ScanUnavailable,
    ZxingDecoder,
    decode_image,
    render_pdf,
)

from ._corpus import QrIssuer, document_pdf, make_ca, sample, worst_case
from ._transforms import HARD, MODERATE, Transform

CONFIGS: dict[str, Callable[[], list[QrDecoder]]] = {
    "zxing-cpp": lambda: [ZxingDecoder()],
    "pyzbar": lambda: [PyzbarDecoder()],
    "combined": lambda: [ZxingDecoder(), PyzbarDecoder()],
}
SETS: dict[str, dict[str, Transform]] = {"moderate": MODERATE, "hard": HARD}


def available_configs() -> tuple[str, ...]:
    """The decoder configurations this machine can run (pyzbar needs libzbar0)."""
    out = []
    for name, make in CONFIGS.items():
        try:
            make()
        except ScanUnavailable:
            continue
        out.append(name)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    payload: dict[str, Any]
    qr_text: str
    pdf: bytes | None = None  # an issued PDF; else the corpus prints the payload (document_pdf)


@dataclass(frozen=True, slots=True)
class Attempt:
    document: str
    dpi: int
    set: str
    transform: str
    config: str
    ok: bool
    seconds: float


def documents(names: Iterable[str] | None = None, spec_dir: Path | None = None) -> list[Document]:
    """The robustness documents (ES256 unless noted); ``names`` selects a subset."""
    issuer = QrIssuer.create(make_ca(), "BE:0120 QR signer")
    made = {
        "ePRC typical (v15)": sample(EESSI_PRC_SID),
        "ePRC worst case (v17)": worst_case(EESSI_PRC_SID),
        "eEHIC typical": sample(CIVICRED_EHIC_SID),
        "social status typical": sample(CIVICRED_SSH_SID),
    }
    out = [Document(name, payload, issuer.issue(payload)) for name, payload in made.items()]
    if spec_dir is not None and (spec_dir / "prc_john_doe.qr.b45").is_file():
        import json

        decoded = json.loads((spec_dir / "prc_john_doe.decoded.json").read_text("utf-8"))
        text = (spec_dir / "prc_john_doe.qr.b45").read_text("ascii")
        out.append(Document("spec vector RS256 (v18)", decoded["payload"], text))
    wanted = set(names) if names is not None else None
    return [d for d in out if wanted is None or d.name in wanted]


def run(
    docs: Sequence[Document],
    dpis: Sequence[int] = (150, 300),
    sets: dict[str, dict[str, Transform]] | None = None,
    configs: Sequence[str] = tuple(CONFIGS),
    progress: Callable[[Attempt], None] | None = None,
) -> list[Attempt]:
    attempts: list[Attempt] = []
    decoders = {name: CONFIGS[name]() for name in configs}
    for doc in docs:
        pdf = doc.pdf if doc.pdf is not None else document_pdf(doc.payload, doc.qr_text)
        for dpi in dpis:
            (page,) = render_pdf(pdf, dpi=dpi)
            for set_name, transforms in (sets or SETS).items():
                for transform_name, transform in transforms.items():
                    image = transform(page)
                    for config, chosen in decoders.items():
                        start = time.perf_counter()
                        ok = decode_image(image, decoders=chosen) == [doc.qr_text]
                        attempt = Attempt(
                            doc.name,
                            dpi,
                            set_name,
                            transform_name,
                            config,
                            ok,
                            time.perf_counter() - start,
                        )
                        attempts.append(attempt)
                        if progress is not None:
                            progress(attempt)
    return attempts


def rate(attempts: Iterable[Attempt], **where: Any) -> float:
    chosen = [a for a in attempts if all(getattr(a, k) == v for k, v in where.items())]
    return sum(a.ok for a in chosen) / len(chosen) if chosen else float("nan")


def table(attempts: Sequence[Attempt]) -> str:
    """A Markdown table: one row per (set, transform), one column per dpi × decoder."""
    configs = list(dict.fromkeys(a.config for a in attempts))
    dpis = sorted({a.dpi for a in attempts})
    rows = list(dict.fromkeys((a.set, a.transform) for a in attempts))
    head = ["set", "transform"] + [f"{c} @{d}" for d in dpis for c in configs]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def cell(**where: Any) -> str:
        chosen = [a for a in attempts if all(getattr(a, k) == v for k, v in where.items())]
        return f"{sum(a.ok for a in chosen)}/{len(chosen)}"

    for set_name, transform in rows:
        cells = [
            cell(set=set_name, transform=transform, dpi=d, config=c) for d in dpis for c in configs
        ]
        lines.append("| " + " | ".join([set_name, transform, *cells]) + " |")
    for set_name in dict.fromkeys(a.set for a in attempts):
        cells = [
            f"**{rate(attempts, set=set_name, dpi=d, config=c):.0%}**"
            for d in dpis
            for c in configs
        ]
        lines.append("| " + " | ".join([f"**{set_name}**", "**all**", *cells]) + " |")
    timing = ", ".join(
        f"{c} {1000 * sum(a.seconds for a in attempts if a.config == c) / max(1, sum(a.config == c for a in attempts)):.0f} ms"
        for c in configs
    )
    return "\n".join(lines) + f"\n\nmean time per image (incl. retries): {timing}"
