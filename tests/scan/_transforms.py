"""Image transformations of the robustness set: what printing, scanning and phone cameras do.

Pure PIL (no numpy): rotation, blur, a keystone perspective warp, low contrast, JPEG, a
phone-screen moiré overlay (two fine gratings beating into low-frequency bands), downscaling.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from PIL import Image, ImageChops, ImageEnhance, ImageFilter


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    n = len(vector)
    rows = [[*row, v] for row, v in zip(matrix, vector, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def perspective(image: Image.Image, strength: float) -> Image.Image:
    """A keystone warp: the top edge narrowed by ``strength`` of the width (a tilted phone)."""
    w, h = image.size
    d = strength * w
    target = [(d, 0.0), (w - d, 0.0), (w, float(h)), (0.0, float(h))]
    source = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    matrix, vector = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        vector += [u, v]
    coeffs = _solve(matrix, vector)
    return image.transform(
        image.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor="white"
    )


def _grating(size: tuple[int, int], period: float, angle: float) -> Image.Image:
    w, h = size
    length = int(math.hypot(w, h)) + 4
    row = bytes(int(127.5 + 127.5 * math.sin(2 * math.pi * i / period)) for i in range(length))
    band = Image.frombytes("L", (length, 1), row).resize((length, length))
    rotated = band.rotate(angle, resample=Image.Resampling.BILINEAR)
    left, top = (length - w) // 2, (length - h) // 2
    return rotated.crop((left, top, left + w, top + h))


def moire(image: Image.Image, amplitude: float = 0.35) -> Image.Image:
    """A phone photographing a screen: two fine gratings beat into low-frequency bands."""
    gray = image.convert("L")
    pattern = ImageChops.multiply(
        _grating(gray.size, 3.1, 3.0), _grating(gray.size, 3.4, -4.0)
    ).filter(ImageFilter.GaussianBlur(1.2))
    pattern = ImageEnhance.Contrast(pattern).enhance(2.0)
    shaded = ImageChops.multiply(gray, pattern)
    return Image.blend(gray, shaded, amplitude)


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def low_contrast(image: Image.Image, factor: float) -> Image.Image:
    """Contrast squeezed around light grey (faded print, a dim screen)."""
    return ImageEnhance.Brightness(
        ImageEnhance.Contrast(image.convert("L")).enhance(factor)
    ).enhance(1.1)


def downscale(image: Image.Image, factor: float) -> Image.Image:
    w, h = image.size
    return image.resize(
        (max(1, int(w * factor)), max(1, int(h * factor))), Image.Resampling.BILINEAR
    )


def rotate(image: Image.Image, degrees: float) -> Image.Image:
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")


Transform = Callable[[Image.Image], Image.Image]
#: The moderate set: what a reasonable phone photo or office scan of a printed page does.
MODERATE: dict[str, Transform] = {
    "none": lambda im: im,
    "rotate 5°": lambda im: rotate(im, 5),
    "rotate 15°": lambda im: rotate(im, 15),
    "rotate 90°": lambda im: im.transpose(Image.Transpose.ROTATE_90),
    "blur σ=1": lambda im: im.filter(ImageFilter.GaussianBlur(1.0)),
    "perspective 8%": lambda im: perspective(im, 0.08),
    "low contrast 35%": lambda im: low_contrast(im, 0.35),
    "jpeg q30": lambda im: jpeg(im, 30),
    "moiré": lambda im: moire(im, 0.35),
    "downscale ×0.75": lambda im: downscale(im, 0.75),
}
#: The hard set: combinations and strengths beyond a careful scan.
HARD: dict[str, Transform] = {
    "blur σ=2": lambda im: im.filter(ImageFilter.GaussianBlur(2.0)),
    "perspective 18%": lambda im: perspective(im, 0.18),
    "low contrast 15%": lambda im: low_contrast(im, 0.15),
    "moiré strong + jpeg q30": lambda im: jpeg(moire(im, 0.6), 30),
    "downscale ×0.5": lambda im: downscale(im, 0.5),
    "rotate 15° + blur + jpeg q30": lambda im: jpeg(
        rotate(im, 15).filter(ImageFilter.GaussianBlur(1.2)), 30
    ),
    "rotate 45°": lambda im: rotate(im, 45),
    "downscale ×0.35": lambda im: downscale(im, 0.35),
    "phone photo of a screen": lambda im: jpeg(
        downscale(moire(perspective(rotate(im, 7), 0.12), 0.5), 0.6).filter(
            ImageFilter.GaussianBlur(0.8)
        ),
        40,
    ),
}
