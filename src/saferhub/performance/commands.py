"""``saferhub performance …``"""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("performance")
def command() -> None:
    """Scorecards, indicator summaries, district profiles and maps."""


@command.command("refresh")
@click.option("--indicator", "slug", default=None, help="Only this indicator (its slug).")
@click.option("--area", "code", default=None, help="Only this area (its GSS code).")
def refresh(slug: str | None, code: str | None) -> None:
    """Recompute the stored summaries that the performance pages read."""
    setup_django()
    from saferhub.core.errors import NotFound
    from saferhub.framework.models import Indicator
    from saferhub.geography.models import Area
    from saferhub.performance.services import performance_refresh

    indicator = area = None
    if slug:
        indicator = Indicator.objects.filter(slug=slug).first()
        if indicator is None:
            raise NotFound(f"there is no indicator {slug!r}")
    if code:
        area = Area.objects.filter(code=code.strip().upper()).first()
        if area is None:
            raise NotFound(f"there is no area with the code {code!r}")
    click.echo(f"performance: {performance_refresh(indicator=indicator, area=area)}")
