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
    from .documents import record_line

    for record in bot.index.snapshot.records.values():  # what was read from each text (never invented)
        print("  " + record_line(record))
    return 0


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    print(answer.answer)
    print(f"\n[{answer.status}] 语料版本 {answer.corpus_version} · {answer.latency_ms:.0f} ms")


def cmd_ask(bot, args) -> int:
    _print_answer(bot.ask(args.question, as_of=args.as_of), args.json)
    return 0


def cmd_batch(bot, args) -> int:
    try:
        if args.infile == "-":  # standard input, read as UTF-8 bytes whatever the locale
            text = sys.stdin.buffer.read().decode("utf-8")
            lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        else:
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
        answer = bot.chat(turns, as_of=item.get("as_of"))
        print(json.dumps(answer.to_dict(id=item.get("id")), ensure_ascii=False), flush=True)
    return 0


def cmd_eval(bot, args) -> int:
    from pathlib import Path

    from .baselines import side_by_side, summary_entries
    from .evaluation import gate_failures, report_markdown, run, suite_assistant, suites
    from .settings import ROOT

    known = suites(ROOT)
    names = args.suite or list(known)
    failed = []
    for name in names:
        suite = known[name]
        gold = Path(args.gold) if name == "seed" and args.gold else suite.gold
        report_path = Path(args.report) if name == "seed" and args.report else suite.report
        if args.report_dir:
            report_path = Path(args.report_dir) / f"{name}-report.md"
        eligibility = Path(args.eligibility) if name == "seed" and args.eligibility else suite.eligibility
        started = time.perf_counter()
        asked = suite_assistant(bot, suite)
        results, summary = run(asked, gold, eligibility, suite.entitlements)
        if suite.baselines:  # BM25-only and dense-only on the same index, side by side
            scores = side_by_side(asked, [r.case for r in results], [r.answer for r in results])
            summary.update(summary_entries(scores))
        summary["suite_seconds"] = time.perf_counter() - started
        title = "评测报告 (eval report)" if name == "seed" else f"评测报告：{name} (eval report)"
        shown = gold.relative_to(ROOT) if gold.is_absolute() and gold.is_relative_to(ROOT) else gold
        report = report_markdown(summary, results, bot.embedder.id, str(shown), suite.gates, title,
                                 list_misses=not suite.held_out)
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(report, encoding="utf-8")
        report_path.with_suffix(".json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        print(report)
        failed += [f"{name}: {f}" for f in gate_failures(summary, suite.gates)]
    if failed and args.check:
        print("低于门槛 (below gate): " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


def cmd_rules(bot, args) -> int:
    """``rules list`` (by document, disabled ones with the reason), ``rules suggest [DOC]``
    (candidate rules from a corpus document or any readable file), ``rules test`` (every
    rule's example cases; exit 1 when one fails)."""
    from pathlib import Path

    from .eligibility import RuleBase
    from .rulebook import Rulebook, run_examples

    corpus = bot.settings.corpus_dir
    if args.action == "list":
        rulebase = RuleBase.from_corpus(corpus)
        for doc_id, rules in rulebase.grouped().items():
            print(f"《{doc_id}》")
            for r in rules:
                print(f"  {r.id}  {r.title}（第{r.article}条，{len(r.conditions)} 个条件，{len(r.examples)} 个用例，版本 {r.version}）")
        for off in rulebase.off.values():
            print(f"  [已停用] {off.id} {off.title}：{off.reason}")
        return 0
    if args.action == "test":
        results = run_examples(RuleBase.from_corpus(corpus))
        for e in results:
            if not e.ok:
                print(f"失败 {e.rule_id}#{e.number}: 应为 {e.expected}，实为 {e.got}")
        print(f"规则用例：{sum(e.ok for e in results)}/{len(results)} 通过")
        return 0 if all(e.ok for e in results) else 1
    from .ingest import corpus_files, doc_id_for, load_document
    from .structure import split_document
    from .suggest import suggest

    if args.doc and Path(args.doc).is_file():
        sources = [Path(args.doc)]
    else:
        sources = [p for p in corpus_files(corpus) if not args.doc or doc_id_for(p) == args.doc]
        if not sources:
            raise InputError(f"语料中没有文档 {args.doc!r}：给出文档编号（见 `policy-assistant rules list`）或文件路径")
    book = Rulebook(corpus)
    for path in sources:
        found = suggest(split_document(load_document(path)))
        if args.json:
            for n, s in enumerate(found, 1):
                print(json.dumps(s.to_rule(f"{doc_id_for(path)}-{n}"), ensure_ascii=False))
            continue
        print(f"《{doc_id_for(path)}》：{len(found)} 条候选（接受前不生效）")
        for n, s in enumerate(found, 1):
            print(f"\n{n}. {s.article}：{s.benefit}")
            print(f"   原句：{s.sentence}")
            for c in s.conditions:
                rule = "" if c.op in ("true", "in") else f" {c.op} {c.value:g}{c.unit}" if isinstance(c.value, float) else ""
                print(f"   - [{c.kind}{rule}] {c.text}")
    del book
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
    p.add_argument("--as-of", default=None, help="按这一天有效的文件回答（如 2023-03-01；默认今天）")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("batch", help="批量回答 JSONL: {\"id\", \"turns\": [...], \"as_of\": 可选} 每行一个对话")
    p.add_argument("infile", help="JSONL 文件，或 - 表示标准输入")
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("eval", help="在金标准集上评测（默认全部评测集：seed、multidoc、documents、external）")
    p.add_argument("--suite", action="append", choices=("seed", "multidoc", "documents", "external"), help="只跑这个评测集（可重复）")
    p.add_argument("--gold", default=None, help="seed 评测集的金标准文件（默认 evals/gold.jsonl）")
    p.add_argument("--eligibility", default=None, help="资格判断用例（默认 evals/eligibility.jsonl）")
    p.add_argument("--report", default=None, help="seed 报告路径（默认 evals/report.md；同名 .json 为指标）")
    p.add_argument("--report-dir", default=None, help="把每个评测集的报告写到这个目录（<评测集>-report.md）")
    p.add_argument("--check", action="store_true", help="低于门槛时退出码为 1")
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("rules", help="权益规则：list 按文件列出；suggest [DOC] 从原文找候选规则；test 运行每条规则的用例")
    p.add_argument("action", choices=("list", "suggest", "test"))
    p.add_argument("doc", nargs="?", default=None, help="suggest：文档编号或文件路径（默认语料中全部文档）")
    p.add_argument("--json", action="store_true", help="suggest：每行输出一条候选规则（规则文件格式）")
    p.set_defaults(func=cmd_rules)
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
