"""Agent relations over REST: thin views over singlewindow/agent_relations.py."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import agent_relations
from ..models import AgentRelation
from ..requests import AuthenticatedRequest


class AgentRelationSerializer(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.name", read_only=True)
    agent_uscc = serializers.CharField(source="agent.uscc", read_only=True)
    user_unit_name = serializers.CharField(source="user_unit.name", read_only=True)
    user_unit_uscc = serializers.CharField(source="user_unit.uscc", read_only=True)

    class Meta:
        model = AgentRelation
        fields = ("id", "agent_name", "agent_uscc", "user_unit_name", "user_unit_uscc", "valid_from", "valid_until",
                  "status", "created_at", "decided_at")  # fmt: skip
        read_only_fields = fields


class AgentRelationProposalSerializer(serializers.Serializer):
    counterparty_uscc = serializers.CharField(help_text="The other enterprise's USCC.")
    as_agent = serializers.BooleanField(
        help_text="true: your enterprise is the foreign-trade agent; false: it is the consumer/producer unit."
    )
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class AgentRelationViewSet(viewsets.ReadOnlyModelViewSet):
    """Agent relations: a foreign-trade agent imports or exports for a user unit (代理进出口)."""

    request: AuthenticatedRequest  # IsAuthenticated: the user is signed in
    serializer_class = AgentRelationSerializer

    def get_queryset(self) -> QuerySet[AgentRelation]:
        return agent_relations.agent_relations_of(user=self.request.user)

    @extend_schema(request=AgentRelationProposalSerializer, responses={201: AgentRelationSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Propose an agent relation; the other enterprise confirms it."""
        proposal = AgentRelationProposalSerializer(data=request.data)
        proposal.is_valid(raise_exception=True)
        relation = agent_relations.agent_relation_propose(user=request.user, **proposal.validated_data)
        return Response(AgentRelationSerializer(relation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AgentRelationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        relation = agent_relations.agent_relation_get(user=request.user, pk=int(pk or 0))
        confirmed = agent_relations.agent_relation_confirm(user=request.user, relation=relation)
        return Response(AgentRelationSerializer(confirmed).data)

    @extend_schema(request=None, responses=AgentRelationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """End the relation at once (either enterprise)."""
        relation = agent_relations.agent_relation_get(user=request.user, pk=int(pk or 0))
        revoked = agent_relations.agent_relation_revoke(user=request.user, relation=relation)
        return Response(AgentRelationSerializer(revoked).data)
