"""Rules have no lifecycle beyond on and off (``Rule.is_active``): no states, no moves."""
