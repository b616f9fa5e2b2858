"""Seeded mutation testing of Kolba's request-path modules (``make mutate``).

A *mutant* is a copy of one module with one small change: a comparison
flipped, a boolean swapped, a statement deleted, a constant changed.  The
tests aimed at that module run against each mutant; a mutant they fail on
is *killed*, one they pass on *survives*.  A survivor is either a gap in
the tests or an *equivalent* mutant, a change no test could ever observe;
equivalent mutants are listed with their reasons in
``tools/mutate_equivalent.txt`` and left out of the score.

Mutants are found by walking the module's syntax tree, then sampled with a
seeded random generator (the same seed and source give the same mutants),
up to ``--max-mutants`` per module.  Each mutant is spliced into the source
text (everything else stays byte-for-byte the same, so line numbers hold),
written into a private copy of ``src/``, and tested in a fresh interpreter
with a timeout; a mutant that makes the tests hang counts as killed.

Usage::

    python tools/mutate.py                      # every target, 150 mutants each
    python tools/mutate.py sessions --max-mutants 40 --seed 3
    python tools/mutate.py wrappers --list      # show the sampled mutants only
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import typing as t
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT_FILE = ROOT / "tools" / "mutate_equivalent.txt"

# -- what gets mutated, and which tests judge it -------------------------------------------


@dataclass(frozen=True)
class Target:
    """One module under test: where it is, which of its code, and which tests."""

    name: str
    path: str  # relative to ROOT
    tests: tuple[str, ...]
    #: Qualified names of the functions and classes to mutate; empty: the whole module.
    scope: tuple[str, ...] = ()


#: The parsing functions of ``wrappers.py``: everything that turns the environ
#: and the body into request data (not the response, not the descriptor).
REQUEST_PARSERS = (
    "wsgi_decode", "_environ_key", "RequestHeaders", "_current_app_config", "_debugging",
    "Request.method", "Request.scheme", "Request.server", "Request.root_path", "Request.path",
    "Request.query_string", "Request.headers", "Request.remote_addr", "Request.cookies",
    "Request.stream", "Request.if_range", "Request.authorization", "Request.full_path",
    "Request.get_data", "Request._read_sized_body", "Request.get_json",
    "Request.max_content_length", "Request.max_form_memory_size", "Request.max_form_parts",
    "Request.args", "Request._load_form_data", "Request._load_urlencoded",
    "Request._explain_missing_files", "Request.on_json_loading_failed", "Request.__init_subclass__",
    "_request_inherits", "_is_json_content_type", "parse_cookie_header", "_groups_values_by_key",
    "multidict", "_lenient_text", "_unreadable", "read_rest", "_BodyInput", "_is_urlencoded",
    "parse_urlencoded", "_percent_decode",
)

TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target(
            "matcher", "src/kolba/routing/matcher.py",
            ("tests/test_routing.py", "tests/test_routing_equivalence.py", "tests/test_app_routing.py"),
        ),
        Target("sessions", "src/kolba/sessions.py", ("tests/test_sessions.py", "tests/test_safety.py")),
        Target(
            "wrappers", "src/kolba/wrappers.py",
            ("tests/test_parsing.py", "tests/test_request.py", "tests/test_bodies.py",
             "tests/test_safety.py", "tests/test_real_servers.py"),
            REQUEST_PARSERS,
        ),
    )
}

# -- finding mutants ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One change to one module: the source span it replaces and with what."""

    target: str
    line: int
    qualname: str
    description: str
    start: int  # byte offsets into the UTF-8 source
    end: int
    replacement: str
    key: str = ""  # stable identity, for the equivalent list; set by number_mutants

    def where(self, path: str) -> str:
        """``path:line``, as editors and terminals link it."""
        return f"{path}:{self.line}"


_NEGATED = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
    ast.Gt: ast.LtE, ast.LtE: ast.Gt, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_BOUNDARY = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
_ARITHMETIC = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult, ast.Mod: ast.FloorDiv,
}
#: Statements that may be deleted (replaced by ``pass``).
_DELETABLE = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise,
    ast.Delete, ast.If, ast.For, ast.While, ast.Assert,
)


class _Finder(ast.NodeVisitor):
    """Walk a module and collect every mutation in scope, in source order."""

    def __init__(self, source: bytes, target: Target) -> None:
        self._offsets = _line_offsets(source)
        self._source = source
        self._target = target
        self._stack: list[str] = []
        self._skip_depth = 0
        self._statement = ""  # the statement being visited, for describing expression mutants
        self.found: list[Mutant] = []

    def visit(self, node: ast.AST) -> t.Any:
        if isinstance(node, ast.stmt) and not isinstance(node, _COMPOUND):
            outer, self._statement = self._statement, _shorten(self._text(node))
            try:
                return super().visit(node)
            finally:
                self._statement = outer
        return super().visit(node)

    # scope bookkeeping

    def _qualname(self) -> str:
        return ".".join(self._stack) or "<module>"

    def _in_scope(self) -> bool:
        scope = self._target.scope
        if not scope:
            return True
        name = self._qualname()
        return any(name == entry or name.startswith(entry + ".") for entry in scope)

    def _add(self, node: ast.AST, description: str, replacement: str) -> None:
        if self._skip_depth or not self._in_scope():
            return
        start = self._offsets[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = self._offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        self.found.append(
            Mutant(self._target.name, node.lineno, self._qualname(), description,  # type: ignore[attr-defined]
                   start, end, replacement)
        )

    def _text(self, node: ast.AST) -> str:
        start = self._offsets[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = self._offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        return " ".join(self._source[start:end].decode().split())

    def _expression(self, old: ast.AST, new: ast.expr, description: str) -> None:
        where = self._statement or self._header(old)
        self._add(old, f"{description} in `{where}`", "(" + ast.unparse(new) + ")")

    def _header(self, node: ast.AST) -> str:
        """The first line of the source around ``node`` (for conditions of compound statements)."""
        line = self._source.splitlines()[node.lineno - 1].decode()  # type: ignore[attr-defined]
        return _shorten(line)

    # definitions: enter scope, skip docstrings and annotations

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            self.visit(default)
        self._stack.append(node.name)
        self._body(node.body)
        self._stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._stack.append(node.name)
        self._body(node.body)
        self._stack.pop()

    def _body(self, body: list[ast.stmt]) -> None:
        for index, statement in enumerate(body):
            if index == 0 and _is_docstring(statement):
                continue
            self.visit(statement)

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node.body)

    # statements

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            return
        self._negate_condition(node.test)
        self._delete(node)
        self.visit(node.test)
        self._body(node.body)
        if node.orelse and isinstance(node.orelse[0], ast.If) and len(node.orelse) == 1:
            self._visit_elif(node.orelse[0])
        else:
            self._body(node.orelse)

    def _visit_elif(self, node: ast.If) -> None:
        # An elif's span starts inside the parent's; it is not deleted on its own.
        self._negate_condition(node.test)
        self.visit(node.test)
        self._body(node.body)
        if node.orelse and isinstance(node.orelse[0], ast.If) and len(node.orelse) == 1:
            self._visit_elif(node.orelse[0])
        else:
            self._body(node.orelse)

    def visit_While(self, node: ast.While) -> None:
        self._negate_condition(node.test)
        self._delete(node)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._delete(node)
        self.visit(node.iter)
        self._body(node.body)
        self._body(node.orelse)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        if "__slots__" in names or "__all__" in names:
            return
        self._delete(node)
        self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._delete(node)
            self.visit(node.value)

    def visit_Raise(self, node: ast.Raise) -> None:
        self._delete(node)
        self._skip_depth += 1  # the exception's message is not behaviour worth a mutant
        self.generic_visit(node)
        self._skip_depth -= 1

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        return

    visit_ImportFrom = visit_Import  # type: ignore[assignment]

    def visit_Break(self, node: ast.Break) -> None:
        self._add(node, "`break` -> `continue`", "continue")

    def visit_Continue(self, node: ast.Continue) -> None:
        self._add(node, "`continue` -> `break`", "break")

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, _DELETABLE) and not isinstance(node, (ast.If, ast.While, ast.For)):
            self._delete(node)
        super().generic_visit(node)

    def _delete(self, node: ast.stmt) -> None:
        text = self._text(node) if not isinstance(node, _COMPOUND) else self._header(node) + " ..."
        self._add(node, f"delete `{_shorten(text)}`", "pass")

    def _negate_condition(self, test: ast.expr) -> None:
        if isinstance(test, (ast.Compare, ast.BoolOp, ast.UnaryOp)):
            return  # their own operators are mutated
        self._expression(test, ast.UnaryOp(ast.Not(), test), f"`{_shorten(self._text(test), 40)}` -> `not ...`")

    # expressions

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            for table in (_NEGATED, _BOUNDARY):
                swapped = table.get(type(op))
                if swapped is None:
                    continue
                ops = list(node.ops)
                ops[index] = swapped()
                new = ast.Compare(node.left, ops, node.comparators)
                self._expression(node, new, f"`{_shorten(self._text(node), 40)}` -> `{_shorten(ast.unparse(new), 40)}`")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        names = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        self._expression(node, ast.BoolOp(other, node.values), f"`{names[0]}` -> `{names[1]}`")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._expression(node, node.operand, f"`{_shorten(self._text(node), 40)}` -> drop `not`")
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._negate_condition(node.test)
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swapped = _ARITHMETIC.get(type(node.op))
        if swapped is not None:
            new = ast.BinOp(node.left, swapped(), node.right)
            self._expression(node, new, f"`{_shorten(self._text(node), 40)}` -> `{_shorten(ast.unparse(new), 40)}`")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._delete(node)
        swapped = _ARITHMETIC.get(type(node.op))
        if swapped is not None:
            new = ast.AugAssign(node.target, swapped(), node.value)
            self._add(node, f"`{self._text(node)}` -> `{ast.unparse(new)}`", ast.unparse(new))
        self.visit(node.value)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self._expression(node, ast.Constant(not value), f"`{value}` -> `{not value}`")
        elif isinstance(value, int):
            self._expression(node, ast.Constant(value + 1), f"`{value}` -> `{value + 1}`")
        elif isinstance(value, str) and value:
            self._expression(node, ast.Constant(""), f"`{_shorten(self._text(node), 30)}` -> `\"\"`")
        elif isinstance(value, bytes) and value:
            self._expression(node, ast.Constant(b""), f"`{_shorten(self._text(node), 30)}` -> `b\"\"`")

    def visit_Call(self, node: ast.Call) -> None:
        name = ast.unparse(node.func)
        if name in ("cast", "t.cast", "typing.cast") and node.args:
            for argument in [*node.args[1:], *node.keywords]:
                self.visit(argument)  # the type argument does nothing at run time
            return
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # f-strings build messages; their parts cannot be spliced one by one

    def visit_arg(self, node: ast.arg) -> None:
        return  # annotations


#: Statements whose body holds other statements: described by their first line.
_COMPOUND = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _shorten(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _line_offsets(source: bytes) -> list[int]:
    offsets = [0]
    for line in source.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    return offsets


def apply(source: bytes, mutant: Mutant) -> bytes:
    """The module's source with ``mutant`` spliced in."""
    return source[: mutant.start] + mutant.replacement.encode() + source[mutant.end :]


def find_mutants(source: bytes, target: Target) -> list[Mutant]:
    """Every valid mutant of ``source`` in ``target``'s scope, in source order, with keys."""
    finder = _Finder(source, target)
    finder.visit(ast.parse(source))
    valid = []
    original = ast.dump(ast.parse(source))
    for mutant in finder.found:
        try:
            mutated = ast.parse(apply(source, mutant))
        except SyntaxError:
            continue
        if ast.dump(mutated) != original:
            valid.append(mutant)
    return number_mutants(valid)


def number_mutants(mutants: list[Mutant]) -> list[Mutant]:
    """Give each mutant a key that survives edits elsewhere in the module.

    ``qualname: description``, with ``#n`` added when the same change occurs
    more than once in the same function.
    """
    seen: dict[str, int] = {}
    keyed = []
    for mutant in mutants:
        base = f"{mutant.qualname}: {mutant.description}"
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base} #{seen[base]}"
        keyed.append(dataclasses.replace(mutant, key=key))
    return keyed


def sample(mutants: list[Mutant], limit: int, seed: int) -> list[Mutant]:
    """Up to ``limit`` mutants chosen by ``seed``, back in source order."""
    if len(mutants) <= limit:
        return mutants
    chosen = random.Random(seed).sample(range(len(mutants)), limit)
    return [mutants[index] for index in sorted(chosen)]


# -- running the tests against a mutant -------------------------------------------------------


KILLED, SURVIVED, TIMED_OUT = "killed", "survived", "timeout"


#: What a workspace copies from the checkout: the code and the tests that judge it.
SNAPSHOT = ("src", "tests", "pyproject.toml")


@dataclass
class Workspace:
    """A private snapshot of the checkout that one worker writes its mutants into.

    Taken once when the run starts, so editing the checkout during a run
    changes nothing in it.
    """

    root: Path

    def read(self, relative: str) -> bytes:
        return (self.root / relative).read_bytes()

    def write(self, relative: str, data: bytes) -> None:
        (self.root / relative).write_bytes(data)


def make_workspace(base: Path) -> Workspace:
    root = Path(tempfile.mkdtemp(prefix="kolba-mutate-", dir=base))
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".hypothesis", "artifacts")
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    return Workspace(root)


#: Test runs in progress, so an interrupted run can stop them.
_RUNNING: set[subprocess.Popen[bytes]] = set()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group ``proc`` leads (it was started in a session of its own)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def run_tests(workspace: Workspace, target: Target, timeout: float, python: str) -> tuple[str, float]:
    """Run ``target``'s tests in the workspace; the outcome and the seconds taken."""
    env = dict(os.environ)
    for name in ("KOLBA_TESTS_AGAINST", "KOLBA_TESTS_LANE", "PYTHONPATH"):
        env.pop(name, None)
    env.update(PYTHONPATH=str(workspace.root / "src"), PYTHONDONTWRITEBYTECODE="1")
    argv = [python, "-m", "pytest", "-x", "-q", "--no-header", "-p", "no:cacheprovider", *target.tests]
    started = time.monotonic()
    # Run from the workspace: its tests and source are imported, and Hypothesis
    # keeps the examples a mutant made it find there, not in the checkout.
    proc = subprocess.Popen(
        argv, cwd=workspace.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _RUNNING.add(proc)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return TIMED_OUT, time.monotonic() - started
    finally:
        _kill(proc)  # also reaps servers a test left behind
        _RUNNING.discard(proc)
    return (SURVIVED if code == 0 else KILLED), time.monotonic() - started


# -- the equivalent-mutant list -----------------------------------------------------------------


def load_equivalent(path: Path = EQUIVALENT_FILE) -> dict[tuple[str, str], str]:
    """``(target, key) -> reason`` from the equivalent-mutant list.

    Each entry is a line ``TARGET KEY`` (the key exactly as this tool prints
    it), followed by indented lines giving the reason; ``#`` starts a comment.
    """
    known: dict[tuple[str, str], str] = {}
    if not path.exists():
        return known
    entry: tuple[str, str] | None = None
    for raw in path.read_text().splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0].isspace():
            if entry is None:
                raise SystemExit(f"{path}: a reason before any mutant: {raw.strip()!r}")
            known[entry] = (known[entry] + " " + raw.strip()).strip()
            continue
        target, _, key = raw.partition(" ")
        entry = (target, key.strip())
        known[entry] = ""
    return known


# -- reporting ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """The outcome of one target's mutants."""

    target: Target
    outcomes: list[tuple[Mutant, str]] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for _, result in self.outcomes if result == outcome)

    def summary(self, equivalent: dict[tuple[str, str], str]) -> str:
        survivors = [m for m, result in self.outcomes if result == SURVIVED]
        known = [m for m in survivors if (m.target, m.key) in equivalent]
        total = len(self.outcomes)
        killed = self.count(KILLED) + self.count(TIMED_OUT)
        judged = total - len(known)
        score = 100.0 * killed / judged if judged else 100.0
        return (
            f"{self.target.name}: {total} mutants, {killed} killed"
            f" ({self.count(TIMED_OUT)} by timeout), {len(known)} equivalent,"
            f" {len(survivors) - len(known)} survived: {score:.1f}% of non-equivalent mutants killed"
        )


def report_survivors(tally: Tally, equivalent: dict[tuple[str, str], str]) -> None:
    for mutant, result in tally.outcomes:
        if result != SURVIVED:
            continue
        reason = equivalent.get((mutant.target, mutant.key))
        label = "equivalent" if reason else "SURVIVED"
        print(f"  {label:10} {mutant.where(tally.target.path)}  {mutant.key}")
        if reason:
            print(f"             ({reason})")
    stale = [key for (name, key) in equivalent if name == tally.target.name]
    outcome_by_key = {m.key: result for m, result in tally.outcomes}
    for key in stale:
        if outcome_by_key.get(key) in (KILLED, TIMED_OUT):
            print(f"  note: listed as equivalent but killed: {key}")


# -- main ------------------------------------------------------------------------------------------


def mutate_target(
    target: Target, args: argparse.Namespace, workspaces: Queue[Workspace]
) -> Tally:
    workspace = workspaces.get()
    source = workspace.read(target.path)  # every workspace holds the same snapshot
    mutants = sample(find_mutants(source, target), args.max_mutants, args.seed)
    tally = Tally(target)
    try:
        outcome, baseline = run_tests(workspace, target, args.timeout or 3600, args.python)
    finally:
        workspaces.put(workspace)
    if outcome != SURVIVED:
        raise SystemExit(f"{target.name}: the tests fail on the unmutated source; fix them first")
    timeout = args.timeout or max(60.0, 4 * baseline + 30)
    print(f"{target.name}: {len(mutants)} mutants; tests take {baseline:.0f}s unmutated, timeout {timeout:.0f}s",
          flush=True)

    def one(mutant: Mutant) -> tuple[Mutant, str]:
        workspace = workspaces.get()
        try:
            workspace.write(target.path, apply(source, mutant))
            result, _ = run_tests(workspace, target, timeout, args.python)
        finally:
            workspace.write(target.path, source)
            workspaces.put(workspace)
        if args.verbose:
            print(f"  {result:8} {mutant.where(target.path)}  {mutant.key}", flush=True)
        return mutant, result

    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        tally.outcomes = list(pool.map(one, mutants))
    finally:
        for proc in list(_RUNNING):  # only when interrupted: lets the workers return
            _kill(proc)
        pool.shutdown(cancel_futures=True)
    return tally


def _interrupted(signum: int, frame: t.Any) -> None:
    raise KeyboardInterrupt  # unwinds main(), which stops the test runs and cleans up


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help=f"modules to mutate: {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--max-mutants", type=int, default=150, help="per module (default 150)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) // 2),
                        help="mutants tested at once (default: half the CPUs)")
    parser.add_argument("--timeout", type=float, default=0,
                        help="seconds per test run (default: 4x the unmutated run + 30, at least 60)")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the tests")
    parser.add_argument("--list", action="store_true", help="print the sampled mutants and stop")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each mutant's outcome")
    args = parser.parse_args(argv)
    unknown = [name for name in args.targets if name not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)}")
    args.targets = args.targets or list(TARGETS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    targets = [TARGETS[name] for name in dict.fromkeys(args.targets)]
    if args.list:
        for target in targets:
            source = (ROOT / target.path).read_bytes()
            every = find_mutants(source, target)
            chosen = sample(every, args.max_mutants, args.seed)
            print(f"{target.name}: {len(chosen)} of {len(every)} mutants (seed {args.seed})")
            for mutant in chosen:
                print(f"  {mutant.where(target.path)}  {mutant.key}")
        return 0
    equivalent = load_equivalent()
    base = Path(tempfile.mkdtemp(prefix="kolba-mutate-"))
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        workspaces: Queue[Workspace] = Queue()
        for _ in range(args.jobs):
            workspaces.put(make_workspace(base))
        tallies = [mutate_target(target, args, workspaces) for target in targets]
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for proc in list(_RUNNING):
            _kill(proc)
        shutil.rmtree(base, ignore_errors=True)
    print()
    for tally in tallies:
        print(tally.summary(equivalent))
        report_survivors(tally, equivalent)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
