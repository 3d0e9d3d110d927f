"""saferhub: the performance and intelligence hub for community safety partnerships."""

__version__ = "0.1.0"
