"""Approvals over the API: file and follow (the applicant), accept, return, return for correction, refuse
and decide (the window), give
an opinion (a department's officer), read warnings (supervisors). The same services and selectors as the
pages; another party's case or review is a 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from singlewindow.requests import AuthenticatedRequest

from .. import decision as certificate
from .. import selectors, services
from ..models import ApprovalCase, PublicNotice
from .serializers import (
    AcceptSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseShownSerializer,
    CorrectionSerializer,
    DecisionShownSerializer,
    FilingSerializer,
    OpinionSerializer,
    RefusalSerializer,
    ResubmitSerializer,
    ReturnSerializer,
    ReviewListSerializer,
    ReviewShownSerializer,
    StageShownSerializer,
    WarningListSerializer,
    WarningShownSerializer,
)


def _detail(request: AuthenticatedRequest, case: ApprovalCase) -> dict[str, Any]:
    case.refresh_from_db()
    decision = getattr(case, "decision", None)
    return CaseDetailSerializer({
        **{name: getattr(case, name) for name in ("id", "number", "applicant", "stage", "project_name",
                                                  "project_code", "state", "public_safety", "filed_at",
                                                  "accepted_at", "closed_at", "form", "missing", "refusal_reason",
                                                  "correction_note")},
        "reviews": list(selectors.reviews_seen(user=request.user, case=case)),
        "notice": PublicNotice.objects.filter(case=case).first(),
        "decision": decision.number if decision else None,
    }).data  # fmt: skip


def _parsed(serializer_class: type, request: AuthenticatedRequest) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class CasesView(APIView):
    @extend_schema(responses={200: CaseListSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        """The cases the user may see: a firm its own, the window every one, a department those it reviews."""
        cases = selectors.cases_visible_to(request.user)[:500]
        return Response({"results": CaseShownSerializer(cases, many=True).data})

    @extend_schema(request=FilingSerializer, responses={201: CaseDetailSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """File the one form of a stage (enterprises); signed under the firm's electronic licence."""
        if not selectors.is_applicant(request.user):
            raise Http404
        data = _parsed(FilingSerializer, request)
        case = services.case_file(user=request.user, stage_code=data["stage"], form=dict(data["form"]),
                                  public_safety=data["public_safety"])  # fmt: skip
        return Response(_detail(request, case), status=status.HTTP_201_CREATED)


class CaseView(APIView):
    @extend_schema(responses={200: CaseDetailSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        """One case with its timeline."""
        return Response(_detail(request, selectors.case_get(user=request.user, pk=pk)))


class AcceptView(APIView):
    @extend_schema(request=AcceptSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The window accepts a filed case: every department's review starts, each with its deadline."""
        data = _parsed(AcceptSerializer, request)
        case = services.case_accept(user=request.user, case_id=pk, public_safety=data["public_safety"])
        return Response(_detail(request, case))


class ReturnView(APIView):
    @extend_schema(request=ReturnSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The window returns a filed case, listing everything missing once."""
        data = _parsed(ReturnSerializer, request)
        case = services.case_return(user=request.user, case_id=pk, missing=data["missing"], note=data["note"])
        return Response(_detail(request, case))


class CorrectionView(APIView):
    @extend_schema(request=CorrectionSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The window returns a case with objections to the applicant for correction."""
        data = _parsed(CorrectionSerializer, request)
        case = services.case_return_for_correction(user=request.user, case_id=pk, note=data["note"])
        return Response(_detail(request, case))


class RefusalView(APIView):
    @extend_schema(request=RefusalSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The window refuses a case with objections, giving its reasons; the case closes."""
        data = _parsed(RefusalSerializer, request)
        case = services.case_refuse(user=request.user, case_id=pk, reason=data["reason"])
        return Response(_detail(request, case))


class ResubmitView(APIView):
    @extend_schema(request=ResubmitSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The applicant files a returned case again, complete (or a case returned for correction, corrected)."""
        data = _parsed(ResubmitSerializer, request)
        case = services.case_resubmit(user=request.user, case_id=pk, form=dict(data["form"]),
                                      public_safety=data["public_safety"])  # fmt: skip
        return Response(_detail(request, case))


class DecisionView(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The decision")}
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        """The consolidated decision as a PDF (the applicant, the window, the case's departments)."""
        case = selectors.case_get(user=request.user, pk=pk)
        decision = getattr(case, "decision", None)
        if decision is None:
            raise Http404
        response = HttpResponse(certificate.render(decision), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="decision-{decision.number}.pdf"'
        return response

    @extend_schema(request=None, responses={201: DecisionShownSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The window issues the consolidated decision once the public notice has ended."""
        decision = services.decision_issue(user=request.user, case_id=pk)
        shown = {"number": decision.number, "issued_at": decision.issued_at, "digest": decision.digest,
                 "verify_url": certificate.verify_url(decision)}  # fmt: skip
        return Response(DecisionShownSerializer(shown).data, status=status.HTTP_201_CREATED)


class ReviewsView(APIView):
    @extend_schema(responses={200: ReviewListSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        """A department officer's reviews, open ones first."""
        reviews = selectors.reviews_to_answer(user=request.user)[:500]
        return Response({"results": ReviewShownSerializer(reviews, many=True).data})


class ReviewView(APIView):
    @extend_schema(request=OpinionSerializer, responses={200: ReviewShownSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The department's opinion, by its deadline (after it: 409 deadline_passed, nothing changes)."""
        data = _parsed(OpinionSerializer, request)
        review = services.review_post(user=request.user, review_id=pk, approve=data["approve"],
                                      opinion=data["opinion"])  # fmt: skip
        return Response(ReviewShownSerializer(review).data)


class StagesView(APIView):
    @extend_schema(responses={200: StageShownSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        """The four stages, their materials, the departments each needs and their deadlines."""
        shown = [
            {"code": s.code, "number": s.number, "name": s.name, "name_en": s.name_en, "materials": s.materials,
             "materials_en": s.materials_en, "notice_workdays": s.notice_workdays,
             "departments": [{"code": n.department.code, "name": n.department.name,
                              "name_en": n.department.name_en, "items": n.items, "items_en": n.items_en,
                              "workdays": n.workdays} for n in s.needs.all()]}
            for s in selectors.stages()
        ]  # fmt: skip
        return Response(StageShownSerializer(shown, many=True).data)


class WarningsView(APIView):
    @extend_schema(responses={200: WarningListSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        """Performance warnings (supervisors: platform administrators and the window)."""
        if not selectors.is_supervisor(request.user):
            raise Http404
        return Response({"results": WarningShownSerializer(selectors.warnings()[:500], many=True).data})
