"""Generate a big synthetic paired engagement for `make bench` (deterministic, seeded).

Writes into bench/out/data/c<rows>-e<employees>-s<seed>/ (git-ignored; one folder per size, so a quick
small run does not throw away the big data set):
  customers.csv   N rows (default 1,000,000) x 30 mirror items, `;`-separated, Windows-1252, CRLF,
                  Swedish agree labels ("Instämmer inte alls" … "Instämmer helt") and "Vet ej",
                  respondent id, date, wave, unit (50 branches), 2 segments, NPS 0–10, a comment
  employees.csv   M rows (default 100,000), `,`-separated UTF-8, codes 1–5 with 9 = don't know,
                  id, wave, unit, department, tenure, eNPS
  stamp.json      seed and sizes; an existing data set with the same stamp is not regenerated
and the params of this engagement to bench/out/big.yaml (validated with `load_engagement`).

The text stays within the Latin-1 subset of Windows-1252 (å ä ö é; no en dash or curly quotes), so
DuckDB 2.0's built-in `encoding='latin-1'` can read it: DuckDB rejects bytes 0x80–0x9F as Latin-1,
and real cp1252 needs its `encodings` extension, which is downloaded on first use.

Rows are made and written in chunks, so the generator stays light (~100 MB) whatever the size.

Run:  .venv/bin/python bench/make_big.py [--rows 1000000] [--employees 100000] [--seed 20260401]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
DATA = OUT / "data"
PARAMS = OUT / "big.yaml"
GENERATOR_VERSION = 1  # bump when the output of the same seed changes
SEED = 20260401
N_ITEMS = 30
REVERSED = (5, 18)  # 1-based item numbers worded negatively on both sides
CHUNK = 50_000

AGREE = ["Instämmer inte alls", "Instämmer inte", "Varken eller", "Instämmer", "Instämmer helt"]
DONT_KNOW = "Vet ej"
WAVES = ["2025", "2026"]
UNITS = ["Alingsås", "Borlänge", "Borås", "Enköping", "Eskilstuna", "Falun", "Gävle", "Göteborg",
         "Halmstad", "Helsingborg", "Härnösand", "Hässleholm", "Jönköping", "Kalmar", "Karlskrona",
         "Karlstad", "Kristianstad", "Kungsbacka", "Landskrona", "Lerum", "Lidingö", "Linköping", "Luleå",
         "Lund", "Malmö", "Motala", "Märsta", "Norrköping", "Nyköping", "Piteå", "Sandviken",
         "Skellefteå", "Skövde", "Stockholm", "Sundsvall", "Södertälje", "Trelleborg", "Trollhättan",
         "Uddevalla", "Umeå", "Uppsala", "Vallentuna", "Varberg", "Västerås", "Växjö", "Ystad",
         "Åkersberga", "Ängelholm", "Örebro", "Östersund"]
CUSTOMER_TYPES = ["Privatkund", "Företagskund"]
VISIT_TYPES = ["Service", "Reparation", "Däckbyte", "Besiktning", "Garanti"]
DEPARTMENTS = ["Verkstad", "Kundmottagning", "Försäljning", "Reservdelar", "Administration"]
TENURES = ["Under 1 år", "1-3 år", "3-10 år", "Över 10 år"]
COMMENTS = ["Bra service, trevlig personal.", '"Fick vänta länge; ingen ringde tillbaka."',
            "Allt fungerade utmärkt.", '"Mekanikern sa ""inga problem"" och det stämde."',
            "Dyrt men bra.", "Lånebilen var smutsig.", "Snabbt och smidigt!", "Tydlig offert i förväg."]
FIRST_DAY = {"2025": np.datetime64("2025-01-13"), "2026": np.datetime64("2026-01-12")}
FIELDWORK_DAYS = 60


def customer_column(k: int) -> str:
    return f"K{k:02d}"


def employee_column(k: int) -> str:
    return f"m{k:02d}"


def _planted(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Item intercepts (latent scale) per side, unit effects and don't-know rates, drawn once per seed."""
    base = rng.normal(0.4, 0.5, N_ITEMS)
    gap = rng.normal(0.0, 0.25, N_ITEMS)  # employee minus customer, on the latent scale
    gap[[2, 11, 23]] += [0.6, -0.5, 0.45]  # a few clear blind spots / hidden strengths
    return {"cust_item": base, "emp_item": base + gap,
            "cust_unit": rng.normal(0, 0.25, len(UNITS)), "emp_unit": rng.normal(0, 0.3, len(UNITS)),
            "dk": rng.uniform(0.02, 0.08, N_ITEMS), "unit_share": rng.dirichlet(np.full(len(UNITS), 8.0))}


def _answers(rng, m: int, items: np.ndarray, units: np.ndarray, unit_effect: np.ndarray,
             dk: np.ndarray, blank: float) -> np.ndarray:
    """Answer codes (m x items): 1..5 on the agree scale, 6 for don't know, 0 for blank."""
    latent = (items[None, :] + 0.8 * rng.standard_normal((m, 1), dtype=np.float32)
              + unit_effect[units][:, None] + rng.standard_normal((m, N_ITEMS), dtype=np.float32))
    codes = np.digitize(latent, [-1.3, -0.4, 0.5, 1.4]).astype(np.int8) + 1
    u = rng.random((m, N_ITEMS), dtype=np.float32)
    codes[u < dk[None, :]] = 6
    codes[u > 1 - blank] = 0
    return codes


def _nps(rng, m: int, codes: np.ndarray) -> np.ndarray:
    """0–10 from the respondent's mean answer, as integers."""
    valid = (codes >= 1) & (codes <= 5)
    mean = np.where(valid, codes, 0).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
    return np.clip(np.rint((mean - 1) * 2.5 + 2.5 + rng.normal(0, 1.5, m)), 0, 10).astype(np.int64)


def _dates(rng, m: int, waves: np.ndarray) -> np.ndarray:
    first = np.where(waves == 0, FIRST_DAY["2025"], FIRST_DAY["2026"])
    return np.datetime_as_string(first + rng.integers(0, FIELDWORK_DAYS, m).astype("timedelta64[D]"))


def _write_rows(fh, columns: list[np.ndarray], sep: str, newline: str, encoding: str) -> None:
    text = newline.join(map(sep.join, zip(*columns))) + newline
    fh.write(text.encode(encoding))


def _ids(prefix: str, start: int, m: int, width: int) -> np.ndarray:
    numbers = np.char.zfill(np.arange(start + 1, start + m + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


def _customer_chunk(rng, start: int, m: int, planted: dict) -> list[np.ndarray]:
    units = rng.choice(len(UNITS), m, p=planted["unit_share"])
    waves = (rng.random(m) < 0.55).astype(np.int64)  # 45% 2025, 55% 2026
    codes = _answers(rng, m, planted["cust_item"], units, planted["cust_unit"], planted["dk"], 0.015)
    labels = np.array(["", *AGREE, DONT_KNOW], dtype=object)
    nps = _nps(rng, m, codes).astype(str).astype(object)
    r = rng.random(m)
    nps[(r < 0.01) & (nps == "10")] = "10 - Mycket troligt"
    nps[(r < 0.01) & (nps == "0")] = "0 - Inte alls troligt"
    nps[r > 0.98] = ""
    comment = np.array(COMMENTS, dtype=object)[rng.integers(0, len(COMMENTS), m)]
    comment[rng.random(m) > 0.05] = ""
    return [_ids("K-", start, m, 7),
            _dates(rng, m, waves).astype(object),
            np.array(WAVES, dtype=object)[waves],
            np.array(UNITS, dtype=object)[units],
            np.array(CUSTOMER_TYPES, dtype=object)[(rng.random(m) < 0.3).astype(np.int64)],
            np.array(VISIT_TYPES, dtype=object)[rng.choice(len(VISIT_TYPES), m, p=[.4, .25, .2, .1, .05])],
            *(labels[codes[:, k]] for k in range(N_ITEMS)),
            nps, comment]


def _employee_chunk(rng, start: int, m: int, planted: dict) -> list[np.ndarray]:
    units = rng.choice(len(UNITS), m, p=planted["unit_share"])
    waves = (rng.random(m) < 0.5).astype(np.int64)
    codes = _answers(rng, m, planted["emp_item"], units, planted["emp_unit"], planted["dk"] * 0.6, 0.01)
    texts = np.array(["", "1", "2", "3", "4", "5", "9"], dtype=object)
    enps = _nps(rng, m, codes).astype(str).astype(object)
    enps[rng.random(m) > 0.985] = ""
    return [_ids("E-", start, m, 6),
            np.array(WAVES, dtype=object)[waves],
            np.array(UNITS, dtype=object)[units],
            np.array(DEPARTMENTS, dtype=object)[rng.choice(len(DEPARTMENTS), m, p=[.4, .2, .2, .1, .1])],
            np.array(TENURES, dtype=object)[rng.integers(0, len(TENURES), m)],
            *(texts[codes[:, k]] for k in range(N_ITEMS)),
            enps]


CUSTOMER_HEADER = ["Respondent-ID", "Datum", "Våg", "Anläggning", "Kundtyp", "Besökstyp",
                   *map(customer_column, range(1, N_ITEMS + 1)), "Rekommendera", "Kommentar"]
EMPLOYEE_HEADER = ["id", "vag", "anlaggning", "avdelning", "anstallningstid",
                   *map(employee_column, range(1, N_ITEMS + 1)), "enps"]


def params_yaml(customers: Path, employees: Path) -> str:
    """The engagement's params: absolute paths, the Swedish agree labels built in, 30 items on 1–5."""
    lines = [
        "# Written by bench/make_big.py: the big synthetic engagement of `make bench`.",
        "client: Benchmark Bil AB (synthetic)",
        "language: sv",
        "customer:",
        "  input:",
        f"    path: {json.dumps(str(customers), ensure_ascii=False)}",
        "    # format, delimiter (;) and encoding (Windows-1252) are sniffed, as for a real delivery",
        "  id_column: Respondent-ID",
        "  unit_column: Anläggning",
        "  wave_column: Våg",
        "  segment_columns: [Kundtyp, Besökstyp]",
        "  nps_column: Rekommendera",
        "  comment_columns: [Kommentar]",
        "  dont_know: [Vet ej]",
        "employee:",
        "  input:",
        f"    path: {json.dumps(str(employees), ensure_ascii=False)}",
        "  id_column: id",
        "  unit_column: anlaggning",
        "  wave_column: vag",
        "  segment_columns: [avdelning, anstallningstid]",
        "  nps_column: enps",
        "  dont_know: [9]",
        "items:",
    ]
    for k in range(1, N_ITEMS + 1):
        lines += [f"  - id: item{k:02d}",
                  f"    label: {{sv: Påstående {k}, en: Statement {k}}}",
                  f"    customer_column: {customer_column(k)}",
                  f"    employee_column: {employee_column(k)}",
                  "    customer_scale: {min: 1, max: 5}",
                  "    employee_scale: {min: 1, max: 5}"]
        if k in REVERSED:
            lines.append("    reversed: true")
    lines += ["analysis:", "  wave: latest", "  min_n: 5", "  gap_threshold: 5", "  alpha: 0.05", ""]
    return "\n".join(lines)


def _write(path: Path, header: list[str], rows: int, make_chunk, rng, planted, *, sep: str,
           newline: str, encoding: str) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        fh.write((sep.join(header) + newline).encode(encoding))
        for start in range(0, rows, CHUNK):
            _write_rows(fh, make_chunk(rng, start, min(CHUNK, rows - start), planted), sep, newline, encoding)
    tmp.replace(path)


def ensure(rows: int = 1_000_000, employees: int = 100_000, seed: int = SEED, *, force: bool = False,
           quiet: bool = False) -> dict:
    """Generate the data set unless one with the same stamp exists; returns the stamp (with paths)."""
    folder = DATA / f"c{rows}-e{employees}-s{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    customers, staff, stamp_file = folder / "customers.csv", folder / "employees.csv", folder / "stamp.json"
    wanted = {"generator": GENERATOR_VERSION, "seed": seed, "customer_rows": rows, "employee_rows": employees,
              "items": N_ITEMS}
    if not force and stamp_file.exists() and customers.exists() and staff.exists():
        old = json.loads(stamp_file.read_text())
        same = {k: old.get(k) for k in wanted} == wanted
        if (same and old.get("customer_bytes") == customers.stat().st_size
                and old.get("employee_bytes") == staff.stat().st_size):
            PARAMS.write_text(params_yaml(customers, staff), encoding="utf-8")
            return {**old, "regenerated": False, "params": str(PARAMS)}
    stamp_file.unlink(missing_ok=True)
    t0 = time.perf_counter()
    planted = _planted(np.random.default_rng([seed, 0]))
    _write(customers, CUSTOMER_HEADER, rows, _customer_chunk, np.random.default_rng([seed, 1]), planted,
           sep=";", newline="\r\n", encoding="cp1252")
    _write(staff, EMPLOYEE_HEADER, employees, _employee_chunk, np.random.default_rng([seed, 2]), planted,
           sep=",", newline="\n", encoding="utf-8")
    stamp = {**wanted, "customer_bytes": customers.stat().st_size, "employee_bytes": staff.stat().st_size,
             "seconds": round(time.perf_counter() - t0, 1)}
    stamp_file.write_text(json.dumps(stamp, indent=2))
    PARAMS.write_text(params_yaml(customers, staff), encoding="utf-8")
    if not quiet:
        print(f"wrote {customers} ({stamp['customer_bytes'] / 1e6:.0f} MB), {staff} "
              f"({stamp['employee_bytes'] / 1e6:.0f} MB) in {stamp['seconds']} s")
    return {**stamp, "regenerated": True, "params": str(PARAMS)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="customer rows")
    ap.add_argument("--employees", type=int, default=100_000, help="employee rows")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--force", action="store_true", help="regenerate even when the stamp matches")
    args = ap.parse_args()
    stamp = ensure(args.rows, args.employees, args.seed, force=args.force)
    from mirrorgap.config.params import load_engagement
    engagement = load_engagement(PARAMS)
    print(f"params {PARAMS}: {len(engagement.items)} items, valid"
          + ("" if stamp["regenerated"] else " (data unchanged, not regenerated)"))


if __name__ == "__main__":
    main()
