#!/usr/bin/env bash
# The manifest benchmark of issue 4: `portolan validate` on a platform repository with
# N manifests (default 1000): per app a Deployment, a Service, a ConfigMap, an
# ExternalSecret and a Kustomization, plus Argo CD Applications and a SecretStore.
#
#   bench/manifests.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
OUT=${OUT:-bench/out/manifests-$N}
cargo build --release --quiet --bin portolan
rm -rf "$OUT"
python3 - "$OUT" "$N" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
apps = max(1, n // 6)
def write(path, text):
    path = os.path.join(out, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)
write("platform/store.yaml", "apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: vault\nspec:\n  provider:\n    fake:\n      data: []\n")
for i in range(apps):
    app = f"app-{i:04d}"
    base = f"apps/{app}/base"
    write(f"{base}/deployment.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  labels: {{app: {app}}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {app}}}
  template:
    metadata:
      labels: {{app: {app}}}
    spec:
      containers:
        - name: {app}
          image: ghcr.io/acme/{app}:1.0.0
          ports: [{{containerPort: 8080}}]
          envFrom:
            - secretRef: {{name: {app}-db}}
            - configMapRef: {{name: {app}}}
          readinessProbe:
            httpGet: {{path: /healthz, port: 8080}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{memory: 256Mi}}
""")
    write(f"{base}/service.yaml", f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\nspec:\n  selector: {{app: {app}}}\n  ports:\n    - port: 80\n      targetPort: 8080\n")
    write(f"{base}/configmap.yaml", f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}\ndata:\n  LOG_LEVEL: info\n")
    write(f"{base}/externalsecret.yaml", f"apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: {app}-db\nspec:\n  refreshInterval: 1h\n  secretStoreRef: {{name: vault, kind: ClusterSecretStore}}\n  target: {{name: {app}-db}}\n  data:\n    - secretKey: password\n      remoteRef: {{key: {app}/db, property: password}}\n")
    write(f"{base}/kustomization.yaml", "resources: [deployment.yaml, service.yaml, configmap.yaml, externalsecret.yaml]\n")
    write(f"argocd/apps/{app}-dev.yaml", f"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {app}-dev\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/platform\n    path: apps/{app}/base\n    targetRevision: main\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {app}\n")
PY
count=$(find "$OUT" -name '*.yaml' | wc -l)
echo "bench: $count manifest files in $OUT"
target/release/portolan validate "$OUT" | tail -n 1
if command -v hyperfine >/dev/null; then
    hyperfine -N -w 3 -r "${RUNS:-20}" "target/release/portolan validate $OUT --format json"
else
    start=$(date +%s%N)
    for _ in $(seq 20); do target/release/portolan validate "$OUT" --format json >/dev/null; done
    echo "validate: $(( ($(date +%s%N) - start) / 20000000 )) ms (mean of 20)"
fi
