"""Vessel declarations over REST, the pages' twin: file, fill (FAL 1 and the lists), import crew and
passenger lists, validate, submit, follow the timeline and fetch the port clearance certificate."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from declarations import selectors
from declarations.api.serializers import TimelineSerializer, VersionSummarySerializer
from declarations.choices import Direction
from declarations.models import Declaration
from singlewindow.api.parsers import BoundedJSONParser
from singlewindow.idempotency import IDEMPOTENCY_KEY, idempotent
from singlewindow.requests import AuthenticatedRequest

from .. import services
from ..choices import VESSEL
from ..models import VesselCall
from ..parts import CALL_FIELDS, PARTS
from ..selectors import delivered_payloads


def _row_serializer(part: Any) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": part.model, "fields": list(part.fields)})
    return type(f"{part.model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


ROWS = {part.key: _row_serializer(part) for part in PARTS}


class VesselCallSerializer(serializers.ModelSerializer):
    class Meta:
        model = VesselCall
        fields = list(CALL_FIELDS)


class VesselSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    direction = serializers.ChoiceField(
        choices=[Direction.IMPORT, Direction.EXPORT], help_text="import: arrival; export: departure"
    )
    status = serializers.CharField(read_only=True)
    number = serializers.CharField(source="pre_entry_no", read_only=True)
    general = VesselCallSerializer(source="vessel", required=False)
    port_clearance = serializers.SerializerMethodField()

    def get_port_clearance(self, obj: Declaration) -> dict[str, str] | None:
        clearance = getattr(obj, "port_clearance", None)
        return {"number": clearance.number, "state": clearance.state} if clearance else None


for _key, _serializer in ROWS.items():
    VesselSerializer._declared_fields[_key] = _serializer(many=True, required=False)  # one field per FAL list


def _parts(values: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The FAL lists the request gave, as rows for the service (a list left out is not touched)."""
    return {key: [dict(row) for row in values[key]] for key in ROWS if key in values}


class VesselViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Vessel arrival and departure declarations (IMO FAL 1–7) of the ship agency, or routed to the agency."""

    request: AuthenticatedRequest  # IsAuthenticated: the user is signed in
    serializer_class = VesselSerializer
    parser_classes = [BoundedJSONParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Declaration]:
        return selectors.declarations_visible_to(self.request.user, VESSEL).select_related("vessel")

    def _own(self) -> Declaration:
        return selectors.declaration_get_own(user=self.request.user, pk=self.kwargs["pk"], category=VESSEL)

    @extend_schema(request=VesselSerializer, responses={201: VesselSerializer}, parameters=[IDEMPOTENCY_KEY])
    @idempotent
    def create(self, request: AuthenticatedRequest) -> Response:
        """Start a vessel declaration (ship agencies), with as much as you have."""
        data = VesselSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        declaration = services.vessel_create(
            user=request.user,
            direction=values["direction"],
            call=dict(values.get("vessel", {})),
            parts=_parts(values),
        )
        return Response(VesselSerializer(self._own_by(declaration.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Change FAL 1 items and replace whole lists (a list left out stays as it is)."""
        declaration = self._own()
        data = VesselSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        self._save(declaration, data.validated_data)
        return Response(VesselSerializer(self._own_by(declaration.pk)).data)

    def _own_by(self, pk: int) -> Declaration:
        self.kwargs["pk"] = pk
        return self._own()

    def _save(self, declaration: Declaration, data: dict[str, Any]) -> None:
        parts = _parts(data)
        user = self.request.user
        services.vessel_save(declaration=declaration, user=user, call=dict(data.get("vessel", {})), parts=parts)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else self.filter_queryset(self.get_queryset()))
        data = self._rows(rows)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._rows([self.get_object()])[0])

    def _rows(self, declarations: Sequence[Declaration]) -> builtins.list[dict[str, Any]]:
        """The agency's own calls as they are; anyone else's as they were delivered (self.request: the same
        request, typed signed in)."""
        sent = delivered_payloads(user=self.request.user, declarations=declarations)
        return [
            {"id": d.pk, "status": d.status, "number": d.pre_entry_no, **sent[d.pk]}
            if d.pk in sent
            else VesselSerializer(d).data
            for d in declarations
        ]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def validate(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        problems = services.vessel_problems_of(self._own())
        return Response({"valid": not problems, "errors": [p.as_dict() for p in problems]})

    @extend_schema(request=None, responses={201: VersionSummarySerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Validate and send to customs, inspection and quarantine, border inspection and maritime safety."""
        version = services.vessel_submit(declaration=self._own(), user=request.user)
        return Response(VersionSummarySerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": OpenApiTypes.OBJECT}, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path=r"import/(?P<key>crew|passengers)")
    def import_people(self, request: AuthenticatedRequest, pk: str | None = None, key: str = "crew") -> Response:
        """Replace the crew or passenger list with an Excel (.xlsx) or CSV file's rows, if all are valid."""
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Attach the file.")]})
        result = services.vessel_import_people(declaration=self._own(), user=request.user, key=key, upload=upload)
        if result.errors:
            errors = [
                {"field": f"row {e.row}.{e.column}", "code": "invalid", "message": e.message} for e in result.errors
            ]
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": len(result.rows)})

    @extend_schema(responses=TimelineSerializer)
    @action(detail=True, methods=["get"])
    def timeline(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        found = selectors.timeline_seen(user=self.request.user, declaration=self.get_object())
        if found is None:
            raise NotFound
        return Response(TimelineSerializer(found).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="port-clearance")
    def port_clearance(self, request: AuthenticatedRequest, pk: str | None = None) -> HttpResponse:
        """The port clearance certificate PDF, once issued."""
        clearance = getattr(self.get_object(), "port_clearance", None)
        if clearance is None:
            raise NotFound
        return HttpResponse(services.clearance_pdf(clearance), content_type="application/pdf")
