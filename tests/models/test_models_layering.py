"""models/ reads from the ground up (#30): shared types at the bottom, engines on top, training
apart from serving, and nothing in models/ reaching up into the bot.

The imports are read with `ast` (every `import`, module level or inside a function), so a lazy
import that closes a cycle counts as much as one at the top of a file."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, by its dotted name (relative imports resolved)."""
    names: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def package_of(module: str) -> str | None:
    """The models/ package a module belongs to: `models.qa.rules.spans` -> `models.qa`; the
    modules directly in models/ (`models.metrics`) are packages of their own."""
    parts = module.split(".")
    if parts[0] != "models" or len(parts) < 2:
        return None
    return ".".join(parts[:2])


def package_graph() -> dict[str, set[str]]:
    """models/ package -> the other models/ packages its modules import."""
    graph: dict[str, set[str]] = {}
    for path in MODELS.rglob("*.py"):
        if path == MODELS / "__init__.py":  # `load_engine`, the one door from outside
            continue
        here = package_of(module_name(path))
        assert here is not None
        graph.setdefault(here, set()).update(
            there for name in imported_modules(path)
            if (there := package_of(name)) and there != here and exists(there))
    return graph


def exists(package: str) -> bool:
    name = package.split(".")[1]
    return (MODELS / name).is_dir() or (MODELS / f"{name}.py").is_file()


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the list of its packages, or None (depth-first colouring)."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        trail.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_between_models_packages() -> None:
    graph = package_graph()
    assert {"models.core", "models.engines", "models.training", "models.qa"} <= set(graph)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_core_imports_no_other_models_package_and_no_stage_imports_engines() -> None:
    graph = package_graph()
    assert graph["models.core"] == set()
    users_of_engines = sorted(p for p, deps in graph.items() if "models.engines" in deps)
    assert users_of_engines == [], users_of_engines


def test_serving_never_imports_training_and_models_never_imports_bot() -> None:
    graph = package_graph()
    serving = [p for p in graph if p != "models.training"]
    assert [p for p in serving if "models.training" in graph[p]] == []
    for path in MODELS.rglob("*.py"):
        upward = sorted(n for n in imported_modules(path)
                        if n.split(".")[0] in {"bot", "handlers"})
        assert upward == [], f"{path.relative_to(ROOT)} imports {upward}"


@pytest.mark.parametrize("engine_name", ["embedded"])
def test_the_bot_process_never_loads_the_training_package(engine_name: str) -> None:
    """The bot's run command, its dispatcher factory and the scale-out worker are imported, and
    the engine loads and answers in a fresh interpreter, as the bot's engine process does;
    `models.training` (the trainer, calibration, question generation) is not in sys.modules."""
    script = (
        "import sys\n"
        "import bot.commands.run, bot.factory, bot.distributed.worker\n"
        "from bot.settings import Settings\n"
        "from models import Article, load_engine\n"
        f"engine = load_engine(Settings(nlp_engine={engine_name!r}).engine_config())\n"
        "from pathlib import Path\n"
        "article = Article(next(Path('seeds').glob('*.txt')).read_text(encoding='utf-8'))\n"
        "print(engine.answer(article, 'Что подписали?').text)\n"
        "print('TRAINING:' + ','.join(sorted(m for m in sys.modules if 'training' in m)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    answer, loaded = result.stdout.strip().splitlines()[-2:]
    assert answer  # the engine really answered
    assert loaded == "TRAINING:", loaded
