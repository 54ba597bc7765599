#!/bin/sh
# Runbook `run-dag`: trigger a run of an Airflow DAG, with a conf.
# Run by the requests workflow after a `portolan run run-dag` request is merged.
#   platform/runbooks/run-dag.sh DAG_ID ENV [CONF_JSON]
# CONF_JSON defaults to the request's `with.conf` (the file the workflow names in
# REQUEST_FILE, read with yq), else `{}`; the run id is `portolan-<run_key>` of the
# request, so a replayed request is refused by Airflow rather than run twice.
# It calls Airflow 2's REST API (POST /api/v1/dags/DAG_ID/dagRuns) of the Airflow of
# ENV, which the platform team configures (repository variables and secrets the
# requests workflow passes on):
#   AIRFLOW_URL_<ENV> (ENV in capitals, `-` as `_`), else AIRFLOW_URL   the webserver
#   AIRFLOW_TOKEN, or AIRFLOW_USERNAME and AIRFLOW_PASSWORD             how to log in
set -eu

fail() { echo "run-dag: $2" >&2; exit "$1"; }
matches() {
  case $1 in *'
'*) return 1 ;; esac
  printf '%s\n' "$1" | grep -Eq "$2"
}
# A field of the request file (as one line of JSON with --json), or nothing.
from_request() {
  [ -n "${REQUEST_FILE:-}" ] || return 0
  command -v yq >/dev/null || fail 69 "yq is needed to read $REQUEST_FILE"
  if [ "$1" != --json ]; then
    yq -r "$1 // \"\"" "$REQUEST_FILE"
  elif yq --version 2>&1 | grep -q mikefarah; then
    yq -o=json -I=0 "$2" "$REQUEST_FILE"
  else
    yq -c "$2" "$REQUEST_FILE"
  fi
}

[ $# -ge 2 ] && [ $# -le 3 ] || fail 64 "usage: run-dag.sh DAG_ID ENV [CONF_JSON]"
dag=$1
env=$2
matches "$dag" '^[A-Za-z0-9_.-]{1,250}$' || fail 64 "\`$dag\` is not a DAG id"
matches "$env" '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' || fail 64 "\`$env\` is not an environment name"
conf=${3:-$(from_request --json '.with.conf // {}')}
[ -n "$conf" ] || conf='{}'
case $conf in '{'*'}') ;; *) fail 64 "the conf must be a JSON object, not \`$conf\`" ;; esac
run_key=$(from_request .run_key)
# The run key names the inputs; the request time tells a repeated request from a replay
# of the same one, which Airflow refuses (the same dag_run_id).
requested_at=$(from_request .requested_at | tr -cd '0-9')
if [ -n "$run_key" ]; then
  matches "$run_key" '^[0-9a-f]{8}$' || fail 64 "\`$run_key\` is not a request's run key"
  run_id="portolan-$run_key${requested_at:+-$requested_at}"
else
  run_id="portolan-$(date -u +%Y%m%dT%H%M%SZ)"
fi

key=$(printf '%s' "$env" | tr 'a-z-' 'A-Z_')
eval "url=\${AIRFLOW_URL_$key:-\${AIRFLOW_URL:-}}"
if [ -z "$url" ]; then
  fail 78 "neither AIRFLOW_URL_$key nor AIRFLOW_URL is set, so no DAG was triggered: the platform team sets them (repository variables) to the Airflow webserver of each environment"
fi
if [ -n "${AIRFLOW_TOKEN:-}" ]; then
  set -- --header "Authorization: Bearer $AIRFLOW_TOKEN"
elif [ -n "${AIRFLOW_USERNAME:-}" ] && [ -n "${AIRFLOW_PASSWORD:-}" ]; then
  set -- --user "$AIRFLOW_USERNAME:$AIRFLOW_PASSWORD"
else
  fail 78 "set AIRFLOW_TOKEN, or AIRFLOW_USERNAME and AIRFLOW_PASSWORD (repository secrets), so that the runbook can log in to Airflow"
fi
echo "run-dag: triggering $dag in $env ($url) as $run_id with the conf $conf"
curl --silent --show-error --fail-with-body --request POST \
  --header 'Content-Type: application/json' "$@" \
  --data "{\"dag_run_id\": \"$run_id\", \"conf\": $conf}" \
  "${url%/}/api/v1/dags/$dag/dagRuns"
echo
