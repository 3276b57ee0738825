"""Forms of the project pages (`projects.project_views`); the services check the rules again."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import Call
from members.models import Competence
from poles.models import Event, Pole, Region, RegistrationStatus
from projects.consortium import LAB_KINDS
from projects.forms import DateInput, competence_choices
from projects.models import (
    EXPENSE_FIELDS,
    AttachmentKind,
    CostBasis,
    PartnerSearch,
    Project,
)


def open_calls(current=None):
    """Calls a project may target: those not yet closed, plus the one it already targets."""
    query = Q(closes_at__gt=timezone.now())
    if current is not None:
        query |= Q(pk=current.pk)
    return Call.objects.filter(query).order_by("closes_at")


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, call):
        deadline = timezone.localtime(call.closes_at)
        return _("%(title)s — date limite le %(date)s") % {
            "title": call.title,
            "date": deadline.strftime("%d/%m/%Y"),
        }


def past_events(current=None):
    """Events a project may say it was born at: published and over, plus the one it names."""
    query = Q(is_published=True, ends_at__lt=timezone.now())
    if current is not None:
        query |= Q(pk=current.pk)
    return Event.objects.filter(query).select_related("pole").order_by("-starts_at", "pk")


def _event_label(event) -> str:
    return _("%(title)s — %(pole)s, %(date)s") % {
        "title": event.title,
        "pole": event.pole.short_name or event.pole.name,
        "date": timezone.localtime(event.starts_at).strftime("%d/%m/%Y"),
    }


def event_choices(events, user=None) -> list:
    """The events as <select> choices: those `user` attended first, then the others."""
    events = list(events)
    mine = set()
    if user is not None and user.is_authenticated:
        mine = set(
            user.event_registrations.filter(event__in=[event.pk for event in events])
            .exclude(status=RegistrationStatus.CANCELLED)
            .values_list("event_id", flat=True)
        )
    empty = [("", _("Aucun"))]
    attended = [(event.pk, _event_label(event)) for event in events if event.pk in mine]
    others = [(event.pk, _event_label(event)) for event in events if event.pk not in mine]
    if not attended:
        return empty + others
    groups = [(_("Mes événements"), attended)]
    if others:
        groups.append((_("Autres événements du réseau"), others))
    return empty + groups


class ProjectForm(forms.ModelForm):
    """Create a project (with its coordinator) or edit it (the coordinator stays)."""

    coordinator = forms.ModelChoiceField(
        label=_("Organisation coordinatrice"),
        queryset=None,
        empty_label=None,
        help_text=_(
            "Le chef de file du consortium : une entreprise pour un projet FUI. "
            "Vous agirez en son nom."
        ),
    )
    call = CallChoiceField(
        label=_("Appel visé"),
        queryset=Call.objects.none(),
        required=False,
        empty_label=_("Pas encore choisi"),
        help_text=_("Les appels dont la date limite n'est pas passée."),
    )
    competences = forms.ModelMultipleChoiceField(
        label=_("Compétences mobilisées"),
        queryset=Competence.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    field_order = [
        "coordinator",
        "acronym",
        "title",
        "summary",
        "competences",
        "start_date",
        "duration_months",
        "call",
        "partner_search",
        "origin_event",
        "is_published",
    ]

    class Meta:
        model = Project
        fields = [
            "acronym",
            "title",
            "summary",
            "competences",
            "start_date",
            "duration_months",
            "call",
            "partner_search",
            "origin_event",
            "is_published",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "start_date": DateInput(),
        }
        labels = {
            "acronym": _("Acronyme"),
            "title": _("Titre"),
            "summary": _("Résumé"),
            "start_date": _("Date de début"),
            "duration_months": _("Durée (mois)"),
            "partner_search": _("Recherche de partenaires liée"),
            "origin_event": _("Né lors de l'événement"),
            "is_published": _("Publier l'acronyme, le titre et le résumé"),
        }
        error_messages = {
            "acronym": {"required": _("Donnez un acronyme au projet.")},
            "title": {"required": _("Donnez un titre au projet.")},
            "summary": {"required": _("Résumez le projet en quelques lignes.")},
        }

    def __init__(self, *args, organisations=None, partner_searches=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["coordinator"]
        else:
            self.fields["coordinator"].queryset = organisations
        self.fields["competences"].choices = competence_choices()
        self.fields["call"].queryset = open_calls(self.instance.call if self.instance.pk else None)
        search = self.fields["partner_search"]
        search.queryset = (
            partner_searches if partner_searches is not None else PartnerSearch.objects.none()
        )
        search.empty_label = _("Aucune")
        search.help_text = _(
            "Une recherche publiée par l'organisation coordinatrice : les organisations dont "
            "vous avez accepté l'intérêt pourront être invitées en un clic."
        )
        event = self.fields["origin_event"]
        event.queryset = past_events(self.instance.origin_event if self.instance.pk else None)
        event.choices = event_choices(event.queryset, user)
        event.required = False
        event.help_text = _(
            "Facultatif : l'atelier ou le rendez-vous d'affaires où le projet est né. Les pôles "
            "mesurent ainsi ce que leurs événements font naître."
        )
        self.fields["acronym"].widget.attrs["placeholder"] = _("Ex. : COBOTIX")
        self.fields["duration_months"].widget.attrs.update(min=1, max=120)

    def clean(self):
        data = super().clean()
        search = data.get("partner_search")
        coordinator = data.get("coordinator") or (
            self.instance.coordinator if self.instance.pk else None
        )
        if (
            search is not None
            and coordinator is not None
            and search.organisation_id != coordinator.pk
        ):
            self.add_error(
                "partner_search",
                _("Cette recherche n'a pas été publiée par l'organisation coordinatrice."),
            )
        return data


MAX_AMOUNT_EUR = 10**12


def _amount(label):
    """An amount in whole euros (0 when there is none)."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_AMOUNT_EUR,
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("Indiquez un montant, 0 si aucun."),
            "invalid": _("Un montant en euros, sans centimes."),
            "min_value": _("Un montant ne peut pas être négatif."),
        },
    )


class PartForm(forms.Form):
    """A partner's part, with the version it was read at (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    role = forms.CharField(
        label=_("Rôle dans le projet"),
        max_length=200,
        required=False,
        help_text=_("Par exemple « intégrateur », « fournisseur du capteur », « essais »."),
    )
    work_summary = forms.CharField(
        label=_("Travaux"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que votre organisation réalise dans le projet."),
    )
    rd_region = forms.ModelChoiceField(
        label=_("Région des travaux de R&D"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=_("Non renseignée"),
        help_text=_(
            "Où vous réalisez les travaux, pas votre siège : elle décide du territoire "
            "et du taux d'aide."
        ),
    )
    expenses_personnel_eur = _amount(_("Frais de personnel (€)"))
    expenses_overhead_eur = _amount(_("Frais généraux (€)"))
    expenses_equipment_eur = _amount(_("Équipements (€)"))
    expenses_subcontracting_eur = _amount(_("Sous-traitance (€)"))
    expenses_other_eur = _amount(_("Autres dépenses (€)"))
    cost_basis = forms.ChoiceField(
        label=_("Assiette des coûts"),
        choices=[("", _("Non choisie")), *CostBasis.choices],
        required=False,
        help_text=_(
            "Pour les organismes de recherche et de formation : l'aide porte sur les coûts "
            "marginaux ou sur les coûts complets, aux taux de l'appel."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation.kind not in LAB_KINDS:
            del self.fields["cost_basis"]

    @staticmethod
    def initial_for(partner) -> dict:
        initial = {name: getattr(partner, name) for name in EXPENSE_FIELDS}
        initial.update(
            version=partner.version,
            role=partner.role,
            work_summary=partner.work_summary,
            rd_region=partner.rd_region_id,
            cost_basis=partner.cost_basis,
        )
        return initial

    def part_fields(self) -> dict:
        """The cleaned values, as `consortium.update_part` takes them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    @property
    def expense_fields(self):
        return [self[name] for name in EXPENSE_FIELDS]


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=AttachmentKind.choices)
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        required=False,
        help_text=_("Par défaut, le nom du fichier."),
    )
    upload = forms.FileField(
        label=_("Fichier PDF"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": _("Choisissez un fichier PDF."),
            "empty": _("Le fichier est vide."),
        },
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _("Un PDF de %(size)s Mo au plus.") % {
            "size": f"{max_bytes / 1024 / 1024:.0f}"
        }


class PoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pole):
        return pole.name


class PoleMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, pole):
        return pole.name


class LabelRequestForm(forms.Form):
    """The lead pôle first (only for the first request), then co-labelling pôles."""

    lead_pole = PoleChoiceField(
        label=_("Pôle chef de file"),
        queryset=Pole.objects.none(),
        empty_label=_("Choisissez un pôle"),
        help_text=_(
            "Il instruit le projet en premier ; au moins 25 % des dépenses de R&D doivent "
            "être réalisées sur son territoire."
        ),
        error_messages={"required": _("Choisissez le pôle chef de file.")},
    )
    other_poles = PoleMultipleChoiceField(
        label=_("Pôles co-labellisateurs"),
        queryset=Pole.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Facultatif : d'autres pôles à qui demander aussi un label."),
    )

    def __init__(self, *args, asked_pole_ids=(), has_lead=False, **kwargs):
        super().__init__(*args, **kwargs)
        available = Pole.objects.exclude(pk__in=list(asked_pole_ids)).order_by("name")
        self.fields["lead_pole"].queryset = available
        self.fields["other_poles"].queryset = available
        if has_lead:
            del self.fields["lead_pole"]
            self.fields["other_poles"].required = True
            self.fields["other_poles"].label = _("Autres pôles à solliciter")
            self.fields["other_poles"].help_text = ""
            self.fields["other_poles"].error_messages["required"] = _(
                "Choisissez au moins un pôle."
            )

    def poles(self) -> list:
        """The pôles to ask, lead first, each once."""
        lead = self.cleaned_data.get("lead_pole")
        poles = [lead] if lead is not None else []
        poles += [pole for pole in self.cleaned_data.get("other_poles", []) if pole != lead]
        return poles
