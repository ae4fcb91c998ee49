"""Template tags every page uses: French dates, responsive pictures, structured data and URLs.

The functions live in core.dates and core.seo; events have their own (events/templatetags).
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core import dates, seo
from core.images import best_fallback, rendition_url

register = template.Library()
register.filter("french_date", dates.french_date)
register.filter("french_day", dates.french_day)
register.filter("moment", dates.moment)
register.filter("share_image_url", seo.share_image_url)
register.filter("safe_url", seo.safe_url)
register.filter("json_ld", seo.json_ld_script)


# Pictures (read from the renditions JSON: no file is opened)


@register.simple_tag
def picture(obj, field="image", sizes="100vw", alt=None, css_class="", loading="lazy", width=960):
    """<picture> with a WebP srcset, a JPEG/PNG fallback, intrinsic size and alt text."""
    renditions = getattr(obj, f"{field}_renditions", None) or {}
    if alt is None:
        alt = getattr(obj, f"{field}_alt", "") or ""
    if not renditions.get("fallback"):
        return ""
    srcset = lambda key: ", ".join(f"{rendition_url(name)} {w}w" for w, name in renditions.get(key, []))  # noqa: E731
    webp = srcset("webp")
    source = format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes) if webp else ""
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} loading="{}" decoding="async"></picture>',
        source,
        rendition_url(best_fallback(renditions, int(width))),
        srcset("fallback"),
        sizes,
        renditions["width"],
        renditions["height"],
        alt,
        format_html(' class="{}"', css_class) if css_class else "",
        loading,
    )


@register.filter
def grouped(number) -> str:
    """7049 as « 7 049 »: digits grouped by thousands as the language writes them (a no-break space)."""
    return formats.number_format(number, force_grouping=True)


# URLs and pages


@register.simple_tag
def site_name() -> str:
    """Also works where no context processor ran (the 500 page)."""
    return settings.SITE_NAME


@register.filter
def elided_pages(page):
    """1 … 4 5 6 … 20, the ellipsis as Paginator.ELLIPSIS."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's canonical address: the view's ``canonical_path`` or the bare path."""
    path = context.get("canonical_path")
    if path is None:
        request = context.get("request")
        path = request.path if request else "/"
    return seo.absolute(path)


@register.filter
def absolute_url(path) -> str:
    return seo.absolute(str(path)) if path else ""


@register.filter
def tag_url(tag) -> str:
    """The tag page, or nothing if the tag's slug cannot form a URL."""
    try:
        return reverse("tag-detail", kwargs={"slug": tag.slug})
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current query string with another page number (page 1 drops the parameter)."""
    request = context["request"]
    query = [(key, value) for key, value in request.GET.items() if key != "page"]
    if int(number) > 1:
        query.append(("page", number))
    return f"?{urlencode(query)}" if query else request.path


# Structured data


@register.simple_tag
def feed_links():
    """<link rel="alternate"> for the four feeds."""
    feeds = [
        ("news:rss", "application/rss+xml", _("News (RSS)")),
        ("news:atom", "application/atom+xml", _("News (Atom)")),
        ("events:rss", "application/rss+xml", _("Upcoming events (RSS)")),
        ("events:atom", "application/atom+xml", _("Upcoming events (Atom)")),
    ]
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((kind, f"{settings.SITE_NAME} – {title}", reverse(name)) for name, kind, title in feeds),
    )
