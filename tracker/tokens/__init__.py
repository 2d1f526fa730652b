"""The user's own API tokens page."""
