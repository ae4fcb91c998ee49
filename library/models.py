"""The media library: pictures and documents that any article, event or person reuses.

Rich text keeps a reference to them (``<figure data-picture="12">``, ``<a data-document="12">``),
never a pasted address: ``library.rendering`` draws the current file when the page renders,
and ``Usage`` rows, kept in step with each save, refuse the deletion of what is in use.
"""

import uuid
from pathlib import PurePosixPath

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.images import RenditionsMixin, rendition_url, validate_image
from core.text import slugify_fr

from .files import DOCUMENT_TYPES, identify_document, validate_document
from .references import RICH_TEXT_MODELS

FOCAL_RANGE = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Picture(RenditionsMixin, models.Model):
    title = models.CharField(_("title"), max_length=200)
    file = models.ImageField(_("image"), upload_to="library/", validators=[validate_image])
    file_renditions = models.JSONField(default=dict, blank=True, editable=False)
    alt = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("Describe the picture for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    focal_x = models.FloatField(
        _("focal point (across)"), default=0.5, validators=FOCAL_RANGE,
        help_text=_("From 0 (left edge) to 1 (right edge): what stays in view when the picture is cropped."),
    )
    focal_y = models.FloatField(
        _("focal point (down)"), default=0.5, validators=FOCAL_RANGE,
        help_text=_("From 0 (top edge) to 1 (bottom edge)."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    picture_fields = ("file",)

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="library_picture_focal_point_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def width(self) -> int | None:
        return (self.file_renditions or {}).get("width")

    @property
    def height(self) -> int | None:
        return (self.file_renditions or {}).get("height")

    @property
    def thumbnail_url(self) -> str:
        """The smallest fallback rendition (the editor's picker, the admin's lists), or ""."""
        fallback = (self.file_renditions or {}).get("fallback") or []
        return rendition_url(fallback[0][1]) if fallback else ""

    @property
    def object_position(self) -> str:
        """CSS ``object-position`` keeping the focal point in view: "30% 70%"."""
        return f"{round(self.focal_x * 100)}% {round(self.focal_y * 100)}%"

    @property
    def focal_class(self) -> str:
        """The same as classes of static/css/site.css, in tenths: a style attribute is refused
        by the content security policy."""
        return f"focal-x-{round(self.focal_x * 10)} focal-y-{round(self.focal_y * 10)}"


def document_path(instance, filename: str) -> str:
    return f"documents/{filename}"


def public_queryset(model: type[models.Model]) -> models.QuerySet:
    """What the public sees of ``model``: its queryset's ``published()`` or ``public()``, else nothing."""
    queryset = model._default_manager.all()
    for rule in ("published", "public"):
        if hasattr(queryset, rule):
            return getattr(queryset, rule)()
    return queryset.none()


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """Attached to, or linked from the text of, something the public sees (evaluated now)."""
        shown = Q(pk__in=[])
        for model in RICH_TEXT_MODELS:
            used = Usage.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=public_queryset(model).values("pk"),
                document__isnull=False,
            )
            shown |= Q(pk__in=used.values("document"))
        for relation in self.model._meta.related_objects:
            through = relation.related_model
            if issubclass(through, Attachment):
                owner = through._meta.get_field(through.attached_to).related_model
                attached = through._default_manager.filter(**{f"{through.attached_to}__in": public_queryset(owner)})
                shown |= Q(pk__in=attached.values("document"))
        return self.filter(shown)


class Document(models.Model):
    title = models.CharField(
        _("title"), max_length=200, help_text=_("As the public reads it: “Programme of the congress”.")
    )
    file = models.FileField(_("file"), upload_to=document_path, validators=[validate_document])
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False, help_text=_("In bytes."))
    content_type = models.CharField(_("type"), max_length=100, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        replaced = None
        if self.file and not self.file._committed:
            # Type and extension from the content, under a random name: the upload's name is never stored.
            content_type = identify_document(self.file)
            self.content_type = content_type
            self.size = self.file.size
            self.file.name = f"{uuid.uuid4().hex}.{DOCUMENT_TYPES[content_type].extension}"
            if self.pk:
                replaced = Document.objects.filter(pk=self.pk).values_list("file", flat=True).first()
        super().save(*args, **kwargs)
        if replaced and replaced != self.file.name:
            # The address stays (/documents/<id>/…), the old file goes once the change is committed.
            storage = self.file.storage
            transaction.on_commit(lambda: storage.delete(replaced))

    def is_public(self) -> bool:
        return Document.objects.public().filter(pk=self.pk).exists()

    @property
    def extension(self) -> str:
        return PurePosixPath(self.file.name).suffix.lstrip(".").lower() if self.file else ""

    @property
    def slug(self) -> str:
        return slugify_fr(self.title, 60) or "document"

    def get_absolute_url(self) -> str:
        return reverse("library:document", kwargs={"pk": self.pk, "slug": self.slug, "ext": self.extension})

    @property
    def download_name(self) -> str:
        return f"{self.slug}.{self.extension}"

    @property
    def kind(self) -> str:
        """What people call the type: "PDF", "Word", "OpenDocument text"."""
        known = DOCUMENT_TYPES.get(self.content_type)
        return str(known.label) if known else self.extension.upper()

    @property
    def inline(self) -> bool:
        """Shown in the browser (PDF), or downloaded."""
        return self.content_type == "application/pdf"

    @property
    def human_size(self) -> str:
        return human_size(self.size)

    @property
    def description(self) -> str:
        """ "PDF, 1,2 Mo" — what the French guidelines ask a link to a file to say."""
        return f"{self.kind}, {self.human_size}"


def human_size(size: int) -> str:
    """ "850 Ko", "1,2 Mo": binary units, a no-break space before the unit."""
    if size < 1024:
        return f"{size}\u00a0{_('bytes') if size > 1 else _('byte')}"
    for unit in (_("KB"), _("MB"), _("GB")):
        size /= 1024
        if size < 1024 or unit == _("GB"):
            break
    decimals = 1 if size < 10 and unit != _("KB") else 0
    return f"{formats.number_format(round(size, decimals), decimals)}\u00a0{unit}"


class UsageQuerySet(models.QuerySet):
    def of(self, obj: models.Model):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Usage(models.Model):
    """A picture or document referenced in an object's rich text: deleting it is refused (PROTECT)."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("content type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    picture = models.ForeignKey(
        Picture, verbose_name=_("picture"), on_delete=models.PROTECT, null=True, blank=True, related_name="usages"
    )
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, null=True, blank=True, related_name="usages"
    )

    objects = UsageQuerySet.as_manager()

    class Meta:
        verbose_name = _("use in a text")
        verbose_name_plural = _("uses in texts")
        constraints = [
            models.CheckConstraint(
                condition=Q(picture__isnull=True) ^ Q(document__isnull=True), name="library_usage_one_item"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "picture"], name="library_usage_one_per_picture"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "document"], name="library_usage_one_per_document"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="library_usage_object_idx")]

    def __str__(self) -> str:
        target = self.content_object
        model = self.content_type.model_class()
        label = model._meta.verbose_name if model else self.content_type.model
        return f"{str(label).capitalize()} «\u00a0{target}\u00a0»" if target is not None else str(label)


class Attachment(models.Model):
    """A document attached to an item, in order. Subclasses add the item's foreign key and
    name it in ``attached_to``; deleting an attached document is refused (PROTECT)."""

    attached_to: str = ""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")

    def __str__(self) -> str:
        return f"{getattr(self, self.attached_to)} – {self.document}"
