"""Credit over the API: agencies send records (one, or a CSV file); firms read their own classes,
agencies anyone's. The agency a record comes from is the officer's organisation, never a field."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from singlewindow.api.parsers import BoundedJSONParser
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.models import Organisation, User
from singlewindow.requests import AuthenticatedRequest

from .. import appeals, queries, selectors, services
from ..choices import AccessSurface, Channel, Outcome, PenaltyType, RecordKind, Severity
from ..filters import RecordFilterSet
from ..models import CreditRecord


def _agency_of(user: User) -> str:
    org = user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or not org.agency:
        raise Http404  # only agencies send records
    return org.agency


class RecordSerializer(serializers.Serializer):
    """What an agency sends: checked by the service, which names the field it refuses."""

    uscc = serializers.CharField(max_length=18)
    record_id = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    penalty_type = serializers.ChoiceField(choices=PenaltyType.choices, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    decided_at = serializers.DateField()
    publish_until = serializers.DateField(required=False, allow_null=True)
    public = serializers.BooleanField(required=False, default=True)
    conduct_code = serializers.CharField(
        max_length=30, required=False, allow_blank=True,
        help_text="A penalty: the code of the prohibited conduct it punishes (the catalogue at /credit/conduct/).",
    )  # fmt: skip


class StoredSerializer(RecordSerializer):
    id = serializers.IntegerField()
    conduct_code = serializers.CharField(source="conduct.code", allow_null=True, required=False)
    source_agency = serializers.CharField()
    state = serializers.CharField()


class RecordPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StoredSerializer(many=True)


class RecordsView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("klass", str, description="scheme:class, e.g. public:red"),
            OpenApiParameter("source_agency", str, enum=Agency.values),
            OpenApiParameter("kind", str, enum=RecordKind.values),
            OpenApiParameter("decided_from", OpenApiTypes.DATE),
            OpenApiParameter("decided_to", OpenApiTypes.DATE),
            OpenApiParameter("uscc", str),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses={200: RecordPageSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Query every firm's records (agency officers): by class, source agency, kind and period, with
        limit/offset; the non-public records returned are logged with who asked."""
        queries.officer_agency(request.user)
        filterset = RecordFilterSet(request.query_params, queryset=queries.records_for_officers())
        if not filterset.is_valid():
            return Response({"errors": [{"field": field, "code": "invalid", "message": str(messages[0])}
                                        for field, messages in filterset.errors.items()]}, status=400)  # fmt: skip
        paginator = LimitOffsetPagination()
        page: list[CreditRecord] = paginator.paginate_queryset(filterset.qs, request, view=self) or []
        queries.access_log(user=request.user, records=page, surface=AccessSurface.RECORDS_API)
        return paginator.get_paginated_response(StoredSerializer(page, many=True).data)

    @extend_schema(request=RecordSerializer, responses={201: StoredSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Send one credit record about an enterprise (agency officers); the firm is reclassified at once."""
        agency = _agency_of(request.user)
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.record_add(agency=agency, values=data.validated_data, channel=Channel.API, user=request.user)
        return Response(StoredSerializer(record).data, status=status.HTTP_201_CREATED)


class RecordFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, UTF-8, a header row naming the record's fields")


class RecordFileView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(request=RecordFileSerializer, responses={201: None})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Send a CSV file of records (agency officers): all or nothing, errors per row and field."""
        agency = _agency_of(request.user)
        upload = request.FILES.get("file")
        if upload is None or (upload.size or 0) > services.MAX_FILE_BYTES:
            return Response({"errors": [{"field": "file", "code": "invalid",
                                         "message": _("Send a CSV file of at most 5 MB.")}]}, status=400)  # fmt: skip
        data = upload.read(services.MAX_FILE_BYTES + 1)
        stored, errors = services.records_file_add(agency=agency, data=data, user=request.user)
        if errors:
            return Response({"errors": file_errors(errors)}, status=400)
        return Response({"stored": stored}, status=status.HTTP_201_CREATED)


def file_errors(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    """A file's refusals as the API reports errors: the field as rows[i].name (or "file")."""
    return [
        {
            "field": f"rows[{int(e['row']) - 1}].{e['field']}" if e["row"] != "0" else e["field"],
            "code": "invalid",
            "message": e["message"],
        }
        for e in errors
    ]


class ClassesView(APIView):
    @extend_schema(responses={200: None})
    def get(self, request: AuthenticatedRequest, uscc: str) -> Response:
        """An enterprise's current classes, each with its rule and the records that put it there: a firm
        its own, an agency any registered firm's."""
        org = request.user.organisation
        is_agency = org is not None and org.kind == OrganisationKind.AGENCY
        if not (is_agency or (org is not None and org.uscc == uscc)):
            raise Http404
        if not Organisation.objects.filter(uscc=uscc).exists():
            raise Http404
        shown = selectors.classes_of(uscc=uscc)
        records = {record.pk: record for c in shown for record in c.records}.values()
        queries.access_log(user=request.user, records=records, surface=AccessSurface.CLASSES_API)
        return Response(
            {
                "uscc": uscc,
                "classes": [
                    {
                        "scheme": c.scheme, "version": c.version, "class": c.klass, "label": c.label,
                        "colour": c.colour, "rule": c.rule, "rule_label": c.rule_label,
                        "decided_at": c.decided_at,
                        "records": [StoredSerializer(r).data for r in c.records],
                    }
                    for c in shown
                ],
            }
        )  # fmt: skip


class AppealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AppealShownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    record = serializers.IntegerField(source="record_id")
    state = serializers.CharField()
    reason = serializers.CharField()
    due_on = serializers.DateField()
    decision = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    decision = serializers.CharField(max_length=2000)


class ObjectionView(APIView):
    parser_classes = [BoundedJSONParser]
    kind = "objection"

    @extend_schema(request=AppealSerializer, responses={201: AppealShownSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The firm objects to one of its records in force (answered within 20 days; marked meanwhile)."""
        data = AppealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = appeals.objection_file if self.kind == "objection" else appeals.repair_apply
        appeal = file(user=request.user, record_id=pk, reason=data.validated_data["reason"])
        return Response(AppealShownSerializer(appeal).data, status=status.HTTP_201_CREATED)


class RepairView(ObjectionView):
    kind = "repair"

    @extend_schema(request=AppealSerializer, responses={201: AppealShownSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The firm applies to repair its credit for one of its records whose waiting period has passed."""
        return super().post(request, pk)


class AppealsView(APIView):
    @extend_schema(responses={200: AppealShownSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        """A firm's objections and repairs; an agency's open ones to decide (records it sent)."""
        org = request.user.organisation
        if org is not None and org.kind == OrganisationKind.AGENCY and org.agency:
            shown = selectors.appeals_to_decide(agency=org.agency)
        elif org is not None and org.kind == OrganisationKind.ENTERPRISE and org.uscc:
            shown = selectors.appeals_of(uscc=org.uscc)
        else:
            raise Http404
        return Response(AppealShownSerializer(shown, many=True).data)


class DecisionView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=DecisionSerializer, responses={200: AppealShownSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """An officer of the record's agency decides an objection or repair; the firm is reclassified."""
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = appeals.appeal_decide(
            user=request.user,
            appeal_id=pk,
            accept=data.validated_data["accept"],
            decision=data.validated_data["decision"],
        )
        return Response(AppealShownSerializer(appeal).data)
