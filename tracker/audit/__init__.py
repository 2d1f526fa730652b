"""The audit trail, read only: admins and oversight browse and filter events."""
