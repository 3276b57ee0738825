"""iCalendar (RFC 5545) files: one event, a pôle's feed, a participant's meeting agenda.

Built with the `icalendar` library (escaping, line folding at 75 octets, CRLF). Times are
written in UTC, which every calendar client reads; the UID is stable so that a client that
imports a file twice updates its entry instead of duplicating it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

PRODID = "-//Portail des poles de competitivite//FR"


@dataclass(frozen=True)
class Entry:
    """One VEVENT: `uid` must be stable and unique (e.g. "event-12@<host>")."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    updated_at: datetime | None = None


def calendar_bytes(entries: Iterable[Entry], *, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    now = timezone.now().astimezone(UTC)
    for entry in entries:
        vevent = VEvent()
        vevent.add("uid", entry.uid)
        vevent.add("dtstamp", now)
        vevent.add("dtstart", entry.starts_at.astimezone(UTC))
        vevent.add("dtend", entry.ends_at.astimezone(UTC))
        vevent.add("summary", entry.summary)
        if entry.description:
            vevent.add("description", entry.description)
        if entry.location:
            vevent.add("location", entry.location)
        if entry.url:
            vevent.add("url", entry.url)
        if entry.updated_at:
            vevent.add("last-modified", entry.updated_at.astimezone(UTC))
        vevent.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        calendar.add_component(vevent)
    return calendar.to_ical()


def ics_response(entries: Iterable[Entry], *, filename: str, name: str = "") -> HttpResponse:
    """An `.ics` download (`text/calendar`), named `filename`."""
    response = HttpResponse(
        calendar_bytes(entries, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
