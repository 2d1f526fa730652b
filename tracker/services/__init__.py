"""The business rules, one package per domain.

Views, jobs and the CLI call these; they call the models and the value types below them, and raise
the domain exceptions of `tracker.services.errors`.
"""
