#!/bin/sh
# Runbook `duplicate-table`: copy a table of a PostgreSQL database to a new name, in the
# same database or in the same database of another environment.
# Run by the requests workflow after a `portolan run duplicate-table` request is merged.
#   platform/runbooks/duplicate-table.sh FROM TABLE TO NEW_TABLE [--schema-only]
# FROM and TO are databases named by their connection Secret, NAMESPACE/SECRET (what
# Crossplane writes for the claim, with the key `uri`). Copying is the platform's own
# business (pg_dump and psql in a job, a data platform's API...): this checks the
# arguments and hands the work to the command in TABLE_COPY_COMMAND (set by the
# platform team; the requests workflow passes the repository variable of that name),
# run as
#   $TABLE_COPY_COMMAND --from NAMESPACE/SECRET --table TABLE --to NAMESPACE/SECRET --to-table NEW_TABLE [--schema-only]
set -eu

fail() { echo "duplicate-table: $2" >&2; exit "$1"; }
matches() {
  case $1 in *'
'*) return 1 ;; esac
  printf '%s\n' "$1" | grep -Eq "$2"
}
secret='^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$'
table='^[a-z_][a-z0-9_]{0,62}$'

[ $# -ge 4 ] && [ $# -le 5 ] || fail 64 "usage: duplicate-table.sh FROM TABLE TO NEW_TABLE [--schema-only]"
from=$1
source_table=$2
to=$3
new_table=$4
mode=${5:-}
matches "$from" "$secret" || fail 64 "\`$from\` is not NAMESPACE/SECRET"
matches "$to" "$secret" || fail 64 "\`$to\` is not NAMESPACE/SECRET"
matches "$source_table" "$table" || fail 64 "\`$source_table\` is not a table name"
matches "$new_table" "$table" || fail 64 "\`$new_table\` is not a table name"
case $mode in '' | --schema-only) ;; *) fail 64 "unexpected argument \`$mode\`" ;; esac
if [ "$from" = "$to" ] && [ "$source_table" = "$new_table" ]; then
  fail 64 "the copy needs another name or another database"
fi

if [ -z "${TABLE_COPY_COMMAND:-}" ]; then
  fail 78 "TABLE_COPY_COMMAND is not set, so nothing was copied: the platform team sets it (a repository variable) to the command that copies a table between databases"
fi
echo "duplicate-table: copying ${mode:+the schema of }$source_table ($from) to $new_table ($to)"
set -- --from "$from" --table "$source_table" --to "$to" --to-table "$new_table"
[ -z "$mode" ] || set -- "$@" --schema-only
exec sh -c "$TABLE_COPY_COMMAND \"\$@\"" duplicate-table "$@"
