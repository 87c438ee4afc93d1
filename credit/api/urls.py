from django.urls import path

from . import views

urlpatterns = [
    path("credit/records/", views.RecordsView.as_view(), name="credit-records"),
    path("credit/records/file/", views.RecordFileView.as_view(), name="credit-record-file"),
    path("credit/classes/<str:uscc>/", views.ClassesView.as_view(), name="credit-classes"),
]
