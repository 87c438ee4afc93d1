"""The signed-in user's API tokens over REST: thin views over singlewindow/tokens.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from .. import tokens
from ..models import ApiToken
from ..requests import AuthenticatedRequest
from .authentication import SignedIn

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission

TOKEN_FIELDS: tuple[str, ...] = ("id", "name", "prefix", "created_at", "expires_at", "revoked_at")


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = TOKEN_FIELDS
        read_only_fields = TOKEN_FIELDS


class NewTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class CreatedTokenSerializer(TokenSerializer):
    key = serializers.CharField(read_only=True, help_text="The key, shown this once: keep it safe.")

    class Meta(TokenSerializer.Meta):
        fields = (*TOKEN_FIELDS, "key")
        read_only_fields = fields


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your API tokens: list them and revoke one, with a token or signed in. They expire on their own.

    Making one needs you signed in to the portal (a browser session), not a token: a token cannot make
    another. Your first key: sign in and open API tokens (/accounts/api-tokens/, linked at the top of every
    page), which makes one and shows its key once; or POST here from that session."""

    request: AuthenticatedRequest
    serializer_class = TokenSerializer

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        permissions = super().get_permissions()
        return [*permissions, SignedIn()] if self.action == "create" else permissions

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return ApiToken.objects.none()
        return tokens.tokens_of(user=self.request.user)

    @extend_schema(request=NewTokenSerializer, responses={201: CreatedTokenSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Make a token, signed in to the portal (a token cannot make another: 403); the answer carries its
        key, which is never shown again."""
        data = NewTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = tokens.token_create(user=request.user, name=data.validated_data["name"])
        token.key = key  # type: ignore[attr-defined]  # for the answer only: never stored
        return Response(CreatedTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Revoke a token at once; requests with its key are refused from now on."""
        tokens.token_revoke(user=request.user, pk=int(pk or 0))
        return Response(status=status.HTTP_204_NO_CONTENT)
