"""The inbound gateway for agencies (docs/AGENCY_PROTOCOL.md, sections 2 and 5): receipts, and credit
records. Whom a request speaks for is the agency whose key signed it (agencies/signing.py)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from credit.api.views import file_errors
from credit.choices import Channel
from credit.services import MAX_FILE_BYTES, records_file_add

from .cbec import CbecReceiptError, cbec_receipts_record
from .receipts import quarantine
from .receiving import receipts_accept
from .signing import signer

UNSIGNED = {"error": "missing or wrong signature, or a key the portal does not know"}


def _signer(request: HttpRequest) -> str | None:
    return signer(request.body, key_id=request.headers.get("X-Key-Id"), signature=request.headers.get("X-Signature"))


@csrf_exempt
@require_POST
def receipt_gateway(request: HttpRequest) -> HttpResponse:
    agency = _signer(request)
    if agency is None:
        return JsonResponse(UNSIGNED, status=401)
    outcome = receipts_accept(body=request.body, agency=agency, remote_addr=request.META.get("REMOTE_ADDR", ""))
    if outcome.batch is None:
        assert outcome.quarantined is not None
        return JsonResponse({"error": outcome.quarantined.reason, "quarantined": outcome.quarantined.pk}, status=400)
    return JsonResponse({"batch": outcome.batch.pk}, status=202)


@csrf_exempt
@require_POST
def credit_gateway(request: HttpRequest) -> HttpResponse:
    """A CSV file of credit records from an agency's system, signed with its key: the records' source is
    the signer. All or nothing, as the officers' file upload."""
    if int(request.headers.get("Content-Length") or 0) > MAX_FILE_BYTES:
        return JsonResponse(
            {"errors": [{"field": "file", "code": "invalid", "message": "larger than 5 MB"}]}, status=413
        )
    agency = _signer(request)
    if agency is None:
        return JsonResponse(UNSIGNED, status=401)
    stored, errors = records_file_add(agency=agency, data=request.body, channel=Channel.SIGNED)
    if errors:
        return JsonResponse({"errors": file_errors(errors)}, status=400)
    return JsonResponse({"stored": stored, "agency": agency}, status=201)


@csrf_exempt
@require_POST
def cbec_receipt_gateway(request: HttpRequest) -> HttpResponse:
    """Customs' answers on cross-border inventories (protocol section 6), recorded at once; a batch that
    cannot be read, or speaks for another agency, is quarantined (400)."""
    agency = _signer(request)
    if agency is None:
        return JsonResponse(UNSIGNED, status=401)
    try:
        taken = cbec_receipts_record(body=request.body, signer=agency)
    except (CbecReceiptError, ValueError) as error:
        kept = quarantine(body=request.body, reason=str(error), remote_addr=request.META.get("REMOTE_ADDR", ""),
                          agency=agency)  # fmt: skip
        return JsonResponse({"error": kept.reason, "quarantined": kept.pk}, status=400)
    return JsonResponse({"applied": taken.applied, "ignored": taken.unknown}, status=202)
