from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from members import demo
from members.services import mail_suppressed


class Command(BaseCommand):
    help = (
        "Remplit une base vide avec des organisations, adhésions et comptes de démonstration "
        "(même graine, mêmes données)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            type=int,
            default=300,
            help="Nombre d'organisations à créer (300 par défaut).",
        )
        parser.add_argument(
            "--memberships",
            type=int,
            default=0,
            help=(
                "Nombre total d'adhésions des organisations créées (par défaut chacune "
                "adhère à 1 à 3 pôles)."
            ),
        )
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            help="Projets générés en plus des projets de démonstration (0 par défaut).",
        )
        parser.add_argument(
            "--seed", type=int, default=2014, help="Graine du hasard (2014 par défaut)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne fait rien, sans erreur, si la base contient déjà des organisations.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Accepte de tourner avec DJANGO_DEBUG désactivé.",
        )

    def handle(self, *args, **options):
        # The demo goes through the services, which write to people: not while seeding.
        with mail_suppressed():
            self._handle(*args, **options)

    def _handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG off; pass --force to run it anyway."
            )
        try:
            result = demo.seed_demo(
                organisations=options["organisations"],
                seed=options["seed"],
                memberships=options["memberships"],
                projects=options["projects"],
            )
        except demo.DatabaseNotEmpty as exc:
            if not options["if_empty"]:
                raise CommandError(str(exc)) from None
            # A demo database made by an older version gets what came since, once.
            added = demo.add_missing_projects(seed=options["seed"])
            review = demo.add_missing_review(seed=options["seed"])
            if added:
                self.stdout.write(
                    f"the database already has organisations: demo projects added ({added}), "
                    "with the open demo call."
                )
            if review is not None:
                self.stdout.write(
                    "the database already has organisations: review demo added (submitted "
                    f"dossiers {review.dossiers}, assignments {review.assignments}, submitted "
                    f"reviews {review.reviews}), with authenticator apps for the staff and "
                    "funder demo accounts."
                )
            network = demo.add_missing_network_life(seed=options["seed"])
            if network is not None:
                self.stdout.write(
                    "the database already has organisations: network animation added ("
                    + _figures(network)
                    + ")."
                )
            if not added and review is None and network is None:
                self.stdout.write("the database already has organisations: no demo data added.")
            return
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from None

        kinds = ", ".join(
            f"{kind} {result.organisations[kind]}" for kind, _share in demo.KIND_SHARES
        )
        total = sum(result.organisations.values())
        self.stdout.write(
            f"organisations {total} ({kinds}), memberships {result.memberships}, "
            f"users {result.users}"
        )
        company_sizes = ", ".join(
            f"{size} {result.company_sizes[size]}" for size, _share in demo.SIZE_SHARES
        )
        self.stdout.write(f"company sizes: {company_sizes}; groups of 2+ companies {result.groups}")
        self.stdout.write(
            f"requests waiting for a decision {result.requests}, "
            f"partner searches {result.partner_searches}, interests {result.interests}"
        )
        self.stdout.write(
            f"projects {result.projects} (open demo call fui-26-demo), "
            f"submitted dossiers {result.dossiers}, reviewer assignments {result.assignments}, "
            f"submitted reviews {result.reviews}"
        )
        if result.network_life:
            self.stdout.write("network animation: " + _figures(result.network_life))
        if result.bulk_projects:
            self.stdout.write("generated projects: " + _figures(result.bulk_projects))
        self.stdout.write(
            f"demo accounts ({len(result.accounts)}), with their organisations: "
            + "; ".join(result.account_organisations)
        )
        width = max(len(account.email) for account in result.accounts)
        for account in result.accounts:
            self.stdout.write(f"  {account.email:<{width}} — {account.role} — {demo.DEMO_PASSWORD}")
        self.stdout.write(
            "two-factor authentication: "
            + ", ".join(demo.DEMO_TOTP_EMAILS)
            + " have an authenticator app; `python manage.py demo_totp EMAIL` prints its code"
        )


def _figures(figures: dict[str, int]) -> str:
    return ", ".join(f"{label} {count}" for label, count in figures.items())
