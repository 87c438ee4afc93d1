from django.urls import path

from . import views

app_name = "vessels"
urlpatterns = [
    path("", views.vessel_list, name="list"),
    path("new/", views.vessel_new, name="new"),
    path("templates/<str:key>.xlsx", views.people_template, name="people_template"),
    path("<int:pk>/", views.vessel_detail, name="detail"),
    path("<int:pk>/edit/", views.vessel_edit, name="edit"),
    path("<int:pk>/import/<str:key>/", views.people_upload, name="people_upload"),
    path("<int:pk>/port-clearance.pdf", views.clearance_pdf, name="clearance_pdf"),
    path("<int:pk>/port-clearance/revoke/", views.clearance_revoke, name="clearance_revoke"),
]
