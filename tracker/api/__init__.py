"""The JSON API under /api/v1/: bearer tokens, problem+json errors, an OpenAPI 3.1 document.

The blueprint lives in `tracker.api.routes`; this package stays import-light so that
`tracker.errors` can use `tracker.api.problems` without loading the views.
"""
