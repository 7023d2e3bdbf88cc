"""Lesson lint: proves a lesson pack works before a learner or a workshop room meets it.

For every lesson file: the schema (with file:line:column), unique ids, known prerequisites (and
no cycles), names in checks that exist in the background plus the solution, a reference solution
that passes every check, a starter that fails at least one (unless `exploration: true`), and the
prose a learner needs (introduction, hints, explanation, remember). A lesson fresh from
`k8snet-tutor lessons new` fails with messages that say what to fill in. With `mutation=True`
(what `lessons lint` does unless told `--quick`), also the goal strength of every lesson whose
other checks pass (see `mutations`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from k8snet_tutor.core.cluster import Pod, Service, build_cluster
from k8snet_tutor.core.endpoints import Unresolved, resolve
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.problems import Problem, format_path
from k8snet_tutor.learning.checks import BACKGROUND_SOURCE, check, goal_addresses
from k8snet_tutor.learning.lesson import (
    LESSON_SUFFIXES,
    Lesson,
    NameRef,
    TableCheck,
    builtin_lessons_dir,
    discover,
    lesson_files,
    load_lesson,
    qualify,
    service_id,
)
from k8snet_tutor.learning.mutations import (
    Strength,
    equivalent_mutations,
    goal_strength,
    strength_problems,
)

SCAFFOLD_MARKER = "TODO"

# What to write, per field, when a field is missing or still holds the scaffold's TODO.
FILL_IN = {
    "title": "write a short title for the lesson",
    "introduction": "explain the lesson's one idea in a few paragraphs of Markdown, "
    "with a small ```yaml example",
    "background": "write the read-only cluster (pods, Services, ...) as multi-document YAML",
    "starter": "write the YAML the learner starts from (it must fail the goal)",
    "solution": "write a reference solution: YAML that, added to the background, passes every check",
    "goal": 'add the checks the learner\'s YAML must pass (see lessons/README.md, "Checks")',
    "hints": "add hints, revealed one at a time, from a nudge to nearly the answer",
    "explanation": "say why the solution works (Markdown, shown after the learner passes)",
    "remember": "write the one idea to remember, in one sentence",
}


def _files(
    dir_or_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> tuple[list[Path], list[Problem]]:
    items: Sequence[str | os.PathLike[str]]
    if isinstance(dir_or_paths, (str, os.PathLike)):
        items = [dir_or_paths]
    else:
        items = dir_or_paths
    files: list[Path] = []
    problems: list[Problem] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = lesson_files(p)
            if not found:
                problems.append(
                    Problem(
                        "warning",
                        "no lesson files (*.yaml) in this folder",
                        file=str(p),
                        code="lesson-folder-empty",
                    )
                )
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in LESSON_SUFFIXES:
                problems.append(
                    Problem(
                        "warning",
                        "not a lesson file (expected *.yaml or *.yml)",
                        file=str(p),
                        code="lesson-not-yaml",
                    )
                )
            files.append(p)
        else:
            problems.append(
                Problem("error", "no such file or folder", file=str(p), code="lesson-missing")
            )
    return files, problems


def lint_lessons(
    dir_or_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    known_ids: Sequence[str] | None = None,
    strengths: list[Strength] | None = None,
    mutation: bool = False,
) -> list[Problem]:
    """Lint lesson files (folders are read non-recursively). Returns every problem found.

    `known_ids` are lesson ids that prerequisites may also name; by default the built-in lessons
    (so an instructor pack may build on them). `mutation`: also run the mutation lint (goal
    strength, see `mutations`); `strengths`, when given, receives each lesson's figures.

    `mutation` defaults to False although `k8snet-tutor lessons lint` (and CI) runs it: this
    function is also the fast structural lint (schema, names, solution passes, starter fails)
    that tests and tools call many times on small packs, and the mutation lint grades every
    variant of every solution, about 0.3 s per lesson (10 s for the built-in pack; measured: the
    lesson-lint and lessons-CLI tests take 2.7 s without it and 13.6 s with it on by default). It
    also answers a different question (can a wrong answer pass?) whose findings a structural
    check should not have to silence. So a caller that wants what `lessons lint` proves passes
    `mutation=True` explicitly; the built-in pack's goal strength is kept at 100% by
    tests/test_goal_strength.py, one lesson per test case.
    """
    files, problems = _files(dir_or_paths)
    lessons: list[Lesson] = []
    for path in files:
        lesson, found = load_lesson(path)
        problems.extend(found)
        if lesson is not None:
            lessons.append(lesson)

    first_by_id: dict[str, Lesson] = {}
    for lesson in lessons:
        earlier = first_by_id.get(lesson.id)
        if earlier is not None:
            problems.append(
                lesson.problem(
                    ("id",),
                    f"lesson id {lesson.id!r} is already used by {earlier.source}",
                    hint="every lesson needs its own id",
                    code="lesson-duplicate-id",
                )
            )
        else:
            first_by_id[lesson.id] = lesson

    if known_ids is None:
        builtin = builtin_lessons_dir()
        linted = {p.resolve() for p in files}
        known = set()
        if builtin.is_dir() and not all(f.resolve() in linted for f in lesson_files(builtin)):
            known = set(discover(include_env=False).ids())
    else:
        known = set(known_ids)
    known |= set(first_by_id)
    for lesson in lessons:
        problems.extend(_prerequisites(lesson, known))
    problems.extend(_cycles(list(first_by_id.values())))
    for lesson in lessons:
        problems.extend(lint_lesson(lesson, strengths=strengths, mutation=mutation))
    return problems


def _prerequisites(lesson: Lesson, known: set[str]) -> list[Problem]:
    out = []
    for i, pre in enumerate(lesson.prerequisites):
        if pre == lesson.id:
            out.append(
                lesson.problem(
                    ("prerequisites", i),
                    "a lesson cannot be its own prerequisite",
                    code="lesson-prerequisite",
                )
            )
        elif pre not in known:
            out.append(
                lesson.problem(
                    ("prerequisites", i),
                    f"unknown prerequisite {pre!r}: no lesson has this id",
                    hint="check the spelling, or add the lesson it names",
                    code="lesson-prerequisite",
                )
            )
    return out


def _cycles(lessons: list[Lesson]) -> list[Problem]:
    by_id = {lesson.id: lesson for lesson in lessons}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    out: list[Problem] = []

    def visit(lid: str, trail: list[str]) -> None:
        state[lid] = 1
        for pre in by_id[lid].prerequisites:
            if pre not in by_id or pre == lid:
                continue
            if state.get(pre) == 1:
                cycle = [*trail[trail.index(pre) :], pre] if pre in trail else [lid, pre]
                lesson = by_id[lid]
                out.append(
                    lesson.problem(
                        ("prerequisites",),
                        f"prerequisites form a cycle: {' -> '.join(cycle)}",
                        hint="a lesson cannot (indirectly) require itself",
                        code="lesson-prerequisite-cycle",
                    )
                )
            elif state.get(pre) is None:
                visit(pre, [*trail, pre])
        state[lid] = 2

    for lid in sorted(by_id):
        if lid not in state:
            visit(lid, [lid])
    return out


def lint_lesson(
    lesson: Lesson, *, strengths: list[Strength] | None = None, mutation: bool = False
) -> list[Problem]:
    """The checks for one loaded lesson (not the ones that need the whole pack)."""
    out: list[Problem] = []
    out.extend(_prose(lesson))

    ids: dict[str, int] = {}
    for c in lesson.goal:
        if c.id in ids:
            out.append(
                lesson.problem(
                    (*c.path, "id"), f"two checks have the id {c.id!r}", code="lesson-check-id"
                )
            )
        ids[c.id] = 1

    if not lesson.goal and not lesson.exploration:
        out.append(
            lesson.problem(
                ("goal",),
                "the goal is empty: " + FILL_IN["goal"],
                hint="or set `exploration: true` for a lesson without a goal",
                code="lesson-empty-goal",
            )
        )

    # The background on its own must be clean: a broken background is the lesson's fault.
    bg_docs, bg_problems = load_text(lesson.background, BACKGROUND_SOURCE)
    for p in build_cluster(bg_docs, bg_problems).problems:
        if p.severity != "note":
            out.append(_relocate(lesson, "background", p))
    if lesson.decoys.strip():
        decoy_docs, decoy_problems = load_text(lesson.decoys, "decoys")
        for p in build_cluster([*bg_docs, *decoy_docs], decoy_problems).problems:
            if p.severity != "note" and p.file == "decoys":
                out.append(_relocate(lesson, "decoys", p))

    if not lesson.solution.strip() and not lesson.exploration:
        out.append(
            lesson.problem(
                ("solution",),
                "the reference solution is empty: " + FILL_IN["solution"],
                code="lesson-no-solution",
            )
        )
    elif lesson.goal:
        name_problems = _names(lesson)
        out.extend(name_problems)
        # A check whose names are unknown fails for that reason; don't report it twice.
        broken = {
            c.id
            for c in lesson.goal
            for p in name_problems
            if p.severity == "error" and p.field and p.field.startswith(format_path(c.path))
        }
        solution_problems = _grade(lesson, "solution", should_pass=True, skip=broken)
        out.extend(solution_problems)
    if lesson.goal and not lesson.exploration:
        out.extend(_grade(lesson, "starter", should_pass=False))
        if mutation and any(p.severity == "error" for p in out):
            if strengths is not None:
                strengths.append(Strength(lesson.id, skipped="fix the lesson's errors first"))
        elif mutation:
            strength = goal_strength(lesson, equivalent_mutations(lesson))
            if strengths is not None:
                strengths.append(strength)
            starter = check(lesson, lesson.starter, source="starter")
            passing = [r.id for r in starter.results if r.passed and r.type != "valid"]
            out.extend(
                strength_problems(
                    lesson, strength, starter_passing=passing, checks=lesson.goal
                )
            )
    return out


def _prose(lesson: Lesson) -> list[Problem]:
    out = []
    for name in ("introduction", "explanation", "remember"):
        value: str = getattr(lesson, name)
        if not value.strip():
            out.append(
                lesson.problem(
                    (name,), f"`{name}` is missing: {FILL_IN[name]}", code="lesson-missing-text"
                )
            )
    if not lesson.hints:
        out.append(
            lesson.problem(
                ("hints",),
                "the lesson has no hints: " + FILL_IN["hints"],
                code="lesson-missing-text",
            )
        )
    fields = {
        "title": lesson.title,
        "introduction": lesson.introduction,
        "background": lesson.background,
        "starter": lesson.starter,
        "solution": lesson.solution,
        "explanation": lesson.explanation,
        "remember": lesson.remember,
    }
    for name, value in fields.items():
        if SCAFFOLD_MARKER in value:
            out.append(
                lesson.problem(
                    (name,),
                    f"`{name}` still has the scaffold's {SCAFFOLD_MARKER}: " + FILL_IN[name],
                    code="scaffold-todo",
                )
            )
    for i, hint in enumerate(lesson.hints):
        if SCAFFOLD_MARKER in hint:
            out.append(
                lesson.problem(
                    ("hints", i),
                    f"hint {i + 1} still has the scaffold's {SCAFFOLD_MARKER}: " + FILL_IN["hints"],
                    code="scaffold-todo",
                )
            )
    return out


def _relocate(lesson: Lesson, field: str, p: Problem) -> Problem:
    """A problem inside an embedded YAML block -> a position in the lesson file."""
    line, col = lesson.block_position(field, p.line, p.column)
    return Problem(
        p.severity,
        f"in `{field}`: {p.message}",
        file=lesson.source,
        line=line,
        column=col,
        obj=p.obj,
        field=p.field,
        hint=p.hint,
        code=p.code or "lesson-embedded-yaml",
    )


def _names(lesson: Lesson) -> list[Problem]:
    """Every name in a check must exist in the background (with the decoys) plus the reference
    solution."""
    bg_docs, bg_problems = load_text(lesson.cluster_yaml(), BACKGROUND_SOURCE)
    docs, problems = load_text(lesson.solution, "solution")
    cluster = build_cluster([*bg_docs, *docs], [*bg_problems, *problems])
    ev = Evaluator(cluster, externals=goal_addresses(lesson))
    out: list[Problem] = []
    for c in lesson.goal:
        refs: list[NameRef] = c.names()
        for ref in refs:
            message = _missing(ev, ref)
            if message:
                out.append(
                    lesson.problem(
                        ref.path,
                        message,
                        code="lesson-unknown-name",
                        hint="names are namespace/name, svc:namespace/name "
                        "or an IP address; the background plus the solution "
                        "must define them",
                    )
                )
        if isinstance(c, TableCheck) and c.nodes is not None:
            node_ids = set()
            for n in c.nodes:
                t = resolve(ev, n, as_source=False)
                if not isinstance(t, Unresolved):
                    node_ids.add(t.id)
            for o in c.overrides:
                for text, key in ((o.source, "from"), (o.destination, "to")):
                    if text is None:
                        continue
                    t = resolve(ev, text, as_source=key == "from")
                    if not isinstance(t, Unresolved) and t.id not in node_ids:
                        out.append(
                            lesson.problem(
                                (*o.path, key),
                                f"{text!r} is not one of the table's nodes, so this override "
                                "changes no cell",
                                severity="warning",
                                code="lesson-override-unused",
                            )
                        )
    return out


def _missing(ev: Evaluator, ref: NameRef) -> str | None:
    cluster = ev.cluster
    if ref.role == "service":
        sid = service_id(ref.text)
        if cluster.service(sid) is None:
            return f"the check names Service {sid}, which neither the background nor the solution defines"
        return None
    if ref.role == "policy":
        pid = qualify(ref.text)
        if not any(p.id == pid for p in cluster.policies):
            return f"the check names NetworkPolicy {pid}, which neither the background nor the solution defines"
        return None
    t = resolve(ev, ref.text, as_source=ref.role == "source")
    if isinstance(t, Unresolved):
        return f"the check names {ref.text!r}, but there is {t.reason} in the background plus the solution"
    if ref.role == "pod" and not isinstance(t, Pod):
        return f"the check needs a pod here, and {ref.text!r} is not one"
    if ref.role == "source" and isinstance(t, Service):
        return f"{ref.text!r} is a Service, and a Service cannot be the source of a connection"
    return None


def _grade(
    lesson: Lesson, which: str, *, should_pass: bool, skip: set[str] | None = None
) -> list[Problem]:
    yaml_text: str = getattr(lesson, which)
    report = check(lesson, yaml_text, source=which)
    if should_pass:
        out = []
        for p in report.problems:
            if p.severity == "error":
                out.append(_relocate(lesson, which, p))
        for r in report.failed:
            if r.type == "valid" or r.id in (skip or set()):
                continue
            reasons = "; ".join(r.reasons[:3]) or "it fails"
            out.append(
                lesson.problem(
                    r.check.path if r.check else (which,),
                    f"the reference solution fails check {r.id!r} ({r.description}): {reasons}",
                    hint="fix the solution or the check",
                    code="lesson-solution-fails",
                )
            )
        return out
    if report.passed:
        return [
            lesson.problem(
                (which,),
                "the starter already passes every check, so there is nothing to do",
                hint="make the starter miss the goal, or set `exploration: true`",
                code="lesson-starter-passes",
            )
        ]
    return []
