"""Permission-matrix rows for the events pages (see tests/matrix.py for the vocabulary).

The matrix's objects are made on first use, once per world:
- EVENT, a published workshop of Pôle Alpha with seats, where `member` is registered;
- DRAFT, an unpublished workshop of Pôle Alpha: 404 except for Alpha's staff and superusers,
  who see it as a preview.

Lists, event pages and calendar files are public; "Mes inscriptions", registering and
cancelling need an account; cancelling is for the registered person (404 for the others).
"""

from django.urls import reverse

from tests.factories import EventFactory, RegistrationFactory
from tests.matrix import (
    Case,
    LoginRedirect,
    NotAllowed,
    NotFound,
    RedirectsTo,
    Shows,
    everyone,
    signed_in,
)

EVENT = "Atelier matrice Alpha"
DRAFT = "Brouillon matrice Alpha"
STAFF = ("animator", "admin")


def _member(w):
    return w.company.affiliations.get(user__email="member@example.org").user


def _event(w):
    if not hasattr(w, "event"):
        w.event = EventFactory(pole=w.pole, slug="atelier-matrice", title=EVENT, capacity=10)
        RegistrationFactory(event=w.event, user=_member(w), organisation=w.company)
    return w.event


def _draft(w):
    if not hasattr(w, "draft"):
        w.draft = EventFactory(
            pole=w.pole, slug="brouillon-matrice", title=DRAFT, is_published=False
        )
    return w.draft


def _event_kwargs(w):
    return {"slug": _event(w).slug}


def _draft_kwargs(w):
    return {"slug": _draft(w).slug}


def _pole_kwargs(w):
    _event(w), _draft(w)
    return {"slug": w.pole.slug}


def _made(w):
    _event(w), _draft(w)
    return {}


def _event_url(w):
    return reverse("events:detail", kwargs=_event_kwargs(w))


def _draft_url(w):
    return reverse("events:detail", kwargs=_draft_kwargs(w))


LISTED = Shows(EVENT, hides=(DRAFT,))

CASES = [
    Case("events:list", everyone(LISTED), kwargs=_made),
    Case("events:pole", everyone(LISTED), kwargs=_pole_kwargs),
    Case(
        "events:pole_feed",
        everyone(Shows("BEGIN:VCALENDAR", EVENT, hides=(DRAFT,))),
        kwargs=_pole_kwargs,
    ),
    Case(
        "events:mine",
        {
            "anonymous": LoginRedirect(),
            **signed_in(Shows("Mes inscriptions", "Aucune inscription à venir.", hides=(EVENT,))),
            "member": Shows("Mes inscriptions", EVENT),
        },
        kwargs=_made,
    ),
    Case(
        "events:detail",
        {
            **everyone(Shows(EVENT, hides=("Aperçu",))),
            "anonymous": Shows(EVENT, "Se connecter pour s'inscrire"),
            "member": Shows(EVENT, "Annuler mon inscription"),
        },
        kwargs=_event_kwargs,
    ),
    Case(
        "events:detail",
        {**everyone(NotFound(DRAFT)), **dict.fromkeys(STAFF, Shows(DRAFT, "Aperçu"))},
        variant="unpublished",
        kwargs=_draft_kwargs,
    ),
    Case("events:ics", everyone(Shows("BEGIN:VCALENDAR", EVENT)), kwargs=_event_kwargs),
    Case(
        "events:ics",
        {**everyone(NotFound(DRAFT)), **dict.fromkeys(STAFF, Shows("BEGIN:VCALENDAR", DRAFT))},
        variant="unpublished",
        kwargs=_draft_kwargs,
    ),
    Case(
        "events:register",
        {"anonymous": LoginRedirect(), **signed_in(RedirectsTo(_event_url))},
        kwargs=_event_kwargs,
        method="post",
    ),
    Case(
        "events:register",
        {
            "anonymous": LoginRedirect(),
            **signed_in(NotFound(DRAFT)),
            **dict.fromkeys(STAFF, RedirectsTo(_draft_url)),
        },
        variant="unpublished",
        kwargs=_draft_kwargs,
        method="post",
    ),
    Case("events:register", everyone(NotAllowed("POST")), variant="get", kwargs=_event_kwargs),
    Case(
        "events:cancel",
        {
            "anonymous": LoginRedirect(),
            **signed_in(NotFound()),
            "member": Shows("Annuler votre inscription ?", EVENT),
        },
        kwargs=_event_kwargs,
    ),
    Case(
        "events:cancel",
        {
            "anonymous": LoginRedirect(),
            **signed_in(NotFound()),
            "member": RedirectsTo(_event_url),
        },
        variant="post",
        kwargs=_event_kwargs,
        method="post",
    ),
    Case(
        "events:cancel",
        {"anonymous": LoginRedirect(), **signed_in(NotFound(DRAFT))},
        variant="unpublished",
        kwargs=_draft_kwargs,
    ),
]
