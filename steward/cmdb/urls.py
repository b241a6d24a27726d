from django.urls import path

from steward.cmdb.views import cis, classes, edit, imports

app_name = "cmdb"
urlpatterns = [
    path("", cis.ci_list, name="list"),
    path("export.csv", imports.ci_export, name="export"),
    path("import/", imports.ci_import, name="import"),
    path("import/apply/", imports.ci_import_apply, name="import_apply"),
    path("cis/new/", edit.ci_new, name="new"),
    path("attribute-fields/", edit.attribute_fields, name="attribute_fields"),
    path("cis/<str:number>/", cis.ci_detail, name="detail"),
    path("cis/<str:number>/edit/", edit.ci_edit, name="edit"),
    path("cis/<str:number>/relationships/", edit.relationship_add, name="relationship_add"),
    path(
        "cis/<str:number>/relationships/<int:relationship_id>/remove/",
        edit.relationship_remove,
        name="relationship_remove",
    ),
    path("cis/<str:number>/impact/", cis.ci_impact, name="impact"),
    path("cis/<str:number>/map/", cis.ci_map, name="map"),
    path("ci-classes/", classes.class_list, name="class_list"),
    path("ci-classes/new/", classes.class_new, name="class_new"),
    path("ci-classes/<slug:slug>/", classes.class_edit, name="class_edit"),
]
