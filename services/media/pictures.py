"""Picture processing with Pillow, as Zou sizes it. Blocking: call through a thread.

Every picture is normalised to an sRGB PNG first; its variants are PNGs of exactly
the target size, the picture scaled to fit and centred on a transparent canvas.
"""

import math
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

from libs.common.errors import WrongParameter

ImageFile.LOAD_TRUNCATED_IMAGES = True

RECTANGLE = (150, 100)
SQUARE = (100, 100)
BIG_SQUARE = (400, 400)
# Zou's previews are 1200 wide, as tall as the picture's ratio makes them.
PREVIEW = (1200, 0)
PREVIEW_VARIANTS = {"thumbnails": RECTANGLE, "thumbnails-square": SQUARE, "previews": PREVIEW}

PICTURE_EXTENSIONS = frozenset({"jpe", "jpeg", "jpg", "png"})
_SRGB = ImageCms.createProfile("sRGB")
_DEEP_GREY = ("I", "I;16")


class NotAPicture(WrongParameter):
    def __init__(self):
        super().__init__("Uploaded file is not a readable picture.", data=None)


def _to_srgb(im: Image.Image, mode: str = "RGB") -> Image.Image:
    if im.mode in _DEEP_GREY:
        # 16-bit greys would be clamped by convert(); scale them to 8 bits instead.
        im = im.point(lambda v: v / 256).convert("L")
    if im.mode not in ("CMYK", "RGB", "RGBA"):
        return im
    if im.mode == "RGB" and im.info.get("transparency") is not None:
        im = im.convert("RGBA")
    if im.mode == "RGBA":
        mode = "RGBA"
    profile = im.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(profile))
            im = ImageCms.profileToProfile(
                im, source, _SRGB, outputMode="RGBA" if im.mode == "RGBA" else "RGB"
            )
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile is no reason to refuse the picture
    return im if im.mode == mode else im.convert(mode)


def normalise(source: Path, target: Path) -> tuple[int, int]:
    """Reads any picture Pillow knows, writes it as an sRGB PNG; its (width, height)."""
    try:
        with Image.open(source) as opened:
            opened.load()
            im = _to_srgb(opened)
            im.save(target, "PNG")
            return im.size
    except _unreadable():
        target.unlink(missing_ok=True)
        raise NotAPicture() from None


def box_for(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The canvas a picture of `size` gets: `box`, with a zero height following the ratio."""
    width, height = box
    if height == 0:
        height = math.ceil(width * size[1] / size[0])
    return width, height


def fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest size of the picture's ratio inside `box` (up or down)."""
    scale = min(box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _unreadable():
    return (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError)


def thumbnail(source: Path, target: Path, box: tuple[int, int]) -> tuple[int, int]:
    """Writes the picture at `source` as a PNG of the box's size; that size."""
    try:
        with Image.open(source) as opened:
            opened.load()
            im = _to_srgb(opened, "RGBA")
    except _unreadable():
        raise NotAPicture() from None
    canvas_size = box_for(im.size, box)
    inner = fitted(im.size, canvas_size)
    if inner != im.size:
        im = im.resize(inner, Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", canvas_size, (0, 0, 0, 0))
    canvas.paste(im, ((canvas_size[0] - inner[0]) // 2, (canvas_size[1] - inner[1]) // 2))
    canvas.save(target, "PNG")
    return canvas_size


def preview_variants(source: Path, folder: Path, stem: str) -> tuple[tuple[int, int], dict]:
    """An uploaded picture as its original PNG and Zou's three smaller variants:
    (original width and height, {prefix: path})."""
    original = folder / f"original-{stem}.png"
    size = normalise(source, original)
    paths = {"original": original}
    for prefix, box in PREVIEW_VARIANTS.items():
        paths[prefix] = folder / f"{prefix}-{stem}.png"
        thumbnail(original, paths[prefix], box)
    return size, paths
