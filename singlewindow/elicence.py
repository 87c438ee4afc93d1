"""The enterprise electronic licence (电子证照, S12): the firm's identity when its people sign.

The legal representative's account holds the licence (the organisation's first manager, when the licence
is issued) and names up to 5 administrators; the legal representative and the administrators grant agents
(clerks; at a broker, its staff) authority for every matter or for named ones, between two days, revocable
at once. Every submission (a declaration, a licence application, an approval filing) is signed by its
submitter in one of two capacities: as the legal representative, or as an agent under a grant in force
covering the matter; with no such right `submission_sign` refuses (`SignatureRefused`) and the caller's
transaction, the whole submission, is rolled back. A signature is kept with the key that made it and
pointed at by an audit entry, so it can be verified at any time later (`signature_verify`).

A firm shows its licence as a QR code (a `PresentationToken` URL, good for 5 minutes); an agency officer
who scans it sees the firm's public facts, or that the code has expired.

Revocation takes effect for every signature asked for after it commits; a submission being signed while
it is revoked is not held back (locking the grant would make one person's submissions wait for each other).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import elicence_keys
from .audit_actions import ElicenceAction
from .certificates import public_url
from .choices import Matter, OrganisationKind, Role, SigningCapacity
from .errors import DomainError
from .models import (
    MAX_ADMINISTRATORS,
    AgentGrant,
    ELicence,
    ELicenceAdministrator,
    Organisation,
    PresentationToken,
    SigningKey,
    SubmissionSignature,
    User,
)
from .prepared import insert
from .services import audit_record

PRESENTATION_MINUTES = 5
MESSAGE_VERSION = "singlewindow-submission-signature/1"


class ELicenceRefused(DomainError):
    status_code = 400
    code = "elicence_refused"


class TooManyAdministrators(ELicenceRefused):
    code = "too_many_administrators"


class SignatureRefused(DomainError):
    """The submitter may not sign this matter for this organisation now; nothing is signed. The code says
    why: no_grant, grant_revoked, grant_expired, grant_not_yet, matter_not_granted, licence_revoked,
    not_own_organisation."""

    status_code = 403

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


# The licence ------------------------------------------------------------------------------------------


def holds_licence(organisation: Organisation) -> bool:
    """Agencies act with their officers' own authority; every other kind of organisation has a licence."""
    return organisation.kind != OrganisationKind.AGENCY


def elicence_for(organisation: Organisation) -> ELicence:
    """The organisation's licence, issued now if it has none (organisations made before the licence existed
    or outside the services: the admin, fixtures); the legal representative is its first manager, appointed
    as soon as it has one."""
    licence = ELicence.objects.filter(organisation=organisation).first()
    if licence is None:
        try:
            with transaction.atomic():
                licence = ELicence.objects.create(organisation=organisation)
        except IntegrityError:  # issued meanwhile by a concurrent request
            licence = ELicence.objects.get(organisation=organisation)
    if licence.legal_representative_id is None:
        first = organisation.users.filter(role=Role.MANAGER, is_active=True).order_by("pk").first()
        if first is not None:
            licence.legal_representative = first
            licence.save(update_fields=["legal_representative"])
            audit_record(actor=None, action=ElicenceAction.LEGAL_REPRESENTATIVE_APPOINTED, obj=licence,
                         after={"legal_representative": first.pk})  # fmt: skip
    return licence


def _own_licence(user: User) -> ELicence:
    org = user.organisation
    if org is None or not holds_licence(org):
        raise Http404
    return elicence_for(org)


def elicence_for_user(*, user: User) -> ELicence:
    """The licence of the user's organisation; 404 for an agency's user (agencies hold none)."""
    return _own_licence(user)


def manages(licence: ELicence, user: User) -> bool:
    """The legal representative and the administrators manage the licence's grants."""
    if licence.legal_representative_id == user.pk:
        return True
    return ELicenceAdministrator.objects.filter(licence=licence, person=user).exists()


def colleagues(licence: ELicence) -> QuerySet[User]:
    """Who may be named an administrator or granted authority: the organisation's people."""
    return User.objects.filter(organisation_id=licence.organisation_id, is_active=True).order_by("username")


def _colleague(licence: ELicence, person_id: int) -> User:
    person = User.objects.filter(pk=person_id, organisation_id=licence.organisation_id, is_active=True).first()
    if person is None:
        raise ELicenceRefused(_("Choose a person of your own organisation."))
    return person


@transaction.atomic
def administrator_add(*, user: User, person_id: int) -> ELicenceAdministrator:
    """The legal representative names an administrator (at most 5: a seat each)."""
    licence = _own_licence(user)
    ELicence.objects.select_for_update().filter(pk=licence.pk).first()  # one seat chosen at a time
    if licence.legal_representative_id != user.pk:
        raise PermissionDenied
    person = _colleague(licence, person_id)
    if person.pk == licence.legal_representative_id:
        raise ELicenceRefused(_("The legal representative holds the licence already."))
    taken = set(ELicenceAdministrator.objects.filter(licence=licence).values_list("seat", flat=True))
    if ELicenceAdministrator.objects.filter(licence=licence, person=person).exists():
        raise ELicenceRefused(_("This person is an administrator already."))
    free = [seat for seat in range(1, MAX_ADMINISTRATORS + 1) if seat not in taken]
    if not free:
        raise TooManyAdministrators(_("A licence has at most %(n)d administrators.") % {"n": MAX_ADMINISTRATORS})
    admin = ELicenceAdministrator.objects.create(licence=licence, person=person, seat=free[0], added_by=user)
    audit_record(actor=user, action=ElicenceAction.ADMINISTRATOR_ADDED, obj=licence, after={"person": person.pk})
    return admin


@transaction.atomic
def administrator_remove(*, user: User, administrator: ELicenceAdministrator) -> None:
    licence = _own_licence(user)
    if licence.legal_representative_id != user.pk or administrator.licence_id != licence.pk:
        raise PermissionDenied
    administrator.delete()
    audit_record(actor=user, action=ElicenceAction.ADMINISTRATOR_REMOVED, obj=licence,
                 before={"person": administrator.person_id})  # fmt: skip


def administrators_of(*, user: User) -> QuerySet[ELicenceAdministrator]:
    return ELicenceAdministrator.objects.filter(licence=_own_licence(user)).select_related("person")


def administrator_get(*, user: User, pk: int) -> ELicenceAdministrator:
    try:
        return administrators_of(user=user).get(pk=pk)
    except (ELicenceAdministrator.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Grants -----------------------------------------------------------------------------------------------


@transaction.atomic
def grant_create(
    *, user: User, person_id: int, full: bool, matters: list[str], valid_from: date, valid_until: date
) -> AgentGrant:
    """The legal representative or an administrator lets a person of the organisation sign for it."""
    licence = _own_licence(user)
    if not manages(licence, user):
        raise PermissionDenied
    person = _colleague(licence, person_id)
    named = sorted(set(matters))
    if any(matter not in Matter.values for matter in named):
        raise ELicenceRefused(_("Unknown matter."))
    if not full and not named:
        raise ELicenceRefused(_("Name at least one matter, or grant every matter."))
    if valid_until < valid_from or valid_until < timezone.localdate():
        raise ELicenceRefused(_("The validity period has to end today or later, after it starts."))
    grant = AgentGrant.objects.create(
        organisation_id=licence.organisation_id, person=person, full=full, matters=[] if full else named,
        valid_from=valid_from, valid_until=valid_until, granted_by=user,
    )  # fmt: skip
    audit_record(actor=user, action=ElicenceAction.GRANT_GIVEN, obj=grant, after={
        "person": person.pk, "full": grant.full, "matters": grant.matters,
        "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()})  # fmt: skip
    return grant


@transaction.atomic
def grant_revoke(*, user: User, grant: AgentGrant) -> AgentGrant:
    """Ends a grant at once: from now on it signs nothing."""
    licence = _own_licence(user)
    if grant.organisation_id != licence.organisation_id or not manages(licence, user):
        raise PermissionDenied
    AgentGrant.objects.select_for_update().filter(pk=grant.pk).first()
    grant.refresh_from_db()
    if grant.revoked_at is not None:
        raise ELicenceRefused(_("This grant is revoked already."))
    grant.revoked_at, grant.revoked_by = timezone.now(), user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=user, action=ElicenceAction.GRANT_REVOKED, obj=grant, after={"revoked_at": grant.revoked_at.isoformat()}
    )
    return grant


def grants_of(*, user: User) -> QuerySet[AgentGrant]:
    """Who manages the licence sees every grant of the organisation; anyone else their own."""
    licence = _own_licence(user)
    grants = AgentGrant.objects.filter(organisation_id=licence.organisation_id).select_related("person")
    return grants if manages(licence, user) else grants.filter(person=user)


def grant_get(*, user: User, pk: int) -> AgentGrant:
    """One of the grants the user sees; 404 for any other (another organisation's above all)."""
    try:
        return grants_of(user=user).get(pk=pk)
    except (AgentGrant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def grants_in_force(on: date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(revoked_at__isnull=True, valid_from__lte=on, valid_until__gte=on)


def in_force(grant: AgentGrant, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return grant.revoked_at is None and grant.valid_from <= on <= grant.valid_until


def grant_in_force(
    *, person: User, organisation: Organisation, matter: str, on: date | None = None
) -> AgentGrant | None:
    """The person's grant in force from the organisation covering the matter (a full one first). A person
    holds a handful of grants: they are read and matched here, the same on every database (SQLite, which
    `make run` uses, has no JSON containment lookup)."""
    grants = AgentGrant.objects.filter(grants_in_force(on), person=person, organisation=organisation)
    return next((g for g in grants.order_by("-full", "-granted_at") if g.full or matter in g.matters), None)


def grant_standing(*, person: User, days: int = 365) -> AgentGrant:
    """A full grant for a person who holds none in force: what everyone who filed before the licence existed
    got (the data migration), and fixtures, demo and benchmark users."""
    org = person.organisation
    assert org is not None
    existing = AgentGrant.objects.filter(grants_in_force(), person=person, organisation=org, full=True).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    return AgentGrant.objects.create(organisation=org, person=person, full=True, valid_from=today,
                                     valid_until=today + timedelta(days=days))  # fmt: skip


# Signing ----------------------------------------------------------------------------------------------


def _signing_key(person: User) -> tuple[SigningKey, str]:
    """The person's key in use and its private half; made the first time (or again, retiring the old one,
    when SECRET_KEY changed and the sealed key cannot be opened: its signatures still verify)."""
    key = SigningKey.objects.filter(person=person, retired_at=None).first()
    if key is not None:
        try:
            return key, elicence_keys.unseal(key.private_key_sealed)
        except elicence_keys.KeyUnreadable:
            SigningKey.objects.filter(pk=key.pk).update(retired_at=timezone.now())
    private, public = elicence_keys.key_pair_new()
    try:
        with transaction.atomic():
            key = SigningKey.objects.create(
                person=person, algorithm=elicence_keys.ALGORITHM, public_key=public,
                key_id=elicence_keys.key_id(public), private_key_sealed=elicence_keys.seal(private),
            )  # fmt: skip
    except IntegrityError:  # made meanwhile by the same person's other request
        key = SigningKey.objects.get(person=person, retired_at=None)
        return key, elicence_keys.unseal(key.private_key_sealed)
    return key, private


def _message(signature: SubmissionSignature) -> bytes:
    """What is signed: the digest and everything that says whose, for whom, in what right, of what."""
    return "\n".join([
        MESSAGE_VERSION, signature.algorithm, str(signature.organisation_id), str(signature.signer_id),
        signature.capacity, str(signature.grant_id or ""), signature.matter, signature.object_type,
        signature.object_id, signature.digest, signature.signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
    ]).encode()  # fmt: skip


def _refuse(organisation: Organisation, matter: str, why: tuple[str, str]) -> SignatureRefused:
    code, reason = why
    return SignatureRefused(
        _("%(reason)s You may not sign %(matter)s for %(organisation)s.")
        % {"reason": reason, "matter": Matter(matter).label, "organisation": organisation.name},
        code,
    )


def _why_not(user: User, organisation: Organisation) -> tuple[str, str]:
    """The clearest reason the person holds no grant in force for the matter (code, message)."""
    grants = list(AgentGrant.objects.filter(person=user, organisation=organisation))
    today = timezone.localdate()
    live = [g for g in grants if g.revoked_at is None]
    if not grants:
        return "no_grant", _("You hold no grant from your organisation's electronic licence.")
    if not live:
        return "grant_revoked", _("Your grant was revoked.")
    if all(g.valid_until < today for g in live):
        return "grant_expired", _("Your grant has expired.")
    if all(g.valid_from > today for g in live):
        return "grant_not_yet", _("Your grant is not in force yet.")
    return "matter_not_granted", _("Your grant does not cover this matter.")


Signer = tuple[str, AgentGrant | None, SigningKey, str]  # capacity, grant, key, its private half
_signers: ContextVar[dict[tuple[int, int, str], Signer] | None] = ContextVar("signers", default=None)


@contextmanager
def signing_session() -> Iterator[None]:
    """Within it, who may sign what for whom is read once per signer, organisation and matter: a batch
    submission signs many declarations in one transaction under the same licence, grant and key. A caller
    that rolls back part of its transaction calls signing_session_forget (a key or licence made there is
    gone)."""
    token = _signers.set({})
    try:
        yield
    finally:
        _signers.reset(token)


def signing_session_forget() -> None:
    """Read the signers again: part of the transaction they were read in was rolled back."""
    memo = _signers.get()
    if memo is not None:
        memo.clear()


def _signer(user: User, organisation: Organisation, matter: str) -> Signer:
    """The capacity the user signs in for the organisation, the grant it signs under and its key;
    SignatureRefused when it may not. Within a signing session, read once; otherwise what this process read
    last time for the same signer, organisation and matter if it still stands (_stands: one query, so a
    revocation bites at once), or read afresh."""
    signer, unchecked = _signer_unchecked(user, organisation, matter)
    if not unchecked:
        return signer
    if _stands(user, organisation, signer):
        return _checked(user, organisation, matter, signer)
    return _signer_fresh(user, organisation, matter)


def _signer_unchecked(user: User, organisation: Organisation, matter: str) -> tuple[Signer, bool]:
    """_signer, and whether it is what this process read earlier and has not checked against the database yet
    (the caller checks it: _stands, or _insert_if_stands with the signature's write)."""
    memo = _signers.get()
    wanted = (user.pk, organisation.pk, matter)
    if memo is not None and wanted in memo:
        return memo[wanted], False
    if matter not in Matter.values:
        raise ValueError(f"unknown matter {matter!r}")
    if user.organisation_id != organisation.pk or not holds_licence(organisation):
        raise _refuse(organisation, matter, ("not_own_organisation", _("You sign only for your own organisation.")))
    signer = _standing.get(wanted)
    if signer is None:
        return _signer_fresh(user, organisation, matter), False
    return signer, True


def _checked(user: User, organisation: Organisation, matter: str, signer: Signer) -> Signer:
    """A signer read earlier, found standing: kept for the rest of the signing session, if one is open."""
    memo = _signers.get()
    if memo is not None:
        memo[(user.pk, organisation.pk, matter)] = signer
    return signer


def _signer_fresh(user: User, organisation: Organisation, matter: str) -> Signer:
    """Read from the database (SignatureRefused when it may not sign), kept for the process and the session in
    place of what was kept before (forgotten first: a signer refused now is not kept)."""
    wanted = (user.pk, organisation.pk, matter)
    _standing.pop(wanted, None)
    signer = _signer_read(user, organisation, matter)
    if len(_standing) >= STANDING_MAX:
        _standing.clear()
    _standing[wanted] = signer
    memo = _signers.get()
    if memo is not None:
        memo[wanted] = signer
    return signer


# What each process read last for a signer, organisation and matter; checked before every use (_stands).
_standing: dict[tuple[int, int, str], Signer] = {}
STANDING_MAX = 1024


def _stands(user: User, organisation: Organisation, signer: Signer) -> bool:
    """Whether a signer read earlier still holds, in one query: the organisation's licence not revoked and
    its legal representative the same as then (the capacity), the grant still in force (grants are never
    edited, only revoked), the key not retired and the same public key (the private half kept here is that
    key's, whatever reused its id since). Anything made in a transaction since rolled back is gone, so it does
    not stand either (and is read again). Written in SQL, not composed by the ORM: it runs before every
    signature, and the ORM took longer composing its subqueries than SM2 takes to sign."""
    condition, params = _standing_condition(user, organisation, signer)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 WHERE {condition}", params)
        return cursor.fetchone() is not None


def _standing_condition(user: User, organisation: Organisation, signer: Signer) -> tuple[str, list[Any]]:
    """_stands as an SQL condition and its parameters."""
    capacity, grant, key, _private = signer
    if capacity == SigningCapacity.LEGAL_REPRESENTATIVE:
        representative = "l.legal_representative_id = %s"
    elif user.role == Role.MANAGER:  # a manager signing where none is appointed becomes it (_signer_read)
        representative = "l.legal_representative_id IS NOT NULL AND l.legal_representative_id <> %s"
    else:
        representative = "(l.legal_representative_id IS NULL OR l.legal_representative_id <> %s)"
    # Only table names and the fixed clauses above are formatted in; every value is a parameter.
    params: list[Any] = [organisation.pk, user.pk, key.pk, user.pk, key.public_key]
    query = (
        f"EXISTS (SELECT 1 FROM {ELicence._meta.db_table} l WHERE l.organisation_id = %s AND l.revoked_at IS NULL"  # noqa: S608
        f" AND {representative} AND EXISTS (SELECT 1 FROM {SigningKey._meta.db_table} k WHERE k.id = %s"
        " AND k.person_id = %s AND k.public_key = %s AND k.retired_at IS NULL))"
    )
    if grant is not None:
        query += (
            f" AND EXISTS (SELECT 1 FROM {AgentGrant._meta.db_table} g WHERE g.id = %s AND g.person_id = %s"  # noqa: S608
            " AND g.organisation_id = %s AND g.revoked_at IS NULL AND g.valid_from <= %s AND g.valid_until >= %s)"
        )
        today = timezone.localdate()
        params += [grant.pk, user.pk, organisation.pk, today, today]
    return query, params


def _insert_if_stands(signature: SubmissionSignature, user: User, organisation: Organisation, signer: Signer) -> bool:
    """Write the signature if the signer read earlier still stands (_stands), in one statement: the check and
    the write, where they were two. False (nothing written) when it no longer stands."""
    if not connection.features.can_return_columns_from_insert:  # an SQLite older than 3.35: check, then write
        if not _stands(user, organisation, signer):
            return False
        insert(signature)
        return True
    condition, params = _standing_condition(user, organisation, signer)
    fields = [f for f in SubmissionSignature._meta.concrete_fields if not f.primary_key]
    # a nullable key typed: a NULL parameter has no type of its own
    placeholders = ", ".join("CAST(%s AS bigint)" if f.null and f.is_relation else "%s" for f in fields)
    # Only the model's own table and column names and the fixed clauses of _standing_condition are formatted in.
    sql = (
        f"INSERT INTO {SubmissionSignature._meta.db_table} ({', '.join(str(f.column) for f in fields)}) "
        f"SELECT {placeholders} WHERE {condition} RETURNING id"
    )
    with connection.cursor() as cursor:
        values = [f.get_db_prep_save(getattr(signature, f.attname), connection) for f in fields]
        cursor.execute(sql, values + params)
        row = cursor.fetchone()
    if row is None:
        return False
    signature.pk = row[0]
    signature._state.adding = False
    signature._state.db = connection.alias
    return True


def _signer_read(user: User, organisation: Organisation, matter: str) -> Signer:
    licence = ELicence.objects.filter(organisation=organisation).first()
    if licence is None or (licence.legal_representative_id is None and user.role == Role.MANAGER):
        licence = elicence_for(organisation)  # issued, or its legal representative appointed, now
    if licence.revoked_at is not None:
        raise _refuse(organisation, matter, ("licence_revoked", _("The organisation's electronic licence is revoked.")))
    grant = None
    if licence.legal_representative_id == user.pk:
        capacity = SigningCapacity.LEGAL_REPRESENTATIVE
    else:
        capacity = SigningCapacity.AGENT
        grant = grant_in_force(person=user, organisation=organisation, matter=matter)
        if grant is None:
            raise _refuse(organisation, matter, _why_not(user, organisation))
    key, private = _signing_key(user)
    return capacity, grant, key, private


@transaction.atomic(savepoint=False)  # inside a submission: a refusal rolls the whole submission back
def submission_sign(
    *, user: User, organisation: Organisation, matter: str, object_type: str, object_id: str, digest: str
) -> SubmissionSignature:
    """Sign a submission's digest for the organisation: as its legal representative, or under a grant in
    force covering the matter. SignatureRefused (nothing written) otherwise."""
    signer, unchecked = _signer_unchecked(user, organisation, matter)

    def signed(signer: Signer) -> SubmissionSignature:
        capacity, grant, key, private = signer
        signature = SubmissionSignature(
            organisation=organisation, signer=user, capacity=capacity, grant=grant, matter=matter,
            object_type=object_type, object_id=object_id, digest=digest, key=key, algorithm=key.algorithm,
            signed_at=timezone.now(),
        )  # fmt: skip
        signature.signature = elicence_keys.sign(_message(signature), private_hex=private, public_hex=key.public_key)
        return signature

    signature = signed(signer)
    # What this process read earlier is checked as the signature is written (one statement); no longer standing,
    # the signer is read afresh (or refused) and signs again.
    if not unchecked:
        insert(signature)
    elif _insert_if_stands(signature, user, organisation, signer):
        _checked(user, organisation, matter, signer)
    else:  # what this process kept no longer stands: read again (or refused)
        signature = insert(signed(_signer_fresh(user, organisation, matter)))
    audit_record(actor=user, action=ElicenceAction.SUBMISSION_SIGNED, obj=signature, after={
        "object_type": object_type, "object_id": object_id, "matter": matter, "digest": digest,
        "capacity": signature.capacity, "grant": signature.grant_id, "key_id": signature.key.key_id})  # fmt: skip
    return signature


def signature_verify(signature: SubmissionSignature, *, digest: str | None = None) -> bool:
    """Whether the stored signature is the signer's key's over what it names; and, given the digest of the
    submission as it is now, that it is the digest signed (a changed payload has another digest)."""
    if digest is not None and not constant_time_compare(digest, signature.digest):
        return False
    key = signature.key
    if key.algorithm != signature.algorithm or key.person_id != signature.signer_id:
        return False
    return elicence_keys.verify(_message(signature), signature.signature, public_hex=key.public_key)


def signatures_for(*, object_type: str, object_ids: list[str]) -> dict[str, SubmissionSignature]:
    """The latest signature of each object (by id), with its signer, grant and key."""
    found = SubmissionSignature.objects.filter(object_type=object_type, object_id__in=object_ids)
    latest: dict[str, SubmissionSignature] = {}
    for signature in found.select_related("signer", "key").order_by("signed_at", "id"):
        latest[signature.object_id] = signature
    return latest


def signatures_of(*, user: User) -> QuerySet[SubmissionSignature]:
    """The signatures made for the user's organisation."""
    licence = _own_licence(user)
    return SubmissionSignature.objects.filter(organisation_id=licence.organisation_id).select_related("key")


def signature_shown(signature: SubmissionSignature, *, digest: str | None = None) -> dict[str, Any]:
    """A signature as pages and the API show it, verified now."""
    signer = signature.signer
    return {
        "signer": signer.get_full_name() or signer.username,
        "capacity": signature.capacity,
        "capacity_label": str(SigningCapacity(signature.capacity).label),
        "grant": signature.grant_id,
        "algorithm": signature.algorithm,
        "key_id": signature.key.key_id,
        "signed_at": signature.signed_at,
        "verified": signature_verify(signature, digest=digest),
    }


# Presentation -----------------------------------------------------------------------------------------


def may_present(licence: ELicence, user: User) -> bool:
    """Who may show the licence: who manages it, and agents holding a grant in force."""
    if manages(licence, user):
        return True
    return AgentGrant.objects.filter(grants_in_force(), person=user, organisation_id=licence.organisation_id).exists()


@transaction.atomic
def presentation_create(*, user: User, now: datetime | None = None) -> PresentationToken:
    """A QR code's token for the licence, good for PRESENTATION_MINUTES."""
    licence = _own_licence(user)
    if licence.revoked_at is not None:
        raise ELicenceRefused(_("The organisation's electronic licence is revoked."))
    if not may_present(licence, user):
        raise PermissionDenied
    now = now or timezone.now()
    token = PresentationToken.objects.create(
        nonce=secrets.token_urlsafe(32), organisation_id=licence.organisation_id, created_by=user,
        created_at=now, expires_at=now + timedelta(minutes=PRESENTATION_MINUTES),
    )  # fmt: skip
    audit_record(
        actor=user, action=ElicenceAction.PRESENTED, obj=token, after={"expires_at": token.expires_at.isoformat()}
    )
    return token


def presentation_url(token: PresentationToken) -> str:
    return public_url(reverse("elicence_scan", args=[token.nonce]))


def presentations_of(*, user: User) -> QuerySet[PresentationToken]:
    return PresentationToken.objects.filter(organisation=_own_licence(user).organisation, created_by=user)


def presentation_get(*, user: User, pk: int) -> PresentationToken:
    try:
        return presentations_of(user=user).get(pk=pk)
    except (PresentationToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_scan(user: User) -> bool:
    org = user.organisation
    return user.role == Role.OFFICER and org is not None and org.kind == OrganisationKind.AGENCY


@transaction.atomic
def presentation_scan(*, user: User, nonce: str, now: datetime | None = None) -> tuple[PresentationToken, bool]:
    """An officer scans a shown licence: the token and whether it is still good (its first good scan is
    recorded). 404 for anyone but an officer, and for an unknown token."""
    if not may_scan(user):
        raise Http404
    token = PresentationToken.objects.select_for_update().select_related("organisation").filter(nonce=nonce).first()
    if token is None:
        raise Http404
    now = now or timezone.now()
    good = now < token.expires_at and ELicence.objects.filter(organisation=token.organisation, revoked_at=None).exists()
    if good and token.verified_at is None:
        token.verified_by, token.verified_at = user, now
        token.save(update_fields=["verified_by", "verified_at"])
        audit_record(
            actor=user,
            action=ElicenceAction.PRESENTATION_VERIFIED,
            obj=token,
            after={"organisation": token.organisation_id},
        )
    return token, good


def public_facts(organisation: Organisation) -> list[tuple[str, str]]:
    """What an officer scanning the licence sees: the master record's public part and the licence."""
    licence = elicence_for(organisation)
    legal = licence.legal_representative
    facts = [
        (_("Name"), organisation.name),
        (_("English name"), organisation.name_en),
        (_("Unified social credit code"), organisation.uscc),
        (_("Kind"), str(OrganisationKind(organisation.kind).label)),
        (_("Address"), organisation.address),
        (_("Customs registration code"), organisation.customs_code),
        (_("Inspection registration code"), organisation.inspection_code),
        (_("Legal representative"), (legal.get_full_name() or legal.username) if legal else ""),
        (pgettext("electronic licence", "Issued on"), timezone.localtime(licence.issued_at).strftime("%Y-%m-%d")),
        (pgettext("electronic licence", "Licence"), _("Revoked") if licence.revoked_at else _("In force")),
    ]
    return [(str(label), value) for label, value in facts if value]
