"""The read-only open data API: areas, indicators, series, frameworks, actions and meetings, with an
OpenAPI 3 schema (django-ninja). Every read goes through the same access door and suppression as the
pages; partners' tokens act as their user and their restricted reads are audited."""
