from django.urls import path

from steward.catalog.views import administration, ordering, requests, tasks

app_name = "catalog"
# mounted at the site root: the pages under /catalog/, their configuration under
# /administration/catalog/ beside the other administration pages
urlpatterns = [
    path("catalog/", ordering.catalogue, name="catalogue"),
    path("catalog/items/<slug:slug>/", ordering.order, name="new"),
    path("catalog/requests/", requests.request_list, name="list"),
    path("catalog/requests/<str:number>/", requests.detail, name="detail"),
    path("catalog/requests/<str:number>/cancel/", requests.cancel, name="cancel"),
    path("catalog/requests/<str:number>/comment/", requests.comment, name="comment"),
    path(
        "catalog/requests/<str:number>/approvals/<int:approval_id>/decide/",
        requests.decide,
        name="decide",
    ),
    path("catalog/approvals/", requests.approvals, name="approvals"),
    path("catalog/tasks/", tasks.task_list, name="task_list"),
    path("catalog/tasks/<str:number>/", tasks.detail, name="task_detail"),
    path("catalog/tasks/<str:number>/take/", tasks.take, name="take"),
    path("catalog/tasks/<str:number>/complete/", tasks.complete, name="complete"),
    path("administration/catalog/", administration.admin_list, name="admin"),
    path("administration/catalog/items/new/", administration.item_edit, name="item_new"),
    path("administration/catalog/items/<slug:slug>/", administration.item_edit, name="item_edit"),
    path("administration/catalog/services/new/", administration.service_edit, name="service_new"),
    path(
        "administration/catalog/services/<slug:slug>/",
        administration.service_edit,
        name="service_edit",
    ),
]
