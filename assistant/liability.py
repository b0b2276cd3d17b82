"""Questions about the consequences of breaking a rule — 罚多少 / 会有什么后果 / 怎么处理 /
承担什么责任 — are answered by the 法律责任 chapter, whose articles often name the rule
only by its number ("用人单位违反本法第四十三条和第四十八条规定的……处一万元以上五万元以下
罚款"). A liability article is read with the articles it cites: it treats a question as well
as the rule it enforces does."""
from __future__ import annotations

import re

from .models import Clause

CONSEQUENCE = re.compile(r"罚|处罚|后果|法律责任|什么责任|承担.{0,4}责任|追究|赔多少|要赔|怎么赔|制裁|索赔|主张什么|(能|可以)(主张|要求|要)(些)?什么")
# "怎么处理" asks for a consequence only about a breach ("不签书面劳动合同是怎么处理的"), not about a
# situation ("怀孕期间合同到期怎么处理")
# ("公司该怎么处理", "应当如何处理" ask what to do, not what follows)
HANDLED = re.compile(r"(?<![该要得当])(?:怎么处理|如何处理|怎样处理)|会怎样|会怎么样")
BREACH = re.compile(r"违反|违法|不签|未签|没签|不给|未给|拖欠|克扣|拒绝|拒不|不安排|不支付|未支付|没有支付|歧视|迟迟不|不依法|不按规定")
LIABILITY_CHAPTER = re.compile(r"法律责任|罚则")
# How a text without a liability chapter states a sanction: "责令限期改正", "处……罚款", "加付赔偿金"
SANCTION = re.compile(r"责令(限期)?改正|罚款|赔偿金|行政处分|依法给予处分|追究.{0,8}责任|依法承担.{0,8}责任"
                      r"|取消[^，。；]{0,12}资格|通报批评|给予警告|记过|扣发|降级")  # a company rule's sanctions too
_OWN = re.compile(r"本(?:法|条例|办法|规定|细则)第")
_NUMBER = "[一二三四五六七八九十百零〇]+"  # an article's number as laws write it
_CITED = re.compile(rf"(?<!》)第({_NUMBER})条")  # not another text's (《…》第N条)


# A question asking what happens to whoever breaks a rule: its interrogative, or "怎么处理" of a breach
ASKS_CONSEQUENCE = re.compile(rf"{CONSEQUENCE.pattern}|^(?=.*(?:{BREACH.pattern})).*(?:{HANDLED.pattern})", re.S)


def asks_consequence(text: str) -> bool:
    """Whether a question asks what happens to whoever breaks a rule."""
    return bool(ASKS_CONSEQUENCE.search(text))


def is_liability(clause: Clause) -> bool:
    """A clause of a document's liability chapter (法律责任 / 罚则), or one stating a sanction."""
    return bool(LIABILITY_CHAPTER.search(clause.chapter) or SANCTION.search(clause.text))


# "违反本规定附录第三条、第四条": parts of the text's appendix, labelled as structure.py labels them
# (附录三 for its 三、, 附录第三条 for its 第三条)
_APPENDIX_CITED = re.compile(rf"(附录|附件[0-9一二三四五六七八九十]*)((?:第{_NUMBER}条[、和及或者]*)+)")


def cited_articles(clause: Clause) -> list[str]:
    """The articles of its own document a clause cites ("违反本法第四十三条" → 第四十三条; "违反本规定
    附录第三条" → 附录三 and 附录第三条, whichever the document has)."""
    if not _OWN.search(clause.text) and not _APPENDIX_CITED.search(clause.text):
        return []
    cited: list[str] = []
    for m in _APPENDIX_CITED.finditer(clause.text):
        for n in _CITED.findall(m.group(2)):
            cited += [f"{m.group(1)}{n}", f"{m.group(1)}第{n}条"]
    rest = _APPENDIX_CITED.sub("", clause.text)
    if _OWN.search(clause.text):
        cited += [f"第{n}条" for n in _CITED.findall(rest)]
    return list(dict.fromkeys(cited))
