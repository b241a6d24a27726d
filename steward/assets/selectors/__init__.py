"""Every read of assets, contracts, dispositions and stock, scoped to what the actor may see
(administrators and asset managers; everyone else sees nothing)."""

from steward.assets.selectors.access import can_read, can_write
from steward.assets.selectors.assets import (
    asset_by_tag,
    asset_for_update,
    asset_get,
    asset_list,
    asset_visible,
)
from steward.assets.selectors.catalogue import (
    StockLine,
    category_get,
    category_list,
    category_visible,
    ci_class_choices,
    location_choices,
    location_suggest,
    model_get,
    model_list,
    model_suggest,
    model_visible,
    stock_room_get,
    stock_room_visible,
    stock_view,
)
from steward.assets.selectors.contracts import (
    contract_get,
    contract_list,
    contract_visible,
    contracts_due,
    contracts_of_asset,
)
from steward.assets.selectors.disposition import (
    custody_steps,
    disposed_assets,
    disposition_get,
    disposition_of,
    disposition_report,
)
from steward.assets.selectors.finance import (
    book_value,
    category_example_schedule,
    depreciation_schedule,
    total_cost_of_ownership,
)
from steward.assets.selectors.history import asset_timeline
from steward.assets.selectors.loans import loan_list, loans_to_remind
from steward.assets.selectors.permissions import (
    AssetCapabilities,
    asset_capabilities,
    check_out_refusal,
    checked_out,
)
from steward.assets.selectors.stocktake import (
    CountReport,
    stock_count_for_update,
    stock_count_get,
    stock_count_report,
    stock_count_visible,
)

__all__ = [
    "AssetCapabilities",
    "CountReport",
    "StockLine",
    "asset_by_tag",
    "asset_capabilities",
    "check_out_refusal",
    "asset_for_update",
    "asset_get",
    "asset_list",
    "asset_timeline",
    "asset_visible",
    "book_value",
    "can_read",
    "can_write",
    "category_example_schedule",
    "category_get",
    "category_list",
    "category_visible",
    "checked_out",
    "ci_class_choices",
    "contract_get",
    "contract_list",
    "contract_visible",
    "contracts_due",
    "contracts_of_asset",
    "custody_steps",
    "depreciation_schedule",
    "disposed_assets",
    "disposition_get",
    "disposition_of",
    "disposition_report",
    "loan_list",
    "loans_to_remind",
    "location_choices",
    "location_suggest",
    "model_get",
    "model_list",
    "model_suggest",
    "model_visible",
    "stock_count_for_update",
    "stock_count_get",
    "stock_count_report",
    "stock_count_visible",
    "stock_room_get",
    "stock_room_visible",
    "stock_view",
    "total_cost_of_ownership",
]
