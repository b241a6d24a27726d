"""The framework floor: bare Django views doing Steward's durable insert and read.

Served by the same ``steward serve`` process as Steward, with the same settings (only
``ROOT_URLCONF`` adds these routes), and measured in the same run, so "Steward ÷ floor" is
what Steward's own work costs over what any Django view on this stack and machine pays.
"""
