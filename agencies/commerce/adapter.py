"""Commerce (商务主管部门): licence applications only — import, automatic import and export licences,
dual-use items, tariff-rate quota certificates and CITES permits (agencies/licences.py builds the
message). Its release is the licence granted; the portal then issues it."""

from licensing.choices import LICENCE_APPLICATION
from singlewindow.choices import Agency

from ..adapters import Adapter

ADAPTER = Adapter(agency=Agency.COMMERCE, takes=(LICENCE_APPLICATION,))
