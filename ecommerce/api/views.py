"""The e-commerce API: the senders' message channel (a signed batch of CEB XML in, receipts out) and
their filings. Thin: each view calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from singlewindow.requests import AuthenticatedRequest

from .. import receiving, selectors, services
from ..models import EnterpriseFiling, ProductFiling, Receipt


class CbecReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Receipt
        fields = ["id", "guid", "kind", "status", "code", "info", "invt_no", "at"]


class RawXMLParser(BaseParser):
    """The batch is read as bytes (request.body): the signature covers exactly those."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return {}


class MessagesView(APIView):
    """POST a batch: `<ceb:CebBatch>` of CEB311/411/511/621/623/625 messages, signed (`X-Key-Id`,
    `X-Signature: ed25519=…` over the exact body) with a key the caller's organisation registered."""

    parser_classes = [RawXMLParser]

    @extend_schema(request=OpenApiTypes.BINARY, responses={202: CbecReceiptSerializer(many=True),
                                                          401: CbecReceiptSerializer(many=True)})  # fmt: skip
    def post(self, request: Request) -> Response:
        req: AuthenticatedRequest = request  # type: ignore[assignment]
        if req.user.organisation is None:  # only an organisation sends messages
            raise NotFound
        outcome = receiving.batch_receive(
            sender=req.user.organisation, body=request._request.body,
            key_id=request.headers.get("X-Key-Id"), signature=request.headers.get("X-Signature"),
        )  # fmt: skip
        answer = CbecReceiptSerializer(outcome.receipts, many=True).data
        if not outcome.signed:
            return Response({"receipts": answer}, status=status.HTTP_401_UNAUTHORIZED)
        if outcome.batch is None:
            return Response({"receipts": answer}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"receipts": answer}, status=status.HTTP_202_ACCEPTED)


class ReceiptList(generics.ListAPIView):
    """The caller's organisation's receipts, oldest first; `?after=<id>` for those since the last read,
    `?guid=` for one message's."""

    serializer_class = CbecReceiptSerializer
    queryset = Receipt.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> Any:
        rows = selectors.receipts_of(self.request.user)  # type: ignore[arg-type]
        after = self.request.query_params.get("after", "")
        if after.isdigit():
            rows = rows.filter(id__gt=int(after))
        if guid := self.request.query_params.get("guid"):
            rows = rows.filter(guid=guid)
        return rows


class ReceiptDetail(APIView):
    @extend_schema(responses=CbecReceiptSerializer)
    def get(self, request: Request, pk: int) -> Response:
        receipt = get_object_or_404(selectors.receipts_of(request.user), pk=pk)  # type: ignore[arg-type]
        return Response(CbecReceiptSerializer(receipt).data)


class CbecFilingSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnterpriseFiling
        fields = ["id", "role", "code", "name", "filed_at"]
        read_only_fields = ["id", "filed_at"]


class FilingList(generics.ListCreateAPIView):
    serializer_class = CbecFilingSerializer
    queryset = EnterpriseFiling.objects.none()

    def get_queryset(self) -> Any:
        return selectors.filings_of(self.request.user)  # type: ignore[arg-type]

    def perform_create(self, serializer: Any) -> None:
        user = self.request.user
        serializer.instance = services.enterprise_file(organisation=user.organisation, user=user,  # type: ignore[arg-type,union-attr]
                                                       **serializer.validated_data)  # fmt: skip


class CbecProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductFiling
        fields = ["id", "item_no", "hs_code", "name", "model", "brand", "origin", "producer", "barcode",
                  "positive_list", "filed_at"]  # fmt: skip
        read_only_fields = ["id", "positive_list", "filed_at"]


class ProductList(generics.ListCreateAPIView):
    serializer_class = CbecProductSerializer
    queryset = ProductFiling.objects.none()

    def get_queryset(self) -> Any:
        return selectors.products_of(self.request.user)  # type: ignore[arg-type]

    def perform_create(self, serializer: Any) -> None:
        seller = get_object_or_404(selectors.filings_of(self.request.user), role="seller")  # type: ignore[arg-type]
        serializer.instance = services.product_file(seller=seller, user=self.request.user, **serializer.validated_data)  # type: ignore[arg-type]


class CbecKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(max_length=64)
    key_id = serializers.CharField(read_only=True)


class KeyCreate(APIView):
    @extend_schema(request=CbecKeySerializer, responses=CbecKeySerializer)
    def post(self, request: Request) -> Response:
        data = CbecKeySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = services.sender_key_add(organisation=request.user.organisation, user=request.user,  # type: ignore[union-attr,arg-type]
                                      public_key_text=data.validated_data["public_key"])  # fmt: skip
        return Response({"public_key": key.public_key, "key_id": key.key_id}, status=status.HTTP_201_CREATED)
