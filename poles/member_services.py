"""The services pôles offer their members, and the requests members make.

Reads (selectors) first, then writes (services): keyword-only arguments, an explicit `actor`,
a transaction, an audit entry, e-mails after commit. Not to be confused with `poles.services`,
which loads the pôles themselves.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.services import record
from members.models import Membership, Organisation
from members.services import send_templated_mail
from poles.models import PoleService, ServiceRequest, ServiceRequestStatus


class ServiceRequestError(Exception):
    """A request that cannot be made or changed; the message says why, translated."""


# --- Reads ------------------------------------------------------------------------------------


def active_services():
    """The services on offer, with their pôle, in catalogue order."""
    return PoleService.objects.filter(is_active=True).select_related("pole")


def services_for_pole(pole):
    return active_services().filter(pole=pole).order_by("kind", "title")


def get_active_service(pk) -> PoleService | None:
    return active_services().filter(pk=pk).first()


def organisations_of(user):
    """The organisations `user` works for (and may speak for on a service request)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(affiliations__user=user).order_by("name")


def organisations_eligible_for(user, service: PoleService):
    """The organisations of `user` that may ask for `service` (members only: active members)."""
    organisations = organisations_of(user)
    if service.members_only:
        organisations = organisations.filter(
            pk__in=Membership.objects.active()
            .filter(pole_id=service.pole_id)
            .values("organisation_id")
        )
    return organisations


def service_requests_for_user(user):
    """The requests of the organisations `user` works for, newest first."""
    if not user.is_authenticated:
        return ServiceRequest.objects.none()
    return (
        ServiceRequest.objects.filter(
            organisation__in=Organisation.objects.filter(affiliations__user=user).values("pk")
        )
        .select_related("service__pole", "organisation", "requested_by")
        .order_by("-created_at", "-pk")
    )


def service_requests_for_staff(user):
    """The requests the admin shows `user`: those to his pôles (all for a superuser)."""
    queryset = ServiceRequest.objects.all()
    if user.is_superuser:
        return queryset
    return queryset.filter(service__pole__staff__user=user)


def services_for_staff(user):
    queryset = PoleService.objects.all()
    if user.is_superuser:
        return queryset
    return queryset.filter(pole__staff__user=user)


# --- Writes -----------------------------------------------------------------------------------


def _staff_emails(pole) -> list[str]:
    return list(pole.staff.order_by("user__email").values_list("user__email", flat=True))


def service_recipients(service: PoleService) -> list[str]:
    """Who receives the requests: the service's contact, or else the pôle's staff."""
    if service.contact_email:
        return [service.contact_email]
    return _staff_emails(service.pole)


@transaction.atomic
def request_service(
    *, actor, service: PoleService, organisation: Organisation, message: str
) -> ServiceRequest:
    """`actor` asks for `service` on behalf of `organisation`.

    Refused when the service is no longer offered, when `actor` does not work for the
    organisation, or (members-only service) when the organisation is not an active member of
    the pôle. Side effects: audit entry, e-mail to the service's contact (or the pôle's
    staff), acknowledgement to `actor`.
    """
    if not service.is_active:
        raise ServiceRequestError(_("Ce service n'est plus proposé."))
    if not organisation.affiliations.filter(user=actor).exists():
        raise ServiceRequestError(
            _("Vous ne pouvez pas faire de demande au nom de %(organisation)s.")
            % {"organisation": organisation.name}
        )
    if (
        service.members_only
        and not Membership.objects.active()
        .filter(organisation=organisation, pole_id=service.pole_id)
        .exists()
    ):
        raise ServiceRequestError(
            _(
                "Ce service est réservé aux adhérents de %(pole)s : %(organisation)s n'en est "
                "pas membre active."
            )
            % {"pole": service.pole.name, "organisation": organisation.name}
        )
    service_request = ServiceRequest(
        service=service, organisation=organisation, requested_by=actor, message=message.strip()
    )
    service_request.full_clean()
    service_request.save()
    record(
        actor=actor,
        action="service.request",
        target=service_request,
        summary=f"{organisation} demande « {service.title} » ({service.pole})",
        pole=service.pole.slug,
        service=service.pk,
    )
    context = {"service_request": service_request, "service": service, "pole": service.pole}
    send_templated_mail(
        template="email/service_requested", to=service_recipients(service), context=context
    )
    send_templated_mail(
        template="email/service_request_received", to=[actor.email], context=context
    )
    return service_request


# A request's status may go anywhere (staff reopen a request declined by mistake); only these
# two tell the requester the matter is settled.
CLOSING_STATUSES = {ServiceRequestStatus.DONE, ServiceRequestStatus.DECLINED}


@transaction.atomic
def update_service_request(
    *, actor, service_request: ServiceRequest, status: str, staff_notes: str
) -> ServiceRequest:
    """The pôle's staff follow a request: its status and their internal notes.

    `actor` becomes the one who handles it. Side effects: audit entry when something changed;
    e-mail to the requester when the request becomes done or declined.
    """
    if status not in ServiceRequestStatus.values:
        raise ServiceRequestError(_("Statut inconnu : %(status)s.") % {"status": status})
    service_request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("service__pole", "organisation", "requested_by")
        .get(pk=service_request.pk)
    )
    previous = service_request.status
    changed = []
    if status != previous:
        service_request.status = status
        changed.append("status")
    if staff_notes != service_request.staff_notes:
        service_request.staff_notes = staff_notes
        changed.append("staff_notes")
    if not changed:
        return service_request
    if actor is not None and service_request.handled_by_id != actor.pk:
        service_request.handled_by = actor
        changed.append("handled_by")
    service_request.full_clean(exclude=["requested_by"])  # the requester may have left
    service_request.save(update_fields=[*changed, "updated_at"])
    record(
        actor=actor,
        action="service.request_update",
        target=service_request,
        summary=(
            f"Demande de {service_request.organisation} « {service_request.service.title} » : "
            f"{service_request.get_status_display()}"
        ),
        previous=previous,
        status=status,
        pole=service_request.service.pole.slug,
    )
    if status != previous and status in CLOSING_STATUSES and service_request.requested_by_id:
        send_templated_mail(
            template="email/service_request_updated",
            to=[service_request.requested_by.email],
            context={
                "service_request": service_request,
                "service": service_request.service,
                "pole": service_request.service.pole,
                "done": status == ServiceRequestStatus.DONE,
            },
        )
    return service_request


def staff_can_handle(user, service_request: ServiceRequest) -> bool:
    return service_requests_for_staff(user).filter(pk=service_request.pk).exists()


def with_text(queryset, text: str):
    """Services whose title, description, conditions or pôle match every word of `text`."""
    for word in text.split()[:10]:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(conditions__icontains=word)
            | Q(pole__name__icontains=word)
            | Q(pole__short_name__icontains=word)
        )
    return queryset
