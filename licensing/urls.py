from django.urls import path

from . import views

urlpatterns = [
    path("organisation/", views.organisation_profile, name="organisation"),
    path("licences/", views.licence_list, name="licences"),
    path("licences/applications/", views.application_list, name="licence_applications"),
    path("licences/applications/new/", views.application_new, name="licence_application_new"),
    path("licences/applications/<int:pk>/", views.application_detail, name="licence_application_detail"),
    path("licences/applications/<int:pk>/edit/", views.application_edit, name="licence_application_edit"),
    path("licences/<str:number>/", views.licence_detail, name="licence_detail"),
    path("licences/<str:number>/pdf/", views.licence_pdf, name="licence_pdf"),
    path("verify/licence/<str:number>/<str:token>/", views.licence_verify, name="licence_verify"),
]

from . import qualification_views  # noqa: E402

urlpatterns += [
    path(
        "organisation/qualifications/",
        qualification_views.qualification_applications,
        name="qualification_applications",
    ),
    path("qualifications/review/", qualification_views.qualification_review, name="qualification_review"),
    path("qualifications/review/<int:pk>/", qualification_views.qualification_decide, name="qualification_decide"),
    path("qualifications/firm/", qualification_views.qualification_firm, name="qualification_firm"),
]
