"""Tests of the JSON API and the API tokens page."""
