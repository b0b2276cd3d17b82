"""What the real-browser tests share: Debian's Chromium (never a downloaded browser), its
flags for this closed network, and the module-level skip when it or playwright is missing.
The ``browser`` fixture (one Chromium for the session) lives in conftest.py."""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = Path("/usr/bin/chromium")
# without the background-networking flags Chromium keeps trying hosts this machine cannot reach
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser():
    """playwright's sync API, or skip the calling test module (no Chromium or no playwright)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed at /usr/bin/chromium (apt-get install chromium fonts-wqy-microhei)",
                    allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="playwright python package not installed")


def writable_corpus(folder: Path) -> Path:
    """A copy of the shipped corpus under ``folder`` that the admin tests may change (the
    shared/ seed arrives without write bits)."""
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    for path in corpus.iterdir():
        path.chmod(0o644)
    return corpus


def delete_document(page, filename: str, timeout: float) -> None:
    """In the admin tab: pick ``filename``, confirm, delete, and wait for the note saying so."""
    page.get_by_label("删除文件").click()
    page.get_by_role("option", name=filename).click()
    page.get_by_label("确认删除").check()
    page.get_by_role("button", name="删除并重建索引").click()
    page.locator("#admin-note", has_text=f"已删除 {filename}").wait_for(timeout=timeout)


def open_tab(page, name: str) -> None:
    """Click a tab, through gradio's overflow menu ("更多标签页") when it does not fit."""
    tab = page.get_by_role("tab", name=name)
    if not tab.is_visible():
        page.locator("[aria-label='更多标签页']").click()
        page.get_by_text(name, exact=True).filter(visible=True).first.click()
    else:
        tab.click()


def login_admin(page, password: str, name: str = "王管理") -> None:
    """Open the admin tab, log in as ``name`` and wait for the admin panel."""
    open_tab(page, "知识库管理")
    page.fill("#admin-name textarea", name)
    page.fill("#admin-password input", password)
    page.click("#admin-login-button")
    page.locator("#admin-panel").wait_for(state="visible")


@contextmanager
def admin_app(tmp_path_factory, label: str, password: str):
    """``app.py`` on a writable copy of the shipped corpus with an admin password; the
    process (its ``corpus`` attribute: that folder) for a module-scoped fixture."""
    from assistant.appprocess import AppProcess

    folder = tmp_path_factory.mktemp(label)
    corpus = writable_corpus(folder)
    with AppProcess(folder, POLICY_ADMIN_PASSWORD=password, POLICY_CORPUS_DIR=str(corpus)) as process:
        process.corpus = corpus
        yield process
