"""Page builders: each turns what the selectors read into what one page's template shows (figures
as text, charts, links, what a reader may not see masked). Nothing here writes or caches; the cached
sections are in ``performance.fragments``."""

NO_VALUES_HELP = (
    "No values yet: import police.uk files with `saferhub import police-uk PATH` or upload a return, "
    "then run `saferhub performance refresh`."
)
NO_FRAMEWORK_HELP = (
    "No frameworks yet: load the Essex frameworks with `saferhub framework load-essex`, or add one in the admin pages."
)
NO_BOUNDARIES_HELP = (
    "No boundaries loaded: load them with `saferhub geography load boundaries PATH…` "
    "(for example the ONS district boundaries and the LSOA files in ../shared/data/boundaries)."
)
