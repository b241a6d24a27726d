"""Asset tables: hardware (categories, models, stock rooms, assets, assignments), contracts
and their reminders, disposition with its chain of custody, and stock counts."""

from steward.assets.models.contracts import Contract, ContractReminder
from steward.assets.models.disposition import CustodyStep, Disposition
from steward.assets.models.hardware import (
    Asset,
    AssetModel,
    Assignment,
    Category,
    LoanReminder,
    StockLevel,
    StockRoom,
)
from steward.assets.models.stocktake import StockCount, StockCountSeen

__all__ = [
    "Asset",
    "AssetModel",
    "Assignment",
    "Category",
    "Contract",
    "ContractReminder",
    "CustodyStep",
    "Disposition",
    "LoanReminder",
    "StockCount",
    "StockCountSeen",
    "StockLevel",
    "StockRoom",
]
