"""Photos are decoded and saved again: only pixels survive, never EXIF (GPS), comments or scripts.

The size a photo claims is checked before any pixel is decoded, so a small file that unpacks to
billions of pixels (a decompression bomb) is refused without being opened.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.evidence import (
    JPEG,
    MAX_IMAGE_SIDE,
    MSG_BAD_IMAGE,
    MSG_IMAGE_TOO_BIG,
    PNG,
    FileType,
    check_image_size,
)

_FORMATS = ("JPEG", "PNG", "WEBP")


def photo_clean(data: bytes) -> tuple[bytes, FileType]:
    """The photo re-encoded without its metadata: JPEG, or PNG when it has transparency.

    Raises:
        ValidationFailed: not a readable JPEG, PNG or WebP, or too many pixels to open safely.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                check_image_size(*image.size)
                image.seek(0)  # an animation keeps its first frame only
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the orientation, drop the rest
        except ValidationFailed:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ValidationFailed(MSG_IMAGE_TOO_BIG) from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
            raise ValidationFailed(MSG_BAD_IMAGE) from error
    alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    clean = upright.convert("RGBA" if alpha else "RGB")
    clean.info = {}  # nothing read from the file (EXIF, XMP, comments) is written back
    clean.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    out = io.BytesIO()
    if alpha:
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), PNG
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), JPEG
