"""The data path stays one-way: each stage imports only the stages before it (ARCHITECTURE.md)."""

import ast
from pathlib import Path

from qa.config import PROJECT_ROOT

#: Stages in data-path order; a module may import from its own stage or any stage before it.
ORDER = ["threads", "__init__", "text", "types", "errors", "config", "ingest", "segment", "index", "understand", "retrieve", "answer", "pipeline",
         "options", "serving", "evaluate", "api", "web", "cli", "__main__"]


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "qa" and len(parts) > 1 else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    found += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    return found


def test_no_stage_imports_a_later_one():
    upward = []
    for path in (PROJECT_ROOT / "qa").rglob("*.py"):
        own = _stage(".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts))
        assert own in ORDER, f"{path} is in no stage of ORDER"
        for module in _imports(path):
            other = _stage(module)
            if other and other != own and ORDER.index(other) > ORDER.index(own):
                upward.append(f"{path.relative_to(PROJECT_ROOT)} imports {module}")
    assert not upward


def test_ui_depends_on_the_pipeline_and_web_packages_not_on_the_cli():
    assert not [m for m in _imports(PROJECT_ROOT / "ui.py") if m.startswith("qa.cli")]
