"""The ledgers' API: guarantees with their history and the tax payment customs records, bonded account
books with their stock and movements. Scoped by the same selectors as the pages (another firm's: 404)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import ledgers, services
from ..models import AccountBook, BookMovement, BookStock, Guarantee, GuaranteeEntry
from ..selectors import is_customs_officer


class GuaranteeEntrySerializer(serializers.ModelSerializer):
    invt_no = serializers.CharField(source="inventory.invt_no", default="", read_only=True)

    class Meta:
        model = GuaranteeEntry
        fields = ["id", "kind", "amount", "balance_after", "invt_no", "reference", "at"]


class GuaranteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guarantee
        fields = ["id", "assure_code", "amount", "balance"]


class GuaranteeDetailSerializer(GuaranteeSerializer):
    entries = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()

    class Meta(GuaranteeSerializer.Meta):
        fields = [*GuaranteeSerializer.Meta.fields, "waiting", "entries"]

    def get_entries(self, obj: Guarantee) -> list[dict[str, Any]]:
        return GuaranteeEntrySerializer(ledgers.guarantee_history(obj)[:500], many=True).data  # type: ignore[return-value]

    def get_waiting(self, obj: Guarantee) -> list[str]:
        return list(ledgers.guarantee_waiting(obj).values_list("invt_no", flat=True)[:200])


class GuaranteeList(generics.ListAPIView):
    """The caller's firm's guarantees (every one for customs)."""

    serializer_class = GuaranteeSerializer
    queryset = Guarantee.objects.none()

    def get_queryset(self) -> Any:
        return ledgers.guarantees_visible(self.request.user)  # type: ignore[arg-type]


class GuaranteeDetail(APIView):
    @extend_schema(responses=GuaranteeDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(ledgers.guarantees_visible(request.user), pk=pk)  # type: ignore[arg-type]
        return Response(GuaranteeDetailSerializer(found).data)


class TaxPaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reference = serializers.CharField(max_length=60)
    released = serializers.IntegerField(read_only=True)


class GuaranteePayment(APIView):
    """Customs records a tax payment that restores the guarantee (waiting releases go)."""

    @extend_schema(request=TaxPaymentSerializer, responses=TaxPaymentSerializer)
    def post(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(ledgers.guarantees_visible(request.user), pk=pk)  # type: ignore[arg-type]
        if not is_customs_officer(request.user):  # type: ignore[arg-type]
            raise NotFound
        data = TaxPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        released = services.guarantee_payment_record(guarantee=found, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response({**data.validated_data, "released": released}, status=status.HTTP_201_CREATED)


class BookStockSerializer(serializers.ModelSerializer):
    class Meta:
        model = BookStock
        fields = ["item_no", "name", "quantity"]


class BookMovementSerializer(serializers.ModelSerializer):
    invt_no = serializers.CharField(source="inventory.invt_no", default="", read_only=True)

    class Meta:
        model = BookMovement
        fields = ["id", "item_no", "kind", "quantity", "invt_no", "reference", "at"]


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountBook
        fields = ["id", "ems_no", "customs_code", "opened_at"]


class BookDetailSerializer(BookSerializer):
    stock = BookStockSerializer(many=True, read_only=True)
    movements = serializers.SerializerMethodField()

    class Meta(BookSerializer.Meta):
        fields = [*BookSerializer.Meta.fields, "stock", "movements"]

    def get_movements(self, obj: AccountBook) -> list[dict[str, Any]]:
        return BookMovementSerializer(ledgers.book_movements(obj)[:500], many=True).data  # type: ignore[return-value]


class BookList(generics.ListAPIView):
    serializer_class = BookSerializer
    queryset = AccountBook.objects.none()

    def get_queryset(self) -> Any:
        return ledgers.books_visible(self.request.user)  # type: ignore[arg-type]


class BookDetail(APIView):
    @extend_schema(responses=BookDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(ledgers.books_visible(request.user), pk=pk)  # type: ignore[arg-type]
        return Response(BookDetailSerializer(found).data)
