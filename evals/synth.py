"""Synthetic scale corpus: policy-shaped Chinese documents for load tests.

    python evals/synth.py OUT_DIR --chunks N [--docs D] [--seed S]

writes ``synth-00001.txt`` … into OUT_DIR. Every document is clearly synthetic (its
title starts with 【合成测试】) and shaped like a real notice: a title, an addressee line (front matter, its own 题注 clause),
a preamble, articles (一、… with a short heading, or 第X条 under 第X章 chapters), some
（一） sub-items, a closing paragraph. Sentences are built from a vocabulary of policy
words, figures, amounts, ratios and durations.

Each sentence ends with 。 and holds no other sentence mark, and every paragraph is one
line that ends with 。 or ：, so :func:`assistant.structure.split_document` yields one
clause per generated sentence (plus one for the title line): the corpus has N clauses in
total. The output is a function of (chunks, docs, seed) only.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TITLE_MARK = "【合成测试】"
FILE_PATTERN = re.compile(r"^synth-\d{5}\.txt$")
CLAUSES_PER_DOC = 150  # default document size when --docs is not given
MIN_CLAUSES_PER_DOC = 2  # a title and one article sentence

ISSUERS = ("人力资源社会保障部", "财政部", "教育部", "工业和信息化部", "国务院国资委", "全国总工会",
           "市场监管总局", "国家发展改革委", "某省人力资源社会保障厅", "某市就业工作领导小组")
DOC_TYPES = ("通知", "意见", "实施办法", "工作方案", "实施细则", "管理办法")
TOPICS = ("职业技能提升行动", "企业新型学徒制", "技能人才评价", "高技能人才培养", "职业技能培训补贴",
          "公共实训基地建设", "技能大师工作室", "职业技能竞赛", "就业见习", "技工教育",
          "乡村工匠培育", "数字技能人才培养", "养老护理员培训", "家政服务员职业化", "康复辅助技术培训")
ADDRESSEES = ("各省、自治区、直辖市及新疆生产建设兵团人力资源社会保障厅（局）、财政厅（局）：",
              "各市、县人力资源社会保障局，各有关单位：",
              "各有关部门、各职业院校、各培训机构：")
SUBJECTS = ("各级人力资源社会保障部门", "财政部门", "教育行政部门", "行业主管部门", "企业", "职业院校",
            "技工院校", "职业培训机构", "行业协会", "工会组织", "技能评价机构", "公共就业服务机构",
            "链主企业", "中小微企业", "国有企业", "民营企业")
ADVERBS = ("进一步", "切实", "积极", "大力", "统筹", "依法", "持续", "加快", "稳步", "全面")
VERBS = ("加强", "完善", "健全", "推动", "落实", "支持", "鼓励", "规范", "深化", "建立", "优化", "推行",
         "扩大", "提升", "创新", "做好")
OBJECTS = ("职业技能培训体系", "技能人才评价制度", "企业新型学徒制", "高技能人才培训基地", "职业技能等级认定",
           "培训补贴发放流程", "技能大师工作室", "岗位练兵和技能竞赛", "公共实训基地", "就业见习岗位",
           "线上培训平台", "职业技能等级证书互通", "技能人才薪酬分配", "培训质量评估", "校企合作机制",
           "产教融合项目", "技能人才信息库", "首席技师制度", "职业标准开发", "培训资金监管")
TARGETS = ("高校毕业生", "农村转移劳动力", "登记失业人员", "退役军人", "企业在职职工", "脱贫劳动力",
           "残疾人", "新就业形态劳动者", "技工院校学生", "返乡创业人员")
SUBSIDIES = ("职业培训补贴", "技能提升补贴", "生活费补贴", "一次性吸纳就业补贴", "以工代训补贴",
             "见习补贴", "技能评价补贴", "创业培训补贴")
CERTIFICATES = ("职业资格证书", "职业技能等级证书", "专项职业能力证书", "培训合格证书")
LEVELS = ("初级工", "中级工", "高级工", "技师", "高级技师", "特级技师", "首席技师")
HEADINGS = ("总体要求", "加强组织领导", "明确支持对象", "规范补贴标准", "强化资金保障", "完善评价机制",
            "拓宽培养渠道", "健全激励机制", "加强监督管理", "优化公共服务", "推进数字化培训",
            "深化校企合作", "提升培训质量", "强化宣传引导", "做好统计分析")
CHAPTERS = ("总则", "培训对象", "补贴标准", "资金管理", "评价认定", "监督检查", "附则")
CLOSING_LINES = ("各有关部门要加强协调配合，确保各项措施落到实处。",
                 "各地要结合实际制定具体实施办法，并及时报送工作进展情况。",
                 "本通知自印发之日起施行，由人力资源社会保障部门负责解释。")
TAILS = ("，所需资金从就业补助资金中列支", "，具体办法由省级人力资源社会保障部门会同财政部门制定",
         "，并按规定做好信息公开和社会监督", "，严禁虚报冒领、套取骗取补贴资金", "，确保资金安全规范高效使用",
         "，及时总结形成可复制可推广的经验做法", "，相关情况纳入年度就业工作目标责任考核")
NUMERALS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (1 ≤ n < 10000), the form policy articles use."""
    if not 0 < n < 10000:
        raise ValueError(f"article number out of range: {n}")
    if n < 10:
        return NUMERALS[n]
    if n < 20:
        return "十" + (NUMERALS[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + NUMERALS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


class Sentences:
    """Policy-like sentences, each ending with 。 and holding no other sentence mark."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._templates = (self._action, self._double_action, self._subsidy, self._duration,
                           self._ratio, self._deadline, self._certificate, self._count)

    def pick(self, words: tuple[str, ...]) -> str:
        return self.rng.choice(words)

    def sentence(self) -> str:
        text = self.rng.choice(self._templates)()
        if self.rng.random() < 0.6:
            text = text[:-1] + self.pick(TAILS) + "。"
        return text

    def heading(self) -> str:
        return self.pick(HEADINGS) + "。"

    def _action(self) -> str:
        return f"{self.pick(SUBJECTS)}要{self.pick(ADVERBS)}{self.pick(VERBS)}{self.pick(OBJECTS)}，{self.pick(VERBS)}{self.pick(OBJECTS)}。"

    def _double_action(self) -> str:
        return (f"{self.pick(ADVERBS)}{self.pick(VERBS)}{self.pick(OBJECTS)}，支持{self.pick(SUBJECTS)}"
                f"{self.pick(VERBS)}{self.pick(OBJECTS)}，{self.pick(VERBS)}{self.pick(OBJECTS)}。")

    def _subsidy(self) -> str:
        amount = self.rng.randrange(5, 60) * 100
        return (f"对{self.pick(TARGETS)}参加{self.pick(OBJECTS)}的，按每人{amount}元的标准给予"
                f"{self.pick(SUBSIDIES)}。")

    def _duration(self) -> str:
        if self.rng.random() < 0.5:
            span = f"{self.rng.randint(1, 5)}年"
        else:
            span = f"{self.rng.choice((3, 6, 12, 18, 24))}个月"
        return f"{self.pick(SUBSIDIES)}的享受期限最长不超过{span}，期满后不再重复享受。"

    def _ratio(self) -> str:
        share = self.rng.choice((10, 15, 20, 30, 40, 50, 60, 70))
        return f"{self.pick(SUBJECTS)}提取的职工教育经费中，用于一线职工培训的比例不低于{share}％。"

    def _deadline(self) -> str:
        days = self.rng.choice((5, 10, 15, 20, 30))
        return f"{self.pick(SUBJECTS)}应当在收到申请之日起{days}个工作日内完成{self.pick(OBJECTS)}审核。"

    def _certificate(self) -> str:
        return (f"{self.pick(TARGETS)}取得{self.pick(LEVELS)}{self.pick(CERTIFICATES)}的，"
                f"可按规定申领{self.pick(SUBSIDIES)}。")

    def _count(self) -> str:
        return (f"到{self.rng.randint(2026, 2035)}年，{self.pick(ADVERBS)}建设{self.rng.randint(2, 300)}个"
                f"{self.pick(OBJECTS)}示范项目，培养{self.rng.randint(1, 50)}万名{self.pick(LEVELS)}。")


@dataclass
class DocPlan:
    number: int
    clauses: int  # clause count the document must split into


def plan_documents(chunks: int, docs: int | None, rng: random.Random) -> list[DocPlan]:
    """Split ``chunks`` clauses over the documents, sizes varying ±50 %, each ≥ 2."""
    if chunks < MIN_CLAUSES_PER_DOC:
        raise ValueError(f"--chunks must be at least {MIN_CLAUSES_PER_DOC}")
    docs = docs or max(1, round(chunks / CLAUSES_PER_DOC))
    docs = max(1, min(docs, chunks // MIN_CLAUSES_PER_DOC))
    weights = [rng.uniform(0.5, 1.5) for _ in range(docs)]
    spare = chunks - MIN_CLAUSES_PER_DOC * docs
    sizes = [MIN_CLAUSES_PER_DOC + int(spare * w / sum(weights)) for w in weights]
    for i in range(chunks - sum(sizes)):  # rounding leftovers, one each
        sizes[i % docs] += 1
    return [DocPlan(i + 1, n) for i, n in enumerate(sizes)]


class DocumentWriter:
    """One document as a list of lines (paragraphs) whose sentences add up to a plan."""

    def __init__(self, plan: DocPlan, rng: random.Random):
        self.plan = plan
        self.rng = rng
        self.say = Sentences(rng)
        self.lines: list[str] = []
        self.budget = plan.clauses

    def text(self) -> str:
        self._title()
        if self.budget >= 8:
            self._front_matter()
        closing = 1 if self.budget >= 4 else 0
        self.budget -= closing
        if self.rng.random() < 0.3:
            self._numbered_articles()
        else:
            self._listed_articles()
        if closing:
            self.lines.append(self.rng.choice(CLOSING_LINES))
        return "\n".join(self.lines) + "\n"

    def _sentences(self, n: int) -> str:
        self.budget -= n
        return "".join(self.say.sentence() for _ in range(n))

    def _title(self) -> str:
        topic = self.say.pick(TOPICS)
        title = f"{TITLE_MARK}{self.say.pick(ISSUERS)}关于{topic}的{self.say.pick(DOC_TYPES)}"
        self.lines.append(title)  # ends with the document type: cleaning keeps it a line of its own
        self.budget -= 1

    def _front_matter(self) -> None:
        self.lines.append(self.say.pick(ADDRESSEES))  # front matter: a 题注 clause
        self.budget -= 1
        preamble = f"为{self.say.pick(ADVERBS)}{self.say.pick(VERBS)}{self.say.pick(OBJECTS)}，现就有关事项通知如下。"
        self.budget -= 1
        self.lines.append(preamble + self._sentences(1))

    def _article_size(self) -> int:
        return min(self.budget, self.rng.randint(3, 9))

    def _listed_articles(self) -> None:
        """一、heading。sentences — some articles with （一） sub-items."""
        number = 0
        while self.budget > 0:
            number += 1
            size = self._article_size()
            label = f"{cn_number(number)}、"
            self.budget -= 1
            if size >= 4 and self.rng.random() < 0.35:
                self.lines.append(label + self.say.heading())
                self._items(size - 1)
            else:
                self.lines.append(label + self.say.heading() + self._sentences(size - 1))

    def _items(self, sentences: int) -> None:
        item = 0
        while sentences > 0:
            item += 1
            n = min(sentences, self.rng.randint(1, 3))
            sentences -= n
            self.lines.append(f"（{cn_number(item)}）" + self._sentences(n))

    def _numbered_articles(self) -> None:
        """第X章 chapters (no clause of their own) holding 第X条 articles."""
        number, chapter = 0, 0
        while self.budget > 0:
            if number % 4 == 0 and chapter < len(CHAPTERS):
                chapter += 1
                self.lines.append(f"第{cn_number(chapter)}章　{CHAPTERS[chapter - 1]}")
            number += 1
            self.lines.append(f"第{cn_number(number)}条　" + self._sentences(self._article_size()))


def remove_stale(out_dir: Path, keep: set[str]) -> None:
    """Delete synthetic files of an earlier run that this run does not rewrite."""
    for path in out_dir.glob("synth-*.txt"):
        if FILE_PATTERN.match(path.name) and path.name not in keep:
            with open(path, encoding="utf-8") as fh:
                if fh.readline().startswith(TITLE_MARK):
                    path.unlink()


def generate(out_dir: Path, chunks: int, docs: int | None = None, seed: int = 0) -> list[Path]:
    """Write synthetic documents totalling ``chunks`` clauses; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    plans = plan_documents(chunks, docs, rng)
    paths = [out_dir / f"synth-{plan.number:05d}.txt" for plan in plans]
    remove_stale(out_dir, {p.name for p in paths})
    for plan, path in zip(plans, paths):
        text = DocumentWriter(plan, random.Random(f"{seed}:{plan.number}")).text()
        path.write_text(text, encoding="utf-8", newline="\n")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成合成测试语料 (synthetic policy corpus for scale tests)")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--chunks", type=int, required=True, help="total clauses after splitting")
    parser.add_argument("--docs", type=int, default=None, help=f"documents (default: chunks / {CLAUSES_PER_DOC})")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        paths = generate(args.out_dir, args.chunks, args.docs, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"{len(paths)} documents, {args.chunks} clauses → {args.out_dir} ({time.perf_counter() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
