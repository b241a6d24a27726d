from django.urls import path

from steward.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.create, name="create"),
    path("priority/", views.priority_preview, name="priority"),
    path("bulk/", views.bulk, name="bulk"),
    path("views/", views.save_view, name="save_view"),
    path("views/<int:view_id>/delete/", views.delete_view, name="delete_view"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/update/", views.update, name="update"),
    path("<str:number>/take/", views.take, name="take"),
    path("<str:number>/comment/", views.comment, name="comment"),
]
