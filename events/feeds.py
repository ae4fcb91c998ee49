# Placeholder: replaced by the feeds work.
from config.views import _Placeholder

UpcomingEventsRssFeed = UpcomingEventsAtomFeed = lambda: _Placeholder.as_view()  # noqa: E731
