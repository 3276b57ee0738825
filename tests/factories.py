"""Factories with unsurprising defaults, one per model the tests build.

Names carry a zero-padded sequence number ("Entreprise 007") so that one name is never a
substring of another, and contain no character that HTML escaping would change.
Organisations go through `members.services.create_organisation`, so that identifiers are
validated and the size category is derived exactly as in the application.
"""

import time
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from factory.django import DjangoModelFactory

from members import services as member_services
from members.identifiers import check_letter, make_siren, make_siret
from members.models import (
    Affiliation,
    AffiliationRole,
    Competence,
    CompetenceFamily,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    User,
)
from poles.models import Pole, PoleCategory, PoleStaff, PoleStaffRole, Region, ThemeFamily
from poles.services import REGIONS

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    """A person who can sign in with `PASSWORD`; `verified=False` leaves the e-mail unverified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n:03d}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n:03d}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if not create:
            return
        EmailAddress.objects.create(
            user=self, email=self.email, primary=True, verified=extracted is not False
        )

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Staff must use two-factor authentication (`config.mfa`): a staff user comes with
        an active authenticator app unless `totp=False`; `totp=True` gives one to anyone."""
        wanted = (self.is_staff or self.is_superuser) if extracted is None else extracted
        if create and wanted:
            with_totp(self)


def with_totp(user):
    """Give `user` an active authenticator app (TOTP), as if he had activated it; returns him.
    Funders and staff need one: without it every page sends them to its activation."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def totp_code(user) -> str:
    """The code `user`'s authenticator app shows now, computed with allauth's own functions.

    allauth accepts each code once (it remembers used codes in the cache for a period): the
    mark is removed here so that a test may sign the same person in twice within 30 seconds.
    """
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 2:  # the code would change before the form is sent: wait for the next one
        time.sleep(left + 0.05)
    counter = int(time.time()) // period
    code = format_hotp_value(hotp_value(secret, counter))
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


class RegionFactory(DjangoModelFactory):
    """A real region (INSEE code since 2016), created once: `RegionFactory(code="76")`."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Iterator(list(REGIONS))
    name = factory.LazyAttribute(lambda o: REGIONS[o.code])


class PoleFactory(DjangoModelFactory):
    """A national digital pôle whose territory is its main region (plus `regions=[...]`)."""

    class Meta:
        model = Pole
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"pole-essai-{n:03d}")
    name = factory.Sequence(lambda n: f"Pôle Essai {n:03d}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    category = PoleCategory.NATIONAL
    theme = "Logiciel et systèmes numériques"
    theme_family = ThemeFamily.DIGITAL
    main_region = factory.SubFactory(RegionFactory, code="11")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if not create:
            return
        others = [
            region if isinstance(region, Region) else RegionFactory(code=region)
            for region in (extracted or [])
        ]
        self.regions.set([self.main_region, *others])


class CompetenceFactory(DjangoModelFactory):
    """A competence of the vocabulary; reuses the migrated entry of the same name if any."""

    class Meta:
        model = Competence
        django_get_or_create = ("name",)

    slug = factory.Sequence(lambda n: f"competence-essai-{n:03d}")
    name = factory.Sequence(lambda n: f"Compétence Essai {n:03d}")
    family = CompetenceFamily.DIGITAL


class OrganisationFactory(DjangoModelFactory):
    """A published SME (40 people, 5 M€ turnover) in Lyon with a valid SIREN and SIRET."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Entreprise {n:03d}")
    kind = OrganisationKind.COMPANY
    siren = factory.Sequence(lambda n: make_siren(f"{40000000 + n:08d}"))
    siret = factory.LazyAttribute(lambda o: make_siret(o.siren, "0001") if o.siren else "")
    headcount = 40
    turnover_eur = 5_000_000
    balance_sheet_eur = 3_000_000
    city = "Lyon"
    postcode = "69003"
    region = factory.SubFactory(RegionFactory, code="84")
    description = "Conçoit des systèmes embarqués pour l'industrie."
    is_published = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return member_services.create_organisation(actor=None, **kwargs)


class ResearchOrganisationFactory(OrganisationFactory):
    """A public research laboratory identified by a valid RNSR number."""

    name = factory.Sequence(lambda n: f"Laboratoire {n:03d}")
    kind = OrganisationKind.RESEARCH
    siren = ""
    siret = ""
    rnsr = factory.Sequence(lambda n: f"2002{n:05d}" + check_letter(f"2002{n:05d}"))
    headcount = None
    turnover_eur = None
    balance_sheet_eur = None
    city = "Toulouse"
    postcode = "31400"
    region = factory.SubFactory(RegionFactory, code="76")
    description = "Unité mixte de recherche en matériaux."


class TrainingOrganisationFactory(ResearchOrganisationFactory):
    """A school or university identified by a valid UAI."""

    name = factory.Sequence(lambda n: f"École {n:03d}")
    kind = OrganisationKind.TRAINING
    rnsr = ""
    uai = factory.Sequence(lambda n: f"{690000 + n:07d}" + check_letter(f"{690000 + n:07d}"))
    city = "Grenoble"
    postcode = "38000"
    region = factory.SubFactory(RegionFactory, code="84")
    description = "École d'ingénieurs."


class RtoOrganisationFactory(ResearchOrganisationFactory):
    """An IRT or ITE (technological research institute)."""

    name = factory.Sequence(lambda n: f"Institut Technologique {n:03d}")
    kind = OrganisationKind.RTO
    rnsr = ""
    description = "Institut de recherche technologique."


class OtherOrganisationFactory(ResearchOrganisationFactory):
    """Any other organisation: a local authority, a bank, a chamber of commerce…"""

    name = factory.Sequence(lambda n: f"Organisme {n:03d}")
    kind = OrganisationKind.OTHER
    rnsr = ""
    city = "Paris"
    postcode = "75013"
    region = factory.SubFactory(RegionFactory, code="11")
    description = "Organisme public."


class AffiliationFactory(DjangoModelFactory):
    """A user working for an organisation, as a plain member."""

    class Meta:
        model = Affiliation

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = AffiliationRole.MEMBER
    job_title = "Ingénieur"


class MembershipFactory(DjangoModelFactory):
    """An active membership, in the collège the organisation most plausibly joins."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    pole = factory.SubFactory(PoleFactory)
    status = MembershipStatus.ACTIVE
    college = factory.LazyAttribute(lambda o: member_services.default_college(o.organisation))


class PoleStaffFactory(DjangoModelFactory):
    """An animator of a pôle; the user is staff, as `appoint_pole_staff` makes him."""

    class Meta:
        model = PoleStaff

    user = factory.SubFactory(UserFactory, is_staff=True)
    pole = factory.SubFactory(PoleFactory)
    role = PoleStaffRole.ANIMATOR


# --- Partner searches (projects) ------------------------------------------------------------


class PartnerSearchFactory(DjangoModelFactory):
    """An open partner search, published through the service, expiring in 90 days.

    The author is affiliated to the organisation if he is not yet. `competences` defaults to
    one new competence. `status` and `expires_on` other than the defaults (a hidden search, a
    date already past) are written after publication, as the workflow would have left them.
    """

    class Meta:
        model = "projects.PartnerSearch"

    author = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Recherche {n:03d}")
    description = "Projet de cellule robotisée ; nous cherchons un laboratoire en vision."
    target_call = ""

    @classmethod
    def _create(cls, model_class, *args, status=None, expires_on=None, competences=None, **kwargs):
        from projects import services as project_services

        author, organisation = kwargs.pop("author"), kwargs["organisation"]
        Affiliation.objects.get_or_create(user=author, organisation=organisation)
        kwargs["actor"] = author
        partner_search = project_services.create_partner_search(
            competences=competences if competences is not None else [CompetenceFactory()],
            **kwargs,
        )
        changes = {}
        if status is not None:
            changes["status"] = status
        if expires_on is not None:
            changes["expires_on"] = expires_on
        if changes:
            model_class.objects.filter(pk=partner_search.pk).update(**changes)
            partner_search.refresh_from_db()
        return partner_search


class InterestFactory(DjangoModelFactory):
    """A pending interest of a research lab, expressed by one of its people."""

    class Meta:
        model = "projects.Interest"

    posting = factory.SubFactory(PartnerSearchFactory)
    organisation = factory.SubFactory(ResearchOrganisationFactory)
    user = factory.SubFactory(UserFactory)
    contribution = "Un banc de vision et deux doctorants."
    motivation = "Le cas d'usage industriel nous manque."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from projects import services as project_services

        Affiliation.objects.get_or_create(user=kwargs["user"], organisation=kwargs["organisation"])
        kwargs["actor"] = kwargs.pop("user")
        kwargs["partner_search"] = kwargs.pop("posting")
        return project_services.express_interest(**kwargs)


class FollowFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Follow"

    user = factory.SubFactory(UserFactory)
    posting = factory.SubFactory(PartnerSearchFactory)


class CallFactory(DjangoModelFactory):
    """A call open from 30 days ago to 60 days ahead, with the FUI 25 rates and thresholds."""

    class Meta:
        model = "funding.Call"

    slug = factory.Sequence(lambda n: f"appel-{n:03d}")
    scheme = "FUI"
    number = factory.Sequence(lambda n: 100 + n)
    title = factory.Sequence(lambda n: f"Appel de test {n:03d}")
    opens_at = factory.LazyFunction(lambda: _now() - _days(30))
    closes_at = factory.LazyFunction(lambda: _now() + _days(60))
    rate_pme_in_territory = Decimal("0.50")
    rate_pme_elsewhere = Decimal("0.35")
    rate_eti_in_territory = Decimal("0.35")
    rate_other_company = Decimal("0.30")


def _now():
    from django.utils import timezone

    return timezone.now()


def _days(n):
    from datetime import timedelta

    return timedelta(days=n)


class ProjectFactory(DjangoModelFactory):
    """A project created through the service by a person of its coordinator (a company).

    The coordinator's part is created with it (region of R&D = the organisation's region).
    """

    class Meta:
        model = "projects.Project"

    actor = factory.SubFactory(UserFactory)
    coordinator = factory.SubFactory(OrganisationFactory)
    acronym = factory.Sequence(lambda n: f"PRJ{n:03d}")
    title = factory.Sequence(lambda n: f"Projet collaboratif {n:03d}")
    summary = "Cellule robotisée pour l'usinage de pièces composites."
    call = factory.SubFactory(CallFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from projects import consortium

        actor = kwargs.pop("actor")
        Affiliation.objects.get_or_create(
            user=actor, organisation=kwargs["coordinator"], defaults={"role": "admin"}
        )
        return consortium.create_project(actor=actor, **kwargs)


def add_partner(project, organisation, **part):
    """Put `organisation` in the consortium directly (as if it had accepted an invitation)."""
    from projects.models import ProjectPartner

    part.setdefault("rd_region", organisation.region)
    return ProjectPartner.objects.create(project=project, organisation=organisation, **part)


class EventFactory(DjangoModelFactory):
    """A published workshop of a new pôle, in a month, from 9:00 to 12:00 (Paris), 30 seats."""

    class Meta:
        model = "poles.Event"

    pole = factory.SubFactory(PoleFactory)
    slug = factory.Sequence(lambda n: f"evenement-{n:03d}")
    title = factory.Sequence(lambda n: f"Atelier thématique {n:03d}")
    kind = "atelier"
    summary = "Un atelier pour préparer les projets collaboratifs."
    starts_at = factory.LazyFunction(
        lambda: (_now() + _days(30)).replace(hour=8, minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + _days(1) / 8)
    venue = "Maison des pôles"
    city = "Paris"
    capacity = 30
    is_published = True


class BusinessMeetingsEventFactory(EventFactory):
    """A rendez-vous d'affaires with meetings from 14:00 to 17:00 UTC, 20-minute slots, 5 tables."""

    kind = "rdv_affaires"
    title = factory.Sequence(lambda n: f"Rendez-vous d'affaires {n:03d}")
    starts_at = factory.LazyFunction(
        lambda: (_now() + _days(30)).replace(hour=8, minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + _days(1) / 2)
    meetings_starts_at = factory.LazyAttribute(lambda o: o.starts_at + _days(1) / 4)
    meetings_ends_at = factory.LazyAttribute(lambda o: o.starts_at + _days(1) / 8 * 3)
    meeting_minutes = 20
    meeting_tables = 5


class RegistrationFactory(DjangoModelFactory):
    """A confirmed seat, written directly (the events' service is tested on its own)."""

    class Meta:
        model = "poles.Registration"

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    organisation = None
    status = "confirmed"
    queued_at = factory.LazyFunction(_now)


def make_funded_project(
    *,
    actor=None,
    coordinator=None,
    partners=(),
    poles=(),
    funder=None,
    aids=None,
    released_at=None,
    **project_fields,
):
    """A funded project as `funding.review.release_decisions` leaves it, written directly:
    `partners` in the consortium, labelled by `poles`, one released decision of `funder` to
    fund it with `aids` (organisation → euros; 100 000 € for each partner by default), status
    « Financé ». For tests of what reads funded projects (public record, open data, outcomes).
    """
    from django.utils import timezone

    from funding.models import Decision, DecisionAid, Funder
    from projects.models import LabelRequest, Project

    kwargs = dict(project_fields)
    if actor is not None:
        kwargs["actor"] = actor
    if coordinator is not None:
        kwargs["coordinator"] = coordinator
    project = ProjectFactory(**kwargs)
    for organisation in partners:
        add_partner(project, organisation)
    for rank, pole in enumerate(poles):
        LabelRequest.objects.create(
            project=project,
            pole=pole,
            rank=rank,
            status="labelled",
            committee_date=timezone.localdate(),
        )
    if funder is None:
        funder, _created = Funder.objects.get_or_create(
            slug="etat-test", defaults={"name": "État (test)", "kind": "state"}
        )
    project.call.funders.add(funder)
    decision = Decision.objects.create(
        project=project,
        call=project.call,
        funder=funder,
        outcome="funded",
        released_at=released_at or timezone.now(),
    )
    organisations = [project.coordinator, *partners]
    amounts = aids if aids is not None else dict.fromkeys(organisations, 100_000)
    DecisionAid.objects.bulk_create(
        DecisionAid(decision=decision, organisation=organisation, amount_eur=amount)
        for organisation, amount in amounts.items()
    )
    Project.objects.filter(pk=project.pk).update(status="funded")
    project.refresh_from_db()
    return project


# --- Services of the pôles and shared platforms ------------------------------------------------


class PoleServiceFactory(DjangoModelFactory):
    """An active, members-only service of a new pôle (intellectual property)."""

    class Meta:
        model = "poles.PoleService"

    pole = factory.SubFactory(PoleFactory)
    kind = "propriete_industrielle"
    title = factory.Sequence(lambda n: f"Pré-diagnostic brevets {n:03d}")
    description = "Une demi-journée avec un conseil en propriété industrielle."
    conditions = "Inclus dans l'adhésion"
    members_only = True
    is_active = True


class ServiceRequestFactory(DjangoModelFactory):
    """A new request, written directly (the service is tested on its own)."""

    class Meta:
        model = "poles.ServiceRequest"

    service = factory.SubFactory(PoleServiceFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.SubFactory(UserFactory)
    message = "Nous voulons protéger notre logiciel."
    status = "new"


class PlatformFactory(DjangoModelFactory):
    """A published technology platform of a new company, in Lyon."""

    class Meta:
        model = "members.Platform"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Plateforme d’essais {n:03d}")
    slug = factory.Sequence(lambda n: f"plateforme-essais-{n:03d}")
    kind = "plateforme"
    owner_organisation = factory.SubFactory(OrganisationFactory)
    owner_pole = None
    description = "Des bancs d'essais pour valider vos prototypes."
    equipment = "Banc moteur\nEnceinte climatique"
    city = "Lyon"
    region = factory.SubFactory(RegionFactory, code="84")
    access_conditions = "Sur devis."
    contact_email = "plateforme@example.org"
    is_published = True

    @factory.post_generation
    def competences(self, create, extracted, **kwargs):
        if create and extracted:
            self.competences.set(extracted)


class PlatformAccessRequestFactory(DjangoModelFactory):
    """A new access request, written directly (the service is tested on its own)."""

    class Meta:
        model = "members.PlatformAccessRequest"

    platform = factory.SubFactory(PlatformFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.SubFactory(UserFactory)
    message = "Nous voulons tester notre prototype."
    status = "new"


def _today():
    from django.utils import timezone

    return timezone.localdate()


class FeeScaleFactory(DjangoModelFactory):
    """A scale line of the current year for a collège, any size (written directly)."""

    class Meta:
        model = "members.FeeScale"

    pole = factory.SubFactory(PoleFactory)
    year = factory.LazyFunction(lambda: _today().year)
    college = "pme"
    size_category = ""
    amount_eur = 600


class FeeCallFactory(DjangoModelFactory):
    """A fee call of the current year, due in 30 days, written directly (the services are
    tested on their own)."""

    class Meta:
        model = "members.FeeCall"

    membership = factory.SubFactory(MembershipFactory)
    year = factory.LazyFunction(lambda: _today().year)
    reference = factory.Sequence(lambda n: f"TEST-{n:04d}")
    amount_eur = 600
    issued_on = factory.LazyFunction(lambda: _today())
    due_on = factory.LazyFunction(lambda: _today() + _days(30))
    status = "due"
