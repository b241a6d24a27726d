from django.urls import path

from steward.assets.views import catalogue, listing, loans, records, reports, stocktake

app_name = "assets"
urlpatterns = [
    path("", listing.asset_list, name="list"),
    path("export.csv", listing.asset_export, name="export"),
    path("export.xlsx", listing.asset_export_xlsx, name="export_xlsx"),
    path("new/", records.new, name="new"),
    path("stock/", reports.stock, name="stock"),
    path("contracts/", reports.contracts, name="contracts"),
    path("loans/", loans.loans, name="loans"),
    path("disposition/", reports.disposition_report, name="disposition_report"),
    path("disposition.csv", reports.disposition_report_csv, name="disposition_csv"),
    path("labels/", reports.labels, name="labels"),
    path("import/", reports.asset_import, name="import"),
    path("import/apply/", reports.asset_import_apply, name="import_apply"),
    path("categories/", catalogue.category_list, name="categories"),
    path("categories/new/", catalogue.category_new, name="category_new"),
    path("categories/<slug:slug>/edit/", catalogue.category_edit, name="category_edit"),
    path("models/", catalogue.model_list, name="models"),
    path("models/new/", catalogue.model_new, name="model_new"),
    path("models/<int:pk>/edit/", catalogue.model_edit, name="model_edit"),
    path("counts/new/", stocktake.count_start, name="count_start"),
    path("counts/<int:count_id>/", stocktake.count, name="count"),
    path("counts/<int:count_id>/scan/", stocktake.count_scan, name="count_scan"),
    path("counts/<int:count_id>/close/", stocktake.count_close, name="count_close"),
    path("<str:number>/", records.detail, name="detail"),
    path("<str:number>/edit/", records.edit, name="edit"),
    path("<str:number>/label.png", reports.label_png, name="label_png"),
    path("<str:number>/move/", records.move, name="move"),
    path("<str:number>/check-out/", records.check_out, name="check_out"),
    path("<str:number>/check-in/", records.check_in, name="check_in"),
    path("<str:number>/disposition/", records.disposition, name="disposition"),
    path("<str:number>/custody/", records.custody, name="custody"),
    path("<str:number>/evidence/", records.evidence, name="evidence"),
]
