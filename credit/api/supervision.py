"""Credit over the API, beyond records: the prohibited-conduct catalogue (public, read-only, the page's
filters), credit commitments (a firm files its own, the agency it names records the fulfilment),
double-random spot checks (agency officers: list, draw, detail with the re-draw, results) and the one-page
credit report (a PDF for the firm itself and for officers). Each calls the service or selector its page
calls; refusals are the API's one error shape."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from singlewindow.api.parsers import BoundedJSONParser
from singlewindow.choices import Agency
from singlewindow.requests import AuthenticatedRequest

from .. import commitments, conduct, report, spotchecks
from ..choices import CommitmentKind, ConductCategory, SpotOutcome
from ..industries import EntityType
from ..models import Commitment, SpotCheck

# The prohibited-conduct catalogue -------------------------------------------------------------------------


class ConductItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    legal_basis = serializers.CharField()
    penalty_basis = serializers.CharField()
    category = serializers.CharField()
    industries = serializers.ListField(child=serializers.CharField())
    entity_types = serializers.ListField(child=serializers.CharField())
    keywords = serializers.ListField(child=serializers.CharField())
    source_agency = serializers.CharField()
    effective_from = serializers.DateField()
    repealed_at = serializers.DateField(allow_null=True)
    sample = serializers.BooleanField(help_text="Shipped as an example, not the real list.")


class ConductGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    items = ConductItemSerializer(many=True)


class ConductResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    categories = ConductGroupSerializer(many=True)


class ConductView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("industry", str, description="GB/T 4754 section (A–T) or division (01–96)"),
            OpenApiParameter("entity_type", str, enum=EntityType.values),
            OpenApiParameter("q", str, description="keywords, all of them"),
            OpenApiParameter("within", str, description="keywords searched inside the results"),
            OpenApiParameter("category", str, enum=ConductCategory.values, description="one category's whole list"),
        ],
        responses={200: ConductResultSerializer},
    )
    def get(self, request: Request) -> Response:
        """The published prohibited-conduct catalogue (public, no login), as the page searches it: grouped
        into the seven categories with their counts, 20 items each (all of the one category asked for)."""
        groups = conduct.conduct_search(conduct.Criteria.from_query(request.query_params))
        return Response(ConductResultSerializer({"total": sum(g.count for g in groups), "categories": groups}).data)


# Credit commitments -------------------------------------------------------------------------------------


class CommitmentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    text = serializers.CharField(max_length=2000)
    agency = serializers.ChoiceField(choices=Agency.choices, help_text="The agency the commitment is made to.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    public = serializers.BooleanField(required=False, default=True)


class CommitmentShownSerializer(CommitmentSerializer):
    id = serializers.IntegerField()
    uscc = serializers.CharField()
    state = serializers.CharField()
    note = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    record = serializers.IntegerField(source="record_id", allow_null=True)


class FulfilmentSerializer(serializers.Serializer):
    kept = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CommitmentsView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses={200: CommitmentShownSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        """A firm's own commitments; an agency officer's, those made to its agency."""
        shown: list[Commitment] = list(commitments.visible_commitments(request.user)[:1000])
        return Response(CommitmentShownSerializer(shown, many=True).data)

    @extend_schema(request=CommitmentSerializer, responses={201: CommitmentShownSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """The firm files a credit commitment to an agency for a period (starting within a year from today,
        three years at most)."""
        data = CommitmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        filed = commitments.commitment_file(user=request.user, **data.validated_data)
        return Response(CommitmentShownSerializer(filed).data, status=status.HTTP_201_CREATED)


class FulfilmentView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=FulfilmentSerializer, responses={200: CommitmentShownSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """An officer of the agency the commitment names records it kept (once its period has ended) or
        broken (with a note): a credit record of kind commitment, and the firm is reclassified."""
        data = FulfilmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = commitments.commitment_fulfilment(user=request.user, commitment_id=pk, **data.validated_data)
        return Response(CommitmentShownSerializer(decided).data)


# Double-random spot checks ------------------------------------------------------------------------------


class SpotCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    agency = serializers.CharField()
    drawn_at = serializers.DateTimeField()
    ratio = serializers.DecimalField(max_digits=5, decimal_places=4)
    inspectors_per_firm = serializers.IntegerField()
    seed = serializers.CharField()
    population_digest = serializers.CharField()


class DrawnFirmSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uscc = serializers.CharField()
    focus = serializers.BooleanField(help_text="Warning or worse: always drawn.")
    inspectors = serializers.SerializerMethodField()
    outcome = serializers.ChoiceField(choices=SpotOutcome.choices)
    note = serializers.CharField()
    record = serializers.IntegerField(source="record_id", allow_null=True)

    def get_inspectors(self, firm: object) -> list[str]:
        return sorted(user.username for user in firm.inspectors.all())  # type: ignore[attr-defined]


class VerificationSerializer(serializers.Serializer):
    stored_digest_ok = serializers.BooleanField()
    same_as_stored = serializers.BooleanField()
    population_changed = serializers.BooleanField()
    draw_changed = serializers.BooleanField()
    digest_now = serializers.CharField()


class SpotCheckDetailSerializer(SpotCheckSerializer):
    firms = DrawnFirmSerializer(many=True)
    verification = VerificationSerializer()


class DrawSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    ratio = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal("1"),
        help_text="The share of enterprises in good standing to draw (warning and worse are always drawn).",
    )  # fmt: skip
    inspectors_per_firm = serializers.IntegerField(min_value=1, max_value=5, required=False, default=2)
    seed = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in SpotOutcome.choices if c[0] != SpotOutcome.PENDING])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def _detail(check: SpotCheck) -> dict[str, object]:
    return SpotCheckDetailSerializer({
        **SpotCheckSerializer(check).data, "firms": check.firms.prefetch_related("inspectors"),
        "verification": spotchecks.spot_check_verify(check),
    }).data  # fmt: skip


class SpotChecksView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
        responses={200: SpotCheckSerializer(many=True)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Every double-random draw, newest first (agency officers), with limit/offset."""
        paginator = LimitOffsetPagination()
        page: list[SpotCheck] = (
            paginator.paginate_queryset(spotchecks.spot_checks_visible(request.user), request, view=self) or []
        )
        return paginator.get_paginated_response(SpotCheckSerializer(page, many=True).data)

    @extend_schema(request=DrawSerializer, responses={201: SpotCheckDetailSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Draw now (agency officers): firms at the ratio and their inspectors, by the seed (a fresh random
        one unless given); the population is stored with its digest so anyone can re-draw."""
        data = DrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = spotchecks.spot_check_draw(user=request.user, **data.validated_data)
        return Response(_detail(check), status=status.HTTP_201_CREATED)


class SpotCheckView(APIView):
    @extend_schema(responses={200: SpotCheckDetailSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        """A draw with its firms, inspectors and results, and the re-draw: whether the stored population
        gives the stored list again and whether today's population (and draw) has changed."""
        check = spotchecks.spot_checks_visible(request.user).filter(pk=pk).first()
        if check is None:
            raise Http404
        return Response(_detail(check))


class SpotCheckResultView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=ResultSerializer, responses={200: DrawnFirmSerializer})
    def post(self, request: AuthenticatedRequest, pk: int, firm_id: int) -> Response:
        """One of the firm's inspectors writes back what the check found, once: a credit record of the
        inspector's agency, and the firm is reclassified."""
        data = ResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        firm = spotchecks.spot_check_result(user=request.user, check_id=pk, firm_id=firm_id, **data.validated_data)
        return Response(DrawnFirmSerializer(firm).data)


# The credit report --------------------------------------------------------------------------------------


class ReportRequestSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=18)


class ReportView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=ReportRequestSerializer, responses={(201, "application/pdf"): OpenApiTypes.BINARY})
    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        """Issue a numbered one-page credit report and download it as a PDF: the firm its own, an agency's
        officer any registered firm's; it states only what is published, with a QR code to verify it."""
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = report.report_issue(user=request.user, uscc=data.validated_data["uscc"].strip().upper())
        response = HttpResponse(report.report_pdf(issued), content_type="application/pdf", status=201)
        response["Content-Disposition"] = f'attachment; filename="credit-report-{issued.number}.pdf"'
        return response
