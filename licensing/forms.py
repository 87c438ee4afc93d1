from django import forms

from singlewindow.models import Organisation
from singlewindow.services import MASTER_RECORD_FIELDS


class MasterRecordForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = MASTER_RECORD_FIELDS
