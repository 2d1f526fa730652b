"""The audit trail: recording events and searching them."""
