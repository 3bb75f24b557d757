"""The import graph of src/claimkb, read from the code: no cycles, and dependencies pointing one way.

    python -m tests.test_structure      # print the graph: module -> the claimkb modules it imports
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "claimkb"

# layers, lowest first: a module may import its own layer or lower ones, never a higher one
LAYERS = [
    {"errors", "namespaces", "results", "resources", "formats"},
    {"rules", "numbers", "records", "catalogue", "model", "kbfiles", "render", "limits", "sparqlcanon", "sandbox",
     "wording", "suggest"},
    {"backends", "session", "conflicts", "ingest", "views", "adhoc", "evidence", "misquotes", "tracing", "phrases"},
    {"answers", "validate", "export", "push"},
    {"api"},
    {"__init__"},
    {"cli", "__main__"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports (at any depth in the file)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.startswith("claimkb"):
                    candidates = [f"{target}.{alias.name}" for alias in node.names] + [target]
                    found.add(next(c for c in candidates if _exists(c)))
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("claimkb"))
        graph[name] = {m for m in found if m != name}
    return graph


def _exists(module: str) -> bool:
    path = SRC.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def top(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def layer(module: str) -> int:
    name = top(module)
    return next(i for i, members in enumerate(LAYERS) if name in members)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycles():
    graph = {m: {t for t in targets if t != "claimkb"} for m, targets in imports().items()}
    assert cycles(graph) == []


def test_every_module_has_a_layer():
    assert [m for m in imports() if not any(top(m) in members for members in LAYERS)] == []


def test_dependencies_point_down_the_layers():
    upward = sorted((m, t) for m, targets in imports().items() for t in targets
                    if t != "claimkb" and layer(t) > layer(m))
    assert upward == []


def test_nothing_imports_the_cli_and_the_cli_reaches_the_library_through_the_api():
    graph = imports()
    assert [m for m, targets in graph.items() if top(m) not in ("cli", "__main__")
            and any(top(t) == "cli" for t in targets)] == []
    reached = {top(t) for m, targets in graph.items() if top(m) == "cli" for t in targets}
    assert reached <= {"cli", "api", "errors", "render", "records", "views", "formats", "kbfiles", "catalogue",
                       "resources", "ingest"}


def test_namespace_iris_are_written_only_in_namespaces_py():
    """No string in the code (docstrings and help examples aside) spells a namespace IRI."""
    from claimkb.namespaces import PREFIXES

    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "namespaces.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                offenders += [(path.name, iri) for iri in PREFIXES.values() if iri in node.value]
    assert offenders == []


if __name__ == "__main__":
    for module, targets in sorted(imports().items()):
        print(f"{module} -> {', '.join(sorted(targets)) or '-'}")
