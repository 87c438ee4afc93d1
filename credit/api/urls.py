from django.urls import path

from . import supervision, views

urlpatterns = [
    path("credit/records/", views.RecordsView.as_view(), name="credit-records"),
    path("credit/records/file/", views.RecordFileView.as_view(), name="credit-record-file"),
    path("credit/classes/<str:uscc>/", views.ClassesView.as_view(), name="credit-classes"),
    path("credit/records/<int:pk>/objection/", views.ObjectionView.as_view(), name="credit-objection"),
    path("credit/records/<int:pk>/repair/", views.RepairView.as_view(), name="credit-repair"),
    path("credit/appeals/", views.AppealsView.as_view(), name="credit-appeals"),
    path("credit/appeals/<int:pk>/decision/", views.DecisionView.as_view(), name="credit-decision"),
    path("credit/conduct/", supervision.ConductView.as_view(), name="credit-conduct"),  # public
    path("credit/commitments/", supervision.CommitmentsView.as_view(), name="credit-commitments"),
    path("credit/commitments/<int:pk>/fulfilment/", supervision.FulfilmentView.as_view(), name="credit-fulfilment"),
    path("credit/spot-checks/", supervision.SpotChecksView.as_view(), name="credit-spot-checks"),
    path("credit/spot-checks/<int:pk>/", supervision.SpotCheckView.as_view(), name="credit-spot-check"),
    path(
        "credit/spot-checks/<int:pk>/firms/<int:firm_id>/result/",
        supervision.SpotCheckResultView.as_view(),
        name="credit-spot-check-result",
    ),
    path("credit/reports/", supervision.ReportView.as_view(), name="credit-reports"),
]
