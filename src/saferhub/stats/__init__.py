"""Pure statistics for saferhub: NumPy, SciPy and statsmodels, no Django (an import-linter contract
keeps it so).

Every result carries its value, limits, confidence level and method; bad input raises
``saferhub.core.errors.ValidationProblem`` naming the row, and where a reference method gives "no
value" or "cannot be calculated" the result says so with its reason. Methods, references and
deviations: docs/methods.md.
"""

from saferhub.stats.ambition import AmbitionStatus, RelativeAmbition, relative_ambition
from saferhub.stats.compare import (
    Comparison,
    Outcome,
    SdDistance,
    compare_estimates,
    compare_two_intervals,
    compare_with_benchmark,
    distance_in_sd,
    meets_sd_ambition,
)
from saferhub.stats.compare_spc import compare_proportions_spc, compare_rates_spc
from saferhub.stats.disparity import Gap, difference, disparity_gap, gap_between
from saferhub.stats.forecast import Forecast, ForecastPoint, Status, TargetStatus, baseline_forecast, target_status
from saferhub.stats.funnel import FunnelResult, FunnelUnit, funnel_proportions, funnel_rates, funnel_ratios
from saferhub.stats.funnel_limits import (
    FunnelLimits,
    poisson_count_limits,
    proportion_funnel_limits,
    rate_funnel_limits,
    ratio_funnel_limits,
)
from saferhub.stats.inequality import SiiResult, slope_index_of_inequality
from saferhub.stats.intervals import (
    IntervalColumns,
    byar_limits,
    count_intervals,
    counts,
    exact_poisson_limits,
    proportion_intervals,
    rate_intervals,
    rates,
    wilson,
)
from saferhub.stats.means import MeanEstimate, means
from saferhub.stats.overdispersion import overdispersion
from saferhub.stats.quantiles import Quantiles, QuintileCategories, category_bounds, phe_quantiles, quintile_categories
from saferhub.stats.results import Estimate, Polarity
from saferhub.stats.spc import SpcOptions, SpcPoint, SpcResult, SpcSegment, assurance_type, xmr
from saferhub.stats.spc_batch import SpcTable, xmr_many
from saferhub.stats.standardised import dsr, indirectly_standardised_rates, indirectly_standardised_ratios
from saferhub.stats.trend import Trend, TrendResult, recent_trend

__all__ = [
    "AmbitionStatus",
    "Comparison",
    "Estimate",
    "Forecast",
    "ForecastPoint",
    "FunnelLimits",
    "FunnelResult",
    "FunnelUnit",
    "Gap",
    "IntervalColumns",
    "MeanEstimate",
    "Outcome",
    "Polarity",
    "Quantiles",
    "QuintileCategories",
    "RelativeAmbition",
    "SdDistance",
    "SiiResult",
    "SpcOptions",
    "SpcPoint",
    "SpcResult",
    "SpcSegment",
    "SpcTable",
    "Status",
    "TargetStatus",
    "Trend",
    "TrendResult",
    "assurance_type",
    "baseline_forecast",
    "byar_limits",
    "category_bounds",
    "compare_estimates",
    "compare_proportions_spc",
    "compare_rates_spc",
    "compare_two_intervals",
    "compare_with_benchmark",
    "count_intervals",
    "counts",
    "difference",
    "disparity_gap",
    "distance_in_sd",
    "dsr",
    "exact_poisson_limits",
    "funnel_proportions",
    "funnel_rates",
    "funnel_ratios",
    "gap_between",
    "indirectly_standardised_rates",
    "indirectly_standardised_ratios",
    "means",
    "meets_sd_ambition",
    "overdispersion",
    "phe_quantiles",
    "poisson_count_limits",
    "proportion_funnel_limits",
    "proportion_intervals",
    "quintile_categories",
    "rate_funnel_limits",
    "rate_intervals",
    "rates",
    "ratio_funnel_limits",
    "recent_trend",
    "relative_ambition",
    "slope_index_of_inequality",
    "target_status",
    "wilson",
    "xmr",
    "xmr_many",
]
