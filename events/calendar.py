# Placeholder: replaced by the iCalendar work.
from config.views import _Placeholder as EventCalendarView  # noqa: F401
from config.views import _Placeholder as UpcomingEventsCalendarView  # noqa: F401
