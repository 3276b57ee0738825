"""Permission-matrix rows for the dashboards (`dashboards:*`).

The network's dashboard and its CSV are public. A pôle's dashboard and CSV: its staff
(`animator` for Pôle Alpha) and superusers; anyone else signed in gets 404, anonymous
visitors are sent to sign in.
"""

from tests.matrix import Case, LoginRedirect, NotFound, Shows, everyone

STAFF_OF_ALPHA = ("animator", "admin")


def _pole(w):
    return {"slug": w.pole.slug}


def _pole_chart(w):
    return {"slug": w.pole.slug, "chart": "membres-par-type"}


def _pole_only(shows) -> dict:
    expect = {p: NotFound("Pôle Alpha") for p in everyone(None)}
    expect["anonymous"] = LoginRedirect()
    for persona in STAFF_OF_ALPHA:
        expect[persona] = shows
    return expect


CASES = [
    Case("dashboards:network", everyone(Shows("Tableau de bord du réseau"))),
    Case(
        "dashboards:network_csv",
        everyone(Shows("Type d'organisation,Organisations")),
        kwargs=lambda w: {"chart": "membres-par-type"},
    ),
    Case(
        "dashboards:pole", _pole_only(Shows("Tableau de bord du pôle", "Pôle Alpha")), kwargs=_pole
    ),
    Case(
        "dashboards:pole_csv",
        _pole_only(Shows("Type d'organisation,Organisations")),
        kwargs=_pole_chart,
    ),
]
