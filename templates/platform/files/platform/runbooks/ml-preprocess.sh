#!/bin/sh
# Runbook `ml-preprocess`: prepare a model's training data.
# Run by the requests workflow after a `portolan run train-model --set job=preprocess`
# request is merged.
#   platform/runbooks/ml-preprocess.sh MODEL [DATASET]
# DATASET defaults to the request's (`with.dataset` of the file the workflow names in
# REQUEST_FILE, read with yq). Pre-processing is the platform's own business: this
# checks the arguments and hands the work to the command in ML_PREPROCESS_COMMAND (set
# by the platform team; the requests workflow passes the repository variable of that
# name), run as
#   $ML_PREPROCESS_COMMAND --model MODEL --dataset DATASET
set -eu

fail() { echo "ml-preprocess: $2" >&2; exit "$1"; }
matches() {
  case $1 in *'
'*) return 1 ;; esac
  printf '%s\n' "$1" | grep -Eq "$2"
}
from_request() {
  [ -n "${REQUEST_FILE:-}" ] || return 0
  command -v yq >/dev/null || fail 69 "yq is needed to read $REQUEST_FILE"
  yq -r "$1 // \"\"" "$REQUEST_FILE"
}

[ $# -ge 1 ] && [ $# -le 2 ] || fail 64 "usage: ml-preprocess.sh MODEL [DATASET]"
model=$1
dataset=${2:-$(from_request .with.dataset)}
matches "$model" '^[A-Za-z0-9@_.+:-]+$' || fail 64 "\`$model\` is not a model identifier"
[ -n "$dataset" ] || fail 64 "no data set: pass DATASET, or run it for a train-model request (REQUEST_FILE)"
matches "$dataset" '^[a-z0-9]+://[^[:space:]]+$' || fail 64 "\`$dataset\` is not a data set location (s3://, gs://...)"

if [ -z "${ML_PREPROCESS_COMMAND:-}" ]; then
  fail 78 "ML_PREPROCESS_COMMAND is not set, so nothing was pre-processed: the platform team sets it (a repository variable) to the command that starts a pre-processing run"
fi
echo "ml-preprocess: preparing the data of $model from $dataset"
exec sh -c "$ML_PREPROCESS_COMMAND \"\$@\"" ml-preprocess --model "$model" --dataset "$dataset"
