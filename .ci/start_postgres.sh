#!/usr/bin/env bash
# Start the Debian PostgreSQL server and create the role/database the PostgreSQL test run uses:
# postgresql://warranty:warranty@localhost/warranty (CREATEDB: each test makes its own database).
set -euo pipefail
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
cluster=$(pg_lsclusters -h | head -1 | awk '{print $1" "$2}')
pg_ctlcluster $cluster start 2>/dev/null || service postgresql start
for _ in $(seq 1 30); do
  as_postgres "pg_isready -q" && break
  sleep 1
done
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='warranty'\"" | grep -q 1 \
  || as_postgres "psql -qc \"CREATE ROLE warranty LOGIN CREATEDB PASSWORD 'warranty'\""
as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='warranty'\"" | grep -q 1 \
  || as_postgres "createdb -O warranty warranty"
echo "PostgreSQL $version is running"
