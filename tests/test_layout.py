"""The package's wings and what each may import (see docs/architecture.rst).

Read statically from the source (every ``import``, lazy ones inside functions
included), so that a rule broken on a path no test runs still fails here.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_seq2seq"

# wing -> the wings (and leaf modules) its modules may import from the package.
LEAF = {"_docstrings", "_utils"}
ALLOWED = {
    "nn": {"nn"},
    "_data": {"_data"} | LEAF,
    "_training": {"_training", "_data", "nn"} | LEAF,
    "_decoding": {"_decoding", "_data", "nn", "metrics"} | LEAF,
    "_persistence": {"_persistence", "_training", "_data"} | LEAF,
    "metrics": {"metrics", "_data"} | LEAF,
    "_estimators": {
        "_estimators",
        "_training",
        "_decoding",
        "_persistence",
        "_data",
        "nn",
        "metrics",
    }
    | LEAF,
}
# Only the training glue talks to skorch; the data wing runs without torch.
THIRD_PARTY_ONLY_IN = {"skorch": {"_training"}}
NOT_IN = {"_data": {"torch", "skorch"}, "metrics": {"torch", "skorch"}}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports (modules, or their parents
    for ``from X import name``)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # `from . import metrics` names a module
                candidate = f"{target}.{alias.name}"
                if _is_module(candidate):
                    found.add(candidate)
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {
    name: {
        target
        for target in _imports(path)
        if target.startswith("sklearn_seq2seq") and target != name
    }
    for name, path in MODULES.items()
}


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


@pytest.mark.parametrize("wing", sorted(ALLOWED))
def test_each_wing_imports_only_what_it_may(wing):
    broken = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _wing(module) == wing
        for target in targets
        if _wing(target) not in ALLOWED[wing]
    )
    assert broken == []


def test_third_party_imports_stay_in_their_wing():
    broken = []
    for module, path in MODULES.items():
        wing = _wing(module)
        for target in _imports(path):
            top = target.split(".")[0]
            if top in THIRD_PARTY_ONLY_IN and wing not in THIRD_PARTY_ONLY_IN[top]:
                broken.append(f"{module} imports {target}")
            if top in NOT_IN.get(wing, ()):
                broken.append(f"{module} imports {target}")
    assert broken == []


def test_no_import_cycle():
    """No module reaches itself through imports, lazy ones included (the package
    root, which re-exports the public names, is left out)."""
    graph = {
        module: {t for t in targets if t != "sklearn_seq2seq" and t in MODULES}
        for module, targets in GRAPH.items()
        if module != "sklearn_seq2seq"
    }
    state: dict[str, int] = {}
    cycles = []

    def visit(module, stack):
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert cycles == []


@pytest.mark.slow
def test_every_module_imports_on_its_own():
    """Each wing imports in a fresh interpreter without the rest having been
    imported first (an order-dependent import would hide a cycle)."""
    wings = sorted({f"sklearn_seq2seq.{w}" for w in ALLOWED})
    code = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)"
    )
    for wing in wings:
        subprocess.run([sys.executable, "-c", code, wing], check=True, timeout=120)


def test_the_networks_and_the_vocabularies_number_special_tokens_alike():
    from sklearn_seq2seq._data import _vocabulary
    from sklearn_seq2seq.nn import _specials

    for name in ("PAD_INDEX", "BOS_INDEX", "EOS_INDEX"):
        assert getattr(_specials, name) == getattr(_vocabulary, name), name
    assert _vocabulary.TARGET_SPECIALS[_specials.PAD_INDEX] == _vocabulary.PAD_TOKEN
    assert _vocabulary.TARGET_SPECIALS[_specials.BOS_INDEX] == _vocabulary.BOS_TOKEN
    assert _vocabulary.TARGET_SPECIALS[_specials.EOS_INDEX] == _vocabulary.EOS_TOKEN


# The one module allowed past ~600 lines, and why: docs/architecture.rst.
LARGE = {"sklearn_seq2seq._estimators._seq2seq": 1000}


def test_modules_stay_small():
    too_long = {
        name: n_lines
        for name, path in MODULES.items()
        if (n_lines := len(path.read_text().splitlines())) > LARGE.get(name, 650)
    }
    assert too_long == {}
