"""The one Chinese vocabulary of the user interface (issue 15): answer statuses,
condition states, verdict outcomes, audit actions, export headers and file names, and
the page's own messages. Every place that shows one of these words to a person takes it
from here, so a state is never called 未知 in one place and 不确定 or 待确认 in another.

Codes (``answered``, ``met``, ``eligible``, ``login_failed``…) stay in JSON, logs and
the database; people only ever see the words below."""
from __future__ import annotations

import re
from datetime import datetime

# ---- answer statuses (codes from assistant.models) -------------------------------------------
STATUS_WORDS = {
    "answered": "已回答",
    "not_specified": "文件未规定",
    "not_found": "未找到依据",
    "needs_info": "需要补充信息",
}

# ---- eligibility: one word per condition state and per outcome -----------------------------------
MET_WORD, UNMET_WORD, UNKNOWN_WORD = "满足", "不满足", "未知"
CONDITION_WORDS = {"met": MET_WORD, "unmet": UNMET_WORD, "unknown": UNKNOWN_WORD}
OUTCOME_WORDS = {"eligible": "符合条件", "not_eligible": "不符合条件", "unknown": "暂不能判断"}
YES_WORD, NO_WORD = "是", "否"
BOOL_CHOICES = (YES_WORD, NO_WORD, UNKNOWN_WORD)  # a yes/no fact in the HR form
UNKNOWN_CHOICE = UNKNOWN_WORD  # "I don't know" in any HR form field

# ---- admin audit log ----------------------------------------------------------------------------
AUDIT_ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_blocked": "登录被暂时锁定",
    "logout": "退出登录",
    "session_expired": "登录超时",
    "upload": "上传文件",
    "replace": "替换文件",
    "delete": "删除文件",
    "restore": "恢复文件",
    "ingest": "重建索引",
    "export_feedback": "导出反馈",
    "edit_metadata": "修改文件信息",
    "rule_add": "新增权益规则",
    "rule_update": "修改权益规则",
    "rule_delete": "删除权益规则",
}
AUDIT_DETAILS = {  # keys of an audit entry's details
    "documents": "文档数", "clauses": "条款数", "embedded": "新嵌入条款", "removed": "移除条款",
    "bytes": "字节", "sha256": "校验码", "replaced": "被替换文件", "scope": "范围", "wait_seconds": "等待秒数",
    "kept_until": "保留至", "fields": "修改项", "document": "依据文件", "file": "规则文件", "version": "规则版本",
}
AUDIT_SCOPES = {"address": "本机地址", "global": "全部地址"}
AUDIT_HEADERS = ["时间", "操作人", "操作", "对象", "详情"]


def audit_action(code: object) -> str:
    return AUDIT_ACTIONS.get(str(code), str(code))


def local_time(iso: object) -> str:
    """An ISO time stamp (UTC, as the audit log stores it) in the server's local time,
    "2025-03-01 14:05:09"; the text itself when it is not a time stamp."""
    text = str(iso or "")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# ---- HR records ---------------------------------------------------------------------------------
RECORD_FIELDS = (  # (key, label) of the record's own fields, in the order the form and exports show them
    ("employee_name", "员工姓名"),
    ("employee_id", "员工编号"),
    ("checked_on", "核对日期"),
    ("checker", "核对人"),
)
RECORD_LABELS = dict(RECORD_FIELDS)
# (DocumentRecord field, label): the cited document's content hash and status, filed with every verdict (audit)
DOCUMENT_FIELDS = (("version", "文件版本"), ("status", "文件状态"))
VERDICT_CSV_HEADERS = ["员工姓名", "员工编号", "核对日期", "核对人", "待遇/资格", "核对结论", "条件", "条件结果",
                       "填写的情况", "依据文件", "依据条文", "条款编号", "原文", "语料版本", "文件版本", "文件状态",
                       "规则文件", "规则条文", "规则版本", "规则作者"]
BATCH_RESULT_HEADERS = ["员工姓名", "员工编号", "核对日期", "核对人", "待遇/资格", "核对结论", "不满足的条件",
                        "还需补充的信息", "说明", "依据文件", "语料版本", "文件版本", "文件状态"]
EXPORT_STEM = "核对结果"
FEEDBACK_CSV_STEM = "用户反馈"
BATCH_STEM = "批量核对结果"
CHAT_EXPORT_STEM = "对话记录"


def file_stem(*parts: object) -> str:
    """A file name stem of Chinese words and numbers: "核对结果-新型学徒补贴-张三-2025-03-01"."""
    words = [re.sub(r"[^\w\-]+", "", str(p), flags=re.UNICODE) for p in parts if p not in (None, "")]
    return "-".join(w for w in words if w)[:120] or EXPORT_STEM


# ---- page messages --------------------------------------------------------------------------------
LOADING = "正在加载政策库…（首次使用需要几秒钟）"
BUILDING = "正在建立知识库索引…建好后自动回答，请稍候。"
SEARCHING = "正在查找依据…"
GENERATING = "正在生成回答…"
EMPTY_QUESTION = "请先输入问题。"
COPIED = "已复制"
NOTHING_TO_COPY = "还没有可复制的回答"
NOTHING_TO_EXPORT = "还没有可导出的对话"
ENTER_HINT = "Enter 发送，Shift+Enter 换行"

# What gradio's page says in English (aria labels, titles, toasts) → Chinese. The page's
# script (assistant.ui.PAGE_JS) replaces these wherever they appear.
GRADIO_STRINGS = {
    "More tabs": "更多标签页",
    "chatbot conversation": "对话记录",
    "Clear": "清空对话",
    "Like": "赞",
    "Dislike": "踩",
    "Copy": "复制",
    "Copied": "已复制",
    "Copy message": "复制",
    "Retry": "重试",
    "Undo": "撤销",
    "Edit": "编辑",
    "Download": "下载",
    "Remove": "移除",
    "Error": "错误",
    "Close": "关闭",
    "Loading...": "加载中…",
    "Loading…": "加载中…",
    "Upload file": "上传文件",
    "Drop File Here": "将文件拖放到此处",
    "Click to Upload": "点击上传",
    "Select all": "全选",
    "Search": "搜索",
    "Connection errored out.": "连接中断，请刷新页面。",
    "Connection errored out": "连接中断，请刷新页面。",
    "Warning": "提示",
    "Info": "提示",
    "Success": "完成",
    "Previous": "上一页",
    "Next": "下一页",
    "Fullscreen": "全屏",
    "Exit fullscreen mode": "退出全屏",
    "Share": "分享",
    "Copy table data": "复制表格",
    "File upload": "上传文件",
    "Click to upload or drop files": "点击上传或将文件拖放到此处",
    "Loading": "加载中…",
    "- or -": "或",
    "Sort": "排序",
    "Dropdown": "下拉菜单",
    "Checkbox": "复选框",
}
GRADIO_PATTERNS = (  # (regular expression, replacement) for gradio text with variable parts
    (r"^user's message: .*$", "问题"),
    (r"^bot's message: .*$", "回答"),
    (r"^Invalid file type.*$", "不支持的文件类型：请上传 .txt、.md、.docx 或 .pdf 文件。"),
    (r"^File(s)? (is |are )?too large.*$", "文件过大（上限 10 MB）。"),
    (r"^.*exceeds? .*max(imum)? (file )?size.*$", "文件过大（上限 10 MB）。"),
    (r"^processing.*$", SEARCHING),
    (r"^Loading.*$", "加载中…"),
    (r"^Waiting.*$", "排队中…"),
)

# How a request for missing facts names the person when HR or an employer asks about them.
THIRD_PERSON = "该员工"

# ---- entitlement rules: the HR checker's list and the admin's rule editor ------------------------
FACT_HINTS = {"months": "月数，如 6、12 或“半年”", "percent": "百分比，如 60", "number": "数字，如 10000 或“1.5万元”"}
RULE_PICK = "待遇 / 资格"
RULES_BY_DOCUMENT = "按文件列出的权益规则"
RULE_OFF = "已停用"
RULE_OTHER_DOCUMENTS = "同一待遇的其他文件"
RULE_OTHER_NOTE = "同一待遇另有文件规定，表单已包含它们的条件；核对时分别给出各文件的结论。"
RULES_EMPTY = "规则库为空：管理员可在“知识库管理 → 权益规则”中为文件编写规则。"
RULES_ADMIN_TITLE = "权益规则（从文件生成、编辑、保存）"
RULES_ADMIN_INTRO = ("选择文件，查看系统从原文找到的候选规则（或选一条条文），在表格中修改条件、类型、运算、门槛和"
                     "缺少信息时的提问，保存后资格核对和对话立即使用。每条引文保存时逐字核对原文；候选规则在保存前不生效。")
RULES_ADMIN_DOC = "依据文件"
RULES_ADMIN_FIND = "查找候选规则"
RULES_ADMIN_SOURCE = "从候选规则、已有规则或条文开始"
RULES_ADMIN_ID = "规则编号"
RULES_ADMIN_TITLE_FIELD = "待遇名称"
RULES_ADMIN_TOPIC = "待遇类别（不同文件规定同一待遇时填写相同名称，如“培训服务期”）"
RULES_ADMIN_TABLE = "条件（每行一个条件；清空一行即删除该条件）"
RULES_ADMIN_HELP = "类型：{kinds}。运算：{ops}。门槛：期限按月填写（如 12），金额按元，百分比填数字；“属于”的门槛用顿号分隔选项。"
RULES_ADMIN_SAVE = "核对引文并保存规则"
RULES_ADMIN_NO_DOC = "请先选择文件"
RULES_ADMIN_NO_DRAFT = "请先选择一条候选规则、已有规则或条文"
RULES_ADMIN_FOUND = "《{doc}》：{suggestions} 条候选规则，{rules} 条已有规则，{clauses} 条条文可选。候选规则在保存前不生效。"
RULES_ADMIN_SAVED = "已保存规则“{title}”（{rule_id}，版本 {version}，{file}）：用例 {passed}/{examples} 通过。资格核对和对话已立即使用该规则。"
NOT_DONE = "**未完成：** "
