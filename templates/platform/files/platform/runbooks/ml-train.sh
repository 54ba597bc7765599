#!/bin/sh
# Runbook `ml-train`: train a model on a data set.
# Run by the requests workflow after a `portolan run train-model --set job=train`
# request is merged.
#   platform/runbooks/ml-train.sh MODEL [DATASET [EPOCHS]]
# DATASET and EPOCHS default to the request's (`with.dataset`, `with.epochs` of the file
# the workflow names in REQUEST_FILE, read with yq). Training is the platform's own
# business (Kubeflow, SageMaker, an Argo Workflow...): this checks the arguments and
# hands the work to the command in ML_TRAIN_COMMAND (set by the platform team; the
# requests workflow passes the repository variable of that name), run as
#   $ML_TRAIN_COMMAND --model MODEL --dataset DATASET --epochs EPOCHS
set -eu

fail() { echo "ml-train: $2" >&2; exit "$1"; }
matches() {
  case $1 in *'
'*) return 1 ;; esac
  printf '%s\n' "$1" | grep -Eq "$2"
}
# A field of the request file, or nothing.
from_request() {
  [ -n "${REQUEST_FILE:-}" ] || return 0
  command -v yq >/dev/null || fail 69 "yq is needed to read $REQUEST_FILE"
  yq -r "$1 // \"\"" "$REQUEST_FILE"
}

[ $# -ge 1 ] && [ $# -le 3 ] || fail 64 "usage: ml-train.sh MODEL [DATASET [EPOCHS]]"
model=$1
dataset=${2:-$(from_request .with.dataset)}
epochs=${3:-$(from_request .with.epochs)}
epochs=${epochs:-10}
matches "$model" '^[A-Za-z0-9@_.+:-]+$' || fail 64 "\`$model\` is not a model identifier"
[ -n "$dataset" ] || fail 64 "no data set: pass DATASET, or run it for a train-model request (REQUEST_FILE)"
matches "$dataset" '^[a-z0-9]+://[^[:space:]]+$' || fail 64 "\`$dataset\` is not a data set location (s3://, gs://...)"
matches "$epochs" '^[1-9][0-9]*$' || fail 64 "\`$epochs\` is not a number of epochs"

if [ -z "${ML_TRAIN_COMMAND:-}" ]; then
  fail 78 "ML_TRAIN_COMMAND is not set, so nothing was trained: the platform team sets it (a repository variable) to the command that starts a training run"
fi
echo "ml-train: training $model on $dataset for $epochs epochs"
exec sh -c "$ML_TRAIN_COMMAND \"\$@\"" ml-train --model "$model" --dataset "$dataset" --epochs "$epochs"
