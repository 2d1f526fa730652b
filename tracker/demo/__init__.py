"""The demo data: four plans from the source documents, one account per role, years of history."""
