"""Stored figures compared the way matplotlib's own test suite and pytest-mpl compare them: by the RMS of the
pixel difference, against a tolerance, never by bytes.

Why not bytes: a figure's pixels depend on the last bits of the floats that place its lines. PyTorch's kernels sum
in a different order under each CPU capability (AVX2, AVX-512, none), so a curve can land a fraction of a pixel
elsewhere and anti-aliasing shades a few edge pixels differently. Those figures look the same to a reader and
must pass; a moved curve, a changed colour or a dropped legend must not.

The measure is matplotlib's own, `matplotlib.testing.compare.calculate_rms`: the root mean square, over every pixel
and every RGB channel, of the difference of the 0-255 values. `TOLERANCE` is chosen from measurements (see its
comment), and `tests/test_figures.py` shows that real changes to the stored figures exceed it. A figure past the
tolerance is drawn for a person by matplotlib's `save_diff_image` (the difference, ten times brighter).

Kept by hand: reading PNG bytes or a PIL image and seeing transparency on white, as a notebook shows it (matplotlib
reads files, and compares an image with transparency channel by channel, its alpha too), and `inf` for figures
of two sizes (matplotlib raises).

    >>> import io
    >>> from PIL import Image
    >>> def png(colour):
    ...     buffer = io.BytesIO()
    ...     Image.new("RGB", (20, 10), colour).save(buffer, format="PNG")
    ...     return buffer.getvalue()
    >>> rms(png("white"), png("white"))
    0.0
    >>> rms(png((255, 255, 255)), png((255, 255, 252)))  # one channel off by 3 everywhere: sqrt(3**2 / 3)
    1.7320508075688772
    >>> rms(png("white"), Image.new("RGB", (20, 11)))  # another size is another figure
    inf
    >>> rms(png("white"), "figure.png")
    Traceback (most recent call last):
    ...
    TypeError: rms() expects PNG bytes or a PIL image for `actual`, got str
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.testing.compare import calculate_rms
from PIL import Image

# The largest RMS difference a stored figure may show when re-executed. Measured (README, "What reproduces means"):
# every figure of the course re-executed under ATEN_CPU_CAPABILITY=avx2 and =default differs by RMS 0.10 at most,
# and the stored figures, made on another processor, by 0.03 at most from those made here. The smallest real change
# tests/test_figures.py makes to a stored figure, one line moved down by one pixel or drawn in another colour, gives
# 2.1 or more. pytest-mpl's default tolerance, 2, would let some of those through; 1 is ten times the largest
# rounding difference measured and half the smallest real change.
TOLERANCE = 1.0


def _pixels(png: bytes | Image.Image, name: str) -> np.ndarray:
    if isinstance(png, Image.Image):
        image = png
    elif isinstance(png, bytes):
        image = Image.open(io.BytesIO(png))
    else:
        raise TypeError(f"rms() expects PNG bytes or a PIL image for `{name}`, got {type(png).__name__}")
    if image.mode in ("RGBA", "LA", "P"):  # transparent parts are seen on white, as in a notebook
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(white, image)
    # int16: calculate_rms subtracts before it converts to float, and 0-255 values in uint8 would wrap around
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def rms(expected: bytes | Image.Image, actual: bytes | Image.Image) -> float:
    """The RMS of the pixel difference of two images (0 to 255); `inf` when their sizes differ."""
    a, b = _pixels(expected, "expected"), _pixels(actual, "actual")
    return float(calculate_rms(a, b)) if a.shape == b.shape else float("inf")
