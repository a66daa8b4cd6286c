"""The one photo of a kwestie (a photo of the place): made small and stripped of metadata.

    data = photo.prepare(uploaded_bytes)     # JPEG, at most 1600 px wide, no EXIF (no GPS)

A phone photo carries where and when it was taken, and the phone; none of that
belongs on a public page (AVG). Pillow decodes the image, turns it upright as
the camera meant, scales it down and encodes a new JPEG from the pixels alone.
"""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

FILE = "foto.jpg"
MAX_UPLOAD = 8 * 1024 * 1024  # bytes a browser may send
MAX_SIDE = 1600  # pixels, the longest side on the page
MAX_PIXELS = 50_000_000  # a bigger image is refused before it is decoded (decompression bombs)
ALT_MAX = 250


class PhotoError(ValueError):
    """An upload that is not a usable photo; the message says why, in Dutch."""


def prepare(data):
    """JPEG bytes of the photo, upright, at most MAX_SIDE px on its longest side, without metadata."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError("Deze foto is te groot. Kies een foto van hoogstens 50 megapixel.")
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise PhotoError("Kies een foto als JPG, PNG of WebP.")
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # Only the pixels: no exif, icc or comment is passed on.
            image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise PhotoError("Dit bestand is geen foto die we kunnen lezen. Kies een JPG, PNG of WebP.")
    return out.getvalue()
