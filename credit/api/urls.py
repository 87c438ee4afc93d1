from django.urls import path

from . import views

urlpatterns = [
    path("credit/records/", views.RecordsView.as_view(), name="credit-records"),
    path("credit/records/file/", views.RecordFileView.as_view(), name="credit-record-file"),
    path("credit/classes/<str:uscc>/", views.ClassesView.as_view(), name="credit-classes"),
    path("credit/records/<int:pk>/objection/", views.ObjectionView.as_view(), name="credit-objection"),
    path("credit/records/<int:pk>/repair/", views.RepairView.as_view(), name="credit-repair"),
    path("credit/appeals/", views.AppealsView.as_view(), name="credit-appeals"),
    path("credit/appeals/<int:pk>/decision/", views.DecisionView.as_view(), name="credit-decision"),
]
