"""Loading WeasyPrint: its C libraries found without running a compiler.

WeasyPrint finds Pango, HarfBuzz and fontconfig through cffi, which asks
`ctypes.util.find_library` for every name it tries (Windows and macOS names first, and optional
libraries such as HarfBuzz-Subset that may be missing). On Linux each name not in the linker
cache makes `find_library` run `ldconfig`, then `gcc` and `ld`: about 26 lookups and 70
processes, 0.5-1 s of the yearly report. `ldconfig_lookup` answers those lookups from one
`ldconfig -p` listing instead, the same answer `find_library` gets from its first step.

Without the optional HarfBuzz-Subset library (Debian: `libharfbuzz-subset0`) WeasyPrint subsets
the report's fonts with fontTools, which first reads each font's layout tables (1-1.5 s of CPU
per Noto Sans face), and warns at import with a DeprecationWarning; the warning is logged once
instead, so that it does not fail a report where warnings are errors.
"""

from __future__ import annotations

import ctypes.util
import logging
import os
import re
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

# The ABI string `ldconfig -p` prints for this interpreter's word size (as ctypes.util does).
ABIS = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def _ldconfig_listing() -> str:
    """The linker cache as `ldconfig -p` prints it; empty when there is no ldconfig."""
    try:
        done = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
        )
    except OSError:
        return ""
    return os.fsdecode(done.stdout)


def cached_finder(listing: str) -> Callable[[str], str | None]:
    """A `find_library` that returns the soname of `lib<name>.*` in `listing`, or None."""
    bits = "-32" if struct.calcsize("l") == 4 else "-64"
    abi = ABIS.get(os.uname().machine + bits, "libc6")

    def find(name: str) -> str | None:
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", listing)
        return found.group(1) if found else None

    return find


@contextmanager
def ldconfig_lookup() -> Iterator[None]:
    """On Linux, library lookups answered from one linker-cache listing while the block runs;
    elsewhere (or without ldconfig) nothing changes."""
    listing = _ldconfig_listing() if sys.platform.startswith("linux") else ""
    if not listing:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = cached_finder(listing)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load_weasyprint() -> None:
    """Import WeasyPrint (once per process; later calls cost nothing)."""
    if "weasyprint" in sys.modules:
        return
    with ldconfig_lookup(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import weasyprint  # noqa: F401
    for warning in caught:
        log.warning("WeasyPrint: %s", warning.message)
