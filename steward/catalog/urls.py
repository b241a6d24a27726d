from django.urls import path

from steward.catalog.views import ordering, requests, tasks

app_name = "catalog"
urlpatterns = [
    path("", ordering.catalogue, name="catalogue"),
    path("items/<slug:slug>/", ordering.order, name="new"),
    path("requests/", requests.request_list, name="list"),
    path("requests/<str:number>/", requests.detail, name="detail"),
    path("requests/<str:number>/cancel/", requests.cancel, name="cancel"),
    path("requests/<str:number>/comment/", requests.comment, name="comment"),
    path(
        "requests/<str:number>/approvals/<int:approval_id>/decide/",
        requests.decide,
        name="decide",
    ),
    path("approvals/", requests.approvals, name="approvals"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/<str:number>/", tasks.detail, name="task_detail"),
    path("tasks/<str:number>/take/", tasks.take, name="take"),
    path("tasks/<str:number>/complete/", tasks.complete, name="complete"),
]
