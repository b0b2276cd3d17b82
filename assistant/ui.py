"""The web chat (gradio, Chinese UI): the page (theme, styles, page script) and its tabs,
one module each (:mod:`assistant.ui_chat`, :mod:`assistant.ui_browse`,
:mod:`assistant.ui_check`, :mod:`assistant.ui_admin`). They only wire components to the
package: rendering lives in :mod:`assistant.presenter`, feedback in
:mod:`assistant.feedback`, knowledge-base administration in :mod:`assistant.admin`.

gradio is imported inside :func:`create_app`, so ``import assistant`` stays fast.
Per-browser-session state (the conversation) lives in ``gr.State``; nothing is shared
between users. The admin tab and its event handlers exist only when an admin password
is configured, and every admin handler checks the session's login.

Bounds (issue 11): a question is cut before it is asked or echoed, a session keeps its
last ``settings.web_history_turns`` turns and its state expires after
``settings.web_session_ttl_seconds`` idle; chat questions run ``settings.web_concurrency``
at a time in their own queue, never behind an admin rebuild; admin rights live in a
server-side session (:class:`~assistant.admin.AdminSessions`) that ends after
``settings.admin_idle_seconds`` idle; files exist in the web temp folder only briefly
(:mod:`assistant.webguard`).

(No ``from __future__ import annotations`` here: gradio inspects the real annotations
to pass ``gr.Request`` / ``gr.LikeData`` into the handlers.)"""
import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # offline: before gradio is imported anywhere
os.environ["ANONYMIZED_TELEMETRY"] = "False"

from . import webguard  # noqa: E402
from . import wording  # noqa: E402
from .admin import MAX_UPLOAD_BYTES, AdminSessions  # noqa: E402
from .feedback import FeedbackStore  # noqa: E402
from .ui_admin import AUDIT_PAGE, admin_tab  # noqa: E402,F401 (AUDIT_PAGE re-exported)
from .ui_browse import browse_tab  # noqa: E402
from .ui_chat import chat_tab  # noqa: E402
from .ui_check import check_rule, check_tab  # noqa: E402,F401 (check_rule re-exported)

TITLE = "政策助手"
FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "sans-serif"]
CSS = """
.status-line {min-height: 1.6em}
.article-text mark, .article mark {background: #fde68a; color: #111827; padding: 0 2px}
footer {display: none !important}
.overflow-dropdown {z-index: 1000 !important}  /* never under the tab bar */
#chat {height: calc(100dvh - 330px) !important; min-height: 240px; max-height: none !important}
@media (max-width: 640px) {
  #chat {height: calc(100dvh - 390px) !important; min-height: 200px}
  #page-intro p {display: none}
  #page-intro h1 {font-size: 1.3em; margin: 0}
  #chat-actions {flex-direction: row !important; flex-wrap: wrap; min-width: 0 !important}
  #chat-actions button {flex: 1 1 22%; min-width: 0; padding: 6px 2px !important}
  /* the tab bar and gradio's hidden copy it measures for overflow: all four tabs fit at 360 px */
  .tab-container button, [role=tablist] [role=tab] {padding: 4px 5px !important; font-size: 0.85em !important;
    min-width: 0 !important}
}
/* a short window (a laptop at 200% zoom is 683×450 CSS px): the question box stays on screen */
@media (max-height: 600px) {
  #page-intro p {display: none}
  #page-intro h1 {font-size: 1.2em; margin: 0}
  #chat {height: calc(100dvh - 320px) !important; min-height: 100px}
}
*:focus-visible, button:focus-visible, a:focus-visible, summary:focus-visible, input:focus-visible,
textarea:focus-visible, [role=tab]:focus-visible, [role=radio]:focus-visible {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px !important}
[role=tab] {color: #374151 !important}
[role=tab][aria-selected=true] {color: #1d4ed8 !important}
a.cite-ref {color: #1d4ed8; text-decoration: underline; cursor: pointer; font-weight: 600}
details.citation.flash > summary {background: #fef3c7}
.sr-only {position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap}
.verdict table th, .verdict table td {color: #111827}
#browse-text .whole-document {max-height: 65vh; overflow-y: auto}
#browse-results ol {max-height: 40vh; overflow-y: auto}
"""
# The page's own script (run once on load): Enter sends and Shift+Enter starts a new line
# (not while an input method is composing Chinese), inline [n] open citation n, arrow keys move
# between tabs and between [n] markers, a suggested follow-up is asked, "在政策浏览中打开"
# opens the article in the policy browser, "复制回答" says 已复制, and gradio's own English
# words (aria labels, titles, toasts) are replaced by the Chinese ones of assistant.wording.
PAGE_JS_TEMPLATE = """() => {
  if (window.__policyPage) return; window.__policyPage = true;
  const WORDS = __WORDS__, PATTERNS = __PATTERNS__.map(([p, r]) => [new RegExp(p, 's'), r]);
  const tr = (text) => {
    if (!text) return text;
    const t = text.trim();
    if (Object.prototype.hasOwnProperty.call(WORDS, t)) return WORDS[t];
    for (const [re, rep] of PATTERNS) if (re.test(t)) return rep;
    return text;
  };
  const ATTRS = ['aria-label', 'title', 'placeholder', 'aria-roledescription'];
  const fixNode = (el) => {
    if (!(el instanceof Element)) return;
    for (const a of ATTRS) { const v = el.getAttribute(a); if (v) { const n = tr(v); if (n !== v) el.setAttribute(a, n); } }
  };
  const fixText = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = []; while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const n of nodes) {
      const p = n.parentElement; if (!p || p.closest('.answer, .question, .article, #browse-text, #browse-record, #browse-results, textarea')) continue;
      const v = n.nodeValue, t = tr(v); if (t !== v) n.nodeValue = t;
    }
  };
  const fixAll = (root) => { if (!(root instanceof Element)) return; fixNode(root);
    root.querySelectorAll('*').forEach(fixNode); fixText(root); };
  fixAll(document.body);
  new MutationObserver((records) => { for (const r of records) {
    if (r.type === 'attributes') fixNode(r.target);
    else if (r.type === 'characterData') { const p = r.target.parentElement; if (p) fixText(p); }
    else for (const n of r.addedNodes) { if (n instanceof Element) fixAll(n); else if (n.parentElement) fixText(n.parentElement); }
  }}).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true, attributeFilter: ATTRS});

  const inQuestion = (e) => e.target instanceof HTMLTextAreaElement && e.target.closest('#question') && e.key === 'Enter';
  document.addEventListener('keydown', (e) => {
    if (!inQuestion(e) || e.isComposing || e.keyCode === 229) return;
    e.stopPropagation();  // gradio's own handler would send on Shift+Enter
    if (e.shiftKey) return;  // the browser adds the new line
    e.preventDefault();
    const send = document.querySelector('#send'); if (send) send.click();
  }, true);
  document.addEventListener('keypress', (e) => { if (inQuestion(e)) e.stopPropagation(); }, true);

  const openCitation = (answer, n) => {
    const card = answer && answer.querySelector('details.citation-' + n);
    if (!card) return;
    card.open = true; card.classList.add('flash'); setTimeout(() => card.classList.remove('flash'), 1500);
    card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
    const s = card.querySelector('summary'); if (s) s.focus({preventScroll: true});
  };
  document.addEventListener('click', (e) => {
    const ref = e.target.closest && e.target.closest('a.cite-ref');
    if (ref) { e.preventDefault(); const m = ref.className.match(/cite-ref-(\\d+)/);
      if (m) openCitation(ref.closest('.answer'), m[1]); return; }
    const open = e.target.closest && e.target.closest('a.open-article');
    if (open) { e.preventDefault();
      const target = open.parentElement.querySelector('.open-target');
      const box = document.querySelector('#open-target textarea, #open-target input');
      if (target && box) { box.value = target.textContent + '::' + Date.now();
        box.dispatchEvent(new Event('input', {bubbles: true})); }
      return; }
    const next = e.target.closest && e.target.closest('a.ask-next');
    if (next) { e.preventDefault();  // a suggested follow-up: asked as if typed
      const box = document.querySelector('#question textarea');
      if (box) { box.value = next.textContent; box.dispatchEvent(new Event('input', {bubbles: true}));
        setTimeout(() => { const send = document.querySelector('#send'); if (send) send.click(); }, 100); }
      return; }
    const copy = e.target.closest && e.target.closest('#copy-answer');
    if (copy) { const old = copy.textContent; setTimeout(() => { copy.textContent = '__COPIED__';
      setTimeout(() => { copy.textContent = old; }, 1500); }, 50); }
  }, true);
  document.addEventListener('keydown', (e) => {
    const ref = e.target.closest && e.target.closest('a.cite-ref');
    if (ref && (e.key === ' ')) { e.preventDefault(); ref.click(); }
  });
  // arrow keys move between the tabs of a tab bar, and between the [n] markers of an answer
  const ARROWS = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
  const moveAmong = (items, current, step) => {
    const at = items.indexOf(current); if (at < 0 || !items.length) return null;
    return items[(at + step + items.length) % items.length];
  };
  document.addEventListener('keydown', (e) => {
    if (!(e.key in ARROWS) || e.altKey || e.ctrlKey || e.metaKey || !(e.target instanceof Element)) return;
    const tab = e.target.closest('[role=tab]');
    if (tab) {
      if (e.key === 'ArrowUp' || e.key === 'ArrowDown') return;
      const tabs = [...tab.closest('[role=tablist]').querySelectorAll('[role=tab]')].filter((t) => t.offsetParent);
      const next = moveAmong(tabs, tab, ARROWS[e.key]);
      if (next) { e.preventDefault(); next.focus(); next.click(); }
      return;
    }
    const ref = e.target.closest('a.cite-ref');
    if (ref && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
      const next = moveAmong([...ref.closest('.answer').querySelectorAll('a.cite-ref')], ref, ARROWS[e.key]);
      if (next) { e.preventDefault(); next.focus(); }
    }
  });
}"""
MAX_WEB_SESSIONS = 1000  # browser sessions whose state the server keeps (the least recently used go first)


def page_js() -> str:
    """The page script with the vocabulary of :mod:`assistant.wording` filled in."""
    import json

    return (PAGE_JS_TEMPLATE.replace("__WORDS__", json.dumps(wording.GRADIO_STRINGS, ensure_ascii=False))
            .replace("__PATTERNS__", json.dumps([list(p) for p in wording.GRADIO_PATTERNS], ensure_ascii=False))
            .replace("__COPIED__", wording.COPIED))


def theme():
    """The Soft theme with text colours that meet WCAG AA (4.5:1) on their backgrounds:
    primary buttons, tab labels, field labels, placeholders."""
    import gradio as gr

    base = gr.themes.Soft(primary_hue="blue", font=FONTS, font_mono=["ui-monospace", "monospace"])
    return base.set(
        button_primary_background_fill="#1d4ed8", button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff", button_primary_text_color_hover="#ffffff",
        button_secondary_text_color="#1f2937", button_secondary_background_fill="#e5e7eb",
        button_cancel_background_fill="#b91c1c", button_cancel_text_color="#ffffff",
        body_text_color="#111827", body_text_color_subdued="#4b5563", block_label_text_color="#1f2937",
        block_title_text_color="#1f2937", block_info_text_color="#4b5563", input_placeholder_color="#6b7280",
        link_text_color="#1d4ed8", checkbox_label_text_color="#1f2937")


def launch_options(settings) -> dict:
    """Keyword arguments for ``app.launch``: local only, no share link, no browser
    window, local fonts (no CDN), uploads capped at the admin size limit."""
    return dict(server_name=settings.host, server_port=settings.port, share=False, inbrowser=False,
                theme=theme(), css=CSS, footer_links=[], max_file_size=MAX_UPLOAD_BYTES, quiet=True,
                enable_monitoring=False, run_history=False)


def create_app(assistant, sessions: AdminSessions | None = None):
    """The gradio Blocks app for a ready :class:`~assistant.core.PolicyAssistant`.
    ``sessions``: the admin sessions (the web server's upload gate checks the same
    object; a new one when not given). Available afterwards as ``app.admin_sessions``."""
    webguard.web_temp_dir()  # gradio's file folder, before any component is built
    import gradio as gr

    settings = assistant.settings
    feedback = FeedbackStore(settings.feedback_db)
    sessions = sessions if sessions is not None else AdminSessions(settings.admin_idle_seconds)
    cleanup = (webguard.WEB_FILE_SWEEP_EVERY, webguard.WEB_FILE_MAX_AGE)
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=cleanup) as app:
        gr.Markdown(f"# {TITLE}\n技能政策问答：每个回答都引用政策原文，点击引用可查看整条条文。离线运行，不上传任何数据。",
                    elem_id="page-intro")
        open_target = gr.Textbox(visible="hidden", elem_id="open-target")  # set by the page script
        with gr.Tabs() as tabs:
            with gr.Tab("政策问答", id="chat"):
                chat_tab(gr, assistant, feedback)
            with gr.Tab("政策浏览", id="browse"):
                browse_tab(gr, app, assistant, tabs, open_target)
            with gr.Tab("资格核对（HR）", id="check") as check_page:
                check_tab(gr, assistant, check_page)
            if settings.admin_password:
                with gr.Tab("知识库管理", id="admin"):
                    admin_tab(gr, assistant, feedback, sessions)
        app.load(None, None, None, js=page_js())
    app.state_session_capacity = MAX_WEB_SESSIONS
    app.admin_sessions = sessions
    return app
