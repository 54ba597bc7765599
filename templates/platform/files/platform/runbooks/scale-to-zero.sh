#!/bin/sh
# Runbook `scale-to-zero`: stop a misbehaving service in one environment now. Argo CD
# restores the declared replica count on its next sync unless deployments are locked
# (`portolan run lock-deployments`), so lock first when it must stay down.
#   platform/runbooks/scale-to-zero.sh APP ENV
set -eu
app=$1
env=$2
kubectl --namespace "$app-$env" scale "deployment/$app" --replicas=0
