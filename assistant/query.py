"""Question analysis: normalisation (traditional → simplified, length bound), content
terms and their expansion, what kind of figure is asked for, which figures the user
asserts, and explicit article references ("第四条")."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

from .cleaning import NUMERAL, normalise_spaces
from .figures import (asked_kind, asked_unit, claimed, counted_noun, counts, deadline_relation, find, heads_measure,
                      is_bare_predicate, states, states_deadline, states_in_unit)
from .lexicon import Segmenter
from .liability import ASKS_CONSEQUENCE, SANCTION
from .numerals import cn_to_int
from .phrases import with_alternatives

# Words that name the figure rather than what it is about (ignored when checking that a
# quoted figure answers the question).
FIGURE_WORDS = frozenset("比例 多少 百分之 百分 比 占 标准 金额 补贴 资金 钱 上限 下限 最低 最高 最长 最短 最多 最少 至少 至多 规模 几年 几天 期限".split())
ARTICLE_REF = re.compile(rf"第([{NUMERAL}\d]+)条|^([{NUMERAL}]+)、")
INJECTION = re.compile(
    r"(忽略|无视|忘记|不要管|忘掉).{0,12}(规则|指令|提示|设定|以上|之前|前面)|ignore (all|previous|the above)|system prompt|你现在是|扮演|jailbreak|直接(告诉|回答)我.{0,10}(是|为)\d",
    re.I,
)
# A question about the document itself. Who issued it or what it is called: its title
# (标题) and front matter (题注) answer. When it was adopted, amended or takes effect, its
# 文号, whether it is in force: the front matter and the articles that say so answer.
ABOUT_ISSUER = re.compile(
    r"(哪个|哪些|什么|哪几个|几个)(部门|机关|单位|机构).{0,8}(发|印发|发布|制定|颁布|出台|联合)|(谁|哪里).{0,4}(发|印发|发布|制定|颁布|出台)的"
    r"|发文(机关|单位|部门)|(文件|标题|名称)(叫|是)什么|\b(who|which (departments?|agenc(y|ies)|bodies))\b.{0,40}\b(issued?|published|released)\b"
    r"|(哪个|什么)(机关|会议|部门).{0,6}(通过|制定|修订|修正)",
    re.I,
)
ABOUT_DATES = re.compile(
    r"(哪天|哪一天|何时|什么时候|哪一?年|哪个月|几月几[号日]|日期)(开始|起)?(施行|生效|实施|通过|公布|发布|颁布|修订|修正|印发)"
    r"|(施行|生效|实施|通过|公布|发布|颁布|修订|修正)(的)?(日期|时间|年份)|文号|令号|(还|是否|是不是|仍然)(有效|失效|废止|在用)"
    r"|修正过|修订过|修改过"
)
# A question about why the document (or law) was made: its purpose clause answers.
ASKS_PURPOSE = re.compile(r"目的|宗旨|为什么(要)?(制定|出台|发布|印发)|为了什么|\b(purpose|aim|goal)s?\b", re.I)
# How Chinese legal and policy drafting states a document's purpose: "为了…，制定本法。",
# "为…，现就…提出如下意见。", "为…，特制定本办法。"
# How a text states when it takes effect: "本条例自2008年1月1日起施行。", "自公布之日起施行".
EFFECTIVE_CLAUSE = re.compile(r"^本\S{0,8}自.{1,20}起(施行|实施|生效)")
# How a text defines a term: "非全日制用工，是指…", "本办法所称年度，是指公历年度", "…所称X，指…".
DEFINITION_CLAUSE = re.compile(r"(?:所称|^)([^，。；：“”]{2,30}?)[，,]?(?:是指|指的是|系指|(?<=[，,])指)")


def defines(clause_text: str, terms: list[str]) -> bool:
    """Whether ``clause_text`` defines a term made of the question's ``terms`` (what is left
    of the defined term once they are taken out is at most one character)."""
    m = DEFINITION_CLAUSE.search(re.sub(r"[“”\"'‘’\s]", "", clause_text))
    if m is None:
        return False
    defined = re.sub(r"^本\S{0,4}(所称|中的)", "", m.group(1))
    rest = defined
    for term in sorted((t for t in terms if len(t) >= 2), key=len, reverse=True):
        rest = rest.replace(term, "")
    return len(rest) <= 1 and len(defined) - len(rest) >= 2


PURPOSE_CLAUSE = re.compile(r"^为(了)?.{4,}(制定本|特制定|制定如下|现就|提出如下|通知如下|规定如下)")
# What kind of answer a question asks for (issue 13): each kind's interrogatives. A
# follow-up's kind comes from its own words; figure kinds come from assistant.figures.
QUESTION_KINDS = (
    ("conditions", re.compile(r"什么条件|哪些条件|要满足什么|需要满足|满足什么|需要什么条件|符合什么|什么情况下|哪些情况|什么情形|哪些情形|具备什么"
                              r"|犯了?(什么|哪些)错|什么样的?[^，。？?]{0,12}(可以|才能|才可以|能够|会被|应当)")),
    ("when", re.compile(r"什么时候|什么时间|何时|哪天|哪一天|几号|从什么时候|从哪天|多久(以)?内|哪一年|截止|期限内|之前还是之后|\bwhen\b", re.I)),
    ("who", re.compile(r"由谁|谁来|谁负责|谁出|谁承担|哪个部门|哪些部门|哪个机构|哪些机构|向谁|找谁|谁(?!的)|\bwho\b", re.I)),
    # what happens to whoever breaks a rule (the liability chapter's sanction: assistant/liability.py),
    # or what follows from a situation ("请了二十多天事假…会有什么影响")
    ("consequence", re.compile(rf"{ASKS_CONSEQUENCE.pattern}|会有什么影响|会怎么样|会怎样", re.S)),
    ("list", re.compile(r"哪些|哪几|包括什么|包括哪|有什么(?!条件|要求|规定|区别|不同|影响)|都有啥|列举|\bwhich\b", re.I)),
    ("how", re.compile(r"怎么办|如何|怎样|怎么(做|办理|申请|处理|计算|算|解决|给|发|折|补|赔|认定|报|交|走|弄)"
                       r"|按什么(处理|办|计算|算|执行|程序|方式)|流程|程序|步骤|\bhow\b", re.I)),
    ("definition", re.compile(r"是什么(?!时候|时间|条件|标准|情况|意思吗)|指什么|指哪些|指的是哪|什么是|是指|含义|定义"
                              r"|什么性质|是(个|一种)什么|\bwhat is\b", re.I)),
    # "作出是否许可的决定" names a decision, it does not ask whether
    ("yesno", re.compile(r"能不能|可不可以|可以吗|能否|是否(?![^，。？?]{1,10}的(决定|答复|结论|批复|意见|通知))|是不是|有没有|算不算|会不会|要不要|合法吗|吗[？?]?$"
                         r"|^(can|may|is|are|does|do|should|must|will)\b", re.I)),
)
YES_NO = dict(QUESTION_KINDS)["yesno"]
# a term the question quotes, then asks how it is counted or what it takes in ("“月工资”按什么算？")
QUOTED_TERM_ASKED = re.compile(r"[“\"「]([^”\"」，。？?]{2,12})[”\"」][^，。？?]{0,4}(按什么|怎么|如何|包括|指)")
# a yes/no question on what happens or what something is, and one on what may be done
_WILL = r"(?<![机社开工学协大员聚约理体领误晚宴])会(?![议计谈商同员费])"  # 会 as "will", not 机会, 工会, 会议
ASKS_HAPPENING = re.compile(rf"会不会|{_WILL}[^，。？?]{{0,12}}吗|是不是|是否会")
ASKS_PERMISSION = re.compile(r"能不能|能否|可不可以|可以|允许|准许|能[^，。？?]{0,12}吗|行吗|合法吗|要不要|需要|必须|得[^，。？?]{0,8}吗")


def kind_of(text: str) -> str | None:
    """What ``text`` asks for by its interrogatives alone (conditions, when, who, list, how,
    definition, yesno; figure kinds come from :func:`assistant.figures.asked_kind`)."""
    return next((name for name, pattern in QUESTION_KINDS if pattern.search(text)), None)
# A question about someone else's case, asked by HR or the employer ("我们公司新招了一个毕业生…",
# "该员工…", "他签了…"): a request for missing facts then names that person, not "您".
SOMEONE_ELSE = re.compile(
    r"(我们|我司|本公司|公司|单位|企业|厂里|我们厂)(新)?(招|录用|聘用|聘请|招聘|来|有)了?(一|两|几|个|名|位|批)"
    r"|[该这那此](名|位|个)?(员工|职工|毕业生|学徒|劳动者|工人|同事)|(?<![其自])[他她](?!人|们的)|\bHR\b|人事(部门)?(想|要)?问|我是(HR|人事|老板|负责人)",
    re.I)
SPEAKS_FOR_SELF = re.compile(r"^(我|本人)(?!们|司)|[，,。]\s*我(?!们|司)(是|在|今年|刚|已|实习|毕业|签|工作|入职|干)")


def about_someone_else(text: str) -> bool:
    """Whether ``text`` asks about another person's case (HR or an employer asking)."""
    return bool(SOMEONE_ELSE.search(text)) and not SPEAKS_FOR_SELF.search(text)


FOLLOW_UP = re.compile(r"^(那|那么|那如果|如果是|要是|这个|这些|这|它|其|该|还有|另外|再问|同样|上述|刚才|那个|and |what about|how about)", re.I)
# Words that carry no topic of their own: a turn made only of these leans on the conversation.
GENERIC = frozenset("条件 要求 满足 需要 目的 意义 作用 内容 具体 负责 部门 谁 时候 开始 范围 标准 程序 流程 办理 申请 算 包括 包含 哪些 怎么 做 要做 什么 主要 呢 情况 适用 对象 人员 职责".split())
_ASKING = re.compile(r"多少|几|什么|哪|谁|怎")  # a question word jieba took for a noun (多少钱)


def is_question_word(term: str) -> bool:
    """Whether the token ``term`` is a question word jieba kept whole ("几天", "哪天", "多少钱")."""
    return bool(_ASKING.search(term))


def is_figure(term: str) -> bool:
    """Whether the token ``term`` is a figure ("八年", "三个月", "两倍"), not a word (一线, 统一)."""
    return any(f.text == term and f.kind != "date" for f in find(term))
PRONOUN = re.compile(r"这个|这些|这项|这种|该项|该政策|上述|它们?|刚才|前面说的|那个|那种")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@dataclass
class Query:
    raw: str
    text: str  # normalised question
    terms: list[str]
    expanded: list[str]
    asks: str | None = None  # which figure type the question asks for
    asserted: list[str] = field(default_factory=list)  # figures the user claims as the policy (not case facts)
    article_ref: str | None = None  # article number named in the question ("四")
    injection: bool = False
    truncated: bool = False
    case: str = ""  # the conversation's earlier turns: facts of the asker's case ("我累计工作满十五年了")
    # the segmenter's precise word split (Segmenter.words), to tell a word from a piece of one
    words: Callable[[str], list[str]] | None = field(default=None, repr=False, compare=False)
    listed: str = ""  # what a "which ones" question asks to be listed ("哪些人" → 人, "哪些事项" → 事项)

    @cached_property
    def told(self) -> list[str]:
        """The words of the asker's account (``case``), read once however many quotes are checked."""
        return self.words(self.case) if self.case and self.words else []

    @cached_property
    def about_document(self) -> bool:
        """Whether the question asks who issued the document or what it is called (its
        title and front matter may answer)."""
        return bool(ABOUT_ISSUER.search(self.text))

    @cached_property
    def about_dates(self) -> bool:
        """Whether the question asks when the document was adopted, amended or takes
        effect, its 文号 or whether it is in force (its front matter may answer)."""
        return bool(ABOUT_DATES.search(self.text))

    @cached_property
    def kind(self) -> str | None:
        """What the question asks for: a figure kind (ratio, duration …, see
        :mod:`assistant.figures`), or conditions / when / who / list / how / definition /
        yesno; None when it says nothing of the kind."""
        return self.asks or kind_of(self.text)

    @cached_property
    def yes_no(self) -> bool:
        """Whether the question asks yes or no ("能不能拆成几次休？" too, though it names a figure)."""
        return bool(YES_NO.search(self.text))

    @cached_property
    def asks_happening(self) -> bool:
        """Whether a yes/no question asks what happens or what something is ("工资会不会少发",
        "学徒是不是…的"), not whether it may or must be done: a text's "可以" does not answer it."""
        return bool(ASKS_HAPPENING.search(self.text)) and not ASKS_PERMISSION.search(self.text)

    @cached_property
    def asks_definition(self) -> bool:
        """Whether the question asks what a term means ("是指哪些人" too, though it asks "which")."""
        return bool(dict(QUESTION_KINDS)["definition"].search(self.text))

    @cached_property
    def quoted_term(self) -> str:
        """A term the question quotes and asks how it is counted or what it takes in
        ("“月工资”按什么算？" → 月工资: what the text says that term is answers), or ""."""
        m = QUOTED_TERM_ASKED.search(self.text)
        return m.group(1) if m else ""

    def defined_here(self, clause_text: str) -> bool:
        """Whether ``clause_text`` defines what the question asks to have defined: a term
        made of its words for a definition question, the very term it quotes otherwise."""
        return ((self.asks_definition and defines(clause_text, self.terms))
                or bool(self.quoted_term and defines(clause_text, [self.quoted_term])))

    @cached_property
    def asks_purpose(self) -> bool:
        """Whether the question asks what the document is for (its purpose clause answers)."""
        return bool(ASKS_PURPOSE.search(self.text))

    @cached_property
    def is_english(self) -> bool:
        letters = sum(ch.isascii() and ch.isalpha() for ch in self.text)
        return letters > 0.5 * max(1, len(self.text.replace(" ", "")))


_MARKUP = re.compile(r"<[^<>]{0,300}>")


def normalise(question: str, max_chars: int) -> tuple[str, bool]:
    text = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t")
    text = _MARKUP.sub(" ", text)  # HTML/JS carries no question; it is shown as text, never run
    text = normalise_spaces(" ".join(text.split()))
    text = _t2s().convert(text)
    truncated = len(text) > max_chars
    return text[:max_chars], truncated


# A vote: "要罢免他得多少人同意？" is answered by the share of a body that must agree ("全体代表
# 过半数通过", "三分之二以上同意"), not by a head count
_VOTE = re.compile(r"同意|通过|赞成|表决")
# A question naming a sanction or a breach: a fine's figure may answer it ("罚多少", "违法要赔多少")
_NAMES_SANCTION = re.compile(r"罚|赔|处分|处理|责任|后果|违反|违法")
_ARTICLE_TOKEN = re.compile(rf"^第?[{NUMERAL}\d]+条?$")  # "第九", "九条", "第九条" name an article, not a topic


def _names_topic(term: str, segment: str, query: "Query") -> bool:
    """Whether ``term`` in ``segment`` is the question's topic, not a piece of another word:
    a piece of a longer word of the question (劳动 of 劳动报酬, of 劳动合同法) counts only as a
    word of the segment (试用期 in "试用期的工资", not 劳动 in "劳动者") or with that word."""
    longer = [w for w in query.terms if term != w and term in w]
    if not longer or query.words is None or any(w in segment for w in longer):
        return True
    return term in query.words(segment)


def quote_gives(asks: str, quote: str, query: "Query | None" = None) -> bool:
    """Does ``quote`` state a figure of the asked kind about what the question asks? The
    phrase holding the figure must share a topic term with the question that the rest of
    the sentence does not have (so 60% "用于一线职工" does not answer "按工资总额提取百分之几"),
    or be the sentence's only phrase stating a figure of that kind and name a topic term,
    or be a bare predicate of the sentence's subject ("……竞业限制期限，不得超过二年",
    "技师八百元") in a sentence that shares a topic term with the question."""
    segments = with_alternatives(quote)
    relation = deadline_relation(query.text) if query is not None and asks == "duration" else None
    if relation and any(states_deadline(relation, segment) for segment in segments):
        return True  # "提前几天" ← "七日前": the relation asked for says what the figure is about
    # what the question is about: its words, and for a turn leaning on the asker's account
    # ("我交了12年失业保险…" / "那最多能领多久？") the words of that account
    topics = [t for t in (*(query.expanded if query else []), *(query.told if query else [])) if len(t) >= 2 and t not in FIGURE_WORDS
              and not _ARTICLE_TOKEN.match(t) and not is_figure(t) and not is_question_word(t)]
    unit = asked_unit(query.text) if query is not None else None  # "开几次庭": times, not 三名仲裁员
    counted = counted_noun(query.text) if query is not None and asks == "count" else ""  # 几个专职工作人员
    stating = [i for i, segment in enumerate(segments)
               if states(asks, segment) and (unit is None or states_in_unit(unit, segment))
               and (not counted or counts(counted, segment))]
    # the sentence's subject phrase names the measure asked, of what the question asks, and no
    # figure ("……参加培训的时间，技师每年不少于四十小时，高级技师每年不少于八十小时"): each later
    # phrase stating a figure of the kind gives its value for one case
    head = segments[0] if len(segments) > 1 else ""
    headed = bool(head) and not find(head) and heads_measure(asks, head) and any(
        t in head and _names_topic(t, head, query) for t in topics)
    for i in stating:
        segment = segments[i]
        if query is None or not topics:
            return True  # no topic of its own ("第九条的比例是多少？"): the figure answers it
        if SANCTION.search(segment):
            if ASKS_CONSEQUENCE.search(query.text) or _NAMES_SANCTION.search(query.text):
                return True  # "要罚多少？" ← "处五千元以上十万元以下罚款": the sanction is what is asked about
            continue  # a fine is no answer to what a fee or a wage is ("中介费最多能收多少" ← "每介绍一人处5000元罚款")
        if asks == "count" and _VOTE.search(query.text) and _VOTE.search(segment) and states("ratio", segment):
            return True  # "多少人同意" ← "……全体代表过半数通过": the share that must agree
        if headed and i > 0:
            return True  # a value of the measure the subject phrase names
        others = "".join(segments[:i] + segments[i + 1 :])
        shared = [t for t in topics if t in segment and _names_topic(t, segment, query)]
        # the sentence's only figure of the kind, in a phrase naming the question's topic, is
        # about it ("……可以就提前通知期作出约定，但提前通知期不得超过六个月")
        if any(t not in others for t in shared) or (shared and (len(segments) == 1 or len(stating) == 1)):
            return True
        if is_bare_predicate(segment) and any(t in others for t in topics):
            return True
    return False


_WHICH = frozenset("哪些 哪几类 哪几种 哪类 哪种 哪几项 哪几个".split())


def listed_noun(text: str, segmenter: Segmenter) -> str:
    """The noun a "which ones" question asks to be listed: the word after 哪些 / 哪几类 …
    ("哪些事项" → 事项); of a piece jieba glued to the next word ("哪些人签…" → 人签), its
    first character. "" when the question asks no such list."""
    words = segmenter.words(text)
    for i, (word, after) in enumerate(zip(words, words[1:])):
        if word in _WHICH and not _ASKING.search(after) and re.fullmatch(r"[\u4e00-\u9fff]+", after):
            head = words[i + 2] if i + 2 < len(words) else ""
            if head in _LISTED_HEADS:  # "哪些登记事项": the 事项 of 登记, not 登记
                return after + head
            return after if segmenter.is_word(after) else after[0]
    return ""


# The nouns a list in a legal text is headed by: "哪些登记事项" asks a list of 登记事项
_LISTED_HEADS = frozenset("事项 材料 资料 数据 情形 情况 行为 内容 人员 证明 证件 项目 费用 权利 义务 职责 措施 条件 待遇 信息 文件 规定 制度 方式 形式 手续".split())


# Heads that name no thing of their own: a question's 哪些内容 is answered by a text's 下列事项
_ABSTRACT_HEADS = "内容|事项|情形|情况|方面"


def lists(noun: str, text: str) -> bool:
    """Whether ``text`` announces a list of ``noun``s, what a "which ones" question asks for
    ("下列行为", "职业（工种）为："); an abstract head (内容, 事项, 情形 …) by any of them
    ("哪些内容" ← "下列事项："). A one-character noun (哪些人) is left to the reader."""
    if len(noun) < 2:
        return False
    if re.fullmatch(_ABSTRACT_HEADS, noun):
        noun = f"(?:{_ABSTRACT_HEADS})"
    elif noun not in text:
        return False
    return bool(re.search(rf"(?:下列|以下){noun}|{noun}[）)]?(为|包括|有)[:：]", text))


def analyse(question: str, segmenter: Segmenter, max_chars: int = 2000) -> Query:
    text, truncated = normalise(question, max_chars)
    # the article a question names is found by its number, not by its words: "第三十七条" would
    # otherwise hold 三十, which "提前三十日" holds too (its terms stay when nothing else is asked)
    terms = segmenter.terms(ARTICLE_REF.sub("，", text))
    if not any(len(t) >= 2 for t in terms):
        terms = segmenter.terms(text)
    ref = None
    if (m := ARTICLE_REF.search(text)) is not None:
        number = m.group(1) or m.group(2)
        try:
            n = cn_to_int(number)
            from .numerals import int_to_cn

            ref = int_to_cn(n)
        except ValueError:
            ref = None
    asserted = claimed(ARTICLE_REF.sub("", text))
    return Query(
        raw=question,
        text=text,
        terms=terms,
        expanded=segmenter.expand(terms),
        asks=asked_kind(text),
        asserted=asserted,
        article_ref=ref,
        injection=bool(INJECTION.search(text)),
        truncated=truncated,
        words=segmenter.words,
        listed=listed_noun(text, segmenter),
    )


def _asks_something(segment: str, closed_by_mark: bool) -> bool:
    return bool(closed_by_mark or kind_of(segment) or asked_kind(segment) or re.search(r"[吗呢]$", segment))


def parts(text: str) -> list[str]:
    """The separate things one question asks ("要在什么时候提复核，多久能出结论？" → two;
    "培训费用包括什么？培训期间的工资算不算？" → two), each with the words before it that
    ask nothing ("公司忙不让休年假，没休的年假怎么给钱？" is one); [text] when it asks one
    thing."""
    pieces = [p for p in re.split(r"([？?]|[，,；;])", text) if p]
    groups: list[str] = []
    pending = ""
    for i, piece in enumerate(pieces):
        if re.fullmatch(r"[？?，,；;]", piece):
            continue
        mark = i + 1 < len(pieces) and pieces[i + 1] in "？?"
        pending += ("，" if pending else "") + piece.strip()
        if _asks_something(piece.strip(), mark):
            groups.append(pending)
            pending = ""
    if pending and groups:
        groups[-1] += "，" + pending
    return groups if len(groups) >= 2 else [text]


def asked_part(text: str) -> str:
    """The piece of a question that asks, without the pieces before it that tell the
    asker's case ("女职工怀孕期间调了岗，单位能降她工资吗？" → "单位能降她工资吗"): the last
    piece asking something; ``text`` itself when that is the only piece."""
    pieces = [p for p in re.split(r"([？?]|[，,；;])", text) if p]
    asking = [piece.strip() for i, piece in enumerate(pieces)
              if not re.fullmatch(r"[？?，,；;]", piece) and piece.strip()
              and _asks_something(piece.strip(), i + 1 < len(pieces) and pieces[i + 1] in "？?")]
    told = [p for p in pieces if p.strip() and not re.fullmatch(r"[？?，,；;]", p)]
    return asking[-1] if asking and len(told) > 1 else text


def is_statement(turn: str) -> bool:
    """Whether a turn tells the asker's situation rather than asking ("我们公司想申请认定为
    产教融合型企业。"): the question after it is about that situation."""
    return not (kind_of(turn) or asked_kind(turn) or re.search(r"[？?吗呢]\s*$", turn))


def case_facts(turns: list[str], follow_up: bool) -> str:
    """The earlier turns whose figures are facts of the asker's case (the tier of a tiered rule
    may come from them): every turn for a follow-up, else only statements ("我累计工作满十五年
    了。"), not earlier questions about something else ("合同签三年，试用期最长多久？")."""
    return " ".join(t for t in turns if follow_up or is_statement(t))


def own_topic(query: Query) -> list[str]:
    """The turn's words that name a topic of their own (not 条件, 满足, 部门 … which any turn uses)."""
    return [t for t in query.terms if len(t) >= 2 and t not in GENERIC]


def is_follow_up(query: Query, nouns: Callable[[str], list[str]] | None = None) -> bool:
    """An elliptical turn that leans on the conversation ("那技师班毕业的算不算？"), or one
    that names nothing it is about ("要在多少天之内提出来？": no noun, ``nouns`` being the
    segmenter's noun finder)."""
    topical = own_topic(query)
    if FOLLOW_UP.search(query.text) or PRONOUN.search(query.text) or len(topical) <= 1:
        return True
    return nouns is not None and not any(n not in GENERIC and not _ASKING.search(n) for n in nouns(query.text))
