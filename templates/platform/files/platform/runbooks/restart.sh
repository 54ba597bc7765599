#!/bin/sh
# Runbook `restart`: a rolling restart of a service in one environment.
# Run by the requests workflow after a `portolan run run-runbook` request is merged.
#   platform/runbooks/restart.sh APP ENV
set -eu
app=$1
env=$2
kubectl --namespace "$app-$env" rollout restart "deployment/$app"
kubectl --namespace "$app-$env" rollout status "deployment/$app" --timeout=5m
