"""The API's shapes for approvals: input serializers parse types only (the services check the rules),
output serializers say what each party is shown."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import StageCode


class FormSerializer(serializers.Serializer):
    """The one application form; every field is text here, checked by the service (which names the field)."""

    project_name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    project_code = serializers.CharField(max_length=40, allow_blank=True, required=False)
    site = serializers.CharField(max_length=300, allow_blank=True, required=False)
    land_area = serializers.CharField(max_length=20, allow_blank=True, required=False)
    floor_area = serializers.CharField(max_length=20, allow_blank=True, required=False)
    investment = serializers.CharField(max_length=20, allow_blank=True, required=False)
    content = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    contact_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    materials = serializers.ListField(child=serializers.CharField(max_length=200), max_length=50, required=False)


class FilingSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=StageCode.choices)
    form = FormSerializer()
    public_safety = serializers.BooleanField(default=False)


class ResubmitSerializer(serializers.Serializer):
    form = FormSerializer()
    public_safety = serializers.BooleanField(default=False)


class AcceptSerializer(serializers.Serializer):
    public_safety = serializers.BooleanField(required=False, allow_null=True, default=None)


class ReturnSerializer(serializers.Serializer):
    missing = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1, max_length=30)
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class CorrectionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class RefusalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class OpinionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    opinion = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ReviewShownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    items = serializers.CharField()
    workdays = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    state = serializers.CharField()
    rule = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    opinion = serializers.CharField()
    earlier_opinion = serializers.CharField()
    late_seconds = serializers.FloatField(allow_null=True)


class NoticeSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class CaseShownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    applicant = serializers.CharField(source="applicant.uscc")
    stage = serializers.CharField(source="stage.code")
    project_name = serializers.CharField()
    project_code = serializers.CharField()
    state = serializers.CharField()
    public_safety = serializers.BooleanField()
    filed_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class CaseDetailSerializer(CaseShownSerializer):
    """A case with its timeline: the form, what was missing, each review (a department's officer: its
    own), the notice and the decision."""

    form = serializers.DictField()
    missing = serializers.ListField(child=serializers.CharField())
    refusal_reason = serializers.CharField()
    correction_note = serializers.CharField()
    reviews = ReviewShownSerializer(many=True)
    notice = NoticeSerializer(allow_null=True)
    decision = serializers.CharField(allow_null=True)


class DecisionShownSerializer(serializers.Serializer):
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()
    digest = serializers.CharField()
    verify_url = serializers.CharField()


class StageShownSerializer(serializers.Serializer):
    code = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    materials = serializers.ListField(child=serializers.CharField())
    materials_en = serializers.ListField(child=serializers.CharField())
    notice_workdays = serializers.IntegerField()
    departments = serializers.ListField(child=serializers.DictField())


class WarningShownSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    period = serializers.CharField()
    period_start = serializers.DateField()
    count = serializers.IntegerField()
    raised_at = serializers.DateTimeField()


class CaseListSerializer(serializers.Serializer):
    results = CaseShownSerializer(many=True)


class ReviewListSerializer(serializers.Serializer):
    results = ReviewShownSerializer(many=True)


class WarningListSerializer(serializers.Serializer):
    results = WarningShownSerializer(many=True)
