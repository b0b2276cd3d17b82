"""Command line: ``policy-assistant ingest|ask|batch``. Errors become one line on
stderr and a non-zero exit, never a traceback."""
from __future__ import annotations

import argparse
import json
import sys
import time

from .errors import InputError, PolicyAssistantError

EXIT_ERROR = 2


def _progress():
    started = time.perf_counter()

    def show(done: int, total: int, message: str) -> None:
        if total <= 0:
            return
        elapsed = time.perf_counter() - started
        eta = elapsed / done * (total - done) if done else 0.0
        bar = "#" * int(30 * done / total)
        print(f"\r{message}: [{bar:<30}] {done}/{total}  ETA {eta:5.1f}s", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)

    return show


def cmd_ingest(bot, args) -> int:
    report = bot.ingest(args.path, progress=_progress())
    state = "索引已是最新，直接复用" if report.reused else f"重新嵌入 {len(report.embedded)} 个文档"
    print(f"{state}: {report.documents} 个文档, {report.clauses} 个条款, 语料版本 {report.corpus_version}, {report.seconds:.1f}s")
    return 0


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    print(answer.answer)
    print(f"\n[{answer.status}] 语料版本 {answer.corpus_version} · {answer.latency_ms:.0f} ms")


def cmd_ask(bot, args) -> int:
    _print_answer(bot.ask(args.question), args.json)
    return 0


def cmd_batch(bot, args) -> int:
    try:
        with open(args.infile, encoding="utf-8") as fh:
            lines = [(n, line) for n, line in enumerate(fh, 1) if line.strip()]
    except UnicodeDecodeError as exc:
        raise InputError(f"{args.infile}: 不是 UTF-8 文本 (not UTF-8 at byte {exc.start}): save it as UTF-8") from exc
    for n, line in lines:
        try:
            item = json.loads(line)
            turns = item["turns"]
            if not isinstance(turns, list) or not all(isinstance(t, str) for t in turns):
                raise TypeError
        except (json.JSONDecodeError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: absurd nesting
            raise InputError(f"{args.infile}:{n}: 需要 {{\"id\": ..., \"turns\": [\"...\"]}} (bad line: {exc!r})") from exc
        answer = bot.chat(turns)
        print(json.dumps(answer.to_dict(id=item.get("id")), ensure_ascii=False), flush=True)
    return 0


def cmd_eval(bot, args) -> int:
    from pathlib import Path

    from .evaluation import gate_failures, report_markdown, run

    results, summary = run(bot, Path(args.gold), Path(args.eligibility))
    report = report_markdown(summary, results, bot.embedder.id)
    if args.report:
        Path(args.report).write_text(report, encoding="utf-8")
        Path(args.report).with_suffix(".json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report)
    failures = gate_failures(summary)
    if failures and args.check:
        print("低于门槛 (below gate): " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, like every other error (the usage is one --help away)."""

    def error(self, message: str):
        self.exit(EXIT_ERROR, f"错误: {self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policy-assistant", description="政策助手: 技能政策问答（离线，引用原文）")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="构建或更新索引")
    p.add_argument("path", nargs="?", default=None, help="语料目录（默认 corpus/）")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("ask", help="提一个问题")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("batch", help="批量回答 JSONL: {\"id\", \"turns\": [...]} 每行一个对话")
    p.add_argument("infile")
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("eval", help="在金标准集上评测")
    p.add_argument("--gold", default="evals/gold.jsonl")
    p.add_argument("--eligibility", default="evals/eligibility.jsonl")
    p.add_argument("--report", default="evals/report.md", help="写入报告（同名 .json 为指标）")
    p.add_argument("--check", action="store_true", help="低于门槛时退出码为 1")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from .core import PolicyAssistant

        bot = PolicyAssistant.from_settings()
        return args.func(bot, args)
    except PolicyAssistantError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"错误: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
