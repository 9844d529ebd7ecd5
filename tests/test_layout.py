"""The apps depend on each other one way: no app imports another that imports it back."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bottom to top, as the README's Layout section lists them; an app may import only those
# before it. The project package (chatlinks) is on top: it includes the apps' URLs by name.
LAYERS = [
    "conversations",
    "web",
    "rules",
    "accounts",
    "sharelinks",
    "audit",
    "chats",
    "agentchat",
    "analytics",
    "ingest",
    "topics",
    "signin",
    "console",
    "demo",
    "chatlinks",
]
PACKAGES = {*LAYERS, "bench", "tests"}


def imported_packages(path):
    """The top-level packages of this project that a module imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names)
    return found & PACKAGES


def app_graph():
    """{app: the other apps its modules import}."""
    return {
        app: {
            imported
            for path in (ROOT / app).rglob("*.py")
            for imported in imported_packages(path)
            if imported != app
        }
        for app in LAYERS
    }


def cycles(graph):
    """Every cycle of a directed graph, each as a list of nodes."""
    found, path = [], []

    def visit(node):
        if node in path:
            found.append([*path[path.index(node) :], node])
            return
        path.append(node)
        for target in sorted(graph.get(node, ())):
            visit(target)
        path.pop()

    for node in sorted(graph):
        visit(node)
    return found


def test_no_app_level_import_cycle():
    assert cycles(app_graph()) == []


def test_apps_import_only_the_layers_below_them():
    graph = app_graph()
    upward = {
        app: sorted(target for target in targets if LAYERS.index(target) > LAYERS.index(app))
        for app, targets in graph.items()
    }
    assert {app: targets for app, targets in upward.items() if targets} == {}


def test_no_app_imports_the_tests_or_benchmarks():
    assert {app: targets & {"tests", "bench"} for app, targets in app_graph().items()} == {
        app: set() for app in LAYERS
    }


def test_the_project_package_only_configures():
    """Settings, URLs, the WSGI/ASGI entry points and the Celery app: every feature is an app."""
    modules = {path.name for path in (ROOT / "chatlinks").iterdir() if path.suffix == ".py"}
    assert modules == {
        "__init__.py",
        "settings.py",
        "test_settings.py",
        "urls.py",
        "wsgi.py",
        "asgi.py",
        "celery.py",
    }
    assert not [
        path
        for path in (ROOT / "chatlinks").iterdir()
        if path.is_dir() and path.name != "__pycache__"
    ]


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [
        ["a", "b", "c", "a"],
        ["b", "c", "a", "b"],
        ["c", "a", "b", "c"],
    ]
