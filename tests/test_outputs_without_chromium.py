"""A machine without Chromium still gets every deliverable but report.pdf, and the run says why."""
from __future__ import annotations

from helpers import demo_results
from mirrorgap.deliver.outputs import missing_deliverables, write_outputs


def test_without_chromium_every_other_deliverable_is_made_and_the_reason_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORGAP_CHROMIUM", str(tmp_path / "no-such-chromium"))
    written = write_outputs(demo_results(bootstrap=0), tmp_path, run_id="r1")
    assert not (tmp_path / "report.pdf").exists() and "report.pdf" not in written
    for name in ("report.html", "deck.pptx", "gaps.xlsx", "gaps.csv", "quality.json", "aggregates"):
        assert written[name].exists(), name
    missing = missing_deliverables(tmp_path)
    assert list(missing) == ["report.pdf"] and "Chromium" in missing["report.pdf"]
    assert "make system-deps" in missing["report.pdf"]


def test_a_complete_run_folder_has_nothing_missing(tmp_path):
    assert missing_deliverables(tmp_path) == {}
