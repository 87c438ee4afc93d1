from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.public_credit, name="public"),
    path("mine/", views.own_credit, name="own"),
    path("mine/commitments/", views.own_commitments, name="own_commitments"),
    path("commitments/", views.commitments_to_record, name="commitments"),  # the agency a commitment names
    path("appeals/", views.appeals_to_answer, name="appeals"),
    path("records/", views.records_query, name="records"),  # agency officers
    path("records/export.csv", views.records_export, {"file_format": "csv"}, name="records_csv"),
    path("records/export.xlsx", views.records_export, {"file_format": "xlsx"}, name="records_xlsx"),
    path("spot-checks/", views.spot_checks, name="spot_checks"),  # agency officers
    path("spot-checks/<int:check_id>/", views.spot_check, name="spot_check"),
    path("spot-checks/<int:check_id>/firms/<int:firm_id>/", views.spot_check_firm, name="spot_check_firm"),
    path("report/", views.credit_report, name="report"),  # POST uscc: the firm's own, or any for an officer
    path("reports/<str:number>/<str:token>/", views.credit_report_verify, name="report_verify"),  # public
    path("conduct/", views.conduct_catalogue, name="conduct"),  # public: no login
    path("conduct/export.xlsx", views.conduct_export, name="conduct_export"),
]
