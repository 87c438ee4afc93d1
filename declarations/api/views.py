"""Declarations over REST: thin views that parse, call one service or selector, and answer."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from singlewindow.idempotency import IDEMPOTENCY_KEY, idempotent
from singlewindow.requests import AuthenticatedRequest

from .. import codelists, selectors, services
from .. import review as draft_exchange
from ..choices import CodeList
from ..diff import snapshot_diff
from ..fields import COUNTRY, CURRENCY, HEADER_FIELDS
from ..filters import DeclarationFilterSet
from ..models import Declaration
from .serializers import (
    AuditEntrySerializer,
    ChangeSerializer,
    CodeSerializer,
    CommentSerializer,
    DeclarationListSerializer,
    DeclarationSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    HSCodeSerializer,
    ReviewSendSerializer,
    ReviewSerializer,
    RevisionSerializer,
    SubmitManySerializer,
    SubmittedManySerializer,
    TimelineSerializer,
    ValidationResultSerializer,
    VersionSerializer,
    VersionSummarySerializer,
    version_summary,
)

Handler = TypeVar("Handler", bound=Callable[..., Any])


def _parsed_first(handler: Handler) -> Handler:
    """Parse a multipart body before @idempotent compares requests: a retry's body has a new boundary (an
    HTTP library picks one per request), its parsed fields and file are what stays the same."""

    @functools.wraps(handler)
    def parse(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        request.data  # noqa: B018 (parsing is the point)
        return handler(view, request, *args, **kwargs)

    return parse  # type: ignore[return-value]


def _located(handler: Handler) -> Handler:
    """A 201 names the new declaration's API address in `Location`, a replayed answer (@idempotent) too."""

    @functools.wraps(handler)
    def locate(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        response = handler(view, request, *args, **kwargs)
        if response.status_code == status.HTTP_201_CREATED and isinstance(response.data, dict):
            path = reverse("declaration-detail", kwargs={"pk": response.data["id"]})
            response["Location"] = request.build_absolute_uri(path)
        return response

    return locate  # type: ignore[return-value]


# The header a create answers with (documented on the operations _located wraps).
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[201],
    description="The new draft's address in this API.",
)
# What diff/ compares: a version's number, a revision sent for review ("r2"), or the working copy.
VERSION_PATTERN = "^(draft|r?[0-9]+)$"
# The API's error shape (singlewindow/api/schema.py adds the component), for a refusal an operation documents.
ERRORS = {"$ref": "#/components/schemas/Errors"}


def _state(declaration: Declaration, parameter: str, value: str) -> dict[str, Any]:
    """The state diff/ compares, named by the query parameter `parameter`; 400 on that parameter when the
    value is malformed or names what the declaration does not have, 409 when it names a version of a
    declaration never submitted."""
    if not re.fullmatch(VERSION_PATTERN, value):
        raise serializers.ValidationError(
            {parameter: _("Give a version number (1), a revision sent for review (r1), or draft.")}, code="invalid"
        )
    if value[0].isdigit() and not declaration.version_count:
        raise services.NotSubmitted(
            _("This declaration has not been submitted yet: there is no submitted version to compare.")
        )
    try:
        if len(value.lstrip("r")) > 9:  # beyond any version or revision there is, and what the column holds
            raise Http404
        return selectors.declaration_state(declaration=declaration, version=value)
    except Http404:
        raise serializers.ValidationError(
            {parameter: _("This declaration has no version or revision “%(value)s”.") % {"value": value}},
            code="unknown",
        ) from None


def _rows(serializer: DeclarationSerializer) -> tuple[dict[str, Any], Any, Any]:
    data = dict(serializer.validated_data)
    data.pop("client_uscc", None)
    return data, data.pop("lines", None), data.pop("containers", None)


class DeclarationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Goods declarations (the one table): drafts, validation, submission, copies and documents."""

    request: AuthenticatedRequest  # IsAuthenticated: the user is signed in
    # The model, for the schema (which documents the filterset's filters from it); get_queryset answers.
    queryset = Declaration.objects.none()
    serializer_class = DeclarationSerializer
    filterset_class = DeclarationFilterSet

    def get_queryset(self) -> QuerySet[Declaration]:
        queryset = selectors.declarations_visible_to(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("lines", "containers", "documents")
        return queryset

    def get_serializer_class(self) -> type:
        return DeclarationListSerializer if self.action == "list" else DeclarationSerializer

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.as_sent_to_agency(user=self.request.user, declarations=page)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        """The declaration: the working copy for the firm and its broker; for an agency, what it was sent."""
        user = self.request.user  # the same request, typed signed in (the parameter keeps the mixin's type)
        declaration = self.get_object()
        if selectors.user_prepares(user, declaration):
            return Response(DeclarationSerializer(declaration).data)
        # An officer: built from the version delivered to its agency alone, never from the working copy.
        content = selectors.declaration_content(user=user, declaration=declaration)
        version = content.version
        assert version is not None  # an officer always reads a delivered version
        return Response(
            {
                "id": declaration.pk,
                "status": declaration.status,
                "pre_entry_no": version.pre_entry_no,
                "version_count": version.number,
                "owner_name": declaration.owner.name,
                "submitted_at": serializers.DateTimeField().to_representation(version.submitted_at),
                "target": content.target,
                "direction": content.direction,
                "kind": content.kind,
                **{name: content.header[name] for name in HEADER_FIELDS if name in content.header},
                "lines": content.lines,
                "containers": content.containers,
                "documents": DocumentSerializer(content.documents, many=True).data,
            }
        )

    def _own(self) -> Declaration:
        return selectors.declaration_get_own(user=self.request.user, pk=self.kwargs["pk"])

    def _full(self, declaration: Declaration) -> Response:
        fresh = self.get_queryset().prefetch_related("lines", "containers", "documents").get(pk=declaration.pk)
        return Response(DeclarationSerializer(fresh).data)

    @extend_schema(
        request=DeclarationSerializer, responses={201: DeclarationSerializer}, parameters=[IDEMPOTENCY_KEY, LOCATION]
    )
    @_located
    @idempotent
    def create(self, request: AuthenticatedRequest) -> Response:
        """Start a draft, with as much of the declaration as you have.

        A field this operation does not take is refused (400, code `unknown_field`, naming it, e.g.
        `lines[0].gros_weight`), and so is one the portal sets (`read_only`: status, pre_entry_no, the
        declaring party's fields…): nothing is dropped without a word. A goods line's `line_no` may be sent
        back as read; lines are numbered by their order."""
        serializer = DeclarationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client_uscc = serializer.validated_data.get("client_uscc", "")
        header, lines, containers = _rows(serializer)
        with transaction.atomic():
            declaration = services.declaration_create(
                user=request.user,
                client_uscc=client_uscc,
                **{k: header[k] for k in ("target", "direction", "kind") if k in header},
            )
            services.declaration_save_draft(
                declaration=declaration,
                user=request.user,
                header=header,
                lines=lines,
                containers=containers,
            )
        response = self._full(declaration)
        response.status_code = status.HTTP_201_CREATED
        return response

    # No PUT (405): a draft is changed field by field, never replaced whole (a full replace would clear what
    # the firm's master record filled in and what the client approved).
    @extend_schema(request=DeclarationSerializer, responses=DeclarationSerializer)
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Change a draft: only the fields given change; `lines` and `containers`, when given, replace all the
        draft's goods lines or containers.

        A field this operation does not take is refused (400, code `unknown_field`), and so is one the portal
        sets (`read_only`), except `id` and `status` sent back as read (with the draft's own values) and a
        goods line's `line_no` (lines are numbered by their order): nothing is dropped without a word."""
        declaration = self._own()
        serializer = DeclarationSerializer(declaration, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        header, lines, containers = _rows(serializer)
        services.declaration_save_draft(
            declaration=declaration,
            user=request.user,
            header=header,
            lines=lines,
            containers=containers,
        )
        return self._full(declaration)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Discard a draft."""
        services.declaration_discard(declaration=self._own(), user=self.request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ValidationResultSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Run the full validation of a draft without submitting. A declaration already submitted (and not
        returned for correction) is not validated again: 409 already_submitted."""
        problems = services.declaration_problems(declaration=self._own())
        return Response({"valid": not problems, "errors": [p.as_dict() for p in problems]})

    @extend_schema(request=None, responses={201: VersionSummarySerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Validate and submit: freezes a numbered version and queues it for the agencies. The frozen
        data itself is at versions/."""
        version = services.declaration_submit_own(user=request.user, pk=self.kwargs["pk"])
        return Response(version_summary(version), status=status.HTTP_201_CREATED)

    @extend_schema(request=SubmitManySerializer, responses={200: SubmittedManySerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=False, methods=["post"], url_path="submit", url_name="submit-many")
    @idempotent
    def submit_many(self, request: AuthenticatedRequest) -> Response:
        """Submit several declarations at once (批量申报, at most 100), each exactly as submit/ does and each on
        its own: the answer lists them in the order given, 201 with its version, 400 with its problems, 409
        when it is not a draft (or not approved by the client), 403 when your delegation does not allow
        submitting, 404 when it is not yours to submit. One refused holds back none of the others."""
        serializer = SubmitManySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = []
        for outcome in services.declarations_submit(user=request.user, pks=serializer.validated_data["ids"]):
            if outcome.version is not None:
                results.append({"id": outcome.pk, "status": 201,
                                "version": version_summary(outcome.version)})  # fmt: skip
            elif outcome.error is not None:
                results.append({"id": outcome.pk, "status": outcome.error.status_code,
                                "errors": outcome.error.problems()})  # fmt: skip
        return Response({"results": results})

    @extend_schema(request=None, responses={201: DeclarationSerializer}, parameters=[IDEMPOTENCY_KEY, LOCATION])
    @action(detail=True, methods=["post"])
    @_located
    @idempotent
    def copy(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """A new draft from this declaration."""
        copy = services.declaration_copy(source=self._own(), user=request.user)
        response = self._full(copy)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The frozen versions: all for the firm and its broker; for an officer those delivered to its agency,
        each as its agency received it."""
        declaration = self.get_object()
        versions = list(selectors.versions_seen(user=request.user, declaration=declaration))
        signatures = selectors.version_signatures(versions)
        data = VersionSerializer(versions, many=True, context={"signatures": signatures}).data
        agency = selectors.officer_agency(request.user)
        if agency is not None and not selectors.user_prepares(request.user, declaration):
            for row in data:
                row["payload"] = selectors.as_received(row["payload"], agency)
        return Response(data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                pattern=VERSION_PATTERN,
                description="A version number ('1', the default), a revision sent for review ('r1'), or 'draft' "
                "(the working copy). One the declaration does not have: 400 on this parameter.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                pattern=VERSION_PATTERN,
                description="A version number ('2'), a revision sent for review ('r2'), or 'draft' (the working "
                "copy, the default). One the declaration does not have: 400 on this parameter.",
            ),
        ],
        responses={
            200: ChangeSerializer(many=True),
            409: OpenApiResponse(ERRORS, description="Not submitted yet: there is no version to compare."),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)  # neither filtered nor paged
    def diff(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """What changed between two versions, or a version and the working copy, field by field."""
        declaration = selectors.declaration_get_own(user=request.user, pk=int(pk or 0))
        old, new = (
            _state(declaration, parameter, request.query_params.get(parameter, default))
            for parameter, default in (("from", "1"), ("to", "draft"))
        )
        return Response(ChangeSerializer(snapshot_diff(old, new), many=True).data)

    @extend_schema(responses=ReviewSerializer)
    @action(detail=True, methods=["get"])
    def review(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The draft exchange: revisions sent between broker and client, comments, and what changed."""
        declaration = self._own()
        return Response(ReviewSerializer(draft_exchange.review_for(declaration=declaration, user=request.user)).data)

    @extend_schema(request=ReviewSendSerializer, responses={201: RevisionSerializer})
    @action(detail=True, methods=["post"], url_path="review/send")
    def review_send(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Send the draft to the other side (broker → client for review, client → broker)."""
        declaration = self._own()
        data = ReviewSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revision = draft_exchange.review_send(declaration=declaration, user=request.user, **data.validated_data)
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"], url_path="review/comments")
    def review_comment(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Comment on a draft in the exchange between broker and client: on one field (`field`), or on the
        whole draft (`field` empty). The other side is notified and sees the comment next to the field."""
        declaration = self._own()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = draft_exchange.review_comment(declaration=declaration, user=request.user, **data.validated_data)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DeclarationListSerializer)
    @action(detail=True, methods=["post"], url_path="review/approve")
    def review_approve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The client approves the draft its broker sent."""
        declaration = draft_exchange.review_approve(declaration=self._own(), user=request.user)
        return Response(DeclarationListSerializer(declaration).data)

    @extend_schema(
        responses={
            200: TimelineSerializer,
            409: OpenApiResponse(ERRORS, description="Not submitted yet: the timeline starts at the first submission."),
        }
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The shipment's status timeline: every agency's branch, who is waiting for whom, the joint
        inspection, duties and payment, and all events in time order. A draft never submitted has none
        yet (409 not_submitted)."""
        found = selectors.timeline_seen(user=self.request.user, declaration=self.get_object())
        if found is None:
            raise services.NotSubmitted(
                _("This declaration has not been submitted yet: its timeline starts when it is submitted.")
            )
        return Response(TimelineSerializer(found).data)

    @extend_schema(responses=AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The audit trail of this declaration: who changed what, when, before and after."""
        declaration = self._own()
        return Response(AuditEntrySerializer(selectors.declaration_history(declaration=declaration), many=True).data)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    @_parsed_first
    @idempotent
    def documents(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Attach a PDF, JPEG or PNG document. With an Idempotency-Key a retried upload (the same kind and
        file) attaches it once."""
        declaration = self._own()
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_attach(
            declaration=declaration,
            user=request.user,
            kind=serializer.validated_data["kind"],
            upload=serializer.validated_data["file"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"documents/(?P<document_pk>\d+)")
    def remove_document(
        self, request: AuthenticatedRequest, pk: str | None = None, document_pk: str | None = None
    ) -> Response:
        """Remove a document attached to a draft (204). A client's approval of the draft is withdrawn, as
        for any change; a submitted declaration keeps its documents (409)."""
        self._own()
        document = selectors.document_get(user=request.user, declaration_pk=int(pk or 0), pk=int(document_pk or 0))
        services.document_remove(document=document, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HSSearchView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Digits of a code, a goods name in Chinese, or English words"
            )
        ],
        responses=HSCodeSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Search the HS nomenclature's subheadings."""
        return Response(HSCodeSerializer(selectors.hs_search(query=request.query_params.get("q", "")), many=True).data)


REFERENCES = [*CodeList.values, COUNTRY, CURRENCY]


class CodeListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "name", OpenApiTypes.STR, location=OpenApiParameter.PATH, enum=REFERENCES, description="The code list."
            )
        ],
        responses=CodeSerializer(many=True),
    )
    def get(self, request: Request, name: str) -> Response:
        """A code list's codes with their names in the request's language. Another name: 404 not_found."""
        if name not in REFERENCES:
            raise exceptions.NotFound(_("There is no code list called “%(name)s”.") % {"name": name})
        return Response([{"code": code, "name": label} for code, label in codelists.choices(name)])
