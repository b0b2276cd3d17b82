"""Hand-written source of evals/documents/gold.jsonl (data only; it never runs the assistant).

    python evals/documents/build_gold.py   # rewrite gold.jsonl
    python evals/documents/check_gold.py   # validate (exit 1 on any violation)

Document ids (files in docs/):
  LHF  laodong-hetong-fa                      中华人民共和国劳动合同法 (2012 修正)          国家
  SHLH shanghai-laodong-hetong-tiaoli         上海市劳动合同条例                           上海市
  FQ18 funv-quanyi-baozhang-fa-2018-10-26     妇女权益保障法 2018 修正 (旧版, 已被 2022 修订替代)  国家
  FQ22 funv-quanyi-baozhang-fa-2022-10-30     妇女权益保障法 2022 修订 (现行, 2023-01-01 施行)   国家
  SHFQ shanghai-funv-quanyi-shishi-banfa      上海市实施《妇女权益保障法》办法              上海市
  BJFQ beijing-funv-quanyi-shishi-banfa       北京市实施《妇女权益保障法》办法              北京市
"""
import json
from pathlib import Path

LHF = "laodong-hetong-fa"
SHLH = "shanghai-laodong-hetong-tiaoli"
FQ18 = "funv-quanyi-baozhang-fa-2018-10-26"
FQ22 = "funv-quanyi-baozhang-fa-2022-10-30"
SHFQ = "shanghai-funv-quanyi-shishi-banfa"
BJFQ = "beijing-funv-quanyi-shishi-banfa"

OLD_FLAG = "已被《中华人民共和国妇女权益保障法》(2022年修订)替代"


def g(doc, art):
    return {"doc": doc, "article": art}


CASES = []


def case(point, turns, doc, art, facts, status="answered", **kw):
    if isinstance(turns, str):
        turns = [turns]
    c = {"point": point, "turns": turns, "doc": doc, "gold_article": art,
         "expected_status": status, "key_facts": facts}
    for k in ("also_gold", "conflict_with", "not_first", "other_facts"):
        if k in kw:
            c[k] = kw.pop(k)
    c.update(kw)
    CASES.append(c)


# ---------------------------------------------------------------- named
# The question names the document (short name, full title, 《…》, or "…第N条").
N = "named"
case(N, "《中华人民共和国劳动合同法》第十九条对试用期长短是怎么分档的？", LHF, "第十九条",
     ["三个月以上不满一年的，试用期不得超过一个月", "试用期不得超过六个月"],
     tags=["article_ref", "full_title", "same_number_other_doc"])
case(N, "上海市劳动合同条例第十九条讲的是什么？", SHLH, "第十九条",
     ["续订劳动合同不得约定试用期"],
     not_first=[LHF], tags=["article_ref", "same_number_other_doc"])
case(N, "劳动合同法第四十七条，经济补偿是怎么计算的？", LHF, "第四十七条",
     ["每满一年支付一个月工资的标准", "不满六个月的，向劳动者支付半个月工资的经济补偿"],
     tags=["article_ref"])
case(N, "上海市劳动合同条例第四十二条规定了哪些情形要给经济补偿？", SHLH, "第四十二条",
     ["每满一年给予劳动者本人一个月工资收入的经济补偿"],
     not_first=[LHF], tags=["article_ref", "same_number_other_doc"])
case(N, "《上海市劳动合同条例》第四十四条说的医疗补助费最少给多少？", SHLH, "第四十四条",
     ["不低于劳动者本人六个月工资收入的医疗补助费"], tags=["article_ref"])
case(N, "劳动合同法第八十二条：公司一直不跟我签书面合同，要承担什么？", LHF, "第八十二条",
     ["每月支付二倍的工资"], tags=["article_ref"])
case(N, "上海市劳动合同条例第五十六条的罚款标准是多少？", SHLH, "第五十六条",
     ["每人五百至一千元"], tags=["article_ref"])
case(N, "北京市实施《妇女权益保障法》办法第二十四条，女职工妇科检查的钱谁出？", BJFQ, "第二十四条",
     ["女职工进行妇女特殊疾病检查的费用由其所在单位负担"],
     not_first=[SHFQ], tags=["article_ref", "same_number_other_doc"])
case(N, "上海市实施妇女权益保障法办法第二十四条要求单位多久组织一次筛查？", SHFQ, "第二十四条",
     ["每两年安排本单位女职工进行一次妇科病、乳腺病的筛查"],
     not_first=[BJFQ], tags=["article_ref", "same_number_other_doc"])
case(N, "劳动合同法第二十四条对竞业限制的期限有什么上限？", LHF, "第二十四条",
     ["不得超过二年"], not_first=[SHLH], tags=["article_ref"])
case(N, "上海市劳动合同条例第十五条讲的提前通知期最长可以约定多久？", SHLH, "第十五条",
     ["提前通知期不得超过六个月"], tags=["article_ref"])
case(N, "劳动合同法第三十七条，员工辞职要提前多久通知？", LHF, "第三十七条",
     ["提前三十日以书面形式通知用人单位", "试用期内提前三日通知用人单位"],
     not_first=[SHLH], tags=["article_ref", "same_number_other_doc"])
case(N, "上海市劳动合同条例第三十七条里，双方都不履行合同多久可以终止？", SHLH, "第三十七条",
     ["实际已不履行劳动合同满三个月的，劳动合同可以终止"],
     not_first=[LHF], tags=["article_ref", "same_number_other_doc"])
case(N, "劳动合同法第一百二十条是怎么规定的？", LHF, "",
     ["第九十八条 本法自2008年1月1日起施行。"], status="not_found",
     tags=["article_ref", "nonexistent_article"],
     note="劳动合同法只有九十八条；不得拿别的文件的同号条文或相近条文冒充。")
case(N, "上海市劳动合同条例第七十条的内容是什么？", SHLH, "",
     ["第六十二条 本条例自2002年5月1日起施行。"], status="not_found",
     tags=["article_ref", "nonexistent_article"],
     note="条例只有六十二条。")
case(N, "按劳动合同法，开劳务派遣公司注册资本至少要多少？", LHF, "第五十七条",
     ["注册资本不得少于人民币二百万元"], tags=["short_name"])
case(N, "劳动合同法对非全日制用工每天、每周的工作时间有什么限制？", LHF, "第六十八条",
     ["一般平均每日工作时间不超过四小时", "每周工作时间累计不超过二十四小时"],
     not_first=[SHLH], tags=["short_name"])
case(N, "上海市劳动合同条例对非全日制用工的工作时间怎么限制？", SHLH, "第四十六条",
     ["法定工作时间的百分之五十以下"], not_first=[LHF], tags=["short_name"])
case(N, "《上海市劳动合同条例》里，中外文合同内容不一致以哪个为准？", SHLH, "第九条",
     ["以中文劳动合同文本为准"], tags=["title"])
case(N, "北京市实施《中华人民共和国妇女权益保障法》办法里，被性骚扰可以向哪些地方投诉？", BJFQ, "第三十三条",
     ["可以向本人所在单位、行为人所在单位、本市各级妇女联合会和有关机关投诉"],
     not_first=[SHFQ], tags=["full_title"])
case(N, "上海市实施妇女权益保障法办法里，产前假、哺乳假期间工资最低按多少发？", SHFQ, "第二十三条",
     ["不得低于其原工资性收入的百分之八十"], tags=["short_name"])
case(N, "按劳动合同法，入职时公司能不能扣着我的身份证？", LHF, "第九条",
     ["不得扣押劳动者的居民身份证和其他证件"], tags=["short_name"])
case(N, "劳动合同法第五十条：离职后公司要在几天内转档案和社保？", LHF, "第五十条",
     ["在十五日内为劳动者办理档案和社会保险关系转移手续"], tags=["article_ref"])
case(N, "北京市实施妇女权益保障法办法第二十一条对产假有什么要求？", BJFQ, "第二十一条",
     ["不得取消或者减少女职工的产假、哺乳时间"], tags=["article_ref"])
case(N, "劳动合同法里，连续工作满几年可以要求签无固定期限合同？", LHF, "第十四条",
     ["劳动者在该用人单位连续工作满十年的"], tags=["short_name"])
case(N, "《劳动合同法》规定劳务派遣只能用在哪些岗位上？", LHF, "第六十六条",
     ["只能在临时性、辅助性或者替代性的工作岗位上实施"], tags=["short_name"])
case(N, "上海市劳动合同条例对劳动者违约金只允许在哪些情形下约定？", SHLH, "第十七条",
     ["违反服务期约定的", "违反保守商业秘密约定的"], not_first=[LHF], tags=["short_name"])

# ---------------------------------------------------------------- level_region
# The question says 国家规定 / 全国 / 在上海 / 北京 / 本市 (city named in an earlier turn).
R = "level_region"
case(R, "在上海签一年期的劳动合同，试用期最长能约定几个月？", SHLH, "第十三条",
     ["满一年不满三年的，试用期不得超过三个月"],
     conflict_with=[g(LHF, "第十九条")], not_first=[LHF],
     tags=["region_city", "conflict"],
     note="国家法律（劳动合同法第十九条）对一年以上不满三年为不超过二个月；好的回答应分别标明适用范围。")
case(R, "国家规定里，一年期的劳动合同试用期最长多久？", LHF, "第十九条",
     ["一年以上不满三年的，试用期不得超过二个月"],
     conflict_with=[g(SHLH, "第十三条")], not_first=[SHLH], tags=["level_national", "conflict"])
case(R, "我在上海工作，竞业限制最长能约定几年？", SHLH, "第十六条",
     ["最长不得超过三年"],
     conflict_with=[g(LHF, "第二十四条")], not_first=[LHF], tags=["region_city", "conflict"])
case(R, "全国性的法律对竞业限制期限的上限是怎么定的？", LHF, "第二十四条",
     ["不得超过二年"], conflict_with=[g(SHLH, "第十六条")], not_first=[SHLH],
     tags=["level_national", "conflict"])
case(R, ["我在上海一家外企做HR。", "本市对经济补偿的总额有没有封顶？"], SHLH, "第四十二条",
     ["补偿总额一般不超过劳动者十二个月的工资收入"],
     conflict_with=[g(LHF, "第四十七条")], not_first=[LHF],
     tags=["two_turn", "ben_shi", "conflict"],
     note="国家法律的上限是针对高收入者的'年限最高不超过十二年'，与上海的'一般不超过十二个月'口径不同。")
case(R, "在北京，女职工做妇科检查的费用由谁承担？", BJFQ, "第二十四条",
     ["女职工进行妇女特殊疾病检查的费用由其所在单位负担"],
     not_first=[SHFQ], tags=["region_city"])
case(R, "上海这边，单位多久要给女职工做一次妇科病、乳腺病筛查？", SHFQ, "第二十四条",
     ["每两年安排本单位女职工进行一次妇科病、乳腺病的筛查"],
     also_gold=[g(FQ22, "第三十一条")], not_first=[BJFQ], tags=["region_city"])
case(R, "国家规定女职工妇科检查要多久做一次？", FQ22, "第三十一条",
     ["用人单位应当定期为女职工安排妇科疾病、乳腺疾病检查"], status="not_specified",
     not_first=[SHFQ, BJFQ], tags=["level_national"],
     note="国家法律只说'定期'，没有规定频次；不能把上海的'每两年'当成国家规定。")
case(R, ["我是北京一家公司的招聘专员。", "本市对招聘广告里涉及性别的内容有什么要求？"], BJFQ, "第十八条",
     ["用人单位的招聘广告、规章制度中不得含有歧视妇女的内容"],
     also_gold=[g(FQ22, "第四十三条")], not_first=[SHFQ], tags=["two_turn", "ben_shi"])
case(R, "在上海，女职工怀孕期间调了岗，单位能降她工资吗？", SHFQ, "第二十三条",
     ["用人单位不得降低其原工资性收入"],
     also_gold=[g(FQ22, "第四十八条")], not_first=[BJFQ], tags=["region_city"])
case(R, "在北京，女职工怀孕后不适应原岗位，单位必须给调岗吗？", BJFQ, "第二十一条",
     ["经本人申请，用人单位应当与本人协商调整工作岗位或者改善相应的工作条件"],
     not_first=[SHFQ], tags=["region_city"])
case(R, "上海的规定：员工主动辞职要提前多久通知公司？", SHLH, "第三十条",
     ["提前三十日以书面形式通知用人单位"],
     also_gold=[g(LHF, "第三十七条")], tags=["region_city"])
case(R, "在上海，试用期内的员工想走，需要提前通知吗？", SHLH, "第三十一条",
     ["劳动者可以随时通知用人单位解除劳动合同"],
     conflict_with=[g(LHF, "第三十七条")], not_first=[LHF], tags=["region_city", "conflict"],
     note="国家法律为试用期内提前三日通知。")
case(R, "按国家规定，劳动合同期限不满三个月能约定试用期吗？", LHF, "第十九条",
     ["劳动合同期限不满三个月的，不得约定试用期"],
     conflict_with=[g(SHLH, "第十三条")], not_first=[SHLH], tags=["level_national", "conflict"])
case(R, "在上海，劳动合同期限短到多少就不能设试用期？", SHLH, "第十三条",
     ["劳动合同期限不满六个月的，不得设试用期"],
     conflict_with=[g(LHF, "第十九条")], not_first=[LHF], tags=["region_city", "conflict"])
case(R, ["我们公司注册在上海浦东。", "本市对不签书面劳动合同的单位罚多少钱？"], SHLH, "第五十六条",
     ["按每人五百至一千元处以罚款"],
     also_gold=[g(LHF, "第八十二条")], not_first=[LHF], tags=["two_turn", "ben_shi"])
case(R, "全国的法律对不签书面劳动合同是怎么处理的？", LHF, "第八十二条",
     ["每月支付二倍的工资"], not_first=[SHLH], tags=["level_national"])
case(R, "北京对职工代表大会里女代表的比例有什么要求？", BJFQ, "第十二条",
     ["各单位职工代表大会中女代表的比例应当与本单位女职工占职工总人数的比例相适应"],
     not_first=[SHFQ], tags=["region_city"])
case(R, "在上海被同事性骚扰，可以向谁投诉？", SHFQ, "第三十二条",
     ["受害妇女有权向有关单位和部门投诉"],
     also_gold=[g(FQ22, "第二十三条")], not_first=[BJFQ], tags=["region_city"])
case(R, "国家规定，招聘中搞性别歧视的单位会被罚多少？", FQ22, "第八十三条",
     ["处一万元以上五万元以下罚款"], not_first=[SHFQ, BJFQ, FQ18], tags=["level_national"])
case(R, "在北京工作，竞业限制最长可以约定几年？", LHF, "第二十四条",
     ["不得超过二年"], not_first=[SHLH], tags=["region_city", "no_local_text"],
     note="已载入的文件中没有北京的劳动合同地方性法规，应以国家法律作答；上海条例的'三年'不适用于北京。")
case(R, "北京的规定里，女职工产假具体是多少天？", BJFQ, "第二十一条",
     ["不得取消或者减少女职工的产假、哺乳时间"], status="not_specified",
     not_first=[SHFQ], tags=["region_city"],
     note="北京办法未规定天数，已载入的文件也都没有规定产假天数。")
case(R, ["我在上海，快五十岁了。", "本市的妇女权益保障办法对女职工退休年龄怎么规定？"], SHFQ, "第二十条",
     ["女职工退休年龄依照国家和本市有关规定执行"], status="not_specified",
     tags=["two_turn", "ben_shi"], note="办法只作转致，未给出具体年龄。")

# ---------------------------------------------------------------- version
# 妇女权益保障法 2018 修正 (FQ18, 旧版) vs 2022 修订 (FQ22, 现行, 2023-01-01 施行).
V = "version"
case(V, "单位因为女员工怀孕就不让她晋升，妇女权益保障法怎么说？", FQ22, "第四十八条",
     ["限制女职工晋职、晋级、评聘专业技术职称和职务"], not_first=[FQ18],
     tags=["changed_rule"], note="2018 版第二十七条没有'限制晋职、晋级'的表述。")
case(V, "女员工怀孕期间合同到期了，按妇女权益保障法合同会自动延续吗？", FQ22, "第四十八条",
     ["期限自动延续至产假结束"], not_first=[FQ18], tags=["new_rule"],
     note="2018 版无此规定。")
case(V, "面试时HR能问女求职者结没结婚、打不打算要孩子吗？依据妇女权益保障法回答。", FQ22, "第四十三条",
     ["进一步询问或者调查女性求职者的婚育情况"], not_first=[FQ18], tags=["new_rule"])
case(V, "妇女权益保障法允许把妊娠测试放进入职体检吗？", FQ22, "第四十三条",
     ["将妊娠测试作为入职体检项目"], not_first=[FQ18], tags=["new_rule"])
case(V, "妇女权益保障法要求劳动合同里必须写女职工特殊保护条款吗？", FQ22, "第四十四条",
     ["应当具备女职工特殊保护条款"], not_first=[FQ18], tags=["changed_rule"])
case(V, "违反妇女权益保障法搞招聘性别歧视，单位要罚款吗？罚多少？", FQ22, "第八十三条",
     ["一万元以上五万元以下罚款"], not_first=[FQ18], tags=["new_rule"],
     note="2018 版没有对用人单位的罚款数额。")
case(V, "妇女权益保障法第二十三条是什么内容？", FQ22, "第二十三条",
     ["禁止违背妇女意愿，以言语、文字、图像、肢体行为等方式对其实施性骚扰"],
     not_first=[FQ18], tags=["article_ref", "renumbered"],
     note="2018 版第二十三条是录用条款；现行版第二十三条是性骚扰条款。")
case(V, "妇女权益保障法第二十七条现在规定的是什么？", FQ22, "第二十七条",
     ["禁止卖淫、嫖娼"], not_first=[FQ18], tags=["article_ref", "renumbered"],
     note="2018 版第二十七条是'不得因结婚、怀孕…辞退女职工'。")
case(V, "妇女权益保障法在评职称、培训方面有什么男女平等要求？", FQ22, "第四十六条",
     ["评聘专业技术职称和职务、培训等方面"], not_first=[FQ18], tags=["changed_rule"])
case(V, "妇女权益保障法有没有要求用人单位定期给女职工做妇科检查？", FQ22, "第三十一条",
     ["用人单位应当定期为女职工安排妇科疾病、乳腺疾病检查"], not_first=[FQ18],
     tags=["new_rule"])
case(V, "妇女权益保障法规定用人单位要采取哪些措施预防性骚扰？", FQ22, "第二十五条",
     ["制定禁止性骚扰的规章制度", "设置投诉电话、信箱等，畅通投诉渠道"], not_first=[FQ18],
     tags=["new_rule"])
case(V, "用人单位侵害女职工劳动权益，人社部门可以怎么处理？按妇女权益保障法。", FQ22, "第七十四条",
     ["联合工会、妇女联合会约谈用人单位"], not_first=[FQ18], tags=["new_rule"])
case(V, "妇女权益保障法里有没有提到职工生育休假制度？", FQ22, "第五十一条",
     ["国家建立健全职工生育休假制度"], not_first=[FQ18], tags=["new_rule"])
case(V, "2018年版和现行的妇女权益保障法，在孕期合同到期这件事上有什么变化？", FQ22, "第四十八条",
     ["期限自动延续至产假结束"], also_gold=[g(FQ18, "第二十七条")], not_first=[FQ18],
     tags=["compare_versions"])
case(V, "2018年版妇女权益保障法第二十七条原来是怎么规定的？", FQ18, "第二十七条",
     ["降低女职工的工资，辞退女职工"], expect_flag=OLD_FLAG,
     tags=["asks_old", "article_ref"])
case(V, "修订之前的妇女权益保障法，对单位录用女性是怎么写的？", FQ18, "第二十三条",
     ["除不适合妇女的工种或者岗位外，不得以性别为由拒绝录用妇女"], expect_flag=OLD_FLAG,
     tags=["asks_old"])
case(V, "2018年修正的妇女权益保障法里，关于性骚扰只写了什么？", FQ18, "第四十条",
     ["禁止对妇女实施性骚扰。受害妇女有权向单位和有关机关投诉。"], expect_flag=OLD_FLAG,
     tags=["asks_old"])
case(V, "旧版妇女权益保障法里有没有禁止录用未满十六周岁女性的规定？", FQ18, "第二十三条",
     ["禁止录用未满十六周岁的女性未成年人"], expect_flag=OLD_FLAG, tags=["asks_old"])
case(V, "2022年修订以前，妇女权益保障法在晋职和评定专业技术职务上怎么要求的？", FQ18, "第二十五条",
     ["在晋职、晋级、评定专业技术职务等方面"], expect_flag=OLD_FLAG, tags=["asks_old"])
case(V, "老版本的妇女权益保障法规定单位不得因怀孕辞退女职工，有没有例外？", FQ18, "第二十七条",
     ["女职工要求终止劳动（聘用）合同或者服务协议的除外"], expect_flag=OLD_FLAG,
     tags=["asks_old"])
case(V, "2022年12月的时候，当时施行的妇女权益保障法对因怀孕降低女职工工资是怎么规定的？", FQ18, "第二十七条",
     ["不得因结婚、怀孕、产假、哺乳等情形，降低女职工的工资"], as_of="2022-12-01",
     tags=["as_of", "passed_not_yet_effective"],
     note="2022 修订版 2022-10-30 通过、2023-01-01 才施行；以 2022-12-01 为准时 2018 修正版仍在施行。")
case(V, "2023年3月，女职工怀孕期间劳动合同到期，妇女权益保障法怎么处理？", FQ22, "第四十八条",
     ["期限自动延续至产假结束"], as_of="2023-03-01", not_first=[FQ18], tags=["as_of"])

# ---------------------------------------------------------------- unnamed
# No document named; national and local texts both answer. doc = national in-force text;
# also_gold = every other acceptable citation.
U = "unnamed"
case(U, "单位能因为女员工怀孕就把她辞退吗？", FQ22, "第四十八条", ["辞退女职工"],
     also_gold=[g(LHF, "第四十二条"), g(SHFQ, "第二十条"), g(BJFQ, "第二十一条"),
                g(SHLH, "第三十四条")], not_first=[FQ18])
case(U, "员工辞职要提前几天跟公司说？", LHF, "第三十七条", ["提前三十日以书面形式通知用人单位"],
     also_gold=[g(SHLH, "第三十条")])
case(U, "公司有没有义务给女员工安排妇科检查？", FQ22, "第三十一条",
     ["用人单位应当定期为女职工安排妇科疾病、乳腺疾病检查"],
     also_gold=[g(SHFQ, "第二十四条"), g(BJFQ, "第二十四条")], not_first=[FQ18])
case(U, "男女干一样的活，工资能不一样吗？", FQ22, "第四十五条", ["实行男女同工同酬"],
     also_gold=[g(SHFQ, "第二十条"), g(BJFQ, "第十九条")], not_first=[FQ18])
case(U, "招聘启事里写“限男性”合法吗？", FQ22, "第四十三条", ["限定为男性或者规定男性优先"],
     also_gold=[g(SHFQ, "第十九条"), g(BJFQ, "第十八条")], not_first=[FQ18])
case(U, "劳动合同里能约定入职三年内不许结婚生孩子吗？", FQ22, "第四十四条",
     ["不得规定限制女职工结婚、生育等内容"],
     also_gold=[g(SHFQ, "第二十条"), g(BJFQ, "第十八条")], not_first=[FQ18])
case(U, "公司要裁员，得提前多久通知？", LHF, "第四十一条", ["提前三十日向工会或者全体职工说明情况"],
     also_gold=[g(SHLH, "第三十五条")])
case(U, "竞业限制最长可以约定多久？", LHF, "第二十四条", ["不得超过二年"],
     also_gold=[g(SHLH, "第十六条")], conflict_with=[g(SHLH, "第十六条")], tags=["conflict"],
     note="国家：不得超过二年；上海条例：最长不得超过三年。应两者并列并标明范围。")
case(U, "合同签一年，试用期最多能定多久？", LHF, "第十九条",
     ["一年以上不满三年的，试用期不得超过二个月"],
     also_gold=[g(SHLH, "第十三条")], conflict_with=[g(SHLH, "第十三条")], tags=["conflict"])
case(U, "公司迟迟不和我签书面劳动合同，会有什么后果？", LHF, "第八十二条", ["每月支付二倍的工资"],
     also_gold=[g(SHLH, "第五十六条")])
case(U, "员工遭遇性骚扰，公司应该做些什么？", FQ22, "第二十五条", ["制定禁止性骚扰的规章制度"],
     also_gold=[g(SHFQ, "第三十二条"), g(BJFQ, "第三十三条")], not_first=[FQ18])
case(U, "哺乳期的女员工，公司能给她降工资吗？", FQ22, "第四十八条", ["降低女职工的工资和福利待遇"],
     also_gold=[g(SHFQ, "第二十三条")], not_first=[FQ18])
case(U, "离职经济补偿里的“月工资”按什么算？", LHF, "第四十七条",
     ["劳动合同解除或者终止前十二个月的平均工资"], also_gold=[g(SHLH, "第四十五条")])
case(U, "带薪年休假一年有几天？", "", "", [], status="not_found",
     note="已载入的六份文件都不涉及年休假天数。")

# ---------------------------------------------------------------- metadata
# Who issued / when it takes effect / 文号 / still in force — from the document's own lines.
M = "metadata"
case(M, "劳动合同法是从哪天开始施行的？", LHF, "第九十八条", ["2008年1月1日"])
case(M, "劳动合同法是哪个机关、哪天通过的？后来修正过吗？", LHF, "",
     ["2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过", "2012年12月28日"])
case(M, "劳动合同法2012年那次修正是通过什么文件修改的？", LHF, "",
     ["《关于修改<中华人民共和国劳动合同法>的决定》修正"])
case(M, "劳动合同法的主席令文号是多少？", LHF, "", ["2012年12月28日"], status="not_specified",
     note="文本中没有文号行；不得编造。")
case(M, "现行的妇女权益保障法什么时候起施行？", FQ22, "第八十六条", ["2023年1月1日"],
     not_first=[FQ18])
case(M, "妇女权益保障法最近一次修订是哪天、哪次会议？", FQ22, "",
     ["2022年10月30日 第十三届全国人民代表大会常务委员会第三十七次会议修订"], not_first=[FQ18])
case(M, "妇女权益保障法最早是哪一年、由哪个会议通过的？", FQ22, "",
     ["1992年4月3日 第七届全国人民代表大会第五次会议通过"], also_gold=[g(FQ18, "")])
case(M, "2018年修正的那版妇女权益保障法现在还有效吗？", FQ18, "", ["第二次修正"],
     expect_flag=OLD_FLAG, also_gold=[g(FQ22, "第八十六条")],
     other_facts=[{"doc": FQ22, "article": "第八十六条", "text": "本法自2023年1月1日起施行"}],
     tags=["status"])
case(M, "2018年版妇女权益保障法自己写的施行日期是哪天？", FQ18, "第六十一条", ["1992年10月1日"],
     expect_flag=OLD_FLAG, tags=["asks_old"])
case(M, "上海市劳动合同条例从哪天起施行？", SHLH, "第六十二条", ["2002年5月1日"])
case(M, "上海市劳动合同条例是哪天、由哪个机关通过的？", SHLH, "", ["2002年5月1日"],
     status="not_specified", note="文件只有施行日期（第六十二条），没有通过日期和机关行；不得编造。")
case(M, "北京市实施妇女权益保障法办法是什么时候修订、什么时候施行的？", BJFQ, "",
     ["2009年9月25日", "2009年11月1日起施行"])
case(M, "北京这部妇女权益保障实施办法最初是哪个机关通过的？", BJFQ, "",
     ["北京市第十届人民代表大会常务委员会第十次会议通过"])
case(M, "上海市实施《妇女权益保障法》办法是哪年开始施行的？", SHFQ, "第四十七条", ["1995年3月8日"])

# ---- added for issue 14's as_of, conflict and record-answer mechanisms (appended: earlier ids unchanged) ----
case(V, "2022年11月的时候，单位招工能不能以性别为由拒绝录用女性？按当时施行的妇女权益保障法。", FQ18, "第二十三条",
     ["不得以性别为由拒绝录用妇女或者提高对妇女的录用标准"], as_of="2022-11-15",
     tags=["as_of", "passed_not_yet_effective"],
     note="2022 修订已于 2022-10-30 通过、2023-01-01 才施行：2022-11-15 时 2018 修正版在施行，不标旧版。")
case(V, "2023年6月，用人单位招聘时能不能限定只招男性？按妇女权益保障法。", FQ22, "第四十三条",
     ["限定为男性或者规定男性优先"], as_of="2023-06-01", not_first=[FQ18], tags=["as_of"])
case(U, "劳动合同期限不满几个月的，就不能约定试用期？", LHF, "第十九条",
     ["劳动合同期限不满三个月的，不得约定试用期"], also_gold=[g(SHLH, "第十三条")],
     conflict_with=[g(SHLH, "第十三条")], tags=["conflict"],
     note="国家：不满三个月不得约定试用期；上海：不满六个月不得设试用期。")
case(M, "上海市劳动合同条例的文号是多少？", SHLH, "", ["2002年5月1日"], status="not_specified",
     note="文本没有文号行；只能引用它写明的施行日期。")
case(M, "北京市实施妇女权益保障法办法现在还有效吗？", BJFQ, "", ["2009年11月1日起施行"], status="not_specified",
     note="文本本身不写是否仍然有效，知识库中也没有替代或废止它的文本：不得断言有效或失效。")


def main():
    out = Path(__file__).with_name("gold.jsonl")
    lines = []
    for i, c in enumerate(CASES, 1):
        rec = {"id": f"doc-{i:03d}"}
        rec.update(c)
        lines.append(json.dumps(rec, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} cases to {out}")


if __name__ == "__main__":
    main()
