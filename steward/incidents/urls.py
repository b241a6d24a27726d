from django.urls import path

from steward.incidents.views import bulk, categories, escalations, queue, records, saved_views

app_name = "incidents"
urlpatterns = [
    path("", queue.incident_list, name="list"),
    path("new/", records.incident_new, name="new"),
    path("priority/", records.priority_preview, name="priority"),
    path("subcategories/", records.subcategory_options, name="subcategories"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("views/", saved_views.save_view, name="save_view"),
    path("views/<int:view_id>/delete/", saved_views.delete_view, name="delete_view"),
    # administration (before the record paths, which would take any word)
    path("categories/", categories.category_list, name="category_list"),
    path("categories/new/", categories.category_new, name="category_new"),
    path("categories/<slug:slug>/", categories.category_edit, name="category_edit"),
    path("priority-matrix/", categories.priority_matrix, name="priority_matrix"),
    path("assignment/", categories.team_assignment, name="team_assignment"),
    path("escalations/", escalations.escalation_list, name="escalation_list"),
    path("escalations/new/", escalations.escalation_new, name="escalation_new"),
    path("escalations/<int:rule_id>/", escalations.escalation_edit, name="escalation_edit"),
    path("<str:number>/", records.detail, name="detail"),
    path("<str:number>/update/", records.update, name="update"),
    path("<str:number>/take/", records.take, name="take"),
    path("<str:number>/comment/", records.comment, name="comment"),
]
