"""Load time of the clause store: clauses.jsonl (index format 3) vs clauses.sqlite3
(format 4, assistant/clausestore.py) for synthetic corpora.

    python evals/clause_store.py [--sizes 10000 100000] [--repeat 3] [--out evals/clause_store.md]

No embedding: the seed corpus plus evals/synth.py documents are split with
``assistant.structure.split_document`` and written in both formats; each file is then read
back ``--repeat`` times into ``Clause`` objects (what ``PolicyIndex.load`` needs) and the
median is reported, with ``documents.json`` (unchanged) for comparison. Each read runs in
a fresh process, so no parsed object is cached between runs (the page cache is warm, as
on a serving machine that just wrote the index).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READERS = {
    "jsonl": "from assistant.models import Clause\nimport json\n"
             "lines = open(PATH, encoding='utf-8').read().splitlines()\n"
             "items = [Clause(**json.loads(line)) for line in lines if line.strip()]",
    "sqlite": "from assistant.clausestore import read_clauses\nitems = read_clauses(PATH)",
    "documents": "from assistant.models import SourceDocument\nimport json\n"
                 "items = {k: SourceDocument(**v) for k, v in json.loads(open(PATH, encoding='utf-8').read()).items()}",
}
_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
PATH = {path!r}
{imports}
started = time.perf_counter()
{body}
seconds = time.perf_counter() - started
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]  # kB, since exec
print(seconds, len(items), int(peak) / 1024)
"""


def write_corpus(size: int, folder: Path) -> dict[str, Path]:
    """Split the seed corpus plus synthetic documents (≈ ``size`` clauses) and write the
    three files; returns their paths."""
    import importlib.util

    from assistant.clausestore import write_clauses
    from assistant.ingest import load_corpus
    from assistant.structure import split_document

    spec = importlib.util.spec_from_file_location("evals_synth", ROOT / "evals" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = synth
    spec.loader.exec_module(synth)
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for path in (ROOT / "corpus").glob("jineng-*"):
        shutil.copy2(path, corpus / path.name)
    synth.generate(corpus, max(2, size - 44), None, 0)
    documents = load_corpus(corpus)
    clauses = [c for d in documents for c in split_document(d)]
    paths = {"jsonl": folder / "clauses.jsonl", "sqlite": folder / "clauses.sqlite3", "documents": folder / "documents.json"}
    paths["jsonl"].write_text("\n".join(json.dumps(asdict(c), ensure_ascii=False) for c in clauses), encoding="utf-8")
    started = time.perf_counter()
    write_clauses(paths["sqlite"], clauses)
    paths["sqlite_write_s"] = time.perf_counter() - started  # type: ignore[assignment]
    paths["documents"].write_text(json.dumps({d.doc_id: asdict(d) for d in documents}, ensure_ascii=False),
                                  encoding="utf-8")
    paths["count"] = len(clauses)  # type: ignore[assignment]
    return paths


def read_seconds(kind: str, path: Path, repeat: int) -> tuple[float, float]:
    """(median seconds, peak RSS in MB of the reading process)."""
    imports, body = READERS[kind].rsplit("\n", 1)
    code = _CHILD.format(root=str(ROOT), path=str(path), imports=imports, body=body)
    times, peaks = [], []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        seconds, _, peak = out.stdout.split()
        times.append(float(seconds))
        peaks.append(float(peak))
    return statistics.median(times), statistics.median(peaks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "evals" / "clause_store.md"))
    args = parser.parse_args(argv)
    load_average = os.getloadavg()[0]
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="clause-store-") as tmp:
            paths = write_corpus(size, Path(tmp))
            row = {"clauses": paths["count"], "sqlite_write_s": round(paths["sqlite_write_s"], 2)}
            for kind in ("jsonl", "sqlite", "documents"):
                row[f"{kind}_mb"] = round(Path(paths[kind]).stat().st_size / 1e6, 1)
                seconds, peak = read_seconds(kind, Path(paths[kind]), args.repeat)
                row[f"{kind}_s"], row[f"{kind}_rss_mb"] = round(seconds, 3), round(peak)
            rows.append(row)
            print(json.dumps(row), flush=True)
    table = "\n".join(
        f"| {r['clauses']:,} | {r['jsonl_s']} s（{r['jsonl_mb']} MB） | **{r['sqlite_s']} s**（{r['sqlite_mb']} MB） | "
        f"{r['jsonl_s'] / r['sqlite_s']:.1f}× | {r['jsonl_rss_mb']} → **{r['sqlite_rss_mb']}** MB | {r['sqlite_write_s']} s | "
        f"{r['documents_s']} s（{r['documents_mb']} MB） |"
        for r in rows)
    report = f"""# 条款库加载时间（clause store, issue 16 item 3）

`python evals/clause_store.py --sizes {' '.join(map(str, args.sizes))} --repeat {args.repeat}`：种子语料加 `evals/synth.py`
合成文档，用 `assistant.structure.split_document` 切分后（不嵌入）分别写成索引格式 3 的 `clauses.jsonl` 和格式 4 的
`clauses.sqlite3`（`assistant/clausestore.py`），再各读回为 `Clause` 对象（`PolicyIndex.load` 需要的形式）。每次读取在
新进程中进行，取 {args.repeat} 次的中位数；页缓存是热的（与刚建好索引的服务器相同）。`documents.json` 格式未变，列出作对照。

| 条款数 | 之前：clauses.jsonl | 之后：clauses.sqlite3 | 加速 | 读取进程峰值 RSS（之前 → 之后） | 写 sqlite | documents.json（未变） |
|---|---|---|---|---|---|---|
{table}

读取是一条 `SELECT … ORDER BY position`，不再逐行解析 JSON；同一文档的编号、标题、条、标题行、项、章只保留一个字符串对象
（10 万条款来自约 700 个文档，重复很多），`Clause` 不经冻结 dataclass 的 `__init__`（每个字段一次 `object.__setattr__`）直接填充。
峰值 RSS 是只读条款的 Python 进程（含解释器约 10 MB）。
文件在代目录中写好后不再修改，读者以只读、`immutable` 方式打开（不加锁、不读日志），多个进程读同一文件。
损坏检查不变：乱码、截断、空文件、表或列不对、文件缺失都是 `索引文件损坏`，条数与清单不符也是（`tests/test_corruption.py`）。

机器：{platform.system()} {platform.machine()}，{os.cpu_count()} CPU，Python {platform.python_version()}，
开始时系统负载（1 分钟平均）{load_average:.1f}。
"""
    if args.out:
        Path(args.out).write_text(report, encoding="utf-8")
        Path(args.out).with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
