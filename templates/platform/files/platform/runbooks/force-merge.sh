#!/bin/sh
# Runbook `force-merge`: merge a pull request with administrator rights, past failing
# checks or missing reviews, in a crisis. Run by the requests workflow after a
# `portolan run force-merge` request is merged (its review is the approval); the audit
# record is audit/force-merge/<run-key>.yaml.
#   platform/runbooks/force-merge.sh NUMBER OWNER/REPO merge|squash|rebase
# The merge commit says who asked and why, from the request file ($REQUEST_FILE, which
# the workflow sets).
#
# Setting: PORTOLAN_FORCE_MERGE_TOKEN. The workflow's own GITHUB_TOKEN can never bypass
# branch protection, so a repository admin (or a GitHub App on the ruleset's bypass
# list) makes a token with "Pull requests: write" and "Contents: write" on the
# repositories whose pull requests may be forced, the platform team stores it as the
# secret PORTOLAN_FORCE_MERGE_TOKEN, and the `env:` of the "Run the new requests" step of
# .github/workflows/portolan-requests.yaml passes it (`portolan init` writes that line):
#   PORTOLAN_FORCE_MERGE_TOKEN: ${{ secrets.PORTOLAN_FORCE_MERGE_TOKEN }}
set -eu

fail() { echo "force-merge: $2" >&2; exit "$1"; }

[ $# -eq 3 ] || fail 64 "usage: force-merge.sh NUMBER OWNER/REPO merge|squash|rebase"
number=$1
repo=$2
method=$3
case $number in '' | *[!0-9]*) fail 64 "\`$number\` is not a pull request number" ;; esac
case $repo in */*) ;; *) fail 64 "\`$repo\` is not OWNER/REPO (or HOST/OWNER/REPO)" ;; esac
case $method in merge | squash | rebase) ;; *) fail 64 "\`$method\` is not merge, squash or rebase" ;; esac
command -v gh >/dev/null 2>&1 || fail 69 "the GitHub CLI (gh) is missing"

if [ -z "${PORTOLAN_FORCE_MERGE_TOKEN:-}" ]; then
  fail 78 "PORTOLAN_FORCE_MERGE_TOKEN is not set, so nothing was merged: store an admin token as the secret of that name and pass it in the env of .github/workflows/portolan-requests.yaml (see platform/runbooks/force-merge.sh)"
fi

# Who asked and why, for the merge commit (not for rebase, which makes none).
body=
if [ -n "${REQUEST_FILE:-}" ] && [ -f "$REQUEST_FILE" ] && command -v yq >/dev/null 2>&1; then
  field() { yq -r ".with.$1 // \"\"" "$REQUEST_FILE"; }
  body=$(printf 'Force-merged at the request of %s.\n\nReason: %s\nIncident: %s\nAudit record: %s\n' \
    "$(field requested_by)" "$(field reason)" "$(field incident)" "$(field audit)")
fi

echo "force-merge: merging $repo#$number ($method) with administrator rights"
set -- "$number" --repo "$repo" --admin "--$method"
if [ -n "$body" ] && [ "$method" != rebase ]; then
  set -- "$@" --body "$body"
fi
GH_TOKEN=$PORTOLAN_FORCE_MERGE_TOKEN GH_ENTERPRISE_TOKEN=$PORTOLAN_FORCE_MERGE_TOKEN gh pr merge "$@"
