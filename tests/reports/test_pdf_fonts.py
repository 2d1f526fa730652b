"""How WeasyPrint is loaded: its library lookups answered from the linker cache without running
a compiler, and its import-time warnings logged rather than raised."""

from __future__ import annotations

import ctypes.util
import logging
import sys
import warnings

import pytest

from tracker.reports import libraries

LISTING = """3 libs found in cache `/etc/ld.so.cache'
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibharfbuzz.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libharfbuzz.so.0
\tlibharfbuzz.so.0 (libc6) => /lib/i386-linux-gnu/libharfbuzz.so.0
"""


def test_library_lookups_are_answered_from_the_linker_cache_listing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(libraries.os, "uname", lambda: type("U", (), {"machine": "x86_64"})())
    find = libraries.cached_finder(LISTING)
    assert find("pango-1.0") == "libpango-1.0.so.0"
    assert find("harfbuzz") == "libharfbuzz.so.0"
    assert find("harfbuzz-subset") is None  # not installed: no compiler is run to look further
    assert find("libpango-1.0-0") is None  # the Windows name WeasyPrint tries first


def test_the_lookup_is_put_back_after_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    original = ctypes.util.find_library
    monkeypatch.setattr(libraries, "_ldconfig_listing", lambda: LISTING)
    monkeypatch.setattr(libraries.sys, "platform", "linux")
    with libraries.ldconfig_lookup():
        assert ctypes.util.find_library is not original
    assert ctypes.util.find_library is original


def test_import_warnings_are_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class Module:
        def __getattr__(self, name: str) -> None:
            raise AttributeError(name)

    def warning_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            warnings.warn("HarfBuzz-Subset will be required", DeprecationWarning, stacklevel=2)
            return Module()
        return real_import(name, *args, **kwargs)

    real_import = __import__
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr("builtins.__import__", warning_import)
    with caplog.at_level(logging.WARNING, logger="tracker.reports.libraries"):
        libraries.load_weasyprint()  # warnings are errors in the tests: this would raise
    assert "WeasyPrint: HarfBuzz-Subset will be required" in caplog.text
