from django.urls import path

from steward.cmdb import views, views_classes, views_edit, views_imports

app_name = "cmdb"
urlpatterns = [
    path("", views.ci_list, name="ci_list"),
    path("export.csv", views_imports.ci_export, name="ci_export"),
    path("import/", views_imports.ci_import, name="ci_import"),
    path("import/apply/", views_imports.ci_import_apply, name="ci_import_apply"),
    path("cis/new/", views_edit.ci_new, name="ci_new"),
    path("attribute-fields/", views_edit.attribute_fields, name="attribute_fields"),
    path("cis/<str:number>/", views.ci_detail, name="ci_detail"),
    path("cis/<str:number>/edit/", views_edit.ci_edit, name="ci_edit"),
    path("cis/<str:number>/relationships/", views_edit.relationship_add, name="relationship_add"),
    path(
        "cis/<str:number>/relationships/<int:relationship_id>/remove/",
        views_edit.relationship_remove,
        name="relationship_remove",
    ),
    path("cis/<str:number>/impact/", views.ci_impact, name="ci_impact"),
    path("cis/<str:number>/map/", views.ci_map, name="ci_map"),
    path("ci-classes/", views_classes.class_list, name="class_list"),
    path("ci-classes/new/", views_classes.class_new, name="class_new"),
    path("ci-classes/<slug:slug>/", views_classes.class_edit, name="class_edit"),
]
