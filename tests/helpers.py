"""Small helpers several test files share."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def json_ld(response) -> dict:
    """The page's JSON-LD block, parsed."""
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1))


def queries_for(client, url) -> int:
    """How many queries a visit of ``url`` takes; the page must answer 200."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)
