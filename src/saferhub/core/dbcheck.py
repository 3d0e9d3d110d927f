"""``python -m saferhub.core.dbcheck URL``: exit 0 if the database answers, 1 (with the reason) if not.

Used by ``make test`` to decide whether the PostgreSQL run can happen.
"""

from __future__ import annotations

import sys


def main(url: str) -> int:
    from config.env import database_from_url

    config = database_from_url(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return 0
    import psycopg

    try:
        with psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname=config["NAME"],
            connect_timeout=5,
        ) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        sys.stderr.write(f"PostgreSQL check failed: {str(exc).strip().splitlines()[0]}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
