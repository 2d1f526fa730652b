"""Plans: reading a plan and its actions, and plan files (schema, validation, storing, export)."""
