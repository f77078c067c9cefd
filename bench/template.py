"""Create the migrated, empty database every measurement starts from (`python -m bench.template`).

SQLite: bench/out/db/template.sqlite3, copied per measurement. PostgreSQL: the database
lumbung_bench_template, used as CREATE DATABASE ... TEMPLATE. Migrating once saves a minute a run.
"""

from __future__ import annotations

import bench


def main() -> None:
    args = bench.measurement_args(__doc__ or "").parse_args()
    bench.DB_DIR.mkdir(parents=True, exist_ok=True)
    bench.VAR_DIR.mkdir(parents=True, exist_ok=True)
    bench.drop_database(args.db, "template")
    if args.db == "postgresql":
        bench._pg_admin(f'CREATE DATABASE "{bench.PG_PREFIX}_template"')
    bench.django_setup(bench.database_url(args.db, "template"))
    from django.core.management import call_command
    from django.db import connection

    seconds, _ = bench.timed(lambda: call_command("migrate", verbosity=0, interactive=False))
    if args.db == "sqlite":
        with connection.cursor() as cursor:
            # Fold the WAL back so a plain file copy is the whole database.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    bench.report(args, {"measurement": "template", "migrate_s": round(seconds, 2)})


if __name__ == "__main__":
    main()
