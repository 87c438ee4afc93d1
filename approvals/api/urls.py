from django.urls import path

from . import views

urlpatterns = [
    path("approvals/cases/", views.CasesView.as_view(), name="approval-cases"),
    path("approvals/cases/<int:pk>/", views.CaseView.as_view(), name="approval-case"),
    path("approvals/cases/<int:pk>/accept/", views.AcceptView.as_view(), name="approval-accept"),
    path("approvals/cases/<int:pk>/return/", views.ReturnView.as_view(), name="approval-return"),
    path("approvals/cases/<int:pk>/resubmit/", views.ResubmitView.as_view(), name="approval-resubmit"),
    path("approvals/cases/<int:pk>/correction/", views.CorrectionView.as_view(), name="approval-correction"),
    path("approvals/cases/<int:pk>/refusal/", views.RefusalView.as_view(), name="approval-refusal"),
    path("approvals/cases/<int:pk>/decision/", views.DecisionView.as_view(), name="approval-decision"),
    path("approvals/reviews/", views.ReviewsView.as_view(), name="approval-reviews"),
    path("approvals/reviews/<int:pk>/", views.ReviewView.as_view(), name="approval-review"),
    path("approvals/stages/", views.StagesView.as_view(), name="approval-stages"),
    path("approvals/warnings/", views.WarningsView.as_view(), name="approval-warnings"),
]
