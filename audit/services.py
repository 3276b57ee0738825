from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry


def record(*, actor, action: str, target, summary: str, **data) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the change it records."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        summary=summary[:255],
        data=data,
    )
