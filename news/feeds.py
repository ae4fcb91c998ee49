"""RSS and Atom feeds of the latest public news."""

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.feeds import AtomFeedMixin, SiteFeed, plain_text, with_tag_list

from .models import Article

FEED_LENGTH = 30


class LatestArticlesRssFeed(SiteFeed):
    list_url_name = "news:article-list"
    feed_url_name = "news:rss"
    guid_prefix = "article"

    def title(self):
        return _("%(site)s: news") % {"site": settings.SITE_NAME}

    def description(self):
        return _("The latest news of the %(site)s.") % {"site": settings.SITE_NAME}

    def items(self):
        return Article.objects.published().prefetch_related(with_tag_list())[:FEED_LENGTH]

    def item_description(self, article):
        # Feed readers read the description as HTML: the plain text is escaped for it.
        return escape(plain_text(article.standfirst) or plain_text(article.body, words=60))


class LatestArticlesAtomFeed(AtomFeedMixin, LatestArticlesRssFeed):
    feed_url_name = "news:atom"
