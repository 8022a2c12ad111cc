"""The visit counter: one row per page, counted in PostgreSQL (the `db` service)."""
import os
import time

import psycopg2

DEFAULT_URL = "postgresql://postgres:dev@db:5432/visits"


def connect(url=None, wait_seconds=30.0):
    """Connects to the database, waiting for it to accept connections (it may still be starting)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return psycopg2.connect(url or os.environ.get("DATABASE_URL", DEFAULT_URL))
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def count_visit(conn, page="/"):
    """Adds one visit to `page` and returns its new count."""
    with conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS visits (page text PRIMARY KEY, n integer NOT NULL)")
        cur.execute(
            "INSERT INTO visits (page, n) VALUES (%s, 1) "
            "ON CONFLICT (page) DO UPDATE SET n = visits.n + 1 RETURNING n",
            (page,),
        )
        return cur.fetchone()[0]
