"""Write one run's deliverables: gaps.csv, gaps.xlsx, quality.json, charts, report.html, resolved params."""
from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML

from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
from mirrorgap.aggregate.store import write_aggregates
from mirrorgap.analyse.gaps import gaps_csv_frame
from mirrorgap.analyse.insights import insight_csv_frames
from mirrorgap.analyse.pipeline import Results
from mirrorgap.config.cores import Forked, older_objects_frozen, second_core
from mirrorgap.deliver.deck.build import write_deck
from mirrorgap.deliver.figures import chart_pngs
from mirrorgap.deliver.missing import MISSING_SUFFIX, missing_deliverables  # noqa: F401  (also imported from here)
from mirrorgap.deliver.narrative import summary_markdown
from mirrorgap.deliver.pdf import Printer
from mirrorgap.deliver.quality import client_ledger
from mirrorgap.deliver.report import write_report
from mirrorgap.deliver.workbook import write_workbook
from mirrorgap.errors import PdfError

RESOLVED_PARAMS = "params.resolved.yaml"


def _json_ready(value):
    """NaN and infinities (a row without a respondent id) as null: quality.json is strict JSON."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def quality_dict(results: Results) -> dict:
    """The quality ledger of both sides (rows in, used, excluded with reason; answers set to missing),
    as the client gets it: a count that would give a hidden employee group's size is null."""
    return _json_ready(client_ledger(results))


def write_gaps_csv(results: Results, path: Path) -> Path:
    """gaps.csv: one row per mirror item, fixed columns, fixed rounding (identical bytes on rerun)."""
    gaps_csv_frame(results.gaps).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def write_resolved_params(results: Results, path: Path) -> Path:
    """The params as validated, defaults filled in: what this run actually used."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(results.engagement.model_dump(mode="json"), fh)
    return path


def write_outputs(results: Results, out_dir: Path, *, run_id: str, charts: dict[str, bytes] | None = None) -> dict[str, Path]:
    """Every deliverable of a run into `out_dir`; returns name -> path. `charts`: the run's charts as
    PNG bytes when already rendered (the notebook shows them first).

    Chromium starts first and prints the PDF while this process writes the tables, the aggregates, the
    workbook and the deck. Without Chromium, and with a core idle (`cores.second_core`), the deck and the
    workbook are written by a forked child meanwhile. An error in either is raised here with its own
    message."""
    with older_objects_frozen():  # the collector skips the session's objects, here and in the forked child
        return _write_all(results, Path(out_dir), run_id, charts)


def _write_all(results: Results, out_dir: Path, run_id: str, charts: dict[str, bytes] | None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    # drawn before Chromium starts: its start would take the core the charts' forked child draws on
    charts = charts if charts is not None else chart_pngs(results)
    with Printer() as printer:  # Chromium starts while the charts are saved and the report is written
        written = {}
        for name, png in charts.items():
            written[f"{name}.png"] = out_dir / f"{name}.png"
            written[f"{name}.png"].write_bytes(png)
        written["report.html"] = write_report(results, charts, out_dir / "report.html", run_id=run_id)
        # Chromium's start and print take the other core, and the PDF is the longest of the deliverables:
        # measured, a forked child writing the documents beside it made the demo's deliverables 0.2 s
        # slower. Without Chromium the documents go to a child where a core is idle (forked before the
        # PDF's thread exists).
        forking = not printer.has_browser and second_core()
        documents = Forked(_write_documents, results, out_dir, run_id) if forking else None
        with ThreadPoolExecutor(1) as pool:
            pdf = pool.submit(printer.print, written["report.html"], out_dir / "report.pdf")
            written.update(_write_tables(results, out_dir, run_id))
            written.update(documents.result() if documents else _write_documents(results, out_dir, run_id))
            try:
                written["report.pdf"] = pdf.result()
            except PdfError as exc:  # every other deliverable is still made; the run says why the PDF is missing
                note = out_dir / f"report.pdf{MISSING_SUFFIX}"
                note.write_text(f"{exc}\n", encoding="utf-8")
                written[note.name] = note
    return written


def _write_documents(results: Results, out_dir: Path, run_id: str) -> dict[str, Path]:
    """The workbook and the deck."""
    return {"gaps.xlsx": write_workbook(results, out_dir / "gaps.xlsx"),
            "deck.pptx": write_deck(results, out_dir / "deck.pptx", run_id=run_id)}


def _write_tables(results: Results, out_dir: Path, run_id: str) -> dict[str, Path]:
    """gaps.csv and the insight tables' CSVs, the summary, quality.json, the resolved params and the
    anonymised aggregates."""
    written = {"gaps.csv": write_gaps_csv(results, out_dir / "gaps.csv")}
    for name, frame in insight_csv_frames(results).items():
        written[f"{name}.csv"] = out_dir / f"{name}.csv"
        frame.to_csv(written[f"{name}.csv"], index=False, encoding="utf-8", lineterminator="\n")
    summary = out_dir / f"summary.{results.engagement.language}.md"
    summary.write_text(summary_markdown(results), encoding="utf-8")
    written[summary.name] = summary
    quality = out_dir / "quality.json"
    quality.write_text(json.dumps(quality_dict(results), ensure_ascii=False, indent=2, allow_nan=False),
                       encoding="utf-8")
    written["quality.json"] = quality
    written[RESOLVED_PARAMS] = write_resolved_params(results, out_dir / RESOLVED_PARAMS)
    eng = results.engagement
    written["aggregates"] = write_aggregates(build_aggregates(eng, results.customer, results.employee),
                                             aggregate_meta(eng, results.customer, results.employee, run_id=run_id),
                                             out_dir)
    return written
