from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saferhub.accounts.models import PartnershipRole


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    roles = (
        PartnershipRole.objects.filter(user_id=int(request.user.pk or 0))
        .select_related("partnership")
        .order_by("partnership__name")
    )
    return render(request, "accounts/my_account.html", {"roles": roles})


@login_required
def partnership_members(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is in the partnership and with what role: members only."""
    from django.shortcuts import get_object_or_404

    from saferhub.accounts.access import access_require
    from saferhub.accounts.models import Partnership, Role

    partnership = get_object_or_404(Partnership, slug=slug)
    access_require(request.user, partnership, Role.VIEWER)
    roles = partnership.user_roles.select_related("user", "user__organisation").order_by("-role", "user__username")
    return render(request, "accounts/partnership_members.html", {"partnership": partnership, "roles": roles})
