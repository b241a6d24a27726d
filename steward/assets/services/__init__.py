"""Every write use case of assets: one function each, transactional, checked, audited."""

from steward.assets.services.assets import (
    AUDITED,
    EDITABLE,
    asset_check_in,
    asset_check_out,
    asset_create,
    asset_update,
    require_write,
)
from steward.assets.services.catalogue import (
    category_create,
    category_update,
    model_create,
    model_update,
    stock_level_set,
    stock_room_create,
)
from steward.assets.services.contracts import (
    contract_create,
    contract_reminders_send,
    contract_update,
)
from steward.assets.services.disposition import (
    custody_step_add,
    disposition_evidence_add,
    disposition_update,
)
from steward.assets.services.imports import import_asset_file, import_assets
from steward.assets.services.loans import loan_reminders_send
from steward.assets.services.requests import asset_request_fulfil
from steward.assets.services.stocktake import (
    stock_count_close,
    stock_count_scan,
    stock_count_start,
)

__all__ = [
    "AUDITED",
    "EDITABLE",
    "asset_check_in",
    "asset_check_out",
    "asset_create",
    "asset_request_fulfil",
    "asset_update",
    "category_create",
    "category_update",
    "contract_create",
    "contract_reminders_send",
    "contract_update",
    "custody_step_add",
    "disposition_evidence_add",
    "disposition_update",
    "import_asset_file",
    "import_assets",
    "loan_reminders_send",
    "model_create",
    "model_update",
    "require_write",
    "stock_count_close",
    "stock_count_scan",
    "stock_count_start",
    "stock_level_set",
    "stock_room_create",
]
