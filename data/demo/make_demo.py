"""Generate the synthetic demo engagement: Bilgruppen Norden AB, a Swedish car-dealer group.

Writes, next to this script:
  customers.csv   customer survey, `;`-separated, Windows-1252, CRLF (as Swedish Excel saves it)
  employees.xlsx  employee survey, sheet `Svar`, two title rows above the header
  pulse.csv       weekly employee pulse, UTF-8, `,`-separated

Answers come from a latent model (respondent latent satisfaction + branch effect + item effect + noise,
cut into categories), with item intercepts solved so each item lands on its planted POMP mean. The
planted pattern and the data-quality problems are listed in README.md. Deterministic: the same seed
gives the same bytes (the xlsx gets fixed workbook and zip timestamps).

Run:  .venv/bin/python data/demo/make_demo.py
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

SEED = 20260315
OUT = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2026, 3, 15, 8, 0, 0)

WAVES = ["2025", "2026"]
# Customer fieldwork window per wave (the same season both years, so the waves compare).
FIELDWORK = {"2025": (dt.date(2025, 1, 13), dt.date(2025, 3, 14)),
             "2026": (dt.date(2026, 1, 12), dt.date(2026, 3, 13))}

BRANCHES = ["Stockholm Kungens Kurva", "Göteborg Hisingen", "Malmö Bulltofta",
            "Uppsala Boländerna", "Västerås Erikslund", "Örebro Marieberg"]
# Branch effects in POMP points. Customer and employee effects correlate r ≈ 0.6 across branches;
# Malmö best and Västerås weakest on both sides.
CUST_BRANCH = np.array([2.0, 1.0, 5.0, -1.0, -5.0, -2.0])
EMP_BRANCH = np.array([-3.0, 3.0, 4.0, -2.0, -4.0, 3.5])
CUST_BRANCH_SHARE = np.array([0.22, 0.20, 0.17, 0.14, 0.14, 0.13])

# id, customer column, employee column, planted raw POMP means (customer 2025, customer 2026,
# employee 2025, employee 2026), customer "Vet ej" rate. staff_stressed is reverse-worded: its raw
# means are agreement that staff are stressed (reversed 6 − x they give a gap of about +8).
ITEMS = [
    ("easy_booking", "K01_boka", "m01", (62, 69, 65, 66), 0.03),
    ("quick_reply", "K02_svar", "m02", (63, 64, 66, 67), 0.04),
    ("warm_welcome", "K03_bemotande", "m03", (80, 81, 82, 82), 0.03),
    ("clear_price", "K04_pris", "m04", (44, 45, 47, 47), 0.03),
    ("staff_stressed", "K05_stress", "m05", (41, 40, 33, 34), 0.05),
    ("competence", "K06_kunnig", "m06", (78, 79, 63, 64), 0.05),
    ("extra_mile", "K07_extra", "m07", (54, 57, 76, 75), 0.05),
    ("fixed_first_time", "K08_forsta", "m08", (71, 72, 69, 69), 0.04),
    ("on_time", "K09_itid", "m09", (63, 64, 66, 67), 0.03),
    ("work_explained", "K10_forklarat", "m10", (60, 61, 57, 58), 0.04),
    ("follow_up", "K11_uppfoljning", "m11", (47, 54, 60, 61), 0.09),
]
N_ITEMS = len(ITEMS)
REVERSED = np.array([it[0] == "staff_stressed" for it in ITEMS])
# Weights of the items in the customers' latent overall judgement (drives NPS and satisfaction):
# fixed_first_time, competence and on_time strongest, clear_price weak; stress counts against.
DRIVER_WEIGHTS = {"fixed_first_time": 0.34, "competence": 0.28, "on_time": 0.26, "clear_price": 0.0,
                  "staff_stressed": -0.04}
DEFAULT_DRIVER_WEIGHT = 0.07
CUSTOMER_NPS = (34.0, 36.0)  # per wave
EMPLOYEE_NPS = (10.0, 10.0)  # eNPS per wave
# Customers' price judgement hangs less on their overall mood than the other items do.
CUSTOMER_LOADING = {"clear_price": (0.45, 0.80)}  # item: (latent loading, noise sd); others (0.65, 0.65)

SV_LABELS = ["Instämmer inte alls", "Instämmer inte", "Varken eller", "Instämmer", "Instämmer helt"]
DONT_KNOW = "Vet ej"
CLIENT_LABEL_3 = "Delvis"
NPS_TOP = "10 - Mycket troligt"
NPS_BOTTOM = "0 - Inte alls troligt"

DEPARTMENTS = ["Verkstad", "Service/Reception", "Försäljning", "Administration"]
DEPT_SHARE = np.array([0.47, 0.26, 0.19, 0.08])
DEPT_EFFECT = {"Verkstad": 0.0, "Service/Reception": 0.05, "Försäljning": 0.05, "Administration": -0.10,
               "Ledning": 0.15}  # scale points on 1–5
CONTACT_YES = {"Verkstad": 0.65, "Service/Reception": 0.98, "Försäljning": 0.97, "Administration": 0.15,
               "Ledning": 0.15}
TENURES = ["< 1 år", "1–3 år", "3–10 år", "> 10 år"]
TENURE_SHARE = np.array([0.15, 0.25, 0.35, 0.25])
TENURE_EFFECT = np.array([0.15, 0.0, -0.10, 0.0])
EMP_PER_BRANCH = {"2025": [26, 23, 21, 19, 18, 17], "2026": [27, 23, 21, 20, 18, 18]}
# Ledning: one manager at each of these branches, 3 in 2025 and 4 in 2026 (below min_n 5).
LEDNING_BRANCHES = {"2025": [0, 1, 2], "2026": [0, 1, 2, 3]}

CUSTOMER_COMMENTS = {
    "pos": [
        "Mycket trevligt bemötande i receptionen, kände mig välkommen.",
        "Kunniga mekaniker som hittade felet direkt.",
        "Mikael i verkstaden förklarade allt väldigt pedagogiskt. Stort tack!",
        "Bilen var klar i tid och allt fungerade som det skulle.",
        "Smidigt att boka tid via webben; fick en tid redan dagen efter.",
        "Bra service som vanligt. Kommer tillbaka!",
        "Fick låna en ersättningsbil utan krångel, toppen.",
        "Personalen tog sig tid att svara på mina frågor om elbilen.",
        "Snabbt och proffsigt däckbyte, var ute på 30 minuter.",
        "Tack till Sara i kassan som ordnade allt när jag hade bråttom.",
        "Kände mig trygg med att de vet vad de gör.",
        "Bra att de skickade bilder på bromsarna innan de bytte dem.",
        "Företagsbil – smidigt att fakturan gick direkt till firman.",
    ],
    "neg": [
        "Fick vänta över en timme trots bokad tid.",
        "Priset blev betydligt högre än offerten; ingen ringde innan de gjorde extraarbetet.",
        "Bilen var inte tvättad fast det ingick i servicen.",
        "Ingen uppföljning efter besöket, felet kom tillbaka efter en vecka.",
        "Svårt att komma fram på telefon, satt i kö i 20 minuter.",
        "Personalen verkade stressad och hade inte tid att förklara vad som gjorts.",
        "Bilen blev inte klar i tid, fick ringa själv två gånger för att få besked.",
        'Dyrt. "Fast pris" visade sig inte vara så fast.',
        "Varningslampan lyser fortfarande efter reparationen. Ring mig på 070-123 45 67.",
        "Har mejlat två gånger utan svar; skriv till anna.svensson@example.se",
        "Fakturan var fel – mitt personnummer 19850412-1234 stod på en annan kunds faktura!",
        "Otydligt vad som faktiskt gjordes på bilen; fakturan var svår att förstå.",
        "Fick ingen bekräftelse på bokningen via sms.",
        "Smutsiga fotmattor och fettfläckar på ratten efter verkstadsbesöket.",
        "Lovade att ringa tillbaka om reservdelarna men hörde aldrig av sig.",
        'De sa "vi hör av oss" – gjorde aldrig det.',
    ],
    "mid": [
        "Bra mekaniker men receptionen behöver bli bättre på att informera.",
        "Okej service, men väntrummet var fullt och kaffet slut.",
        "Allt gick bra, men priset för en vanlig service är högt.",
        "Trevlig personal; däremot var bilen inte klar förrän kl 17 i stället för 14.",
        "Helt okej. Inget att anmärka på egentligen.",
        "Hade önskat en påminnelse inför nästa service.",
        "Lite rörigt vid inlämningen, men mekanikern var mycket kunnig.",
        "Bokade via appen; funkade, men gick inte att välja tid på eftermiddagen.",
        "Vore bra med längre öppettider på torsdagar.",
        "Mikael var hjälpsam, men ingen ringde efteråt som utlovat.",
        "Bilen var inte tvättad, annars bra.",
    ],
}
EMPLOYEE_COMMENTS = [
    "Vi behöver fler mekaniker, det är för mycket att göra under däcksäsongen.",
    "Bra sammanhållning i gruppen.",
    "Kunderna uppskattar när vi ringer upp efteråt, men vi hinner sällan.",
    "Systemet för tidbokning krånglar ofta.",
    "Saknar tydliga mål från ledningen.",
    "Jonas är en fantastisk chef, lyssnar alltid.",
    "Ring mig gärna på 073-987 65 43 så berättar jag mer.",
    "Mer utbildning på elbilar behövs.",
    "Stressigt i receptionen på morgonen när alla lämnar bil samtidigt.",
    "Trivs bra, men lönen borde ses över.",
    "Vi gör ofta det lilla extra för kunderna utan att det syns.",
    "Information från huvudkontoret kommer sent eller inte alls.",
    "Bra introduktion när jag började.",
    "Önskar mer feedback från min närmaste chef.",
    "Prislistan är svår att förklara för kunderna.",
    "Kul jobb, trevliga kunder.",
    "Verkstaden och receptionen pratar för lite med varandra.",
    "Maria på verkstaden borde få beröm för allt hon gör.",
    "Kunderna blir ofta överraskade av priset; vi borde ge tydligare besked innan.",
    "För lite tid för kompetensutveckling.",
]


# Side-only questions (issue 13): asked on one side only, appended after the comment column and drawn
# from their own random streams, so the mirror items, NPS and comments keep their bytes.
# Employee: id, column, planted POMP (2025, 2026), loading on the respondent's latent (the one behind
# eNPS), reversed. Stages and 5 I's areas are in params/demo.yaml; engagement index e01–e05.
EMPLOYEE_QUESTIONS = [
    ("proud", "e01", (72, 73), 0.85, False),
    ("motivated", "e02", (74, 75), 0.85, False),
    ("see_future", "e03", (64, 65), 0.75, False),
    ("meaningful", "e04", (73, 74), 0.80, False),
    ("energy", "e05", (66, 67), 0.80, False),
    ("good_introduction", "e06", (71, 73), 0.35, False),
    ("knew_whom_to_ask", "e07", (74, 75), 0.30, False),
    ("know_expected", "e08", (66, 67), 0.40, False),
    ("know_cx_goals", "e09", (55, 57), 0.40, False),
    ("regular_feedback", "e10", (46, 48), 0.65, False),
    ("hear_customer_view", "e11", (44, 47), 0.45, False),
    ("training_needed", "e12", (52, 53), 0.45, False),
    ("can_grow", "e13", (55, 56), 0.55, False),
    ("ideas_used", "e14", (43, 45), 0.70, False),
    ("ideas_forum", "e15", (40, 42), 0.50, False),
    ("recognition", "e16", (45, 46), 0.60, False),
    ("leaders_listen", "e17", (58, 60), 0.65, False),
    ("too_much_to_do", "e18", (58, 57), 0.40, True),  # agreement that the workload is too high (reversed)
]
# Customer: id, column, planted POMP (2025, 2026), loading on the customer's overall judgement, "Vet ej" rate.
CUSTOMER_QUESTIONS = [
    ("phone_reach", "K12_telefon", (52, 55), 0.45, 0.06),
    ("waiting_time", "K13_vantetid", (58, 60), 0.50, 0.03),
    ("car_clean", "K14_ren", (70, 71), 0.40, 0.04),
    ("come_back", "K15_aterkomma", (76, 77), 0.85, 0.02),
    ("trust", "K16_fortroende", (74, 75), 0.85, 0.03),
    ("worth_price", "K17_prisvarde", (56, 57), 0.70, 0.04),
]


# ---------------------------------------------------------------------------------------------- model

def _phi(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF."""
    return 0.5 * (1.0 + np.vectorize(math.erf)(np.asarray(z, dtype=float) / math.sqrt(2.0)))


def expected_category(m: float, offsets: np.ndarray, s: float) -> float:
    """Mean of clip(round(N(m + offset, s)), 1, 5) over the given offsets."""
    cuts = np.array([1.5, 2.5, 3.5, 4.5])
    return float(np.mean(1.0 + _phi((m + offsets[:, None] - cuts[None, :]) / s).sum(axis=1)))


def solve_intercept(target_pomp: float, offsets: np.ndarray, s: float) -> float:
    """The latent intercept that makes the expected 1–5 mean equal the target POMP (bisection)."""
    target = 1.0 + target_pomp / 25.0
    uniq, counts = np.unique(np.round(offsets, 9), return_counts=True)
    rep = np.repeat(uniq, counts)
    lo, hi = -3.0, 9.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if expected_category(mid, rep, s) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def centred_latent(rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
    """Standard-normal respondent latents, centred within each group (so group means carry no noise)."""
    theta = rng.standard_normal(len(groups))
    for g in np.unique(groups):
        sel = groups == g
        if sel.sum() > 1:
            theta[sel] = (theta[sel] - theta[sel].mean()) / theta[sel].std()
    return theta


def cut_1_5(latent: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(latent), 1, 5).astype(int)


def nps_of(scores: np.ndarray) -> float:
    return 100.0 * (np.mean(scores >= 9) - np.mean(scores <= 6))


def answers_0_10(spread: np.ndarray, target_nps: float) -> np.ndarray:
    """0–10 answers clip(round(a + spread)), with the centre a chosen so the sample's NPS is nearest the
    target (a grid search, so the planted NPS holds in the sample itself, not just in expectation)."""
    best = min(np.arange(0.0, 12.0, 0.01),
               key=lambda a: abs(nps_of(np.clip(np.rint(a + spread), 0, 10)) - target_nps))
    return np.clip(np.rint(best + spread), 0, 10).astype(int)


# ------------------------------------------------------------------------------------------ customers

def random_dates(rng: np.random.Generator, wave: str, n: int) -> list[dt.date]:
    start, end = FIELDWORK[wave]
    days = (end - start).days + 1
    weekday_weight = np.array([1.0 if (start + dt.timedelta(d)).weekday() < 5 else 0.15
                               for d in range(days)])
    picks = rng.choice(days, size=n, p=weekday_weight / weekday_weight.sum())
    return [start + dt.timedelta(int(d)) for d in picks]


def customer_question_cells(qrng: np.random.Generator, rows: list[dict]) -> list[list[str]]:
    """The customer-only questions' cells per row: intercept solved per wave, loading on the row's
    overall judgement, Swedish labels with "Vet ej", blanks and now and then the client's own "Delvis"."""
    cells = [[] for _ in rows]
    overall = np.array([r["overall"] for r in rows])
    waves = np.array([WAVES.index(r["wave"]) for r in rows])
    offsets = np.array([CUST_BRANCH[r["branch"]] / 25.0 for r in rows])
    for _, _, targets, lam, dk in CUSTOMER_QUESTIONS:
        noise = 0.65
        s = math.sqrt(lam**2 + noise**2)
        latent = np.empty(len(rows))
        for w in range(len(WAVES)):
            sel = waves == w
            m = solve_intercept(targets[w], offsets[sel], s)
            latent[sel] = m + offsets[sel] + lam * overall[sel] + noise * qrng.standard_normal(sel.sum())
        answers = cut_1_5(latent)
        u, own = qrng.random(len(rows)), qrng.random(len(rows))
        for k in range(len(rows)):
            label = CLIENT_LABEL_3 if answers[k] == 3 and own[k] < 0.03 else SV_LABELS[answers[k] - 1]
            cells[k].append(DONT_KNOW if u[k] < dk else "" if u[k] < dk + 0.015 else label)
    return cells


def make_customers(rng: np.random.Generator, qrng: np.random.Generator) -> list[list[str]]:
    rows: list[dict] = []
    for w, wave in enumerate(WAVES):
        n = 1500
        branch = rng.choice(len(BRANCHES), size=n, p=CUST_BRANCH_SHARE)
        ctype = rng.choice(2, size=n, p=[0.74, 0.26])  # 0 Privatkund, 1 Företagskund
        visit = rng.choice(3, size=n, p=[0.56, 0.27, 0.17])  # Service, Reparation, Däckbyte
        dates = random_dates(rng, wave, n)
        tiebreak = rng.random(n)  # the export lists answers by time, branches interleaved
        theta = centred_latent(rng, branch)
        offsets = CUST_BRANCH[branch] / 25.0 - 0.05 * ctype - 0.10 * (visit == 1) + 0.05 * (visit == 2)
        latent = np.empty((n, N_ITEMS))
        for j, (_, _, _, targets, _) in enumerate(ITEMS):
            sign = -1.0 if REVERSED[j] else 1.0  # agreeing with a negative item means less satisfied
            lam, noise = CUSTOMER_LOADING.get(ITEMS[j][0], (0.65, 0.65))
            s = math.sqrt(lam**2 + noise**2)
            m = solve_intercept(targets[w], sign * offsets, s)
            latent[:, j] = m + sign * (offsets + lam * theta) + noise * rng.standard_normal(n)
        answers = cut_1_5(latent)
        # Overall judgement: driven mostly by fixed_first_time, competence and on_time.
        weights = np.array([DRIVER_WEIGHTS.get(it[0], DEFAULT_DRIVER_WEIGHT) for it in ITEMS])
        centred = latent - latent.mean(axis=0)
        overall = centred @ weights + 0.15 * rng.standard_normal(n)
        overall = (overall - overall.mean()) / overall.std()
        # The clearly dissatisfied fall further than a straight line would put them (a few 0s and 1s).
        spread = 2.0 * overall + 1.0 * rng.standard_normal(n) - 2.5 * np.maximum(0.0, -overall - 1.0) ** 2
        nps = answers_0_10(spread, CUSTOMER_NPS[w])
        sat = np.clip(np.rint(7.7 + 1.6 * overall + 0.8 * rng.standard_normal(n)), 1, 10).astype(int)
        for i in range(n):
            rows.append({"date": dates[i], "tie": float(tiebreak[i]), "wave": wave, "branch": int(branch[i]), "ctype": int(ctype[i]),
                         "visit": int(visit[i]), "answers": answers[i], "nps": int(nps[i]),
                         "sat": int(sat[i]), "overall": float(overall[i])})
    rows.sort(key=lambda r: (r["date"], r["tie"]))

    out: list[list[str]] = []
    questions = customer_question_cells(qrng, rows)
    dk_rates = np.array([it[4] for it in ITEMS])
    for k, r in enumerate(rows, start=1):
        cells = []
        for j in range(N_ITEMS):
            u = rng.random()
            if u < dk_rates[j]:
                cells.append(DONT_KNOW)
            elif u < dk_rates[j] + 0.015:
                cells.append("")
            else:
                a = int(r["answers"][j])
                label = SV_LABELS[a - 1]
                if a == 3 and rng.random() < 0.03:
                    label = CLIENT_LABEL_3
                cells.append(label)
        nps_cell = str(r["nps"])
        if r["nps"] == 10 and rng.random() < 0.25:
            nps_cell = NPS_TOP
        elif r["nps"] == 0 and rng.random() < 0.40:
            nps_cell = NPS_BOTTOM
        if rng.random() < 0.01:
            nps_cell = ""
        sat_cell = "" if rng.random() < 0.01 else str(r["sat"])
        comment = ""
        if rng.random() < 0.25:
            pool = "pos" if r["nps"] >= 9 else ("neg" if r["nps"] <= 6 else "mid")
            options = CUSTOMER_COMMENTS[pool]
            comment = options[int(rng.integers(len(options)))]
        out.append([f"K-{k:06d}", r["date"].isoformat(), r["wave"], BRANCHES[r["branch"]],
                    ["Privatkund", "Företagskund"][r["ctype"]], ["Service", "Reparation", "Däckbyte"][r["visit"]],
                    *cells, nps_cell, sat_cell, comment, *questions[k - 1]])
    plant_customer_quality(rng, out)
    return out


def plant_customer_quality(rng: np.random.Generator, rows: list[list[str]]) -> None:
    """5 rows with every answer blank, 3 unknown labels, 3 rows exported twice (in place)."""
    first_item = 6  # column of K01_boka
    chosen = rng.choice(len(rows), size=11, replace=False)
    blank_rows, label_rows, dup_rows = chosen[:5], chosen[5:8], chosen[8:]
    for i in blank_rows:
        # Only id, date, wave and branch survive (a started-but-empty response).
        rows[i][4:] = [""] * (len(rows[i]) - 4)
    for i, label in zip(label_rows, ["Instämmer delvis", "Instämmer delvis", "Instämmer till viss del"]):
        j = first_item + int(rng.integers(N_ITEMS))
        rows[i][j] = label
    for i in sorted(dup_rows, reverse=True):
        rows.insert(int(i) + 1, list(rows[i]))


def write_customers(rows: list[list[str]], path: Path) -> None:
    header = ["Respondent-ID", "Datum", "Våg", "Anläggning", "Kundtyp", "Besökstyp",
              *[it[1] for it in ITEMS], "Rekommendera", "Nöjdhet", "Kommentar", *[q[1] for q in CUSTOMER_QUESTIONS]]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp1252"))


# ------------------------------------------------------------------------------------------ employees

def employee_question_cells(qrng: np.random.Generator, wave: int, theta: np.ndarray, offsets: np.ndarray,
                            contact: np.ndarray) -> list[list]:
    """The employee-only questions' codes per person (9 = vet ej, None = blank): intercept solved per
    question, loading on the latent behind eNPS, reversed ones loading negatively."""
    n = len(theta)
    cells = [[] for _ in range(n)]
    for _, _, targets, lam, reverse in EMPLOYEE_QUESTIONS:
        noise = 0.60
        s = math.sqrt(lam**2 + noise**2)
        sign = -1.0 if reverse else 1.0
        m = solve_intercept(targets[wave], sign * offsets, s)
        answers = cut_1_5(m + sign * (offsets + lam * theta) + noise * qrng.standard_normal(n))
        u = qrng.random(n)
        for i in range(n):
            dk = 0.05 if not contact[i] else 0.02
            cells[i].append(9 if u[i] < dk else None if u[i] < dk + 0.01 else int(answers[i]))
    return cells


def make_employees(rng: np.random.Generator, qrng: np.random.Generator) -> list[list]:
    lam, noise = 0.60, 0.65
    s = math.sqrt(lam**2 + noise**2)
    out: list[list] = []
    next_id = 1
    for w, wave in enumerate(WAVES):
        people = []
        for b, count in enumerate(EMP_PER_BRANCH[wave]):
            n_lead = int(b in LEDNING_BRANCHES[wave])
            depts = list(rng.choice(DEPARTMENTS, size=count - n_lead, p=DEPT_SHARE)) + ["Ledning"] * n_lead
            people += [(b, str(d)) for d in depts]
        order = rng.permutation(len(people))
        people = [people[i] for i in order]
        n = len(people)
        branch = np.array([p[0] for p in people])
        dept = [p[1] for p in people]
        tenure = rng.choice(len(TENURES), size=n, p=TENURE_SHARE)
        contact = np.array([rng.random() < CONTACT_YES[d] for d in dept])
        theta = centred_latent(rng, branch)
        offsets = (EMP_BRANCH[branch] / 25.0 + np.array([DEPT_EFFECT[d] for d in dept])
                   + TENURE_EFFECT[tenure])
        latent = np.empty((n, N_ITEMS))
        for j, (_, _, _, targets, _) in enumerate(ITEMS):
            sign = -1.0 if REVERSED[j] else 1.0
            m = solve_intercept(targets[2 + w], sign * offsets, s)
            latent[:, j] = m + sign * (offsets + lam * theta) + noise * rng.standard_normal(n)
        answers = cut_1_5(latent)
        # eNPS about +10: engagement follows the same latent, managers a bit keener.
        questions = employee_question_cells(qrng, w, theta, offsets, contact)
        lead = np.array([d == "Ledning" for d in dept])
        enps = answers_0_10(2.2 * theta + 1.0 * lead + EMP_BRANCH[branch] / 10.0
                            + 1.2 * rng.standard_normal(n), EMPLOYEE_NPS[w])
        for i in range(n):
            cells: list = []
            dk = 0.07 if not contact[i] else 0.02
            for j in range(N_ITEMS):
                u = rng.random()
                cells.append(9 if u < dk else (None if u < dk + 0.012 else int(answers[i, j])))
            comment = None
            if rng.random() < 0.30:
                comment = EMPLOYEE_COMMENTS[int(rng.integers(len(EMPLOYEE_COMMENTS)))]
            out.append([f"M-{next_id:04d}", int(wave), BRANCHES[branch[i]], dept[i], TENURES[tenure[i]],
                        "Ja" if contact[i] else "Nej", *cells, int(enps[i]), comment, *questions[i]])
            next_id += 1
    plant_employee_quality(rng, out)
    return out


def plant_employee_quality(rng: np.random.Generator, rows: list[list]) -> None:
    """2 rows with every item 9 or blank, and 2 out-of-range codes (6 and 0)."""
    first_item = 6
    candidates = [i for i, r in enumerate(rows) if r[3] != "Ledning"]
    chosen = rng.choice(candidates, size=4, replace=False)
    for i in chosen[:2]:
        rows[i][first_item:first_item + N_ITEMS] = [9 if rng.random() < 0.7 else None for _ in range(N_ITEMS)]
        # nothing usable in the questions either (no random draw: the other cells keep their bytes)
        rows[i][first_item + N_ITEMS + 2:] = [None] * len(EMPLOYEE_QUESTIONS)
    for i, code in zip(chosen[2:], [6, 0]):
        rows[i][first_item + int(rng.integers(N_ITEMS))] = code


def write_employees(rows: list[list], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Svar"
    ws.append(["Medarbetarundersökning Bilgruppen Norden AB"])
    ws.append(["Export 2026-03-15"])
    ws.append(["id", "vag", "anlaggning", "avdelning", "anstallningstid", "kundkontakt",
               *[it[2] for it in ITEMS], "enps", "kommentar", *[q[1] for q in EMPLOYEE_QUESTIONS]])
    for r in rows:
        ws.append(r)
    wb.properties.creator = "Enkätverktyget"
    wb.properties.lastModifiedBy = "Enkätverktyget"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    # Write through ExcelWriter (save_workbook would stamp `modified` with now), then repack the zip
    # with fixed member timestamps so the file is byte-identical run to run.
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    path.write_bytes(fixed.getvalue())


# ---------------------------------------------------------------------------------------------- pulse

PULSE_WEEKS = [f"2026-W{w:02d}" for w in range(1, 13)]
PULSE_STAFF = {"Verkstad": 24, "Service/Reception": 14, "Försäljning": 10, "Administration": 8, "Ledning": 4}
PULSE_PER_WEEK = {"Verkstad": (13, 19), "Service/Reception": (7, 11), "Försäljning": (5, 8),
                  "Administration": (5, 7), "Ledning": (2, 4)}  # answers per week (inclusive range)


def make_pulse(rng: np.random.Generator) -> list[list]:
    staff = []
    for dept, count in PULSE_STAFF.items():
        branches = (rng.permutation(len(BRANCHES))[:count] if dept == "Ledning"
                    else rng.choice(len(BRANCHES), size=count, p=CUST_BRANCH_SHARE))
        staff += [(dept, int(b)) for b in branches]
    staff_ids = [f"P-{k:03d}" for k in range(1, len(staff) + 1)]
    person_mean = 7.0 + 0.9 * rng.standard_normal(len(staff))
    rows = []
    for wk, week in enumerate(PULSE_WEEKS, start=1):
        for dept, (lo, hi) in PULSE_PER_WEEK.items():
            members = [k for k, p in enumerate(staff) if p[0] == dept]
            k_ans = int(rng.integers(lo, hi + 1))
            for k in sorted(rng.choice(members, size=k_ans, replace=False)):
                b = staff[k][1]
                effect = 0.03 * wk + (EMP_BRANCH[b] / 10.0)
                if dept == "Verkstad" and 8 <= wk <= 10:
                    effect -= 1.0  # planted dip: workshop overload in weeks 8–10
                score = np.clip(np.rint(person_mean[k] + effect + 1.0 * rng.standard_normal()), 1, 10)
                rows.append([staff_ids[k], week, dept, BRANCHES[b], int(score)])
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def write_pulse(rows: list[list], path: Path) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "vecka", "avdelning", "anlaggning", "veckoskattning"])
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


# ----------------------------------------------------------------------------------------------- main

def main() -> None:
    customers = make_customers(np.random.default_rng([SEED, 1]), np.random.default_rng([SEED, 4]))
    employees = make_employees(np.random.default_rng([SEED, 2]), np.random.default_rng([SEED, 5]))
    pulse = make_pulse(np.random.default_rng([SEED, 3]))
    write_customers(customers, OUT / "customers.csv")
    write_employees(employees, OUT / "employees.xlsx")
    write_pulse(pulse, OUT / "pulse.csv")
    print(f"customers.csv  {len(customers)} rows\nemployees.xlsx {len(employees)} rows\n"
          f"pulse.csv      {len(pulse)} rows")


if __name__ == "__main__":
    main()
