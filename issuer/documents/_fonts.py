"""The embedded fonts: DejaVu Sans regular and bold (every Latin-1..4 letter, EN 1387 / S2).

Looked up in ``font_dir``, else ``$CIVICRED_FONT_DIR``, else the Debian/Ubuntu location of the
``fonts-dejavu-core`` package. A missing file is an error, never a silent fallback to a base-14
font (which cannot print ``Ł``, ``Ħ``, ``ĸ`` …). reportlab embeds a subset of each font.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from issuer.documents._payloads import DocumentError

FONT_DIR_ENV = "CIVICRED_FONT_DIR"
DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"

_LOCK = threading.Lock()
_REGISTERED: dict[tuple[Path, Path], Fonts] = {}


class FontNotFoundError(DocumentError):
    """A font file the documents need is missing."""


@dataclass(frozen=True, slots=True)
class Fonts:
    """reportlab font names, registered in this process."""

    regular: str
    bold: str
    directory: Path

    def missing_glyphs(self, value: str) -> list[str]:
        """Characters of ``value`` that the fonts cannot draw (as ``U+XXXX``)."""
        from reportlab.pdfbase import pdfmetrics

        out: list[str] = []
        for name in (self.regular, self.bold):
            glyphs = pdfmetrics.getFont(name).face.charToGlyph
            out += [
                f"U+{ord(ch):04X}" for ch in value if ch.isprintable() and ord(ch) not in glyphs
            ]
        return sorted(set(out))


def font_directory(font_dir: Path | str | None = None) -> Path:
    if font_dir is not None:
        return Path(font_dir)
    return Path(os.environ.get(FONT_DIR_ENV) or DEFAULT_FONT_DIR)


def _require(path: Path) -> Path:
    if not path.is_file():
        raise FontNotFoundError(
            f"font file {path} not found: the PDF documents embed DejaVu Sans ({REGULAR_FILE}, "
            f"{BOLD_FILE}). Install the Debian/Ubuntu package fonts-dejavu-core, or point "
            f"${FONT_DIR_ENV} (or --font-dir) at a directory holding both files."
        )
    return path.resolve()


def load_fonts(font_dir: Path | str | None = None) -> Fonts:
    """Register DejaVu Sans regular + bold from ``font_dir`` (once per process and path)."""
    directory = font_directory(font_dir)
    regular = _require(directory / REGULAR_FILE)
    bold = _require(directory / BOLD_FILE)
    with _LOCK:
        known = _REGISTERED.get((regular, bold))
        if known is not None:
            return known
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        tag = hashlib.sha256(f"{regular}\0{bold}".encode()).hexdigest()[:8]
        names = (f"CivicredSans-{tag}", f"CivicredSans-Bold-{tag}")
        try:
            pdfmetrics.registerFont(TTFont(names[0], str(regular)))
            pdfmetrics.registerFont(TTFont(names[1], str(bold)))
        except TTFError as exc:
            raise FontNotFoundError(f"cannot load the fonts in {directory}: {exc}") from None
        fonts = Fonts(names[0], names[1], directory)
        _REGISTERED[(regular, bold)] = fonts
        return fonts
