"""What search engines and social networks read: absolute addresses, descriptions, JSON-LD."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.images import best_fallback, rendition_url

# Inside <script>, "</script>" or "<!--" would end or change the element: escaped as JSON allows.
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def absolute(path: str) -> str:
    """An address at the site's canonical origin (``SITE_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def safe_url(url) -> str:
    """An external link only if it is plain http(s): never javascript: or data:."""
    url = str(url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def describe(text: str, length: int = 160) -> str:
    """Plain text for meta descriptions."""
    return Truncator(" ".join(strip_tags(text or "").split())).chars(length)


def share_image_url(obj, field: str = "image") -> str:
    """An absolute URL of a large JPEG/PNG rendition, for social cards."""
    renditions = getattr(obj, f"{field}_renditions", None) or {}
    name = best_fallback(renditions, 1280)
    return absolute(rendition_url(name)) if name else ""


def collection_json_ld(name: str, path: str, items) -> dict:
    """A list page: its name, address and the addresses of what it lists."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": absolute(path),
        "inLanguage": "fr",
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME, "url": absolute("/")},
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "url": absolute(item.get_absolute_url())}
                for position, item in enumerate(items, start=1)
            ],
        },
    }


def json_ld_script(data) -> str:
    """A JSON-LD block whose text can never close its <script> element."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
