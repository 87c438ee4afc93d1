"""The ERP interchange over REST: upload an import and follow it; export what the filters select."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from singlewindow.requests import AuthenticatedRequest

from .. import selectors
from ..choices import ImportFormat
from ..filters import DeclarationFilterSet
from ..interchange import exports, imports, uploads
from ..models import Declaration, ImportJob


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "file_name", "file_format", "sha256", "status", "total", "processed", "percent",
            "created_count", "skipped_count", "failed_count", "report", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="XML (declarations.xsd) or an Excel workbook made from the template.")


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """ERP imports of the user's organisation: upload one file, then follow its progress and report."""

    request: AuthenticatedRequest  # IsAuthenticated: the user is signed in
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[ImportJob]:
        return imports.imports_visible_to(self.request.user)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={202: ImportJobSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Queue a file; 202 with the job (the same file again returns the earlier job with 200)."""
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        job, new = uploads.import_start(user=request.user, upload=upload.validated_data["file"])
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED if new else status.HTTP_200_OK)


class FileFormatNegotiation(DefaultContentNegotiation):
    """Here ?format= names the export's file format (xml, xlsx), not a renderer."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class FilteredSchema(AutoSchema):
    """The view's filters are documented although it answers a file, not a list (drf-spectacular documents
    filters of list operations only): they come from its filterset, as the list's do."""

    def get_filter_backends(self) -> list[Any]:
        return list(getattr(self.view, "filter_backends", []))


class ExportView(GenericAPIView):
    request: AuthenticatedRequest  # IsAuthenticated: the user is signed in
    content_negotiation_class = FileFormatNegotiation
    schema = FilteredSchema()
    filterset_class = DeclarationFilterSet  # the list's filters (DjangoFilterBackend, the default backend)
    queryset = Declaration.objects.none()  # the model, for the schema; get_queryset answers
    pagination_class = None

    def get_queryset(self) -> QuerySet[Declaration]:
        return selectors.declarations_visible_to(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=ImportFormat.values, default="xml")],
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in exports.CONTENT_TYPES.values()},
    )
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        """The declarations the filters select (the same filters as the list), as XML or Excel (`format`)."""
        file_format = request.query_params.get("format", ImportFormat.XML)
        if file_format not in ImportFormat.values:
            raise serializers.ValidationError(
                {"format": [_("One of: %(formats)s.") % {"formats": ", ".join(ImportFormat.values)}]}
            )
        declarations = self.filter_queryset(self.get_queryset())
        data = exports.export_declarations(user=request.user, declarations=declarations, file_format=file_format)
        response = HttpResponse(data, content_type=exports.CONTENT_TYPES[ImportFormat(file_format)])
        response["Content-Disposition"] = f'attachment; filename="declarations.{file_format}"'
        return response
