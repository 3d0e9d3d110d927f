"""Loaders of geography: the built-in Essex set and ONS files as ONS publishes them.

A loader reads and checks a whole file first, then writes in one transaction with bulk writes, so a
bad file changes nothing and a national file loads in seconds. Rows for Scotland and Northern
Ireland are counted and reported, never refused: saferhub covers England and Wales.
"""
