"""Licences and licence applications over REST, the pages' twin: apply (create, fill, validate, submit),
follow the application's timeline, read the licences with their ledger and fetch the printed licence."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from declarations.api.serializers import TimelineSerializer, VersionSummarySerializer
from declarations.models import Declaration
from declarations.selectors import delivered_payloads, timeline_seen
from singlewindow.api.parsers import BoundedJSONParser
from singlewindow.idempotency import IDEMPOTENCY_KEY, idempotent
from singlewindow.requests import AuthenticatedRequest

from .. import applications, certificate, selectors
from ..choices import LicenceKind
from ..models import Licence, LicenceApplication, LicenceApplicationLine, LicenceLine, LicenceUse

# --- licences --------------------------------------------------------------------------------------


class LicenceLineSerializer(serializers.ModelSerializer):
    left = serializers.DecimalField(max_digits=19, decimal_places=5, read_only=True)

    class Meta:
        model = LicenceLine
        fields = ("line_no", "hs_code", "name", "unit", "quantity", "unit_price", "amount", "currency", "tolerance",
                  "written_off", "left")  # fmt: skip
        read_only_fields = fields


class LicenceUseSerializer(serializers.ModelSerializer):
    declaration = serializers.CharField(source="declaration.pre_entry_no", read_only=True)
    licence_line = serializers.IntegerField(source="licence_line.line_no", read_only=True)

    class Meta:
        model = LicenceUse
        fields = ("declaration", "version", "line_no", "licence_line", "quantity", "left_after", "state",
                  "reserved_at", "settled_at")  # fmt: skip
        read_only_fields = fields


class LicenceSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder.name", read_only=True)
    holder_uscc = serializers.CharField(source="holder.uscc", read_only=True)
    issuer = serializers.CharField(source="issuer.name", read_only=True)
    lines = LicenceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Licence
        fields: tuple[str, ...] = ("number", "kind", "state", "holder", "holder_uscc", "issuer", "issued_at", "valid_from",
                  "valid_until", "place_of_clearance", "max_uses", "uses", "remarks", "lines")  # fmt: skip
        read_only_fields: tuple[str, ...] = fields


class LicenceDetailSerializer(LicenceSerializer):
    ledger = LicenceUseSerializer(many=True, read_only=True)

    class Meta(LicenceSerializer.Meta):
        fields = (*LicenceSerializer.Meta.fields, "ledger")
        read_only_fields = fields


class LicenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Licences: the holder's own; for officers of customs and commerce, every licence."""

    request: AuthenticatedRequest
    lookup_field = "number"
    lookup_value_regex = "[0-9A-Za-z-]+"

    def get_queryset(self) -> QuerySet[Licence]:
        return selectors.licences_visible_to(self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return LicenceDetailSerializer if self.action == "retrieve" else LicenceSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A licence with its lines (what is left on each) and its ledger of uses."""
        licence = self.get_object()
        data = LicenceSerializer(licence).data
        data["ledger"] = LicenceUseSerializer(selectors.licence_ledger(licence=licence), many=True).data
        return Response(data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request: AuthenticatedRequest, number: str | None = None) -> HttpResponse:
        """The printed licence (PDF) with its verification QR code."""
        return HttpResponse(certificate.licence_pdf(self.get_object()), content_type="application/pdf")


# --- applications ----------------------------------------------------------------------------------


class ApplicationLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = LicenceApplicationLine
        fields = applications.LINE_FIELDS


class ApplicationTermsSerializer(serializers.ModelSerializer):
    class Meta:
        model = LicenceApplication
        fields = applications.FIELDS
        read_only_fields = applications.TRADER_FIELDS


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=LicenceKind.choices)
    status = serializers.CharField(read_only=True)
    number = serializers.CharField(source="pre_entry_no", read_only=True)
    application = ApplicationTermsSerializer(required=False, help_text="The items of its kind's form.")
    lines = ApplicationLineSerializer(many=True, required=False)
    licence = serializers.CharField(read_only=True, allow_null=True, help_text="The licence issued, once issued.")


class ApplicationUpdateSerializer(serializers.Serializer):
    application = ApplicationTermsSerializer(required=False)
    lines = ApplicationLineSerializer(many=True, required=False, help_text="Replaces every goods line.")


def _shape(declaration: Declaration) -> dict[str, Any]:
    application = declaration.licence_application
    licence = Licence.objects.filter(application=declaration).values_list("number", flat=True).first()
    return {
        "id": declaration.pk,
        "kind": application.kind,
        "status": declaration.status,
        "number": declaration.pre_entry_no,
        "application": ApplicationTermsSerializer(application).data,
        "lines": ApplicationLineSerializer(application.lines.all(), many=True).data,
        "licence": licence,
    }


class LicenceApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Licence applications of the enterprise, or delivered to the officer's agency."""

    request: AuthenticatedRequest
    serializer_class = ApplicationSerializer
    parser_classes = [BoundedJSONParser]

    def get_queryset(self) -> QuerySet[Declaration]:
        return selectors.applications_visible_to(self.request.user)

    def _own(self) -> Declaration:
        return selectors.application_get_own(user=self.request.user, pk=self.kwargs["pk"])

    def _rows(self, declarations: Sequence[Declaration]) -> builtins.list[dict[str, Any]]:
        """The firm's own as they are; an officer's as they were delivered to its agency."""
        sent = delivered_payloads(user=self.request.user, declarations=declarations)
        return [
            {"id": d.pk, "status": d.status, "number": d.pre_entry_no, "kind": sent[d.pk]["kind"],
             "application": sent[d.pk]["application"], "lines": sent[d.pk]["lines"], "licence": None}
            if d.pk in sent
            else _shape(d)
            for d in declarations
        ]  # fmt: skip

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page if page is not None else self.get_queryset())
        data = self._rows(rows)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._rows([self.get_object()])[0])

    @extend_schema(request=ApplicationSerializer, responses={201: ApplicationSerializer}, parameters=[IDEMPOTENCY_KEY])
    @idempotent
    def create(self, request: AuthenticatedRequest) -> Response:
        """Start an application for a kind of licence (enterprises), with as much as you have."""
        data = ApplicationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        declaration = applications.application_create(
            user=request.user,
            kind=values["kind"],
            values=dict(values.get("application", {})),
            lines=[dict(row) for row in values["lines"]] if "lines" in values else None,
        )
        self.kwargs["pk"] = declaration.pk
        return Response(_shape(self._own()), status=status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationUpdateSerializer, responses=ApplicationSerializer)
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Change items of the form and replace the goods lines (left out: kept as they are)."""
        declaration = self._own()
        data = ApplicationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        applications.application_save(
            declaration=declaration,
            user=request.user,
            values=dict(values.get("application", {})),
            lines=[dict(row) for row in values["lines"]] if "lines" in values else None,
        )
        return Response(_shape(self._own()))

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def validate(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """What stands between the application and submitting it (errors empty: ready to submit)."""
        problems = applications.application_problems(self._own())
        return Response({"valid": not problems, "errors": [p.as_dict() for p in problems]})

    @extend_schema(request=None, responses={201: VersionSummarySerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Validate and send to the issuing department."""
        version = applications.application_submit(declaration=self._own(), user=request.user)
        return Response(VersionSummarySerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=TimelineSerializer)
    @action(detail=True, methods=["get"])
    def timeline(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        found = timeline_seen(user=self.request.user, declaration=self.get_object())
        if found is None:
            raise NotFound
        return Response(TimelineSerializer(found).data)
