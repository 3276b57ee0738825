"""Assertions shared by the test modules."""

import html
import re
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _render(client, url: str, headers: dict | None) -> tuple[int, str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return len(captured), response.content.decode(), [q["sql"] for q in captured]


def assert_same_query_count(
    client,
    url: str,
    add_item: Callable[[], object],
    *,
    shows: Callable[[object], str] | None = str,
    headers: dict | None = None,
) -> None:
    """A list page costs as many queries with 3 items as with 1 (no N+1).

    `add_item()` creates one more item of the list and returns it; `shows(item)` is a text the
    page must contain for that item (its name by default; None when items are not listed).
    The page is rendered once beforehand so that per-process caches do not count.
    """
    items = [add_item()]
    client.get(url, headers=headers or {})
    with_one, page_one, _queries_one = _render(client, url, headers)
    items += [add_item(), add_item()]
    with_three, page_three, queries_three = _render(client, url, headers)

    if shows is not None:
        assert shows(items[0]) in page_one
        for item in items:
            assert shows(item) in page_three, f"{shows(item)!r} is not on {url}"
    assert with_three == with_one, (
        f"{url}: {with_one} queries with 1 item, {with_three} with 3 items:\n"
        + "\n".join(queries_three)
    )


def page_text(response) -> str:
    """The visible text of an HTML response: tags removed, entities decoded, spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
