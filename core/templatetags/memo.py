"""``{% memo %}``: a fragment rendered once for given content, then reused, never stale.

    {% load memo %}
    {% memo article level %}<article class="card">… {{ article.title }} …</article>{% endmemo %}

The fragment is a function of the values it names, so it is kept under a digest of those
values: for a model instance, every column of its row, the related rows loaded with it
(``select_related``, ``prefetch_related``, lists attached by the view) and the same of theirs;
lists, dicts and plain values by value. Change an article's title anywhere (the admin, a
command, SQL) and the next page that reads the article reads the new title, so it asks for
another fragment: nothing to invalidate, nothing that can go stale, in any process. The key
also holds the language, the time zone and today's date (a fragment may say "today").

What makes this safe is checked each time a fragment is rendered, before it is kept: it must
read no name of the page other than those it names (or defines inside itself), and run no
database query (a lazy relation not loaded with the row). Otherwise it is shown but not kept,
and a warning names the culprit: the template must name it, or the view load it.

Each process keeps the fragments it rendered, least recently used first out, at most
``TEMPLATE_MEMO_BYTES`` (16 MiB by default; 0 turns memoisation off, e.g. to measure the
cost of rendering). A process's copies need no sharing: a digest names its content.
"""

import hashlib
import itertools
import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import template
from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.db.models.query import QuerySet
from django.utils import timezone, translation
from django.utils.functional import LazyObject, Promise, empty
from django.utils.safestring import mark_safe

from core.memory import BoundedMemory

register = template.Library()
logger = logging.getLogger(__name__)
SERIALS = itertools.count(1)  # each compiled {% memo %} of this process: its own fragments
STRUCTURAL = {"forloop"}  # looked up by {% for %} itself, for its parent loop
DEFERRED = "<deferred>"
PLAIN = (int, float, bool, Decimal, date, datetime, time, timedelta, type(None))


class Unsupported(Exception):
    """A value the digest cannot describe by its content: the fragment is not kept."""


def fingerprint(value, feed, seen: set) -> None:
    """Feed ``feed`` (a hash's ``update``) with what ``value`` holds, recursively."""
    if isinstance(value, str):
        feed(b"s%d:" % len(value))
        feed(value.encode())  # not repr(): a body of 10 kB is encoded once, not escaped
    elif isinstance(value, PLAIN):
        feed(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, FieldFile):  # a file or image column once read: its stored name, as before
        fingerprint(value.name or "", feed, seen)
    elif isinstance(value, Promise):  # a lazy translation
        fingerprint(str(value), feed, seen)
    elif isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        fingerprint(value._wrapped, feed, seen)
    elif isinstance(value, Model):
        identity = (value._meta.label, value.pk, id(value))
        if identity in seen:  # a cycle (an item and its list of items)
            feed(f"ref:{value._meta.label}:{value.pk};".encode())
            return
        seen.add(identity)
        feed(f"model:{value._meta.label}:{value.pk};".encode())
        columns = value.__dict__  # not getattr: a deferred column would be a query
        for field in value._meta.concrete_fields:
            fingerprint(columns.get(field.attname, DEFERRED), feed, seen)
        for name, related in sorted(value._state.fields_cache.items()):
            feed(f"related:{name};".encode())
            fingerprint(related, feed, seen)
        for name, attribute in sorted(vars(value).items()):
            if name == "_prefetched_objects_cache":
                for prefetched, queryset in sorted(attribute.items()):
                    feed(f"prefetched:{prefetched};".encode())
                    fingerprint(queryset, feed, seen)
            elif not name.startswith("_") and name not in value._meta._forward_fields_map:
                feed(f"attribute:{name};".encode())  # a list attached by the view, a cached_property
                fingerprint(attribute, feed, seen)
    elif isinstance(value, QuerySet):
        if value._result_cache is None:
            raise Unsupported("an unevaluated queryset")
        fingerprint(value._result_cache, feed, seen)
    elif isinstance(value, (list, tuple)):
        feed(b"list%d;" % len(value))
        for item in value:
            fingerprint(item, feed, seen)
    elif isinstance(value, dict):
        feed(b"dict%d;" % len(value))
        for key, item in sorted(value.items(), key=lambda pair: repr(pair[0])):
            feed(f"{key!r}:".encode())
            fingerprint(item, feed, seen)
    else:
        raise Unsupported(type(value).__name__)


warned: set[int] = set()  # each fragment is named once per process
fragments = BoundedMemory(getattr(settings, "TEMPLATE_MEMO_BYTES", 16 * 1024 * 1024), largest_share=16)


class ReadNames(dict):
    """Pushed on top of the context while a fragment renders: records every name looked up
    below the fragment's own variables (``{% for %}`` and ``{% with %}`` inside push above it)."""

    def __init__(self):
        super().__init__()
        self.read = set()

    def __contains__(self, name):
        if dict.__contains__(self, name):  # set inside the fragment: {% url … as name %}
            return True
        self.read.add(name)
        return False


class CountQueries:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class MemoNode(template.Node):
    def __init__(self, nodelist, names: list[str], place: str):
        self.nodelist = nodelist
        self.names = names
        self.variables = [template.Variable(name) for name in names]
        self.roots = {name.split(".", 1)[0] for name in names}
        self.place = place
        self.serial = next(SERIALS)

    def key(self, context) -> str | None:
        digest = hashlib.blake2b(digest_size=20)
        fingerprint(
            [self.serial, translation.get_language() or "", timezone.get_current_timezone_name(),
             timezone.localdate(), context.autoescape],
            digest.update, set(),
        )
        try:
            for variable in self.variables:
                try:
                    value = variable.resolve(context)
                except template.VariableDoesNotExist:
                    value = None
                fingerprint(value, digest.update, set())
        except Unsupported as reason:
            if self.serial not in warned:
                warned.add(self.serial)
                logger.warning("{%% memo %%} at %s: %s cannot be fingerprinted; not kept", self.place, reason)
            return None
        return digest.hexdigest()

    def render(self, context):
        if fragments.max_bytes <= 0:
            return self.nodelist.render(context)
        key = self.key(context)
        if key is not None and (content := fragments.get(key)) is not None:
            return mark_safe(content)
        read, queries = ReadNames(), CountQueries()
        context.dicts.append(read)
        try:
            with connections["default"].execute_wrapper(queries):
                content = self.nodelist.render(context)
        finally:
            del context.dicts[next(i for i, d in enumerate(context.dicts) if d is read)]
        undeclared = read.read - self.roots - STRUCTURAL
        if key is None:
            return content
        if undeclared or queries.count:
            if self.serial in warned:
                return content
            warned.add(self.serial)
            logger.warning(
                "{%% memo %%} at %s not kept: it reads %s and runs %d queries; name them or load them in the view",
                self.place, ", ".join(sorted(undeclared)) or "no other name", queries.count,
            )
            return content
        fragments.put(key, str(content))
        return content


@register.tag
def memo(parser, token):
    """``{% memo name1 name2.attribute … %}…{% endmemo %}``: see the module's docstring."""
    names = token.split_contents()[1:]
    if not names:
        raise template.TemplateSyntaxError("{% memo %} names the values the fragment shows")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    origin = getattr(parser, "origin", None)
    place = f"{getattr(origin, 'template_name', None) or '?'}:{token.lineno}"
    return MemoNode(nodelist, names, place)
