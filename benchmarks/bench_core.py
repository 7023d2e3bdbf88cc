"""Benchmark of the core engine on synthetic clusters (see benchmarks/README.md).

    python benchmarks/bench_core.py                    # 100, 1000, 5000, 20000 pods
    python benchmarks/bench_core.py --sizes 100,1000   # choose sizes
    python benchmarks/bench_core.py --sizes 1000 --profile   # cProfile each stage instead

For each size the cluster is generated into a temporary folder first (not timed); then a fresh
Python process loads it and times, with `time.perf_counter`:

    load      `load_cluster([file])`                        (read + parse YAML + validate + build)
    matrix    `Evaluator(cluster)` + `ev.class_matrix()`    (the full pod-level matrix, per class)
    connlist  `to_connlist(Matrix.build(ev, "workload"))`  written to a file; and at pod
              granularity too for sizes <= --pod-connlist-max (default 1000)
    explain   `explain(ev, src, dst, probe)` for one cell  (median of 5)

Memory is the peak resident set size of that process (`ru_maxrss`), read after load+matrix and
again at the end, so tracing does not slow the timings down. Each size runs in its own process,
so one size's garbage never counts against the next.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

DEFAULT_SIZES = (100, 1000, 5000, 20000)

# Targets from the issue (2-core machine).
T1_PODS, T1_SECONDS = 1000, 1.0  # load + full matrix + connlist output
T2_PODS, T2_SECONDS, T2_MB = 20000, 60.0, 2048  # computed, not printed pair by pair
T3_MS = 250.0  # `matrix` on a tiny file, over a bare `python -c pass`


def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    On Linux this is `VmHWM` from /proc/self/status: `ru_maxrss` survives exec, so a child
    spawned by a big parent would report the parent's size (the generated YAML) as its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# --------------------------------------------------------------------------------------------
# The measured work (runs in a child process)


class _Clock:
    """Wall time (`perf_counter`) and CPU time (`process_time`) of one stage.

    The CPU time is what the stage would take on an idle machine (the work is single-threaded);
    the wall time is what a user waits. On a busy machine the two differ, so both are kept.
    """

    def __enter__(self) -> _Clock:
        self.wall = self.cpu = 0.0
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c


def _pick_cell(ev: Any) -> tuple[Any, Any, Any]:
    """A deterministic, interesting cell: a destination isolated for ingress, a source elsewhere."""
    from k8snet_tutor.core.ports import PortProbe

    pods = sorted(ev.pods, key=lambda p: p.id)
    dst = next(
        (p for p in pods if ev.isolation(p)[0] and p.ports and p.namespace != "kube-system"),
        pods[-1],
    )
    src = next(
        (p for p in pods if p.namespace != dst.namespace and ev.isolation(p)[1]),
        next((p for p in pods if p.id != dst.id), pods[0]),
    )
    cp = dst.ports[0] if dst.ports else None
    probe = PortProbe(cp.name or cp.port, cp.protocol) if cp else PortProbe(80, "TCP")
    return src, dst, probe


def measure(path: str, *, pod_connlist_max: int, out_dir: str) -> dict[str, Any]:
    from k8snet_tutor.core.cluster import load_cluster
    from k8snet_tutor.core.evaluate import Evaluator
    from k8snet_tutor.core.matrix import Matrix, to_connlist

    res: dict[str, Any] = {"rss_start_mb": _rss_mb()}
    with _Clock() as c:
        cluster = load_cluster([path])
    res["load_s"], res["load_cpu_s"] = c.wall, c.cpu
    res["pods"] = len(cluster.pods)
    res["policies"] = len(cluster.policies)
    res["namespaces"] = len(cluster.namespaces)
    res["errors"] = sum(1 for p in cluster.problems if p.severity == "error")
    res["rss_load_mb"] = _rss_mb()

    with _Clock() as c:
        ev = Evaluator(cluster)
    res["evaluator_s"], res["evaluator_cpu_s"] = c.wall, c.cpu
    with _Clock() as c:
        ev.class_matrix()
    res["class_matrix_s"], res["class_matrix_cpu_s"] = c.wall, c.cpu
    res["matrix_s"] = res["evaluator_s"] + res["class_matrix_s"]
    res["matrix_cpu_s"] = res["evaluator_cpu_s"] + res["class_matrix_cpu_s"]
    res["classes"] = ev.n
    res["conn_sets"] = len(ev.conns)
    res["rss_matrix_mb"] = _rss_mb()

    for granularity in ("workload", "pod"):
        if granularity == "pod" and res["pods"] > pod_connlist_max:
            continue
        target = os.path.join(out_dir, f"connlist-{granularity}.txt")
        with _Clock() as c:
            m = Matrix.build(ev, granularity)
            text = to_connlist(m)
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        res[f"connlist_{granularity}_s"] = c.wall
        res[f"connlist_{granularity}_cpu_s"] = c.cpu
        res[f"connlist_{granularity}_lines"] = text.count("\n")
        res[f"connlist_{granularity}_nodes"] = len(m.nodes)
        res[f"connlist_{granularity}_mb"] = len(text) / 1e6
        del text, m
        os.unlink(target)

    try:
        from k8snet_tutor.core.explain import explain
    except ImportError as exc:
        res["explain_ms"] = None
        res["explain_note"] = f"n/a ({exc})"
    else:
        src, dst, probe = _pick_cell(ev)
        times = []
        verdict = ""
        for _ in range(5):
            t = time.perf_counter()
            exp = explain(ev, src, dst, probe)
            verdict = exp.summary()
            times.append(time.perf_counter() - t)
        res["explain_ms"] = statistics.median(times) * 1000
        res["explain_note"] = verdict
    res["rss_end_mb"] = _rss_mb()
    return res


def profile(path: str, *, pod_connlist_max: int, top: int) -> None:
    """cProfile each stage and print the hottest functions (own time and cumulative)."""
    import cProfile
    import io
    import pstats

    from k8snet_tutor.core.cluster import load_cluster
    from k8snet_tutor.core.evaluate import Evaluator
    from k8snet_tutor.core.matrix import Matrix, to_connlist

    state: dict[str, Any] = {}

    def stage_load() -> None:
        state["cluster"] = load_cluster([path])

    def stage_matrix() -> None:
        ev = Evaluator(state["cluster"])
        ev.class_matrix()
        state["ev"] = ev

    def stage_connlist(granularity: str) -> None:
        to_connlist(Matrix.build(state["ev"], granularity))  # type: ignore[arg-type]

    stages: list[tuple[str, Any]] = [
        ("load", stage_load),
        ("matrix", stage_matrix),
        ("connlist workload", lambda: stage_connlist("workload")),
    ]
    if pod_connlist_max >= 0:
        stages.append(("connlist pod", lambda: stage_connlist("pod")))
    for name, fn in stages:
        if name == "connlist pod" and len(state["cluster"].pods) > pod_connlist_max:
            continue
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.runcall(fn)
        wall = time.perf_counter() - t
        for order in ("tottime", "cumulative"):
            buf = io.StringIO()
            stats = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(order)
            stats.print_stats(top)
            body = buf.getvalue()
            start = body.find("   ncalls")
            print(f"\n### {name}: top {top} by {order} (profiled wall {wall:.2f} s)\n")
            print(body[start:].rstrip() if start >= 0 else body.rstrip())
        sys.stdout.flush()


# --------------------------------------------------------------------------------------------
# The parent: generate, run one child per size, print the table


def _run_child(path: str, args: argparse.Namespace, out_dir: str) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        path,
        "--pod-connlist-max",
        str(args.pod_connlist_max),
        "--out-dir",
        out_dir,
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=args.timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {args.timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"failed": f"exit {proc.returncode}: " + " | ".join(tail)}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several runs of one size -> one: the fastest time and the largest peak of each field.

    The minimum is the usual estimate of the undisturbed time on a machine shared with other
    work; memory peaks hardly vary between runs.
    """
    good = [r for r in runs if "failed" not in r]
    if not good:
        return runs[0]
    out = dict(good[0])
    for key, value in good[0].items():
        values = [r[key] for r in good if r.get(key) is not None]
        if not values or not isinstance(value, int | float):
            continue
        if key.endswith(("_s", "_ms")):
            out[key] = min(values)
        elif key.startswith("rss_"):
            out[key] = max(values)
    out["runs"] = len(good)
    return out


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _wc(r: dict[str, Any], key: str) -> str:
    """`wall (cpu)` seconds of a stage."""
    return f"{r[key + '_s']:.3f} ({r[key + '_cpu_s']:.3f})"


def _verdict(size: int, r: dict[str, Any]) -> str:
    """PASS/FAIL for the targets that apply to this size; judged on wall time, as the issue asks.

    "PASS on CPU" means the wall time missed but the CPU time (what an idle machine would
    take) met the target: the machine was busy with other work during the run.
    """
    if "failed" in r:
        return f"FAIL ({str(r['failed'])[:60]})"

    def word(wall: float, cpu: float, limit: float, extra_ok: bool = True) -> str:
        if wall < limit and extra_ok:
            return "PASS"
        return "PASS on CPU" if cpu < limit and extra_ok else "FAIL"

    if size == T1_PODS:
        wall = r["load_s"] + r["matrix_s"] + r["connlist_workload_s"]
        cpu = r["load_cpu_s"] + r["matrix_cpu_s"] + r["connlist_workload_cpu_s"]
        text = (
            f"T1 {word(wall, cpu, T1_SECONDS)}: {wall:.2f} s ({cpu:.2f} s CPU) < {T1_SECONDS:.0f} s"
        )
        if "connlist_pod_s" in r:
            pwall = r["load_s"] + r["matrix_s"] + r["connlist_pod_s"]
            pcpu = r["load_cpu_s"] + r["matrix_cpu_s"] + r["connlist_pod_cpu_s"]
            text += f"; with pod-level connlist {word(pwall, pcpu, T1_SECONDS)}: {pwall:.2f} s ({pcpu:.2f} s CPU)"
        return text
    if size == T2_PODS:
        wall = r["load_s"] + r["matrix_s"]
        cpu = r["load_cpu_s"] + r["matrix_cpu_s"]
        mem_ok = r["rss_matrix_mb"] < T2_MB
        return (
            f"T2 {word(wall, cpu, T2_SECONDS, mem_ok)}: {wall:.1f} s ({cpu:.1f} s CPU) "
            f"< {T2_SECONDS:.0f} s, {r['rss_matrix_mb']:.0f} MB < {T2_MB} MB"
        )
    return "-"


def table(results: list[tuple[int, dict[str, Any]]]) -> str:
    head = (
        "| pods | policies | ns | classes | load s | matrix s | connlist s (workload) "
        "| connlist s (pod) | explain ms | peak MB (load+matrix / all) | target |"
    )
    lines = [
        "Times are wall seconds (CPU seconds in parentheses); matrix = Evaluator() + class_matrix().",
        "",
        head,
        "|" + "---:|" * 10 + "---|",
    ]
    for size, r in results:
        if "failed" in r:
            lines.append(f"| {size} | | | | | | | | | | {_verdict(size, r)} |")
            continue
        wl = (
            f"{_wc(r, 'connlist_workload')}: {r['connlist_workload_nodes']} nodes, "
            f"{r['connlist_workload_lines']:,} lines"
        )
        pod = (
            f"{_wc(r, 'connlist_pod')}: {r['connlist_pod_lines']:,} lines"
            if "connlist_pod_s" in r
            else "-"
        )
        lines.append(
            f"| {r['pods']} | {r['policies']} | {r['namespaces']} | {r['classes']} "
            f"| {_wc(r, 'load')} | {_wc(r, 'matrix')} | {wl} | {pod} "
            f"| {_fmt(r['explain_ms'], '.2f')} "
            f"| {r['rss_matrix_mb']:.0f} / {r['rss_end_mb']:.0f} | {_verdict(size, r)} |"
        )
    return "\n".join(lines)


TINY = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}]}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]}
status: {podIP: 10.0.0.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
"""


def cli_start(tmp: str, runs: int = 5) -> tuple[str, float | None]:
    """Median wall time of `python -m k8snet_tutor matrix tiny.yaml` minus `python -c pass`."""
    if not (ROOT / "k8snet_tutor" / "cli" / "main.py").exists():
        return "n/a (k8snet_tutor/cli/main.py does not exist)", None
    tiny = os.path.join(tmp, "tiny.yaml")
    with open(tiny, "w", encoding="utf-8") as fh:
        fh.write(TINY)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "k8snet_tutor", "matrix", tiny, "--format", "connlist"]
    bare = [sys.executable, "-c", "pass"]

    def children_cpu() -> float:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    def median(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
        """Median wall and CPU (user+sys of the child) seconds of `runs` runs, after a warm-up."""
        walls, cpus = [], []
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)  # warm
        for _ in range(runs):
            c = children_cpu()
            t = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
            walls.append(time.perf_counter() - t)
            cpus.append(children_cpu() - c)
        return statistics.median(walls), statistics.median(cpus), proc

    t_bare, c_bare, _ = median(bare)
    t_cli, c_cli, proc = median(cmd)
    # The tiny file allows shop/web -> shop/db on TCP 5432: a working command prints that line.
    if "shop/db" not in proc.stdout or "=>" not in proc.stdout:
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-2:])
        return f"n/a (`matrix` did not print the connlist; exit {proc.returncode}: {tail})", None
    extra_ms = (t_cli - t_bare) * 1000
    extra_cpu_ms = (c_cli - c_bare) * 1000
    if extra_ms < T3_MS:
        verdict = "PASS"
    else:
        verdict = "PASS on CPU" if extra_cpu_ms < T3_MS else "FAIL"
    heavy = [m for m in ("textual", "networkx", "pygments") if _imports(env, tiny, m)]
    text = (
        f"T3 {verdict}: `matrix --format connlist` on a tiny file {t_cli * 1000:.0f} ms "
        f"({c_cli * 1000:.0f} ms CPU) vs `python -c pass` {t_bare * 1000:.0f} ms "
        f"({c_bare * 1000:.0f} ms CPU) -> +{extra_ms:.0f} ms (+{extra_cpu_ms:.0f} ms CPU); "
        f"target < {T3_MS:.0f} ms; median of {runs}; exit code {proc.returncode}"
    )
    if heavy:
        text += f"; heavy modules imported: {', '.join(heavy)}"
    return text, extra_ms


def _imports(env: dict[str, str], tiny: str, module: str) -> bool:
    """Does the `matrix` command import `module`? (checked with -X importtime)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "k8snet_tutor", "matrix", tiny, "--format", "connlist"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    return any(line.rstrip().endswith(f"| {module}") for line in proc.stderr.splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the k8snet_tutor core engine.")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="pod counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--policies-ratio", type=float, default=1 / 3, help="policies per pod (default 1/3)"
    )
    parser.add_argument("--pod-connlist-max", type=int, default=1000,
                        help="also write pod-level connlist up to this many pods")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1,
                        help="fresh processes per size; report the fastest (default 1)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per size")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each stage (in this process) instead of timing")  # fmt: skip
    parser.add_argument("--top", type=int, default=25, help="rows per profile listing")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI start-up measurement")
    parser.add_argument("--keep", metavar="DIR", help="write generated files here and keep them")
    parser.add_argument("--json", action="store_true", help="also print raw results as JSON")
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        res = measure(args.child, pod_connlist_max=args.pod_connlist_max, out_dir=args.out_dir)
        print(json.dumps(res))
        return 0

    from generate import generate

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp_ctx = tempfile.TemporaryDirectory(prefix="k8snet-bench-")
    work = args.keep or tmp_ctx.name
    os.makedirs(work, exist_ok=True)
    results: list[tuple[int, dict[str, Any]]] = []
    print(
        f"# k8snet_tutor core benchmark  (python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, seed {args.seed}, "
        f"best of {max(1, args.repeat)})\n",
        flush=True,
    )
    try:
        for size in sizes:
            path = os.path.join(work, f"cluster-{size}.yaml")
            t = time.perf_counter()
            text = generate(size, max(1, round(size * args.policies_ratio)), args.seed)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
            gen_s = time.perf_counter() - t
            print(
                f"generated {size} pods: {len(text) / 1e6:.1f} MB of YAML in {gen_s:.1f} s "
                "(not counted)",
                file=sys.stderr,
                flush=True,
            )
            del text
            if args.profile:
                print(f"\n## cProfile, {size} pods\n")
                profile(path, pod_connlist_max=args.pod_connlist_max, top=args.top)
                continue
            runs = [_run_child(path, args, work) for _ in range(max(1, args.repeat))]
            r = _combine(runs)
            results.append((size, r))
            if "failed" not in r:
                print(
                    f"  {size}: load {r['load_s']:.2f} s, matrix {r['matrix_s']:.2f} s, "
                    f"connlist {r['connlist_workload_s']:.2f} s, peak {r['rss_end_mb']:.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
            else:
                print(f"  {size}: {r['failed']}", file=sys.stderr, flush=True)
        if args.profile:
            return 0
        print(table(results))
        for size, r in results:
            if r.get("errors"):
                print(f"\nwarning: {size} pods: {r['errors']} validation errors in generated data")
        explained = [(s, r) for s, r in results if r.get("explain_note")]
        if explained:
            s, r = explained[-1]
            print(f"\nexplain ({s} pods): {r['explain_note']}")
        if not args.no_cli:
            text, _ = cli_start(work)
            print(f"\nCLI start: {text}")
        if args.json:
            print("\n" + json.dumps({str(s): r for s, r in results}, indent=2))
    finally:
        tmp_ctx.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
