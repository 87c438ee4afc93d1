from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/accept/", views.case_accept, name="accept"),
    path("<int:pk>/return/", views.case_return, name="return"),
    path("<int:pk>/resubmit/", views.case_resubmit, name="resubmit"),
    path("<int:pk>/correction/", views.case_correction, name="correction"),
    path("<int:pk>/refuse/", views.case_refuse, name="refuse"),
    path("<int:pk>/decide/", views.decision_issue, name="decide"),
    path("<int:pk>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("reviews/<int:pk>/", views.review_give, name="review"),
    path("notices/", views.notices, name="notices"),  # public: no login
    path("warnings/", views.warnings, name="warnings"),
    path("verify/<str:number>/<str:token>/", views.verify, name="verify"),  # public: no login
]
