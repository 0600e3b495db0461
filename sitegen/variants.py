"""Smaller copies of the stored images, for `srcset`, and a preview for lists.

A stored image is evidence and stays as it was fetched; but a phone need not
download a 4,000-pixel original to show it 400 pixels wide. Where Pillow is
installed (`pip install 'sitegen[images]'`), `add_variants` makes from each
stored raster original a copy at each of WIDTHS narrower than it, and a
preview that fits PREVIEW_BOX, kept beside the originals:

    content/assets/images/variants/ab/ab12…-480w.jpg
    content/assets/images/variants/ab/ab12…-preview.jpg

and records them on the image's manifest records, so that a build writes
`srcset` and `sizes` (`images.localise`). Without Pillow nothing else changes:
pages show the originals.

Resizing is Pillow's: resampling, colour profiles, EXIF orientation and the
quirks of each format are done better by a well-kept library than by code
written here.

Formats: a copy keeps its original's format where every browser shows it:
JPEG, PNG, WebP, AVIF. News images in PNG are mostly screenshots of notices,
tables and maps, whose text a lossy format would smear, and photos arrive as
JPEG already; so a reader sees the same picture, only smaller. A still GIF,
BMP or ICO becomes PNG (lossless, and a GIF's palette would band when
resized). Animated images get no copies: a still would lose the motion.
SVGs need none: they scale.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from sitegen.images import (
    MAX_PIXELS,
    Journal,
    Record,
    compact_manifest,
    load_manifest,
    variant_path,
    write_atomic,
)
from sitegen.report import Reporter

try:
    from PIL import Image, ImageOps
except ImportError:  # an optional dependency: the pages show the originals
    Image = ImageOps = None  # type: ignore[assignment]

WIDTHS = (480, 960, 1600)  # a phone, a laptop's column at 1.5×, a retina column
PREVIEW_BOX = (256, 256)  # a list's thumbnail (8rem) on a 2× screen
WORKERS = min(4, os.cpu_count() or 1)  # images resized at once (each may hold 150 MB)
# Pillow's format name → (the format copies are written in, their extension, save options).
_QUALITY = {"quality": 82}
_JPEG = ("JPEG", "jpg", {**_QUALITY, "optimize": True, "progressive": True})
_LOSSLESS = ("PNG", "png", {"optimize": True})
_OUTPUT = {
    "JPEG": _JPEG,
    "MPO": _JPEG,  # a camera's JPEG with extra pictures: the first is the photo
    "PNG": _LOSSLESS,
    "WEBP": ("WEBP", "webp", {**_QUALITY, "method": 4}),
    "AVIF": ("AVIF", "avif", _QUALITY),
    "GIF": _LOSSLESS,
    "BMP": _LOSSLESS,
    "ICO": _LOSSLESS,
}
_READ = [name for name in _OUTPUT if name != "MPO"]  # only these decoders; JPEG's reads MPO
_MODES = {"JPEG": ("L", "RGB", "CMYK"), "PNG": ("L", "LA", "RGB", "RGBA")}


def available() -> bool:
    """Whether Pillow can be used here."""
    return Image is not None


class Unusable(Exception):
    """No copies can be made of these bytes; the message says why."""


@dataclass(frozen=True)
class Derived:
    """The copies made of one image."""

    width: int  # of the original, as shown (EXIF orientation applied)
    height: int
    extension: str  # of the copies
    variants: tuple[tuple[int, bytes], ...]  # (width, bytes), narrowest first
    preview: bytes | None  # None: the original is already that small


def derive(data: bytes, max_pixels: int) -> Derived:
    """The smaller copies of one image's bytes, or Unusable.

    Pillow refuses more than `max_pixels` (a decompression bomb: a few
    kilobytes that unpack to gigabytes) before it decodes a pixel.
    """
    with pillow_limits(max_pixels):
        return _decoded(data)


@contextmanager
def pillow_limits(max_pixels: int) -> Iterator[None]:
    """Pillow's own bomb check at `max_pixels`, its warning (over the cap) an
    error like its error (over twice the cap). Both are process-wide, so they
    are set once around all the work of the threads, and put back after."""
    if Image is None:
        raise Unusable("Pillow is not installed")
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def _decoded(data: bytes) -> Derived:
    try:
        with Image.open(io.BytesIO(data), formats=_READ) as image:
            return _derive(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Unusable(f"refused by Pillow as a decompression bomb: {exc}") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # what Pillow raises on bad data
        raise Unusable(f"Pillow cannot read it: {exc}") from exc


def _derive(image: Image.Image) -> Derived:
    if getattr(image, "n_frames", 1) > 1 and image.format != "MPO":  # MPO: a photo + extras
        raise Unusable("animated: a still copy would lose the motion")
    writer, extension, options = _OUTPUT[image.format]
    icc = image.info.get("icc_profile")
    shown = _for(writer, ImageOps.exif_transpose(image))
    width, height = shown.size

    def encode(copy: Image.Image) -> bytes:
        out = io.BytesIO()
        copy.save(out, writer, **options, **({"icc_profile": icc} if icc else {}))
        return out.getvalue()

    variants = tuple(
        (w, encode(shown.resize((w, max(1, round(height * w / width))), Image.Resampling.LANCZOS)))
        for w in WIDTHS
        if w < width
    )
    preview = None
    if width > PREVIEW_BOX[0] or height > PREVIEW_BOX[1]:
        small = shown.copy()
        small.thumbnail(PREVIEW_BOX, Image.Resampling.LANCZOS)
        preview = encode(small)
    return Derived(width, height, extension, variants, preview)


def _for(writer: str, image: Image.Image) -> Image.Image:
    """The image in a mode its format writes and resizes well (a palette is
    resized by nearest neighbour, so it is expanded first)."""
    modes = _MODES.get(writer, ("RGB", "RGBA"))
    if image.mode in modes:
        return image
    alpha = image.mode in ("LA", "RGBA", "PA") or "transparency" in image.info
    wanted = "RGBA" if alpha and "RGBA" in modes else "RGB"
    return image.convert(wanted)


@dataclass
class VariantSummary:
    """What `add_variants` did, counted by stored image (not by URL)."""

    available: bool = True  # False: Pillow is not installed, nothing was done
    made: int = 0  # images given copies this run
    small: int = 0  # looked at; too small for any copy
    unusable: int = 0  # animated, unreadable, or refused by Pillow


def add_variants(
    content_dir: Path, reporter: Reporter, max_pixels: int = MAX_PIXELS
) -> VariantSummary:
    """Make the copies of every stored raster image not looked at yet (also
    those stored before this existed), and record them in the manifest.

    Images are resized on a few threads (Pillow lets go of the interpreter
    while it decodes, resizes and encodes). A stored file whose bytes no
    longer match its SHA-256 gets no copies: it is not the evidence it claims
    to be, and the warning says so.
    """
    if Image is None:
        return VariantSummary(available=False)
    manifest = load_manifest(content_dir)
    todo: dict[str, list[Record]] = defaultdict(list)
    for record in manifest.records.values():
        if record.state == "stored" and not record.looked_at and record.type != "image/svg+xml":
            todo[record.sha256 or ""].append(record)
    summary = VariantSummary()
    if not todo:
        return summary
    journal = Journal(content_dir, manifest)
    reporter.progress("variants", 0, len(todo))
    make = partial(_variants_of, content_dir)
    with pillow_limits(max_pixels):
        pool = ThreadPoolExecutor(WORKERS)
        try:
            results = pool.map(make, (records[0] for records in todo.values()))
            for done, (records, (outcome, update, warning)) in enumerate(
                zip(todo.values(), results, strict=True), 1
            ):
                if warning:
                    reporter.warning(warning)
                if update:
                    setattr(summary, outcome, getattr(summary, outcome) + 1)
                    for record in records:
                        journal.record(replace(record, **update))
                reporter.progress("variants", done, len(todo))
        finally:  # Ctrl-C: what is recorded stays; the rest is made next run
            pool.shutdown(wait=True, cancel_futures=True)
    compact_manifest(content_dir, manifest)
    return summary


def _variants_of(content_dir: Path, record: Record) -> tuple[str, dict | None, str | None]:
    """Make one stored image's copies, on a worker thread: (what became of it:
    `made`, `small` or `unusable`; its new manifest fields, None when the
    stored file cannot be trusted; a warning or None)."""
    sha = record.sha256 or ""
    try:
        data = (content_dir / (record.path or "")).read_bytes()
    except OSError as exc:
        return "", None, f"{record.path}: cannot read the stored image: {exc.strerror}"
    if hashlib.sha256(data).hexdigest() != sha:
        return "", None, f"{record.path}: its bytes no longer match its SHA-256; no copies made"
    try:
        derived = _decoded(data)
    except Unusable as exc:
        quiet = "animated" in str(exc)  # nothing is wrong with it
        warning = None if quiet else f"{record.path} ({record.url}): no smaller copies: {exc}"
        return "unusable", {"no_variants": str(exc)}, warning
    variants = tuple(
        (width, _keep(content_dir, variant_path(sha, f"{width}w", derived.extension), copy))
        for width, copy in derived.variants
    )
    preview = None
    if derived.preview is not None:
        preview = variant_path(sha, "preview", derived.extension)
        _keep(content_dir, preview, derived.preview)
    update = {"width": derived.width, "height": derived.height}
    update |= {"variants": variants, "preview": preview}
    return ("made" if variants else "small"), update, None


def _keep(content_dir: Path, rel: str, data: bytes) -> str:
    """Write a copy unless a finished one is there (an earlier, interrupted run)."""
    target = content_dir / rel
    if not target.is_file():
        write_atomic(target, data)
    return rel
