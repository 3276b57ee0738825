"""French first, English second; allauth ships its own French catalogue."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_home_default_language_is_french(client):
    response = client.get(reverse("poles:home"))

    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
    text = page_text(response)
    assert "Pôles" in text
    assert "Le réseau en chiffres" in text


def test_login_page_default_language_is_french(client):
    response = client.get(reverse("account_login"))

    assert response["Content-Language"] == "fr"
    assert "Connexion" in page_text(response)
    assert "Sign In" not in page_text(response)


def test_login_page_in_english_with_accept_language(client):
    response = client.get(reverse("account_login"), headers={"Accept-Language": "en"})

    assert response["Content-Language"] == "en"
    assert "Sign In" in page_text(response)


def test_login_page_in_english_with_language_cookie(client):
    client.cookies["django_language"] = "en"

    response = client.get(reverse("account_login"), headers={"Accept-Language": "fr"})

    assert response["Content-Language"] == "en"
    assert "Sign In" in page_text(response)


def test_set_language_switches_following_pages(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("account_login"))

    assert "Sign In" in page_text(response)


def test_portal_pages_in_english_with_language_cookie(client):
    client.cookies["django_language"] = "en"

    response = client.get(reverse("poles:list"))

    text = page_text(response)
    assert "All regions" in text
    assert "Toutes les régions" not in text


def _unescape(text):
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _po_entries(path):
    """(msgid, msgstr) pairs of the singular, context-free entries of a .po file."""
    entries, msgid, msgstr, field, skip = [], None, None, None, False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgctxt", "msgid_plural")):
            skip = True
        if line.startswith('msgid "'):
            msgid, field = line[7:-1], "id"
        elif line.startswith('msgstr "'):
            msgstr, field = line[8:-1], "str"
        elif line.startswith('"') and field == "id":
            msgid += line[1:-1]
        elif line.startswith('"') and field == "str":
            msgstr += line[1:-1]
        elif not line.strip():
            if msgid and msgstr and not skip:
                entries.append((_unescape(msgid), _unescape(msgstr)))
            msgid = msgstr = field = None
            skip = False
    return entries


def test_english_catalogue_is_complete_and_compiled():
    po = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = _po_entries(po)
    assert len(entries) > 200

    with translation.override("en"):
        stale = [msgid for msgid, msgstr in entries if translation.gettext(msgid) != msgstr]

    assert stale == []


def test_french_counts_zero_and_one_in_the_singular():
    # French says "0 partenaire" and "1 partenaire", "2 partenaires": the French catalogue
    # (identity translations made by `make messages`) carries the French plural rule; without
    # it, the source strings would follow the English rule and show "0 partenaires".
    singular, plural = "%(counter)s partenaire", "%(counter)s partenaires"

    with translation.override("fr"):
        forms = [translation.ngettext(singular, plural, n) for n in (0, 1, 2)]

    assert forms == [singular, singular, plural]
