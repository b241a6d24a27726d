from django.urls import path

from steward.incidents.views import bulk, queue, records, saved_views

app_name = "incidents"
urlpatterns = [
    path("", queue.incident_list, name="list"),
    path("new/", records.incident_new, name="new"),
    path("priority/", records.priority_preview, name="priority"),
    path("subcategories/", records.subcategory_options, name="subcategories"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("views/", saved_views.save_view, name="save_view"),
    path("views/<int:view_id>/delete/", saved_views.delete_view, name="delete_view"),
    path("<str:number>/", records.detail, name="detail"),
    path("<str:number>/update/", records.update, name="update"),
    path("<str:number>/take/", records.take, name="take"),
    path("<str:number>/comment/", records.comment, name="comment"),
]
