from django.urls import path

from steward.software.views import editing, licences, products, report

app_name = "software"
urlpatterns = [
    path("", products.product_list, name="list"),
    path("compliance/", report.report, name="report"),
    path("compliance.csv", report.export, name="export"),
    path("licences/new/", licences.licence_new, name="licence_new"),
    path("licences/<str:number>/edit/", licences.licence_edit, name="licence_edit"),
    path("products/new/", editing.product_new, name="product_new"),
    path("installations/new/", editing.installation_new, name="installation_new"),
    path("<slug:slug>/", products.product_detail, name="detail"),
    path("<slug:slug>/edit/", editing.product_edit, name="edit"),
]
