"""Uploaded pictures: strict validation, a clean copy of the original, and responsive
renditions, all made once, at save time.

Each model with a picture keeps, beside its ``ImageField``, a JSON field named
``<field>_renditions`` describing the resized copies (WebP plus a JPEG or PNG
fallback, several widths). Pages only read that JSON: no image is opened while a
page renders.

Nothing stored tells who took a picture, where or with what: an upload is replaced,
before it reaches the storage, by a copy without metadata (EXIF with its GPS position,
device and maker notes, XMP, comments, text chunks), its orientation applied and its
colour profile kept, under a random name whose extension is that of its format. The
renditions have random names of their own, which lead to nothing else.
"""

import io
import struct
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps
from PIL.JpegImagePlugin import get_sampling

# Format as Pillow names it -> extension of the stored file. MPO is a phone's JPEG with
# a second picture inside (depth map, gain map); only the first one is kept.
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
# The chunks a clean PNG or WebP keeps: pixels, transparency, colour, animation.
PNG_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"iCCP", b"sRGB", b"gAMA", b"cHRM",
              b"cICP", b"mDCV", b"cLLI", b"sBIT", b"acTL", b"fcTL", b"fdAT"}
WEBP_CHUNKS = {b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ICCP", b"ANIM", b"ANMF"}
RGB_MODES = {"RGB", "RGBA", "RGBX", "P", "PA"}  # an ICC profile of these suits RGB renditions
# Pillow decodes a WebP through libwebp's animation decoder, which holds several full-size
# RGBA buffers: about 15 bytes a pixel at the peak, against 4 for a JPEG or a PNG.
DECODING_COST = {"WEBP": 4}


def check_pixels(image: Image.Image) -> None:
    """Refuse, from the header alone, a picture whose decoding would cost too much."""
    limit = settings.MAX_IMAGE_PIXELS // DECODING_COST.get(image.format, 1)
    if image.width * image.height > limit:
        raise ValidationError(
            _("The image is too large: %(width)s × %(height)s pixels, %(megapixels)s megapixels "
              "(maximum %(limit)s)."),
            code="too_many_pixels",
            params={
                "width": image.width,
                "height": image.height,
                "megapixels": round(image.width * image.height / 1_000_000),
                "limit": round(limit / 1_000_000),
            },
        )


def validate_image(file) -> None:
    """Refuse anything but a complete JPEG, PNG or WebP of a sane size."""
    if file is None:
        return
    if file.size is not None and file.size > settings.MAX_IMAGE_UPLOAD_BYTES:
        limit = settings.MAX_IMAGE_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(
            _("The file is too large (maximum %(limit)s MB).") % {"limit": limit}, code="too_large"
        )
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(
                        _("Only JPEG, PNG and WebP images are accepted."), code="format"
                    )
                check_pixels(image)
                image.draft(None, (1, 1))  # a JPEG is read to its end at 1/8 of its size
                image.load()  # a truncated file fails here, not at save time
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(_("The image has too many pixels."), code="too_many_pixels") from error
    except Exception as error:
        raise ValidationError(
            _("The file is not a valid or complete image (JPEG, PNG or WebP)."), code="incomplete"
        ) from error
    finally:
        file.seek(0)


def orientation(image: Image.Image) -> int:
    # Without EXIF seen at opening, a PNG's getexif() would decode all the pixels to look further.
    return image.getexif().get(ExifTags.Base.Orientation, 1) if "exif" in image.info else 1


def clean_picture(file) -> ContentFile:
    """The picture without its metadata, upright, under a random name (see the module's docstring)."""
    file.seek(0)
    with Image.open(file) as image:
        check_pixels(image)
        fmt = image.format
        if fmt in ("PNG", "WEBP") and orientation(image) == 1:
            # Lossless and cheap: the metadata chunks are left out, the pixels are not decoded.
            file.seek(0)
            data = (strip_png if fmt == "PNG" else strip_webp)(file.read())
        else:
            data = reencode(image, fmt)
    file.seek(0)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[fmt]}")


def reencode(image: Image.Image, fmt: str) -> bytes:
    """Decode, turn upright and encode again, with nothing but the colour profile (and transparency)."""
    keep = {key: image.info[key] for key in ("icc_profile", "transparency") if image.info.get(key) is not None}
    ImageOps.exif_transpose(image, in_place=True)
    image.info = {}  # EXIF, XMP, comments: the encoders would copy some of them
    buffer = io.BytesIO()
    if fmt in ("JPEG", "MPO"):
        # The original's quantisation tables and subsampling (quality="keep", also for an MPO).
        image.save(buffer, "JPEG", qtables=image.quantization, subsampling=get_sampling(image), **keep)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=90, **keep)
    else:
        image.save(buffer, "PNG", **keep)
    return buffer.getvalue()


def strip_png(data: bytes) -> bytes:
    """The PNG with only the chunks named in ``PNG_CHUNKS``, each copied as it was."""
    kept, position = [data[:8]], 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length  # length, type, data, CRC
        if kind in PNG_CHUNKS:
            kept.append(data[position:end])
        if kind == b"IEND":
            break
        position = end
    return b"".join(kept)


def strip_webp(data: bytes) -> bytes:
    """The WebP with only the chunks named in ``WEBP_CHUNKS``; the header no longer announces EXIF or XMP."""
    kept, position = [], 12  # after "RIFF", the size and "WEBP"
    while position + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[position:position + 8])
        end = position + 8 + length + (length & 1)  # chunks are padded to an even size
        chunk = data[position:end]
        if kind == b"VP8X":
            chunk = chunk[:8] + bytes([chunk[8] & 0b11110011]) + chunk[9:]  # EXIF and XMP flags off
        if kind in WEBP_CHUNKS:
            kept.append(chunk)
        position = end
    body = b"WEBP" + b"".join(kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _encode(image: Image.Image, fmt: str, icc_profile: bytes | None) -> bytes:
    buffer = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=80, method=4, **options)
    elif fmt == "JPEG":
        image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True, **options)
    else:
        image.save(buffer, "PNG", optimize=True, **options)
    return buffer.getvalue()


def make_renditions(fieldfile) -> dict:
    """Write the resized copies of ``fieldfile`` to its storage and describe them."""
    storage = fieldfile.storage
    widest = max(RENDITION_WIDTHS)
    with fieldfile.open("rb") as source, Image.open(source) as image:
        turned = orientation(image) in (5, 6, 7, 8)
        width, height = (image.height, image.width) if turned else image.size
        # A JPEG decodes straight at 1/2, 1/4 or 1/8 of its size if the widest rendition still fits.
        image.draft("RGB", (1, widest) if turned else (widest, 1))
        icc_profile = image.info.get("icc_profile") if image.mode in RGB_MODES else None
        has_alpha = image.has_transparency_data
        ImageOps.exif_transpose(image, in_place=True)
        if image.mode != ("RGBA" if has_alpha else "RGB"):
            image = image.convert("RGBA" if has_alpha else "RGB")
        image.info = {}
        top = min(widest, width)
        # reducing_gap (as thumbnail() does): integer reduce() first, Lanczos for the last factor of 2 or less.
        base = image.resize((top, max(1, round(height * top / width))), Image.LANCZOS, reducing_gap=2.0)
    fallback = "PNG" if has_alpha else "JPEG"
    token = uuid.uuid4().hex
    description = {
        "source": fieldfile.name,
        "width": width,
        "height": height,
        "fallback_type": f"image/{fallback.lower()}",
        "webp": [],
        "fallback": [],
    }
    for size in sorted({min(w, top) for w in RENDITION_WIDTHS}):
        resized = base if size == top else base.resize((size, max(1, round(height * size / width))), Image.LANCZOS)
        for key, fmt in (("webp", "WEBP"), ("fallback", fallback)):
            name = f"renditions/{token}-{size}.{ACCEPTED_FORMATS[fmt]}"
            saved = storage.save(name, ContentFile(_encode(resized, fmt, icc_profile)))
            description[key].append([size, saved])
    return description


def delete_renditions(description: dict, storage) -> None:
    for key in ("webp", "fallback"):
        for _width, name in description.get(key, []):
            storage.delete(name)


class RenditionsMixin(models.Model):
    """Keeps ``<field>_renditions`` in step with each picture named in ``picture_fields``."""

    picture_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self.picture_fields:
            fieldfile = getattr(self, field)
            if fieldfile and not fieldfile._committed:
                setattr(self, field, clean_picture(fieldfile))  # the upload itself is never stored
        super().save(*args, **kwargs)
        changes = {}
        for field in self.picture_fields:
            fieldfile = getattr(self, field)
            current = getattr(self, f"{field}_renditions") or {}
            if fieldfile and current.get("source") == fieldfile.name:
                continue
            if not fieldfile and not current:
                continue
            delete_renditions(current, fieldfile.storage)
            changes[f"{field}_renditions"] = make_renditions(fieldfile) if fieldfile else {}
        if changes:
            for name, value in changes.items():
                setattr(self, name, value)
            type(self)._base_manager.filter(pk=self.pk).update(**changes)


def picture_path(instance, filename: str) -> str:
    """Uploads go to a folder named after the app: news/, events/."""
    return f"{instance._meta.app_label}/{filename}"


class Illustrated(RenditionsMixin):
    """A main picture with the alternative text and credit that must go with it."""

    image = models.ImageField(_("image"), upload_to=picture_path, blank=True, validators=[validate_image])
    image_alt = models.CharField(
        _("image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the picture for people who cannot see it. Required with an image."),
    )
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)

    picture_fields = ("image",)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image: alternative text is required with an image.")}
            )


# Reading the renditions (pages never open an image)


def rendition_url(name: str) -> str:
    return default_storage.url(name)


def best_fallback(renditions: dict, width: int = 1280) -> str | None:
    """The storage name of the fallback rendition closest to ``width`` without exceeding it."""
    candidates = renditions.get("fallback") or []
    if not candidates:
        return None
    fitting = [item for item in candidates if item[0] <= width] or candidates[:1]
    return fitting[-1][1]
