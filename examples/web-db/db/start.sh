#!/bin/sh
# Runs PostgreSQL as the container's main process, with its data in /var/lib/postgresql/data (a
# volume, so it outlives `berth down`). The first start makes the cluster and the app's database.
set -e
PGDATA=/var/lib/postgresql/data
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  install -d -o postgres -g postgres -m 700 "$PGDATA"
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
  chown postgres /tmp/pwfile
  as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f /tmp/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "unix_socket_directories = '/tmp'" >> "$PGDATA/postgresql.conf"
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -w start >/dev/null
  as_postgres "$PGBIN/psql" -h /tmp -U postgres -q -c "CREATE DATABASE $POSTGRES_DB"
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -w stop >/dev/null
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/postgres" -D "$PGDATA"
