"""Software routes: products with their compliance position, licences, installations and
the discovery report of one device. Thin: the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.software import selectors, services
from steward.software.filters import InstallationFilters, LicenceFilters, ProductFilters
from steward.software.schemas import (
    DeviceReportIn,
    DeviceReportOut,
    InstallationCreateIn,
    InstallationOut,
    LicenceCreateIn,
    LicenceOut,
    LicencePatchIn,
    ProductCreateIn,
    ProductOut,
    ProductPatchIn,
)

software = Router(tags=["software"])
licences = Router(tags=["software"])
installations = Router(tags=["software"])


def _product(request: HttpRequest, slug: str):
    product = selectors.product_get(request.actor, slug=slug)
    return selectors.with_compliance(request.actor, [product])[0]


@software.get("", response=page_of(ProductOut))
def list_products(request: HttpRequest, filters: Query[ProductFilters]):
    """Products with their compliance position (entitled against consumed per metric)."""
    page = selectors.product_list(request.actor, **filters.dict())
    selectors.with_compliance(request.actor, page.items)
    return page


@software.get("/report/compliance", response=list[ProductOut])
def compliance_report(request: HttpRequest):
    """Every product's position, shortfalls first (largest first), then by name."""
    rows = selectors.compliance_report(request.actor)
    for row in rows:
        row.product.compliance = row.compliance
    return [row.product for row in rows]


@software.post("", response={201: ProductOut})
def create_product(request: HttpRequest, response: HttpResponse, payload: ProductCreateIn):
    product = create_with_key(
        request,
        scope="software",
        data=payload.dict(),
        create=services.product_create,
        visible=selectors.product_visible,
    )
    return 201, tag(response, _product(request, product.slug))


@software.get("/{slug}", response=ProductOut)
def get_product(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, _product(request, slug))


@software.patch("/{slug}", response=ProductOut)
def patch_product(request: HttpRequest, response: HttpResponse, slug: str, payload: ProductPatchIn):
    services.product_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, _product(request, slug))


@software.get("/{slug}/installations", response=page_of(InstallationOut))
def product_installations(request: HttpRequest, slug: str, filters: Query[InstallationFilters]):
    """The drill-down: the installations (devices and users) of one product."""
    selectors.product_get(request.actor, slug=slug)
    return selectors.installation_list(request.actor, **{**filters.dict(), "product": slug})


@licences.get("", response=page_of(LicenceOut))
def list_licences(request: HttpRequest, filters: Query[LicenceFilters]):
    return selectors.licence_list(request.actor, **filters.dict())


@licences.post("", response={201: LicenceOut})
def create_licence(request: HttpRequest, response: HttpResponse, payload: LicenceCreateIn):
    licence = create_with_key(
        request,
        scope="licences",
        data=payload.dict(),
        create=services.licence_create,
        visible=selectors.licence_visible,
    )
    return 201, tag(response, selectors.licence_get(request.actor, number=licence.number))


@licences.get("/{number}", response=LicenceOut)
def get_licence(request: HttpRequest, response: HttpResponse, number: str):
    return tag(response, selectors.licence_get(request.actor, number=number))


@licences.patch("/{number}", response=LicenceOut)
def patch_licence(
    request: HttpRequest, response: HttpResponse, number: str, payload: LicencePatchIn
):
    services.licence_update(
        request.actor,
        number=number,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.licence_get(request.actor, number=number))


@installations.get("", response=page_of(InstallationOut))
def list_installations(request: HttpRequest, filters: Query[InstallationFilters]):
    return selectors.installation_list(request.actor, **filters.dict())


@installations.post("", response={201: InstallationOut})
def create_installation(request: HttpRequest, payload: InstallationCreateIn):
    """Enter an installation by hand (discovery reports whole devices: PUT …/devices/{ci})."""
    created = services.installation_create(request.actor, **payload.dict())
    return 201, selectors.installation_get(request.actor, pk=created.pk)


@installations.get("/{id}", response=InstallationOut)
def get_installation(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    return selectors.installation_get(request.actor, pk=id)


@installations.delete("/{id}", response={204: None})
def delete_installation(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    services.installation_delete(request.actor, pk=id)
    return 204, None


@installations.put("/devices/{number}", response=DeviceReportOut)
def report_device(request: HttpRequest, number: str, payload: DeviceReportIn):
    """Discovery's full list of one device's software: matched products are created or
    refreshed, discovered ones it no longer reports are removed (manual entries stay),
    names no product's rule matches are returned in ``unmatched``."""
    items = [item.dict() for item in payload.installations]
    return services.device_installations_report(request.actor, device=number, installations=items)


ROUTERS = [("software", software), ("licences", licences), ("installations", installations)]
