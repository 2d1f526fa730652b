"""The layers of `tracker/`, read from the source with `ast`: imports run down, never in a circle.

blueprints -> services -> models -> value types (`tracker.fiscal`, `tracker.vocab`). Every import
counts, at module level or inside a function, and those under `if TYPE_CHECKING:` too: a type
that must be imported upwards is a sign the type lives on the wrong floor.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"

# What the models may stand on: the value types and the bare extensions.
BELOW_MODELS = ("tracker.models", "tracker.extensions", "tracker.fiscal", "tracker.vocab")
# Above the services, besides every blueprint package (found by its `bp = Blueprint(...)`).
PAGE_MODULES = ("tracker.reports", "tracker.labels", "tracker.pages")
# The objects of the request being served (a service takes plain values instead), and abort.
HTTP_NAMES = {
    "flask": {"request", "session", "g", "abort"},
    "flask_login": {"current_user"},
    "werkzeug.exceptions": {"abort"},
}


@dataclass(frozen=True)
class Import:
    """What `module` imports (or, with another verb, uses) at `line`."""

    module: str
    target: str
    line: int
    verb: str = "imports"

    def __str__(self) -> str:
        return f"{self.module} {self.verb} {self.target} (line {self.line})"


def module_name(path: Path) -> str:
    """`tracker/a/b.py` -> `tracker.a.b`; `tracker/a/__init__.py` -> `tracker.a`."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def sources() -> dict[str, tuple[Path, ast.Module]]:
    """Every module under tracker/, parsed."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found[module_name(path)] = (path, ast.parse(path.read_text(), filename=str(path)))
    return found


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute name `from ... import` reads from (relative imports included)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports_of(module: str, path: Path, tree: ast.Module) -> Iterator[Import]:
    known = sources()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, path, node)
            for alias in node.names:
                # `from tracker import labels` imports the submodule tracker.labels.
                submodule = f"{source}.{alias.name}"
                yield Import(module, submodule if submodule in known else source, node.lineno)


@cache
def imports() -> tuple[Import, ...]:
    """Every import of every module under tracker/."""
    parsed = sources().items()
    return tuple(i for module, (path, tree) in parsed for i in _imports_of(module, path, tree))


def blueprints() -> list[str]:
    """The packages whose __init__.py declares `bp = Blueprint(...)`."""
    found = []
    for module, (path, tree) in sources().items():
        if path.name != "__init__.py":
            continue
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["bp"]
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "Blueprint"
            ):
                found.append(module)
    return found


def within(name: str, packages: Iterable[str]) -> bool:
    """True when `name` is one of `packages` or inside one of them."""
    return any(name == p or name.startswith(f"{p}.") for p in packages)


def _report(bad: Iterable[object]) -> str:
    return "\n".join(dict.fromkeys(str(b) for b in bad))  # `from x import a, b`: one line


def test_the_parser_sees_the_package() -> None:
    """A guard on the guards: the graph holds known edges, or every test below passes vacuously."""
    edges = {(i.module, i.target) for i in imports()}
    assert len(sources()) > 100
    assert ("tracker.models.plan", "tracker.fiscal") in edges
    assert ("tracker", "tracker.labels") in edges  # `from tracker import labels`
    features = ("admin", "api", "audit", "auth", "main", "operations", "plans", "review", "tokens")
    assert {f"tracker.{name}" for name in (*features, "updates")} <= set(blueprints())


def test_models_stand_only_on_value_types() -> None:
    """tracker.models imports only itself, the extensions and the value types below it."""
    bad = [
        i
        for i in imports()
        if within(i.module, ["tracker.models"])
        and within(i.target, ["tracker"])
        and not within(i.target, BELOW_MODELS)
    ]
    assert not bad, "models import from above them:\n" + _report(bad)


@pytest.mark.parametrize("module", ["tracker.fiscal", "tracker.vocab"])
def test_value_types_import_nothing_from_tracker(module: str) -> None:
    """The fiscal calendar and the vocabularies are the floor: nothing of tracker below them."""
    bad = [i for i in imports() if i.module == module and within(i.target, ["tracker"])]
    assert not bad, "a value type imports from tracker:\n" + _report(bad)


def test_services_import_no_blueprint_report_or_label_module() -> None:
    """Services know nothing of pages: no blueprint, no tracker.reports, labels or pages."""
    above = [*blueprints(), *PAGE_MODULES]
    bad = [
        i for i in imports() if within(i.module, ["tracker.services"]) and within(i.target, above)
    ]
    assert not bad, "services import from above them:\n" + _report(bad)


def _http_uses(module: str, tree: ast.Module) -> Iterator[Import]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "abort":
                yield Import(module, "abort()", node.lineno, "calls")
        elif isinstance(node, ast.ImportFrom) and node.module in HTTP_NAMES:
            for alias in node.names:
                if alias.name in HTTP_NAMES[node.module]:
                    yield Import(module, f"{node.module}.{alias.name}", node.lineno)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in HTTP_NAMES.get(node.value.id, ())
        ):
            yield Import(module, f"{node.value.id}.{node.attr}", node.lineno, "uses")


def test_services_neither_abort_nor_read_the_request() -> None:
    """No abort() under tracker/services, and no request, session, g or current_user: plain values
    in (`flask.current_app` is fine: settings are not the request)."""
    bad = [
        use
        for module, (_, tree) in sources().items()
        if within(module, ["tracker.services"])
        for use in _http_uses(module, tree)
    ]
    assert not bad, "services bound to HTTP:\n" + _report(bad)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    """No two tracker modules import each other, directly or around a longer loop.

    An edge is the module an import names: `from tracker.x import y` reaches tracker.x (or the
    submodule tracker.x.y), never the parents Python runs on the way.
    """
    known = sources()
    edges: dict[str, set[str]] = {}
    for i in imports():
        if i.target in known and i.target != i.module:
            edges.setdefault(i.module, set()).add(i.target)
    cycles = _cycles(edges)
    detail = [
        " <-> ".join(cycle)
        + "\n"
        + _report(i for i in imports() if i.module in cycle and i.target in cycle)
        for cycle in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(detail)
