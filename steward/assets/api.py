"""Asset and contract routes: thin, the services and selectors do the work."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router
from ninja.files import UploadedFile

from steward.api.http import create_with_key, expected_version, page_of, tag, unversioned
from steward.assets import selectors, services
from steward.assets.filters import AssetFilters, ContractFilters, LoanFilters, PageParams
from steward.assets.schemas import (
    AssetCategoryOut,
    AssetCreateIn,
    AssetModelIn,
    AssetModelOut,
    AssetModelPatchIn,
    AssetOut,
    AssetPatchIn,
    AssignmentOut,
    CategoryIn,
    CategoryPatchIn,
    CheckInIn,
    CheckOutIn,
    ContractCreateIn,
    ContractDetailOut,
    ContractOut,
    ContractPatchIn,
    CustodyStepIn,
    CustodyStepOut,
    DispositionOut,
    DispositionPatchIn,
    FinancialsOut,
    LoanOut,
    StockLineOut,
    StockRoomIn,
    StockRoomOut,
)
from steward.core.pagination import paginate

assets = Router(tags=["assets"])
contracts = Router(tags=["contracts"])


@assets.get("", response=page_of(AssetOut))
def list_assets(request: HttpRequest, filters: Query[AssetFilters]):
    """Assets you may see (asset managers and administrators), filtered; keyset pages."""
    return selectors.asset_list(request.actor, **filters.dict(), rows=True)


@assets.post("", response={201: AssetOut})
def create_asset(request: HttpRequest, response: HttpResponse, payload: AssetCreateIn):
    data = payload.dict(exclude_unset=True)
    asset = create_with_key(
        request,
        scope="assets",
        data=data,
        create=services.asset_create,
        visible=selectors.asset_visible,
    )
    return 201, tag(response, selectors.asset_get(request.actor, number=asset.number))


@assets.get("/models", response=page_of(AssetModelOut))
def list_models(request: HttpRequest, params: Query[PageParams]):
    return paginate(selectors.model_visible(request.actor), order=("id",), **params.dict())


@assets.post("/models", response={201: AssetModelOut})
def create_model(request: HttpRequest, response: HttpResponse, payload: AssetModelIn):
    model = create_with_key(
        request,
        scope="asset-models",
        data=payload.dict(),
        create=services.model_create,
        visible=selectors.model_visible,
    )
    return 201, tag(response, model)


@assets.get("/models/{pk}", response=AssetModelOut)
def get_model(request: HttpRequest, response: HttpResponse, pk: int):
    return tag(response, selectors.model_get(request.actor, pk=pk))


@assets.patch("/models/{pk}", response=AssetModelOut)
def patch_model(request: HttpRequest, response: HttpResponse, pk: int, payload: AssetModelPatchIn):
    """Change a model; its assets inherit a new warranty term (If-Match: 412 when stale)."""
    services.model_update(
        request.actor,
        pk=pk,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.model_get(request.actor, pk=pk))


@assets.get("/categories", response=page_of(AssetCategoryOut))
def list_categories(request: HttpRequest, params: Query[PageParams]):
    """Categories with their book and tax schedules and residual values."""
    return paginate(selectors.category_visible(request.actor), order=("id",), **params.dict())


@assets.post("/categories", response={201: AssetCategoryOut})
def create_category(request: HttpRequest, response: HttpResponse, payload: CategoryIn):
    data = {k: v for k, v in payload.dict().items() if v is not None}
    category = create_with_key(
        request,
        scope="asset-categories",
        data=data,
        create=services.category_create,
        visible=selectors.category_visible,
    )
    return 201, tag(response, selectors.category_get(request.actor, slug=category.slug))


@assets.get("/categories/{slug}", response=AssetCategoryOut)
def get_category(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.category_get(request.actor, slug=slug))


@assets.patch("/categories/{slug}", response=AssetCategoryOut)
def patch_category(
    request: HttpRequest, response: HttpResponse, slug: str, payload: CategoryPatchIn
):
    """Change a category's schedules or residual values; every asset of it is valued by
    them from then on (If-Match: 412 when stale)."""
    services.category_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.category_get(request.actor, slug=slug))


@assets.get("/loans", response=page_of(LoanOut))
def list_loans(request: HttpRequest, filters: Query[LoanFilters]):
    """Open loans (check-outs with a due-back date) by due date; ``overdue=true`` keeps
    those past it. The loans page uses the same filters."""
    return selectors.loan_list(request.actor, **filters.dict())


@assets.get("/stock-rooms", response=page_of(StockRoomOut))
def list_stock_rooms(request: HttpRequest, params: Query[PageParams]):
    return paginate(selectors.stock_room_visible(request.actor), order=("id",), **params.dict())


@assets.post("/stock-rooms", response={201: StockRoomOut})
def create_stock_room(request: HttpRequest, payload: StockRoomIn):
    return 201, create_with_key(
        request,
        scope="stock-rooms",
        data=payload.dict(),
        create=services.stock_room_create,
        visible=selectors.stock_room_visible,
    )


@assets.get("/stock", response=list[StockLineOut])
def stock(request: HttpRequest):
    """In-stock counts per stock room and model against reorder levels."""
    return selectors.stock_view(request.actor)


@assets.get("/{number}", response=AssetOut)
def get_asset(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.asset_get(request.actor, number=number))


@assets.patch("/{number}", response=AssetOut)
def patch_asset(request: HttpRequest, response: HttpResponse, number: str, payload: AssetPatchIn):
    """Change fields; a status change follows the lifecycle (409 lists the allowed states)."""
    services.asset_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.asset_get(request.actor, number=number))


@assets.post("/{number}/check-out", response={201: AssignmentOut})
def check_out(request: HttpRequest, number: str, payload: CheckOutIn):
    return 201, services.asset_check_out(request.actor, number=number, **payload.dict())


@assets.post("/{number}/check-in", response=AssetOut)
def check_in(request: HttpRequest, response: HttpResponse, number: str, payload: CheckInIn):
    services.asset_check_in(request.actor, number=number, **payload.dict())
    return tag(response, selectors.asset_get(request.actor, number=number))


@assets.get("/{number}/assignments", response=list[AssignmentOut])
def assignments(request: HttpRequest, number: str):
    return list(selectors.asset_get(request.actor, number=number).assignments.all())


@assets.get("/{number}/financials", response=FinancialsOut)
def financials(request: HttpRequest, number: str, on: dt.date | None = None):
    """Book and tax value on a date (default today), both schedules, and the TCO."""
    asset = selectors.asset_get(request.actor, number=number)
    day = on or timezone.localdate()
    tco = selectors.total_cost_of_ownership(asset)
    return {
        "value": {"on": day, **selectors.book_value(asset, day)},
        "schedule": selectors.depreciation_schedule(asset),
        "purchase": tco["purchase"],
        "contracts": tco["contracts"],
        "total_cost_of_ownership": tco["total"],
    }


@assets.get("/{number}/disposition", response=DispositionOut)
def get_disposition(request: HttpRequest, number: str):
    return selectors.disposition_get(request.actor, number=number)


@assets.patch("/{number}/disposition", response=DispositionOut)
def patch_disposition(request: HttpRequest, number: str, payload: DispositionPatchIn):
    """Record the disposition of a retired asset (method, sanitisation, certificate)."""
    unversioned(request)
    services.disposition_update(request.actor, number=number, **payload.dict(exclude_unset=True))
    return selectors.disposition_get(request.actor, number=number)


@assets.post("/{number}/disposition/custody", response={201: CustodyStepOut})
def add_custody_step(request: HttpRequest, number: str, payload: CustodyStepIn):
    return 201, services.custody_step_add(request.actor, number=number, **payload.dict())


@assets.post("/{number}/disposition/evidence", response={201: DispositionOut})
def add_evidence(request: HttpRequest, number: str, file: File[UploadedFile]):
    """Attach the evidence (multipart ``file``), e.g. the certificate's scan."""
    services.disposition_evidence_add(
        request.actor, number=number, upload=file, filename=file.name or "", size=file.size
    )
    return 201, selectors.disposition_get(request.actor, number=number)


@contracts.get("", response=page_of(ContractOut))
def list_contracts(request: HttpRequest, filters: Query[ContractFilters]):
    """Contracts and warranties by end date; ``expiring_within=90`` lists those ending soon."""
    return selectors.contract_list(request.actor, **filters.dict())


@contracts.post("", response={201: ContractDetailOut})
def create_contract(request: HttpRequest, response: HttpResponse, payload: ContractCreateIn):
    data = payload.dict(exclude_unset=True)
    contract = create_with_key(
        request,
        scope="contracts",
        data=data,
        create=services.contract_create,
        visible=selectors.contract_visible,
    )
    return 201, tag(response, selectors.contract_get(request.actor, number=contract.number))


@contracts.get("/{number}", response=ContractDetailOut)
def get_contract(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.contract_get(request.actor, number=number))


@contracts.patch("/{number}", response=ContractDetailOut)
def patch_contract(
    request: HttpRequest, response: HttpResponse, number: str, payload: ContractPatchIn
):
    services.contract_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.contract_get(request.actor, number=number))


ROUTERS = [("assets", assets), ("contracts", contracts)]
