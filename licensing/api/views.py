"""The user's own organisation: its master record and qualifications."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from singlewindow.models import Organisation
from singlewindow.requests import AuthenticatedRequest
from singlewindow.services import MASTER_RECORD_FIELDS, organisation_update

from ..selectors import qualifications_of


class QualificationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    number = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    revoked = serializers.BooleanField()


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ("id", "kind", "agency", "uscc", "customs_code", "inspection_code", *MASTER_RECORD_FIELDS)
        read_only_fields = ("id", "kind", "agency", "uscc", "customs_code", "inspection_code")


class OrganisationView(APIView):
    @extend_schema(responses=OrganisationSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        """The master record of the organisation you act for, with its qualifications."""
        org = request.user.organisation
        if org is None:
            raise PermissionDenied
        data = OrganisationSerializer(org).data
        data["qualifications"] = QualificationSerializer(qualifications_of(organisation_id=org.pk), many=True).data
        return Response(data)

    @extend_schema(request=OrganisationSerializer, responses=OrganisationSerializer)
    def patch(self, request: AuthenticatedRequest) -> Response:
        """Update the master record (organisation managers only)."""
        org = request.user.organisation
        serializer = OrganisationSerializer(org, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        org = organisation_update(organisation=org, user=request.user, data=serializer.validated_data)  # type: ignore[arg-type]
        return Response(OrganisationSerializer(org).data)
