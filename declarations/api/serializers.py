"""The API's parse layer: types and shapes only. Business rules live in validation.py."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from singlewindow.api.elicence import SignatureShownSerializer
from singlewindow.api.strict import StrictFieldsMixin

from ..choices import DeclarationStatus, DeliveryStatus, DocumentKind, EventKind, PaymentStatus
from ..fields import CONTAINER_FIELDS, HEADER_FIELDS, LINE_FIELDS
from ..models import AttachedDocument, Container, Declaration, DeclarationVersion, GoodsLine, HSCode
from ..parties import DOMESTIC_PARTY_FIELDS
from ..services import SUBMIT_MANY_MAX, document_kind_unknown
from ..timeline import UNREACHABLE, UNREACHABLE_LABEL


class GoodsLineSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    # A goods line is numbered by its place in `lines`: the number it was read with is taken and not used.
    echoed_fields = ("line_no",)

    def echo_matches(self, name: str, value: Any) -> bool:
        return True

    class Meta:
        model = GoodsLine
        fields = ("line_no", *LINE_FIELDS)
        read_only_fields = ("line_no",)


class ContainerSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Container
        fields = CONTAINER_FIELDS


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttachedDocument
        fields = ("id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at")
        read_only_fields = fields


class DocumentKindField(serializers.ChoiceField):
    """A document's kind by its code (the schema's enum); another value is refused listing the codes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DocumentKind.choices, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if str(data) not in self.choice_strings_to_values:
            raise serializers.ValidationError(document_kind_unknown(data), code="invalid_choice")
        return super().to_internal_value(data)


class DocumentUploadSerializer(serializers.Serializer):
    kind = DocumentKindField()
    file = serializers.FileField()


class DeclarationListSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Declaration
        fields = (
            "id",
            "status",
            "pre_entry_no",
            "version_count",
            "target",
            "direction",
            "kind",
            "owner_name",
            "domestic_party_name",
            "overseas_party_name",
            "bill_of_lading",
            "created_at",
            "updated_at",
            "submitted_at",
        )
        read_only_fields = fields


class DeclarationSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    echoed_fields = ("id", "status")  # as read from the API: taken when unchanged
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    client_uscc = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Customs brokers (required): the unified social credit code of the client enterprise the draft "
        "is for, under a delegation in force from it covering this kind (else 403 no_delegation). An enterprise "
        "declares only for itself: leave it out (or give its own; another firm's is refused with 400).",
    )
    lines = GoodsLineSerializer(many=True, required=False)
    containers = ContainerSerializer(many=True, required=False)
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Declaration
        fields = (
            "id",
            "status",
            "pre_entry_no",
            "version_count",
            "owner_name",
            "client_uscc",
            "created_at",
            "updated_at",
            "submitted_at",
            "target",
            "direction",
            "kind",
            *HEADER_FIELDS,
            "lines",
            "containers",
            "documents",
        )
        read_only_fields = (
            "id",
            "status",
            "pre_entry_no",
            "version_count",
            "created_at",
            "updated_at",
            "submitted_at",
            *DOMESTIC_PARTY_FIELDS,  # who declares comes from the owner's record, never from the request
        )
        extra_kwargs = {"direction": {"required": True}}


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


# Built inline: a serializer field called "errors" would shadow Serializer.errors.
ValidationResultSerializer = inline_serializer(
    name="ValidationResult",
    fields={"valid": serializers.BooleanField(), "errors": ProblemSerializer(many=True)},
)


class VersionSummarySerializer(serializers.Serializer):
    """A frozen version without its data (plain fields: it answers every submission, so it is cheap)."""

    number = serializers.IntegerField()
    pre_entry_no = serializers.CharField()
    agencies = serializers.ListField(child=serializers.CharField())
    digest = serializers.CharField()
    submitted_by = serializers.CharField(source="submitted_by.username")
    submitted_at = serializers.DateTimeField()


_VERSION_SUMMARY = VersionSummarySerializer()  # its fields bound once: every submission answers with one


def version_summary(version: DeclarationVersion) -> dict[str, Any]:
    """VersionSummarySerializer(version).data, without building the serializer's fields again each time."""
    return dict(_VERSION_SUMMARY.to_representation(version))


class SubmitManySerializer(serializers.Serializer):
    """The declarations to submit together: their ids, each once, at most SUBMIT_MANY_MAX."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=SUBMIT_MANY_MAX,
    )

    def validate_ids(self, ids: list[int]) -> list[int]:
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("Give each declaration once."), code="duplicate")
        return ids


# Built inline: a serializer field called "errors" would shadow Serializer.errors.
SubmittedSerializer = inline_serializer(
    many=True,
    name="Submitted",
    fields={
        "id": serializers.IntegerField(),
        "status": serializers.IntegerField(
            help_text="201 submitted; 400 invalid; 403 your delegation does not allow submitting; 404 not yours; 409 not a draft or not approved"
        ),
        "version": VersionSummarySerializer(required=False),
        "errors": ProblemSerializer(many=True, required=False),
    },
)
SubmittedManySerializer = inline_serializer(name="SubmittedMany", fields={"results": SubmittedSerializer})


class VersionSerializer(VersionSummarySerializer):
    """A frozen version with the declaration data every agency message is built from, and its submitter's
    signature under the firm's electronic licence, verified when read (the view puts `signatures`,
    selectors.version_signatures, in the context)."""

    payload = serializers.JSONField()
    signature = serializers.SerializerMethodField()

    @extend_schema_field(SignatureShownSerializer(allow_null=True))
    def get_signature(self, version: Any) -> dict[str, Any] | None:
        shown = self.context.get("signatures", {}).get(version.pk)
        return SignatureShownSerializer(shown).data if shown else None


class HSCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = HSCode
        fields = ("code", "level", "description", "description_zh", "parent", "section")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", default=None)
    action = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


# Where an agency's branch stands: its latest receipt's kind, else its delivery's status, else unreachable
# (declarations/timeline.py); one value once ("delivered" is both).
BRANCH_STATES = list(
    {**dict(EventKind.choices), **dict(DeliveryStatus.choices), UNREACHABLE: UNREACHABLE_LABEL}.items()
)


class BranchSerializer(serializers.Serializer):
    agency = serializers.CharField()
    state = serializers.ChoiceField(
        choices=BRANCH_STATES,
        help_text="The kind of the agency's latest receipt; before any, the delivery's status, or unreachable.",
    )
    state_label = serializers.CharField(source="label")
    waiting = serializers.BooleanField()
    reason = serializers.CharField()
    field = serializers.CharField()
    delivery = serializers.ChoiceField(
        choices=DeliveryStatus.choices, allow_blank=True, help_text="Empty before the version is queued."
    )


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    agency = serializers.CharField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    version = serializers.IntegerField(source="version.number")
    details = serializers.JSONField(source="data")
    ignored = serializers.BooleanField(
        help_text="A receipt that came after its agency's branch was final (released, rejected, release revoked): "
        "kept for the record, it changed nothing."
    )


class DutiesSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text='A decimal as text, two places ("1234.50"); empty if unreadable.')
    currency = serializers.CharField()
    payment = serializers.ChoiceField(choices=PaymentStatus.choices)
    payment_label = serializers.CharField()


class InspectionSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField()
    agencies = serializers.ListField(child=serializers.CharField())
    goods = serializers.CharField()


class TimelineSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DeclarationStatus.choices)
    released = serializers.BooleanField()
    waiting_for = serializers.ListField(child=serializers.CharField())
    branches = BranchSerializer(many=True)
    inspection = InspectionSerializer(allow_null=True)
    duties = DutiesSerializer(allow_null=True)
    events = EventSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    path = serializers.CharField()
    field_label = serializers.CharField(source="label")
    kind = serializers.ChoiceField(choices=["added", "removed", "changed"])
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    sent_by = serializers.CharField(source="sent_by.username")
    sent_to = serializers.CharField()
    note = serializers.CharField()
    sent_at = serializers.DateTimeField()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    field = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text='A header field ("gross_weight"), a goods line\'s field by line number ("lines[2].unit_price"), '
        'a container\'s by its number ("containers[CSQU3054383].size_type"), or empty for the whole draft.',
    )
    text = serializers.CharField()
    author = serializers.CharField(source="author.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ReviewSerializer(serializers.Serializer):
    state = serializers.CharField()
    waiting_for_you = serializers.BooleanField(help_text="Whether the exchange waits for your organisation.")
    can_approve = serializers.BooleanField(help_text="Whether you, the client, may approve the draft now.")
    revisions = RevisionSerializer(many=True)
    comments = CommentSerializer(many=True)
    changes_since_previous = ChangeSerializer(many=True)
    changes_since_latest = ChangeSerializer(many=True)


class ReviewSendSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False, default="")
    broker_uscc = serializers.CharField(
        required=False, default="", help_text="A client handing its own draft to a broker: which one."
    )
