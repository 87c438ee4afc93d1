from django.urls import path

from . import views

app_name = "declarations"
urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("new/", views.declaration_new, name="new"),
    path("check/", views.check_field, name="check_field"),
    path("hs/", views.hs_browse, name="hs"),
    path("hs/suggest/", views.hs_suggest, name="hs_suggest"),
    path("<int:pk>/", views.declaration_detail, name="detail"),
    path("<int:pk>/edit/", views.declaration_edit, name="edit"),
    path("<int:pk>/timeline/", views.declaration_timeline, name="timeline"),
    path("<int:pk>/copy/", views.declaration_copy, name="copy"),
    path("<int:pk>/discard/", views.declaration_discard, name="discard"),
    path("<int:pk>/row/", views.line_row, name="row"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/documents/<int:document_pk>/remove/", views.document_remove, name="document_remove"),
]
