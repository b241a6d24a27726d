from django.urls import path

from steward.software.views import licences, products, report

app_name = "software"
urlpatterns = [
    path("", products.product_list, name="list"),
    path("compliance/", report.report, name="report"),
    path("compliance.csv", report.export, name="export"),
    path("licences/new/", licences.licence_new, name="licence_new"),
    path("licences/<str:number>/edit/", licences.licence_edit, name="licence_edit"),
    path("<slug:slug>/", products.product_detail, name="detail"),
]
