from django.http import HttpRequest, HttpResponse


def index(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


county_priorities = hotspots = repeat_locations = costs_of_harm = index
