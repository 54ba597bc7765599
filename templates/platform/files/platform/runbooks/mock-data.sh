#!/bin/sh
# Runbook `mock-data`: load a named data set into a development environment.
# Run by the requests workflow after a `portolan run load-mock-data` request is merged.
#   platform/runbooks/mock-data.sh NAMESPACE DATASET [APP] [--reset]
# Loading is the platform's own business: this checks the arguments and hands the work
# to the command in MOCK_DATA_COMMAND (set by the platform team; the requests workflow
# passes the repository variable of that name), run as
#   $MOCK_DATA_COMMAND --namespace NAMESPACE --dataset DATASET [--app APP] [--reset]
set -eu

fail() { echo "mock-data: $2" >&2; exit "$1"; }
# Whether $1 is one line that matches the extended regular expression $2.
matches() {
  case $1 in *'
'*) return 1 ;; esac
  printf '%s\n' "$1" | grep -Eq "$2"
}
label='^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'

[ $# -ge 2 ] || fail 64 "usage: mock-data.sh NAMESPACE DATASET [APP] [--reset]"
namespace=$1
dataset=$2
shift 2
app=
reset=
for arg in "$@"; do
  case $arg in
    --reset) reset=yes ;;
    *) [ -z "$app" ] || fail 64 "unexpected argument \`$arg\`"; app=$arg ;;
  esac
done
matches "$namespace" "$label" || fail 64 "\`$namespace\` is not a namespace name"
matches "$dataset" '^[a-z0-9][-a-z0-9_.]*$' || fail 64 "\`$dataset\` is not a data set name"
[ -z "$app" ] || matches "$app" "$label" || fail 64 "\`$app\` is not an app name"

if [ -z "${MOCK_DATA_COMMAND:-}" ]; then
  fail 78 "MOCK_DATA_COMMAND is not set, so nothing was loaded: the platform team sets it (a repository variable) to the command that loads a data set into a namespace"
fi
echo "mock-data: loading the data set $dataset into $namespace${app:+ for $app}${reset:+, emptying it first}"
set -- --namespace "$namespace" --dataset "$dataset"
[ -z "$app" ] || set -- "$@" --app "$app"
[ -z "$reset" ] || set -- "$@" --reset
exec sh -c "$MOCK_DATA_COMMAND \"\$@\"" mock-data "$@"
