"""Write the demo engagement's headcount: how many employees each branch invited, per wave.

Writes headcount.csv next to this script (UTF-8, `;`-separated, as a client's HR export might look):
`Våg`, `Anläggning`, `Inbjudna`. The numbers are made up, a little above the demo's respondents per
branch and wave (response rates 74–91 %), so the run shows response rates and the finite-population
correction of the employees' confidence intervals (params/demo.yaml, `headcount:`).
Kept apart from make_demo.py, which makes the surveys. Deterministic.

Run:  .venv/bin/python data/demo/make_headcount.py
"""
from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent / "headcount.csv"

INVITED = {  # branch: (2025, 2026)
    "Stockholm Kungens Kurva": (30, 31),
    "Göteborg Hisingen": (28, 27),
    "Malmö Bulltofta": (26, 25),
    "Uppsala Boländerna": (24, 24),
    "Västerås Erikslund": (22, 23),
    "Örebro Marieberg": (21, 21),
}


def main() -> None:
    lines = ["Våg;Anläggning;Inbjudna"]
    for k, wave in enumerate(("2025", "2026")):
        lines += [f"{wave};{branch};{counts[k]}" for branch, counts in INVITED.items()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
