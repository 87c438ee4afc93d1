"""Delegations over REST: thin views over singlewindow/delegations.py."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import delegations
from ..models import Delegation
from ..requests import AuthenticatedRequest


class DelegationSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    client_uscc = serializers.CharField(source="client.uscc", read_only=True)
    broker_name = serializers.CharField(source="broker.name", read_only=True)
    broker_uscc = serializers.CharField(source="broker.uscc", read_only=True)

    class Meta:
        model = Delegation
        fields = ("id", "client_name", "client_uscc", "broker_name", "broker_uscc", "kinds", "may_submit",
                  "valid_from", "valid_until", "status", "created_at", "decided_at")  # fmt: skip
        read_only_fields = fields


class ProposalSerializer(serializers.Serializer):
    counterparty_uscc = serializers.CharField(help_text="The broker's (or the client's) USCC.")
    kinds = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    may_submit = serializers.BooleanField(default=False)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class DelegationViewSet(viewsets.ReadOnlyModelViewSet):
    """Delegations between client enterprises and customs brokers (electronic entrustment)."""

    request: AuthenticatedRequest  # IsAuthenticated: the user is signed in
    serializer_class = DelegationSerializer

    def get_queryset(self) -> QuerySet[Delegation]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Delegation.objects.none()
        return delegations.delegations_of(user=self.request.user)

    @extend_schema(request=ProposalSerializer, responses={201: DelegationSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Propose a delegation; the other party confirms it."""
        proposal = ProposalSerializer(data=request.data)
        proposal.is_valid(raise_exception=True)
        delegation = delegations.delegation_propose(user=request.user, **proposal.validated_data)
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        user = request.user
        delegation = delegations.delegation_get(user=user, pk=int(pk or 0))
        confirmed = delegations.delegation_confirm(user=user, delegation=delegation)
        return Response(DelegationSerializer(confirmed).data)

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """End the delegation at once (either party)."""
        user = request.user
        delegation = delegations.delegation_get(user=user, pk=int(pk or 0))
        revoked = delegations.delegation_revoke(user=user, delegation=delegation)
        return Response(DelegationSerializer(revoked).data)
