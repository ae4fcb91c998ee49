"""Small pieces every app's views share."""

import functools


def uses_query_parameters(*names: str):
    """Declare the query parameters a function view reads (a class view sets
    ``cache_query_parameters``): the page cache hands it those and no other (config/cache.py)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.cache_query_parameters = names
        return wrapped

    return decorate
