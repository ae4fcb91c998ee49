"""Which object's rich text refers to which picture or document, recorded at each save.

``LibraryConfig.ready`` connects these receivers to every model with a ``RichTextField``:
the ``Usage`` rows (PROTECT) make the admin refuse to delete what a text shows.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from .models import Document, Picture, Usage
from .references import RICH_TEXT_MODELS, references


def record_usages(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    fields = RICH_TEXT_MODELS.get(sender, [])
    if raw or (update_fields is not None and not set(update_fields) & set(fields)):
        return
    picture_ids, document_ids = set(), set()
    for field in fields:
        pictures, documents = references(getattr(instance, field))
        picture_ids |= pictures
        document_ids |= documents
    content_type = ContentType.objects.get_for_model(sender)
    with transaction.atomic(using=kwargs.get("using")):
        current = set(Usage.objects.filter(content_type=content_type, object_id=instance.pk)
                      .values_list("picture_id", "document_id"))
        wanted = (
            {(pk, None) for pk in Picture.objects.filter(pk__in=picture_ids).values_list("pk", flat=True)}
            if picture_ids else set()
        ) | (
            {(None, pk) for pk in Document.objects.filter(pk__in=document_ids).values_list("pk", flat=True)}
            if document_ids else set()
        )
        if stale := current - wanted:
            Usage.objects.filter(
                Q.create([Q(picture_id=picture, document_id=document) for picture, document in stale], connector=Q.OR),
                content_type=content_type,
                object_id=instance.pk,
            ).delete()
        Usage.objects.bulk_create(
            Usage(content_type=content_type, object_id=instance.pk, picture_id=picture_id, document_id=document_id)
            for picture_id, document_id in wanted - current
        )


def forget_usages(sender, instance, **kwargs) -> None:
    Usage.objects.filter(content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk).delete()
