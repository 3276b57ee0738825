"""The directory's cache: rendered facets and results, shared only within one scope.

A directory page costs a full-text match, the facet counts and the rendering of twenty cards;
the same query asked again (a shared link, the back button, everyone typing "hydrogène" on
the day of a call) gets the two rendered fragments from the cache instead. What a fragment
may show depends on who asks (`permissions.organisations_visible_to`), so the key starts with
the viewer's scope and a cache entry never reaches someone of another scope:

- `public`: anonymous visitors, who see published organisations only;
- `all`: superusers, who see every organisation;
- `user<id>`: any other signed-in person, whose view adds the unpublished organisations they
  belong to or animate: their entries are theirs alone.

The key also carries the directory's version (`DirectoryVersion`, one row in the database,
read with one query per page), the language and the query string. Every write that changes
what the directory shows bumps the version in the same transaction (signals below, and
`search.refresh_search_data` for the bulk updates that send none): the next page is computed
afresh on every app server, whatever cache backend each uses, and old entries expire
(`DIRECTORY_CACHE_SECONDS`, 0 turns the cache off).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from members.models import Affiliation, DirectoryVersion, Membership, Organisation

KEY_PREFIX = "directory"


def timeout() -> int:
    return int(getattr(settings, "DIRECTORY_CACHE_SECONDS", 0) or 0)


def current_version() -> int:
    value = DirectoryVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def bump_version() -> None:
    """Make every cached directory fragment stale (within the caller's transaction)."""
    if not DirectoryVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DirectoryVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def scope(user) -> str:
    if not user.is_authenticated:
        return "public"
    if user.is_superuser:
        return "all"
    return f"user{user.pk}"


def key_for(request) -> str | None:
    """The cache key of this request's fragments; None when the cache is off."""
    if timeout() <= 0:
        return None
    params = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{scope(request.user)}:{current_version()}:{get_language()}:{digest}"


def get(key: str | None):
    return cache.get(key) if key else None


def put(key: str | None, fragments: dict) -> None:
    if key:
        cache.set(key, fragments, timeout())


# --- What bumps the version -------------------------------------------------------------------


def _changed(sender, **kwargs):
    bump_version()


def _competences_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_version()


def connect() -> None:
    """Called once from MembersConfig.ready()."""
    from poles.models import Pole, PoleStaff

    for model in (Organisation, Membership, Affiliation, PoleStaff, Pole):
        post_save.connect(_changed, sender=model, dispatch_uid=f"directory-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"directory-delete-{model.__name__}"
        )
    m2m_changed.connect(
        _competences_changed,
        sender=Organisation.competences.through,
        dispatch_uid="directory-competences",
    )
