"""A laptop: SQLite in var/, console e-mail, a development secret unless one is given."""

from config.env import env_bool, env_str
from config.settings.base import *

DEBUG = env_bool("SAFERHUB_DEBUG", False)
# Local only: a fixed key keeps sessions across restarts. production.py never falls back.
SECRET_KEY = env_str("SAFERHUB_SECRET_KEY", "local-development-only-not-secret")
