"""Uploaded pictures: strict validation and responsive renditions made once, at save time.

Each model with a picture keeps, beside its ``ImageField``, a JSON field named
``<field>_renditions`` describing the resized copies (WebP plus a JPEG or PNG
fallback, several widths, EXIF orientation applied). Pages only read that JSON:
no image is opened while a page renders.
"""

import hashlib
import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)


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
                if image.width * image.height > Image.MAX_IMAGE_PIXELS:
                    raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
                image.load()  # a truncated file fails here, not at rendition time
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
    except Exception:
        raise ValidationError(
            _("The file is not a valid or complete image (JPEG, PNG or WebP)."), code="incomplete"
        )
    finally:
        file.seek(0)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=80, method=4)
    elif fmt == "JPEG":
        image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def make_renditions(fieldfile) -> dict:
    """Write the resized copies of ``fieldfile`` to its storage and describe them."""
    storage = fieldfile.storage
    with fieldfile.open("rb") as source, Image.open(source) as original:
        image = ImageOps.exif_transpose(original)
        has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    fallback = "PNG" if has_alpha else "JPEG"
    digest = hashlib.sha1(fieldfile.name.encode()).hexdigest()[:10]
    stem = PurePosixPath(fieldfile.name).stem[:40]
    widths = sorted({min(w, image.width) for w in RENDITION_WIDTHS})
    description = {
        "source": fieldfile.name,
        "width": image.width,
        "height": image.height,
        "fallback_type": f"image/{fallback.lower()}",
        "webp": [],
        "fallback": [],
    }
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        for key, fmt in (("webp", "WEBP"), ("fallback", fallback)):
            name = f"renditions/{stem}-{digest}-{width}.{fmt.lower().replace('jpeg', 'jpg')}"
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(_encode(resized, fmt)))
            description[key].append([width, saved])
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
