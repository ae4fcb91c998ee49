from django import template

from library.rendering import render_rich_text

register = template.Library()


@register.filter
def rich_text(html):
    """``{{ article.body|rich_text }}``: the sanitised text, library references drawn as they are now."""
    return render_rich_text(html)


@register.inclusion_tag("library/attachments.html")
def attachments(obj, heading_id="documents"):
    """``{% attachments event %}``: the "Documents" block of the documents attached to ``obj``, in order."""
    manager = getattr(obj, "attachments", None)
    rows = list(manager.select_related("document")) if manager is not None and obj.pk else []
    return {"documents": [row.document for row in rows if row.document.file], "heading_id": heading_id}
