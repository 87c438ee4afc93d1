"""Qualification applications (S7) over the API: a firm files and follows its own; the reviewing agency's
officers list and decide theirs. Same services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from singlewindow.api.parsers import BoundedJSONParser
from singlewindow.requests import AuthenticatedRequest

from .. import qualifications
from ..models import QualificationApplication, QualificationKind


class QualificationApplicationSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="qualification.number", default="", read_only=True)
    enterprise = serializers.CharField(source="organisation.name", read_only=True)
    uscc = serializers.CharField(source="organisation.uscc", read_only=True)

    class Meta:
        model = QualificationApplication
        fields = (
            "id",
            "kind",
            "office",
            "details",
            "state",
            "submitted_at",
            "decided_at",
            "reason",
            "number",
            "enterprise",
            "uscc",
        )
        read_only_fields = ("id", "state", "submitted_at", "decided_at", "reason", "number", "enterprise", "uscc")


class ApplySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QualificationKind.choices)
    office = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class QualificationDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ApplicationsView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses={200: QualificationApplicationSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        """Your enterprise's qualification applications."""
        return Response(
            QualificationApplicationSerializer(qualifications.applications_of(request.user), many=True).data
        )

    @extend_schema(request=ApplySerializer, responses={201: QualificationApplicationSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Apply for a qualification; the agency the kind belongs to reviews it."""
        data = ApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = qualifications.application_submit(user=request.user, **data.validated_data)
        return Response(QualificationApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ReviewsView(APIView):
    @extend_schema(responses={200: QualificationApplicationSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        """The applications your agency decides (officers only)."""
        return Response(
            QualificationApplicationSerializer(qualifications.applications_to_review(request.user), many=True).data
        )


class ReviewDecisionView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=QualificationDecisionSerializer, responses={200: QualificationApplicationSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Approve (the qualification is filed and its code fills the master record) or reject with a reason."""
        data = QualificationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = qualifications.application_decide(application_id=pk, user=request.user, **data.validated_data)
        return Response(QualificationApplicationSerializer(application).data)
