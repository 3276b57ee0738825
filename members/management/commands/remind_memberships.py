from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from members import fees


def _non_negative(name: str, value: int) -> int:
    if value < 0:
        raise CommandError(f"{name} must be zero or more, not {value}.")
    return value


class Command(BaseCommand):
    help = (
        "Relance les organisations dont l'adhésion arrive à échéance (une fois par échéance) et "
        "passe « échues » les adhésions actives dont la fin est dépassée de plus que le délai de "
        "grâce. Sans effet si on la relance le même jour (à lancer chaque nuit par cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Relancer les adhésions qui finissent dans ce nombre de jours "
            "(défaut DJANGO_MEMBERSHIP_REMINDER_DAYS, 30).",
        )
        parser.add_argument(
            "--grace-days",
            type=int,
            default=None,
            help="Jours après la fin avant qu'une adhésion impayée soit échue "
            "(défaut DJANGO_MEMBERSHIP_GRACE_DAYS, 60).",
        )
        parser.add_argument(
            "--today", default=None, help="Date du jour, AAAA-MM-JJ (défaut : aujourd'hui)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Dire ce qui serait fait, sans rien envoyer ni enregistrer.",
        )

    def handle(self, *args, **options):
        days = _non_negative(
            "--days",
            settings.MEMBERSHIP_REMINDER_DAYS if options["days"] is None else options["days"],
        )
        grace = options["grace_days"]
        grace = _non_negative(
            "--grace-days", settings.MEMBERSHIP_GRACE_DAYS if grace is None else grace
        )
        today = self._today(options["today"])
        dry_run = options["dry_run"]
        verbose = options["verbosity"] >= 2

        to_remind = list(fees.memberships_to_remind(today=today, days=days, grace_days=grace))
        to_lapse = list(fees.memberships_past_grace(today=today, grace_days=grace))
        reminded = lapsed = 0
        for membership in to_remind:
            if dry_run or fees.send_renewal_reminder(
                actor=None, membership=membership, today=today
            ):
                reminded += 1
                if verbose:
                    self.stdout.write(f"reminder: {membership} (ends {membership.end_date})")
        for membership in to_lapse:
            if dry_run or fees.lapse_membership(
                actor=None, membership=membership, today=today, grace_days=grace
            ):
                lapsed += 1
                if verbose:
                    self.stdout.write(f"lapsed: {membership} (ended {membership.end_date})")

        context = f"(today {today}, reminders {days} days ahead, grace {grace} days)"
        if dry_run:
            self.stdout.write(
                f"dry run: renewal reminders to send {reminded}, "
                f"memberships to lapse {lapsed} {context}"
            )
        else:
            self.stdout.write(
                f"renewal reminders sent {reminded}, memberships lapsed {lapsed} {context}"
            )

    def _today(self, value: str | None) -> date:
        if value is None:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today must be a date like 2026-11-26, not {value!r}.") from None
