"""The inbound gateway for agencies' receipts (docs/AGENCY_PROTOCOL.md, section 2)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .receiving import receipts_accept
from .signing import signature_valid


@csrf_exempt
@require_POST
def receipt_gateway(request: HttpRequest) -> HttpResponse:
    body = request.body
    if not signature_valid(body, request.headers.get("X-Signature")):
        return JsonResponse({"error": "missing or wrong signature"}, status=401)
    outcome = receipts_accept(body=body, remote_addr=request.META.get("REMOTE_ADDR", ""))
    if outcome.batch is None:
        assert outcome.quarantined is not None
        return JsonResponse({"error": outcome.quarantined.reason, "quarantined": outcome.quarantined.pk}, status=400)
    return JsonResponse({"batch": outcome.batch.pk}, status=202)
