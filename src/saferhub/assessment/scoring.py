"""A partnership's priority matrix, as pure scoring (no Django): docs/assessment.md, "Each
partnership's priority matrix".

Seed 002: "A priority matrix was used to formulate the district's priorities based on crime type,
volume/number, seriousness, performance comparison and public concern, and repeat incidents". Each
theme gets a score of 1 to 3 on each of the five criteria by the rules below, or *no evidence* where
the hub holds nothing to score it on (shown as such, never as a zero). The theme's score is the mean
of its criterion scores weighted by the partnership's weights, over the criteria with evidence; the
themes are ranked by it and the first five are proposed as priorities.

The rules (the defaults; the thresholds are this module's constants):

- **Volume**: the theme's share of all crime and anti-social behaviour recorded in the area in the
  period: 10% or more scores 3, 3% or more 2, less 1. The count and the rate per 1,000 residents are
  shown beside it.
- **Seriousness**: harm = count × the harm index's weight for each police.uk crime type; the theme's
  share of the harm of all crime: 10% or more scores 3, 3% or more 2, less 1. With no harm index
  loaded (or no weight for the theme's types) the criterion is *not weighted* (no evidence).
- **Performance comparison**: the area's rate against the pooled rate of its most similar group
  (the members with records in the hub): 10% or more above scores 3, within 10% scores 2, 10% or
  more below 1. Without comparators: the trend over the months, the last third of the months
  against the first third, 10% or more up 3, within 10% 2, 10% or more down 1. Then the SPC signal
  (XmR chart of the monthly counts, lower is better): a special cause of concern at the last month
  raises the score to 3, a special cause of improvement lowers it by one (to no less than 1).
- **Public concern**: the latest survey value of the share of residents who see the theme as a
  problem (perceptions of anti-social behaviour, drug use or dealing, people being drunk or
  rowdy): 30% or more scores 3, 15% or more 2, less 1. No survey value: no evidence.
- **Repeat incidents**: the share of the theme's records at police.uk map points with two or more
  of the theme's records in the period, against the same share for all crime and anti-social
  behaviour in the area: 10% or more above scores 3, within 10% 2, 10% or more below 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from saferhub.core.errors import ValidationProblem

CRITERIA = ("volume", "seriousness", "performance", "concern", "repeat")
CRITERION_LABELS = {
    "volume": "Volume",
    "seriousness": "Seriousness",
    "performance": "Performance compared",
    "concern": "Public concern",
    "repeat": "Repeat incidents",
}
DEFAULT_WEIGHTS: dict[str, int] = dict.fromkeys(CRITERIA, 1)
MAX_WEIGHT = 5
PROPOSED = 5

SHARE_HIGH, SHARE_MIDDLE = 0.10, 0.03  # volume and seriousness: share of the area's total
RATIO_BAND = 0.10  # performance and repeat: 10% above or below the comparison
CONCERN_HIGH, CONCERN_MIDDLE = 30.0, 15.0  # per cent of residents who see a problem
RATE_PER = 1000


@dataclass(frozen=True)
class Theme:
    """A theme of the matrix: police.uk crime types (or STATS19 collisions) counted together."""

    key: str
    label: str
    categories: tuple[str, ...] = ()
    source: str = "police-uk"  # or "stats19"
    concern: tuple[str, ...] = ()  # indicator slugs of survey returns on the theme
    annex: str = ""  # the Annex A column it falls under ("" where the annex has none)


ACQUISITIVE = (
    "Burglary",
    "Robbery",
    "Vehicle crime",
    "Theft from the person",
    "Bicycle theft",
    "Shoplifting",
    "Other theft",
)
THEMES: tuple[Theme, ...] = (
    Theme("acquisitive", "Acquisitive crime", ACQUISITIVE),
    Theme("vehicle", "Vehicle crime", ("Vehicle crime",), annex="Vehicle Crime"),
    Theme("burglary", "Burglary", ("Burglary",), annex="Dwelling Burglary"),
    Theme("robbery", "Robbery", ("Robbery",), annex="Robbery"),
    Theme("shoplifting", "Shoplifting", ("Shoplifting",), annex="Shoplifting"),
    Theme("violence", "Violence and sexual offences", ("Violence and sexual offences",), annex="Violent Crime"),
    Theme(
        "criminal-damage", "Criminal damage and arson", ("Criminal damage and arson",), annex="Anti-Social Behaviour"
    ),
    Theme("drugs", "Drugs", ("Drugs",), concern=("perceptions-drug-use-dealing",), annex="Alcohol/Drugs"),
    Theme("public-order", "Public order", ("Public order",), concern=("perceptions-drunk-rowdy",)),
    Theme("weapons", "Possession of weapons", ("Possession of weapons",)),
    Theme(
        "asb",
        "Anti-social behaviour",
        ("Anti-social behaviour",),
        concern=("perceptions-of-asb",),
        annex="Anti-Social Behaviour",
    ),
    Theme("road-safety", "Road safety", (), source="stats19", annex="Road Safety"),
)
THEMES_BY_KEY = {t.key: t for t in THEMES}


@dataclass(frozen=True)
class Evidence:
    """What the hub holds on one theme for the area and period (None: nothing to go on)."""

    theme: Theme
    count: int
    monthly: tuple[int, ...]  # the counts month by month, oldest first
    area_total: int  # all crime and anti-social behaviour in the area (the volume share's base)
    population: int | None
    harm: Decimal | None = None  # Σ count × weight; None: not weighted
    harm_total: Decimal | None = None  # harm of all crime in the area
    harm_index: str = ""
    group_rate: float | None = None  # pooled rate per 1,000 of the most similar group's members with records
    group_label: str = ""
    england_note: str = "England: the hub holds no records for England to compare with."
    concern_value: float | None = None
    concern_label: str = ""
    repeat_share: float | None = None  # share of the theme's records at repeat points
    repeat_base: float | None = None  # the same share for all crime and ASB in the area
    spc_variation: str = ""  # xmr's variation at the last point ("" where not computed)


@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    score: int | None  # 1–3, None: no evidence
    inputs: tuple[str, ...]
    reason: str

    @property
    def label(self) -> str:
        return CRITERION_LABELS[self.criterion]

    @property
    def text(self) -> str:
        return "No evidence" if self.score is None else f"{self.score} of 3"


@dataclass(frozen=True)
class ThemeResult:
    theme: Theme
    scores: tuple[CriterionScore, ...]
    total: float | None  # weighted mean over criteria with evidence
    count: int
    rank: int = 0
    proposed: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total_text(self) -> str:
        return "No evidence" if self.total is None else f"{self.total:.2f}"


def check_weights(weights: Mapping[str, object], *, where: str = "weights") -> dict[str, int]:
    """Whole numbers 0 to 5 for each criterion, at least one above 0; names the criterion otherwise."""
    out: dict[str, int] = {}
    for c in CRITERIA:
        value = weights.get(c, DEFAULT_WEIGHTS[c])
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
            raise ValidationProblem(
                f"the weight of {CRITERION_LABELS[c].lower()} must be a whole number from 0 to {MAX_WEIGHT}, "
                f"not {value!r}",
                where=where,
            )
        out[c] = value
    if not any(out.values()):
        raise ValidationProblem("at least one criterion needs a weight above 0", where=where)
    return out


def _band(share: float, high: float, middle: float) -> int:
    return 3 if share >= high else 2 if share >= middle else 1


def _ratio_score(ratio: float) -> int:
    return 3 if ratio >= 1 + RATIO_BAND else 1 if ratio <= 1 - RATIO_BAND else 2


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def score_volume(e: Evidence) -> CriterionScore:
    inputs = [f"Records: {e.count:,}", f"All crime and anti-social behaviour in the area: {e.area_total:,}"]
    if e.population:
        inputs.append(f"Rate: {e.count / e.population * RATE_PER:.2f} per 1,000 residents ({e.population:,} residents)")
    else:
        inputs.append("Rate: no population estimate for the area")
    if e.area_total <= 0:
        return CriterionScore("volume", None, tuple(inputs), "Nothing was recorded in the area in the period.")
    share = e.count / e.area_total
    score = _band(share, SHARE_HIGH, SHARE_MIDDLE)
    reason = f"{_pct(share)} of all records in the area: {_rule_words(score, 'share')}."
    return CriterionScore("volume", score, (*inputs, f"Share: {_pct(share)}"), reason)


def _rule_words(score: int, kind: str) -> str:
    if kind == "share":
        return {3: "10% or more scores 3", 2: "3% or more (under 10%) scores 2", 1: "under 3% scores 1"}[score]
    return {3: "10% or more above scores 3", 2: "within 10% scores 2", 1: "10% or more below scores 1"}[score]


def score_seriousness(e: Evidence) -> CriterionScore:
    if e.harm is None or not e.harm_total:
        reason = (
            "Not weighted: no harm index is loaded"
            if not e.harm_index
            else (f"Not weighted: {e.harm_index} gives no weight for this theme's crime types")
        )
        return CriterionScore("seriousness", None, ("Harm index: none applied",), reason + ".")
    share = float(e.harm / e.harm_total)
    score = _band(share, SHARE_HIGH, SHARE_MIDDLE)
    inputs = (
        f"Harm index: {e.harm_index}",
        f"Harm (records × weight): {e.harm:,.1f}",
        f"Harm of all crime in the area: {e.harm_total:,.1f}",
        f"Share of harm: {_pct(share)}",
    )
    return CriterionScore(
        "seriousness", score, inputs, f"{_pct(share)} of the area's harm: {_rule_words(score, 'share')}."
    )


SPC_WORDS = {
    "concern_high": "a special cause of concern (high) in the last month",
    "improvement_low": "a special cause of improvement (low) in the last month",
    "common_cause": "common cause variation only",
}


def trend_ratio(monthly: Sequence[int]) -> float | None:
    """The last third of the months against the first third (None under 3 months or a first third of 0)."""
    k = len(monthly) // 3
    if k == 0:
        return None
    first, last = sum(monthly[:k]), sum(monthly[-k:])
    return None if first == 0 else last / first


def score_performance(e: Evidence) -> CriterionScore:
    inputs: list[str] = []
    score: int | None = None
    reason = ""
    rate = e.count / e.population * RATE_PER if e.population else None
    ratio = trend_ratio(e.monthly)
    inputs.append("Months: " + ", ".join(f"{n:,}" for n in e.monthly))
    if ratio is not None:
        inputs.append(f"Trend: the last third of the months is {_pct(ratio)} of the first third")
    if rate is not None and e.group_rate:
        group_ratio = rate / e.group_rate
        score = _ratio_score(group_ratio)
        inputs.append(f"{e.group_label}: {e.group_rate:.2f} per 1,000; the area {rate:.2f} ({_pct(group_ratio)})")
        reason = f"The area's rate is {_pct(group_ratio)} of its most similar group's: {_rule_words(score, 'ratio')}"
    else:
        inputs.append(e.group_label or "Most similar group: no members' records in the hub to compare with")
        if ratio is not None:
            score = _ratio_score(ratio)
            reason = f"No comparison with similar areas; over the months the trend is {_pct(ratio)}: " + _rule_words(
                score, "ratio"
            )
    inputs.append(e.england_note)
    if e.spc_variation:
        inputs.append("SPC: " + SPC_WORDS.get(e.spc_variation, e.spc_variation.replace("_", " ")))
    if score is None:
        return CriterionScore("performance", None, tuple(inputs), "Too few months and no comparison to score on.")
    if e.spc_variation == "concern_high" and score < 3:
        score, reason = 3, reason + "; raised to 3 by a special cause of concern"
    elif e.spc_variation == "improvement_low" and score > 1:
        score, reason = score - 1, reason + "; lowered by one for a special cause of improvement"
    return CriterionScore("performance", score, tuple(inputs), reason + ".")


def score_concern(e: Evidence) -> CriterionScore:
    if e.concern_value is None:
        what = "No survey return on this theme for the area" if e.theme.concern else "No survey measures this theme"
        return CriterionScore("concern", None, ("Survey: none",), what + ".")
    v = e.concern_value
    score = 3 if v >= CONCERN_HIGH else 2 if v >= CONCERN_MIDDLE else 1
    words = {3: "30% or more scores 3", 2: "15% or more (under 30%) scores 2", 1: "under 15% scores 1"}[score]
    return CriterionScore("concern", score, (f"{e.concern_label}: {v:.1f}%",), f"{v:.1f}% see a problem: {words}.")


def score_repeat(e: Evidence) -> CriterionScore:
    if e.repeat_share is None or not e.repeat_base:
        return CriterionScore("repeat", None, ("Map points: none",), "No records placed at map points.")
    ratio = e.repeat_share / e.repeat_base
    score = _ratio_score(ratio)
    inputs = (
        f"Records at map points with 2 or more of them: {_pct(e.repeat_share)}",
        f"The same for all crime and anti-social behaviour in the area: {_pct(e.repeat_base)}",
    )
    reason = f"{_pct(ratio)} of the area's share of repeats: {_rule_words(score, 'ratio')}."
    return CriterionScore("repeat", score, inputs, reason)


SCORERS = {
    "volume": score_volume,
    "seriousness": score_seriousness,
    "performance": score_performance,
    "concern": score_concern,
    "repeat": score_repeat,
}


def weighted_total(scores: Sequence[CriterionScore], weights: Mapping[str, int]) -> float | None:
    """Σ weight × score / Σ weight over the criteria with evidence (None if none has evidence)."""
    used = [(weights[s.criterion], s.score) for s in scores if s.score is not None and weights[s.criterion]]
    total_weight = sum(w for w, _ in used)
    if not total_weight:
        return None
    return sum(w * s for w, s in used) / total_weight


def score_matrix(evidence: Sequence[Evidence], weights: Mapping[str, object] | None = None) -> list[ThemeResult]:
    """Score every theme, rank them (highest weighted score first; ties by records, then label) and
    propose the first five with evidence."""
    w = check_weights(weights or DEFAULT_WEIGHTS)
    results = []
    for e in evidence:
        scores = tuple(SCORERS[c](e) for c in CRITERIA)
        results.append(ThemeResult(theme=e.theme, scores=scores, total=weighted_total(scores, w), count=e.count))
    results.sort(key=lambda r: (r.total is None, -(r.total or 0), -r.count, r.theme.label))
    ranked = []
    for i, r in enumerate(results, start=1):
        ranked.append(
            ThemeResult(
                theme=r.theme,
                scores=r.scores,
                total=r.total,
                count=r.count,
                rank=i,
                proposed=i <= PROPOSED and r.total is not None,
            )
        )
    return ranked
