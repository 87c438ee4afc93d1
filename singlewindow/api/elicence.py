"""The enterprise electronic licence over REST: thin views over singlewindow/elicence.py.

/api/v1/elicence/                       the organisation's licence and its administrators
/api/v1/elicence/administrators/        the legal representative names (POST) and removes (DELETE) them
/api/v1/elicence/grants/                agents' grants: given and revoked by who manages the licence
/api/v1/elicence/presentations/         a QR code's URL for showing the licence, good for 5 minutes
/api/v1/elicence/scans/<token>/         an agency officer reads a shown licence
/api/v1/elicence/signatures/            the organisation's submission signatures, verified when read
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import elicence
from ..choices import Matter
from ..models import AgentGrant, ELicenceAdministrator, PresentationToken, SubmissionSignature
from ..requests import AuthenticatedRequest


def _name(user: object) -> str:
    return getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "")


class AdministratorSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()

    class Meta:
        model = ELicenceAdministrator
        fields = ("id", "person", "person_name", "seat", "added_at")
        read_only_fields = fields

    def get_person_name(self, obj: ELicenceAdministrator) -> str:
        return _name(obj.person)


class ELicenceSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    uscc = serializers.CharField()
    legal_representative = serializers.CharField(allow_null=True)
    issued_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    you_manage = serializers.BooleanField(help_text="Whether you are its legal representative or an administrator.")
    administrators = AdministratorSerializer(many=True)


class ELicenceView(APIView):
    """The organisation's electronic licence."""

    @extend_schema(responses=ELicenceSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        licence = elicence.elicence_for_user(user=request.user)
        legal = licence.legal_representative
        data = {
            "organisation": licence.organisation.name,
            "uscc": licence.organisation.uscc,
            "legal_representative": _name(legal) if legal else None,
            "issued_at": licence.issued_at,
            "revoked_at": licence.revoked_at,
            "you_manage": elicence.manages(licence, request.user),
            "administrators": elicence.administrators_of(user=request.user),
        }
        return Response(ELicenceSerializer(data).data)


class AdministratorInSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="The user id of a person of your organisation.")


class AdministratorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The licence's administrators (at most 5), named by its legal representative."""

    request: AuthenticatedRequest
    serializer_class = AdministratorSerializer

    def get_queryset(self) -> QuerySet[ELicenceAdministrator]:
        if getattr(self, "swagger_fake_view", False):
            return ELicenceAdministrator.objects.none()
        return elicence.administrators_of(user=self.request.user)

    @extend_schema(request=AdministratorInSerializer, responses={201: AdministratorSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        data = AdministratorInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admin = elicence.administrator_add(user=request.user, person_id=data.validated_data["person"])
        return Response(AdministratorSerializer(admin).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The legal representative removes an administrator."""
        admin = elicence.administrator_get(user=request.user, pk=int(pk or 0))
        elicence.administrator_remove(user=request.user, administrator=admin)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GrantSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = AgentGrant
        fields = ("id", "person", "person_name", "full", "matters", "valid_from", "valid_until", "granted_at",
                  "revoked_at", "in_force")  # fmt: skip
        read_only_fields = fields

    def get_person_name(self, obj: AgentGrant) -> str:
        return _name(obj.person)

    def get_in_force(self, obj: AgentGrant) -> bool:
        return elicence.in_force(obj)


class GrantInSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="The user id of a person of your organisation.")
    full = serializers.BooleanField(default=True, help_text="Every matter; else only those named.")
    matters = serializers.ListField(child=serializers.ChoiceField(choices=Matter.choices), required=False, default=list)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class GrantViewSet(viewsets.ReadOnlyModelViewSet):
    """Agents' grants: all of the organisation's for who manages the licence, one's own for anyone else."""

    request: AuthenticatedRequest
    serializer_class = GrantSerializer

    def get_queryset(self) -> QuerySet[AgentGrant]:
        if getattr(self, "swagger_fake_view", False):
            return AgentGrant.objects.none()
        return elicence.grants_of(user=self.request.user)

    @extend_schema(request=GrantInSerializer, responses={201: GrantSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Grant a person of the organisation authority to sign, for every matter or named ones."""
        data = GrantInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        grant = elicence.grant_create(user=request.user, person_id=values.pop("person"), **values)
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """End the grant at once: it signs nothing from now on."""
        grant = elicence.grant_get(user=request.user, pk=int(pk or 0))
        return Response(GrantSerializer(elicence.grant_revoke(user=request.user, grant=grant)).data)


class PresentationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="What the QR code holds: an officer opens it.")

    class Meta:
        model = PresentationToken
        fields = ("id", "url", "created_at", "expires_at", "verified_at")
        read_only_fields = fields

    def get_url(self, obj: PresentationToken) -> str:
        return elicence.presentation_url(obj)


class PresentationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Show the licence: a URL for a QR code, good for 5 minutes."""

    request: AuthenticatedRequest
    serializer_class = PresentationSerializer

    def get_queryset(self) -> QuerySet[PresentationToken]:
        if getattr(self, "swagger_fake_view", False):
            return PresentationToken.objects.none()
        return elicence.presentations_of(user=self.request.user)

    @extend_schema(request=None, responses={201: PresentationSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        token = elicence.presentation_create(user=request.user)
        return Response(PresentationSerializer(token).data, status=status.HTTP_201_CREATED)


class FactSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField()


class ScanSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="False once the code has expired (or the licence is revoked).")
    expires_at = serializers.DateTimeField()
    facts = FactSerializer(many=True, help_text="The firm's public facts; empty when not valid.")


class ScanViewSet(viewsets.GenericViewSet):
    """An agency officer reads a licence shown as a QR code (the token is the last part of its URL)."""

    request: AuthenticatedRequest
    serializer_class = ScanSerializer
    lookup_field = "nonce"
    lookup_value_regex = "[A-Za-z0-9_-]{20,64}"

    @extend_schema(responses=ScanSerializer)
    def retrieve(self, request: AuthenticatedRequest, nonce: str = "") -> Response:
        token, valid = elicence.presentation_scan(user=request.user, nonce=nonce)
        facts = elicence.public_facts(token.organisation) if valid else []
        data = {"valid": valid, "expires_at": token.expires_at, "facts": [{"name": k, "value": v} for k, v in facts]}
        return Response(ScanSerializer(data).data)


class SignatureShownSerializer(serializers.Serializer):
    """A submission's signature as shown (singlewindow.elicence.signature_shown)."""

    signer = serializers.CharField()
    capacity = serializers.CharField()
    capacity_label = serializers.CharField()
    grant = serializers.IntegerField(allow_null=True)
    algorithm = serializers.CharField()
    key_id = serializers.CharField()
    signed_at = serializers.DateTimeField()
    verified = serializers.BooleanField(help_text="The signature verifies with the signer's public key.")


class SignatureSerializer(serializers.ModelSerializer):
    verified = serializers.SerializerMethodField()
    public_key = serializers.CharField(source="key.public_key", read_only=True)
    key_id = serializers.CharField(source="key.key_id", read_only=True)

    class Meta:
        model = SubmissionSignature
        fields = ("id", "signer", "capacity", "grant", "matter", "object_type", "object_id", "digest",
                  "algorithm", "key_id", "public_key", "signature", "signed_at", "verified")  # fmt: skip
        read_only_fields = fields

    def get_verified(self, obj: SubmissionSignature) -> bool:
        return elicence.signature_verify(obj)


class SignatureViewSet(viewsets.ReadOnlyModelViewSet):
    """The organisation's submission signatures, each verified with its signer's public key when read."""

    request: AuthenticatedRequest
    serializer_class = SignatureSerializer

    def get_queryset(self) -> QuerySet[SubmissionSignature]:
        if getattr(self, "swagger_fake_view", False):
            return SubmissionSignature.objects.none()
        return elicence.signatures_of(user=self.request.user)
