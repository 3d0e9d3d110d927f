"""The glossary of statistical terms: one entry per term, each with an anchor pages can link to.

Pages that use a term link to ``{% url 'web:glossary' %}#<anchor>``; the anchors are part of the
page's contract, so they are fixed here rather than derived from the wording.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    anchor: str
    name: str
    meaning: str
    example: str


TERMS: tuple[Term, ...] = (
    Term(
        "spc",
        "Statistical process control (SPC)",
        "A way of telling whether a change in a figure over time is more than the usual ups and downs. "
        "The figures are drawn in time order with an average line and upper and lower process limits.",
        "A run of monthly counts of burglary, with limits showing how far a month can usually vary.",
    ),
    Term(
        "common-cause",
        "Common cause variation",
        "The ordinary ups and downs every figure has from one period to the next. "
        "Points inside the process limits with no unusual pattern show only common cause variation: "
        "there is no sign that anything has changed.",
        "Monthly counts going up and down a little around the same average.",
    ),
    Term(
        "special-cause",
        "Special cause variation",
        "A change too large, or a pattern too unusual, to be the ordinary ups and downs. "
        "A point outside the process limits, or a long run of points on one side of the average, "
        "is a sign that something has changed and is worth looking into.",
        "Eight months in a row above the average after a new scheme started.",
    ),
    Term(
        "trial-limits",
        "Trial limits",
        "Process limits worked out from only a few periods. They are shown as provisional "
        "because they may move once more periods are added.",
        "Limits drawn from the first 12 months of a new indicator.",
    ),
    Term(
        "confidence-interval",
        "Confidence interval",
        "A range around a figure showing how precise it is. A 95% confidence interval is the range "
        "that would contain the true value 95 times in 100 if the figure were measured the same way again. "
        "Where the ranges of two areas do not overlap, the difference between them is unlikely to be chance.",
        "A rate of 12.4 per 1,000 people, with a 95% confidence interval from 10.9 to 14.0.",
    ),
    Term(
        "byar",
        "Byar's method",
        "A way of working out a confidence interval for a count of events, such as crimes, "
        "and for rates based on counts. It works well even for small counts.",
        "The confidence interval for 7 offences in a ward.",
    ),
    Term(
        "funnel-plot",
        "Funnel plot",
        "A chart comparing areas of different sizes. Each area is a point; limits around the overall "
        "average are wide for small areas and narrow for large ones, making a funnel shape. "
        "An area outside the funnel differs from the average by more than chance would explain.",
        "Every district's rate of violence plotted against its population.",
    ),
    Term(
        "wilson",
        "Wilson score interval",
        "A way of working out a confidence interval for a proportion or percentage. "
        "Unlike simpler methods, it stays between 0% and 100% and works for small numbers.",
        "The confidence interval for 18 of 25 victims contacted within 24 hours.",
    ),
)
