from django.urls import path

from . import template_views, views
from .interchange import views as interchange

app_name = "declarations"
urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("new/", views.declaration_new, name="new"),
    path("check/", views.check_field, name="check_field"),
    path("hs/", views.hs_browse, name="hs"),
    path("imports/", interchange.import_list, name="imports"),
    path("imports/<int:pk>/", interchange.import_detail, name="import"),
    path("interchange/template.xlsx", interchange.template_download, name="import_template"),
    path("interchange/declarations.xsd", interchange.schema_download, name="import_schema"),
    path("export/", interchange.export_download, name="export"),
    path("hs/suggest/", views.hs_suggest, name="hs_suggest"),
    path("templates/", template_views.template_list, name="templates"),
    path("templates/<int:pk>/use/", template_views.template_use, name="template_use"),
    path("templates/<int:pk>/delete/", template_views.template_delete, name="template_delete"),
    path("<int:pk>/template/", template_views.template_save, name="template_save"),
    path("<int:pk>/", views.declaration_detail, name="detail"),
    path("<int:pk>/edit/", views.declaration_edit, name="edit"),
    path("<int:pk>/timeline/", views.declaration_timeline, name="timeline"),
    path("<int:pk>/review/send/", views.review_send, name="review_send"),
    path("<int:pk>/review/comment/", views.review_comment, name="review_comment"),
    path("<int:pk>/review/approve/", views.review_approve, name="review_approve"),
    path("<int:pk>/copy/", views.declaration_copy, name="copy"),
    path("<int:pk>/discard/", views.declaration_discard, name="discard"),
    path("<int:pk>/row/", views.line_row, name="row"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/documents/<int:document_pk>/remove/", views.document_remove, name="document_remove"),
]
