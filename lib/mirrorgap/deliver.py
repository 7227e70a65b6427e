"""Write one run's deliverables: gaps.csv, gaps.xlsx, quality.json, charts, report.html, resolved params."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter
from ruamel.yaml import YAML

from .aggregates import aggregate_meta, build_aggregates, write_aggregates
from .figures import chart_pngs
from .gaps import gaps_csv_frame
from .insights import insight_csv_frames
from .narrative import summary_markdown
from .pipeline import Results
from .report import write_report

RESOLVED_PARAMS = "params.resolved.yaml"


def quality_dict(results: Results) -> dict:
    """The quality ledger of both sides (rows in, used, excluded with reason; answers set to missing)."""
    return {side.side: side.ledger.to_dict() for side in (results.customer, results.employee)}


def write_gaps_csv(results: Results, path: Path) -> Path:
    """gaps.csv: one row per mirror item, fixed columns, fixed rounding (identical bytes on rerun)."""
    gaps_csv_frame(results.gaps).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def _autosize(sheet, frame: pd.DataFrame) -> None:
    sheet.freeze_panes = "A2"
    for idx, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        sheet.column_dimensions[get_column_letter(idx)].width = min(max(8, width + 2), 60)


def write_gaps_xlsx(results: Results, path: Path) -> Path:
    """gaps.xlsx: the full gap table, NPS/eNPS and the quality ledger, one sheet each."""
    quality_rows = []
    for clean in (results.customer, results.employee):
        table = clean.ledger.column_table()
        table.insert(0, "side", clean.side)
        quality_rows.append(table)
    sheets = {"gaps": results.gaps, "nps": results.nps, "quality": pd.concat(quality_rows, ignore_index=True)}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            _autosize(writer.sheets[name], frame)
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
    PNG bytes when already rendered (the notebook shows them first)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = charts if charts is not None else chart_pngs(results)
    written = {}
    for name, png in charts.items():
        written[f"{name}.png"] = out_dir / f"{name}.png"
        written[f"{name}.png"].write_bytes(png)
    written["gaps.csv"] = write_gaps_csv(results, out_dir / "gaps.csv")
    for name, frame in insight_csv_frames(results).items():
        written[f"{name}.csv"] = out_dir / f"{name}.csv"
        frame.to_csv(written[f"{name}.csv"], index=False, encoding="utf-8", lineterminator="\n")
    summary = out_dir / f"summary.{results.engagement.language}.md"
    summary.write_text(summary_markdown(results), encoding="utf-8")
    written[summary.name] = summary
    written["gaps.xlsx"] = write_gaps_xlsx(results, out_dir / "gaps.xlsx")
    quality = out_dir / "quality.json"
    quality.write_text(json.dumps(quality_dict(results), ensure_ascii=False, indent=2), encoding="utf-8")
    written["quality.json"] = quality
    written[RESOLVED_PARAMS] = write_resolved_params(results, out_dir / RESOLVED_PARAMS)
    written["report.html"] = write_report(results, charts, out_dir / "report.html", run_id=run_id)
    eng = results.engagement
    written["aggregates"] = write_aggregates(build_aggregates(eng, results.customer, results.employee),
                                             aggregate_meta(eng, results.customer, results.employee, run_id=run_id),
                                             out_dir)
    return written
