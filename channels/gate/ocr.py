"""The third reading: Tesseract (Debian's ``tesseract-ocr``) reads a disclaimer's cropped pixels.

Only the crop of the disclaimer's own boxes is read, never a whole page.  Tesseract was
chosen over RapidOCR on accuracy and time per crop (README, "The gate's witnesses").
Equal crops are read once per process: a handout repeats the same footer on every page.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import shutil
import subprocess

from PIL import Image, ImageOps, ImageStat

from channels.errors import PublishError
from channels.rules import GATE

TESSERACT = "tesseract"
_READ: dict[str, str] = {}
_READ_MAX = 512


def ocr_problem(image: Image.Image, text: str) -> str:
    """Empty when OCR of ``image`` reads ``text`` (letters and digits, in order), else why not."""
    read = _read(image)
    wanted, got = _letters(text), _letters(read)
    ratio = difflib.SequenceMatcher(None, wanted, got, autojunk=False).ratio()
    if ratio >= GATE.ocr_min_similarity:
        return ""
    shown = " ".join(read.split())[:60] or "nothing"
    return f"OCR of its pixels reads '{shown}' ({ratio:.0%} alike)"


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _read(image: Image.Image) -> str:
    png = io.BytesIO()
    # Dark ink on light paper reads best: a light-on-dark crop is inverted first.
    grey = ImageOps.grayscale(image)
    if ImageStat.Stat(grey).mean[0] < 128:
        grey = ImageOps.invert(grey)
    grey.save(png, format="PNG")
    key = hashlib.sha256(png.getvalue()).hexdigest()
    if key not in _READ:
        if len(_READ) >= _READ_MAX:
            _READ.pop(next(iter(_READ)))
        _READ[key] = _tesseract(png.getvalue())
    return _READ[key]


def _tesseract(png: bytes) -> str:
    if shutil.which(TESSERACT) is None:
        raise OcrMissing
    # One thread: workers run side by side, and Tesseract's OpenMP threads only contend.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run([TESSERACT, "stdin", "stdout", "--psm", "6", "-l", "eng"],
                          input=png, capture_output=True, env=env, timeout=60, check=False)
    return done.stdout.decode("utf-8", "replace")


class OcrMissing(PublishError):
    """Tesseract is not installed: a set-up problem (exit 2), never a pass."""

    def __init__(self) -> None:
        super().__init__("the gate's OCR needs Tesseract, which is not installed (run "
                         "apt-get install tesseract-ocr, as system-packages.txt lists)")
