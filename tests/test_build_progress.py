"""Issue 15 item 9: a build people wait for reports documents, clauses and the time left,
on the console (throttled) and as the line the page shows."""
from __future__ import annotations

import io

from assistant.buildprogress import BuildProgress


def test_progress_lines_name_documents_clauses_and_time_left():
    now = [100.0]
    out = io.StringIO()
    progress = BuildProgress(3, clock=lambda: now[0], out=out, every=3.0)
    assert progress.status == "正在建立知识库索引：3 个文档，正在切分条款…"
    progress(0, 400, "embedding")
    now[0] = 110.0
    progress(100, 400, "embedding")  # 10 s for 100 clauses: 30 s for the other 300
    now[0] = 111.0
    progress(110, 400, "embedding")  # 11 s for 110: 29 s left; within 3 s of the last line: not printed
    assert progress.status == "正在建立知识库索引：3 个文档，已处理 110/400 个条款，预计还需约 29 秒。"
    now[0] = 400.0
    progress(200, 400, "embedding")  # 300 s for 200: 300 s (5 minutes) left
    progress(400, 400, "embedding")  # the last step is always printed
    assert out.getvalue().splitlines() == [
        "正在建立知识库索引：3 个文档，已处理 0/400 个条款。",
        "正在建立知识库索引：3 个文档，已处理 100/400 个条款，预计还需约 30 秒。",
        "正在建立知识库索引：3 个文档，已处理 200/400 个条款，预计还需约 5 分钟。",
        "正在建立知识库索引：3 个文档，已处理 400/400 个条款，即将完成。",
    ]


def test_a_first_build_reports_through_the_assistant_and_ends_cleared(make_bot, tmp_path, capsys):
    import shutil

    from assistant.settings import ROOT

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    bot = make_bot(corpus)
    seen = []
    original = bot.index.build

    def watched(documents, progress=None):
        seen.append(bot.build_progress is progress and progress is not None)
        return original(documents, progress)

    bot.index.build = watched
    bot.ensure_index()
    assert seen == [True] and bot.build_progress is None
    assert "正在建立知识库索引：1 个文档，已处理" in capsys.readouterr().out
