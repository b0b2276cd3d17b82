"""The chat tab: question box (Enter sends), answers with clickable citations, feedback.
Wiring only: rendering lives in :mod:`assistant.presenter`.

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers; gradio itself is passed in as ``gr``.)"""
from dataclasses import replace

from . import chatview
from . import presenter as view
from . import wording
from .conversation import Conversation
from .feedback import MAX_COMMENT_CHARS, FeedbackStore

EXAMPLES = [
    "职工教育经费用在一线职工身上的比例有什么要求？",
    "新型学徒的补贴从什么时候开始？",
    "企业可以直接认定哪些职业技能等级？",
    "高技能人才可以实行哪些激励办法？",
]
COPY_JS = """(text) => {
  if (!text) return;
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text); return; }
  const area = document.createElement('textarea');
  area.value = text; area.style.position = 'fixed'; area.style.opacity = '0';
  document.body.appendChild(area); area.select(); document.execCommand('copy'); area.remove();
}"""


EXPORT_JS = """(text) => {
  if (text) {
    const pad = (n) => String(n).padStart(2, '0'), d = new Date();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], {type: 'text/markdown;charset=utf-8'}));
    link.download = `__STEM__-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}.md`;
    document.body.appendChild(link); link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }
  return [text];
}""".replace("__STEM__", wording.CHAT_EXPORT_STEM)


def chat_tab(gr, assistant, feedback: FeedbackStore) -> None:
    settings = assistant.settings
    ttl, turns = settings.web_session_ttl_seconds, settings.web_history_turns
    conversation = gr.State(Conversation(), time_to_live=ttl)
    history = gr.State([], time_to_live=ttl)
    answers = gr.State({}, time_to_live=ttl)  # chat message index → Answer, for feedback
    rated = gr.State(None, time_to_live=ttl)  # id of this session's latest feedback row
    chatbot = gr.Chatbot(label="对话", show_label=False, elem_id="chat", height="60vh", buttons=[], sanitize_html=True,
                         latex_delimiters=[], allow_tags=False, group_consecutive_messages=False,
                         placeholder="请在下方输入问题，或点击示例问题。")
    status = gr.HTML("", elem_classes="status-line", elem_id="status")
    with gr.Row(equal_height=False):
        question = gr.Textbox(label="问题", placeholder="例如：职工教育经费用在一线职工身上的比例有什么要求？",
                              info=wording.ENTER_HINT, lines=2, max_length=settings.max_question_chars, scale=5,
                              elem_id="question")
        with gr.Column(scale=1, min_width=140, elem_id="chat-actions"):
            send = gr.Button("发送", variant="primary", elem_id="send")
            new = gr.Button("新对话", elem_id="new-chat")
            copy = gr.Button("复制回答", elem_id="copy-answer")
            export = gr.Button("导出对话", elem_id="export-chat")
    gr.Examples(EXAMPLES, inputs=[question], label="示例问题")
    with gr.Accordion("对回答的意见（点击回答下方的 👍/👎 评价后，可补充说明）", open=False) as opinion:
        comment = gr.Textbox(label="意见（可选）", lines=2, max_length=MAX_COMMENT_CHARS, elem_id="feedback-comment")
        send_comment = gr.Button("提交意见", elem_id="feedback-send")
        comment_note = gr.Markdown("", elem_id="feedback-note")
    plain = gr.Textbox(visible=False)  # the latest answer as plain text, for the copy button
    transcript = gr.Textbox(visible=False)  # the conversation as Markdown, for the export button

    def respond(text, past, convo, known):
        past, known = list(past or []), dict(known or {})
        convo = convo if isinstance(convo, Conversation) else Conversation()
        if not isinstance(text, str) or not text.strip():  # a short message (a toast), nothing else changes
            gr.Info(wording.EMPTY_QUESTION, duration=3)
            yield gr.update(), past, past, convo, known, "", gr.update()
            return
        waiting = wording.SEARCHING if getattr(assistant, "_loaded", True) else wording.LOADING
        if getattr(assistant, "building", False):
            waiting = wording.BUILDING
        shown_progress = getattr(assistant, "build_progress", None)
        if shown_progress is not None:  # the first build: documents, clauses, time left
            waiting = f"{shown_progress.status}建好后自动回答，请稍候。"
        _, shown = view.bound_question(text, view._max_question_chars(assistant))
        pending = [*past, {"role": "user", "content": view.question_html(shown)},
                   {"role": "assistant", "content": view.pending_html(waiting)}]
        yield "", pending, past, convo, known, waiting, gr.update()  # the question stays visible while it is answered
        for updated, answer, done in view.chat_turn_stream(assistant, text, past, convo):
            if not done:  # an LLM draft streaming in
                yield gr.update(), updated, updated, convo, known, wording.GENERATING, gr.update()
                continue
            del convo.turns[:-turns]
            if answer is None:  # an error shown in the chat
                note = "" if len(updated) == len(past) else "出错了：请查看对话中的提示。"
                updated, known = view.trim_history(updated, known, turns)
                yield gr.update(), updated, updated, convo, known, note, gr.update()
            else:  # kept for feedback without its index generation (that may be large)
                known = {**known, len(updated) - 1: replace(answer, snapshot=None)}
                updated, known = view.trim_history(updated, known, turns)
                # the status shows once, in the bubble; this line only tells screen readers
                note = f'<span class="sr-only" role="status">当前回答状态：{view.status_label(answer.status)}</span>'
                yield "", updated, updated, convo, known, note, view.answer_plain(answer)

    outputs = [question, chatbot, history, conversation, answers, status, plain]
    # Enter sends through the page script's click on #send (Shift+Enter: a new line); its
    # own queue: never behind an admin rebuild; no gradio spinner or timer (we say what happens)
    send.click(respond, [question, history, conversation, answers], outputs, concurrency_id="chat",
               concurrency_limit=max(1, settings.web_concurrency), api_visibility="private", show_progress="hidden",
               ).then(lambda known: chatview.conversation_markdown([known[k] for k in sorted(known or {})]),
                      [answers], [transcript], api_visibility="private", show_progress="hidden")

    def reset():
        return [], [], Conversation(), {}, None, "", "", ""

    for trigger in (new.click, chatbot.clear):  # the chat's own 🗑 button starts over too
        trigger(reset, None, [chatbot, history, conversation, answers, rated, status, plain, transcript],
                api_visibility="private")
    copy.click(None, [plain], None, js=COPY_JS)  # the page script shows 已复制

    def nothing_to_export(text):
        if not text:
            gr.Info(wording.NOTHING_TO_EXPORT, duration=3)

    # the browser saves the Markdown it already holds: no file on the server, nothing to sweep
    export.click(nothing_to_export, [transcript], None, js=EXPORT_JS, api_visibility="private", show_progress="hidden")

    def rate(data: gr.LikeData, known, request: gr.Request):
        index = data.index if isinstance(data.index, int) else (data.index or [None])[0]
        answer = (known or {}).get(index)
        if answer is None or data.liked not in (True, False):
            return None, "", gr.update()
        row = feedback.add("up" if data.liked else "down", answer, session=request.session_hash or "")
        return row, "已记录您的评价，谢谢！可在上方补充意见。", gr.update(open=True)

    chatbot.like(rate, [answers], [rated, comment_note, opinion], api_visibility="private")

    def add_comment(text, row, request: gr.Request):
        if row is None:
            return gr.update(), "请先点击回答下方的 👍 或 👎。"
        if not isinstance(text, str) or not text.strip():
            return gr.update(), "意见为空。"
        feedback.set_comment(row, text.strip(), session=request.session_hash or "")
        return "", "意见已保存，谢谢！"

    send_comment.click(add_comment, [comment, rated], [comment, comment_note], api_visibility="private")
