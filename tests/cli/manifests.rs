//! Manifests of every kind the platform writes (issue 4, "Must hold"): for each kind a
//! realistic valid manifest passes with a clean repository, and one planted mistake (a
//! misspelt field, a wrong type or a missing required field) is one `manifest-schema`
//! finding at the offending key or value. Then custom resources checked against the
//! repository's own CRDs and Crossplane XRDs, unknown kinds with and without
//! `--strict`, and a failing and a passing case for each of the other manifest rules.

use crate::util::{findings, portolan, repo, validate_json};
use serde_json::Value;
use std::path::Path;

/// Files of a fixture repository: (path, content).
type Files = &'static [(&'static str, &'static str)];

/// The kind of mistake planted, with what the finding must say about it.
#[derive(Debug, Clone, Copy)]
enum Mistake {
    /// A field name the schema does not know: the finding points at the key.
    Misspelt(&'static str),
    /// A value of the wrong type: the finding points at the value.
    WrongType,
    /// A required field left out: the finding points at its parent object's value.
    Missing(&'static str),
}

/// One kind: a valid manifest, and the same manifest with one mistake planted.
struct KindCase {
    /// `apiVersion` and `kind`, as the finding's message names them.
    api_version: &'static str,
    kind: &'static str,
    path: &'static str,
    valid: &'static str,
    /// The mistake: `.0` (found exactly once in `valid`) replaced by `.1`.
    plant: (&'static str, &'static str),
    mistake: Mistake,
    /// (line, column) of the finding in the mistaken file.
    at: (u64, u64),
    /// Other files the repository needs to be clean (a SecretStore, a Service…).
    companions: Files,
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
"#;

const SERVICE: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
"#;

const SECRET_STORE: &str = r#"apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: vault
spec:
  provider:
    vault:
      server: https://vault.acme.io
      path: secret
      version: v2
      auth:
        kubernetes:
          mountPath: kubernetes
          role: web
"#;

/// A v1 XRD offering a claim (scope `LegacyCluster`, the v1 default).
const XRD_V1: &str = r#"apiVersion: apiextensions.crossplane.io/v1
kind: CompositeResourceDefinition
metadata:
  name: xpostgresinstances.platform.acme.io
spec:
  group: platform.acme.io
  names:
    kind: XPostgresInstance
    plural: xpostgresinstances
  claimNames:
    kind: PostgresInstance
    plural: postgresinstances
  connectionSecretKeys: [username, password, endpoint]
  versions:
    - name: v1alpha1
      served: true
      referenceable: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                parameters:
                  type: object
                  properties:
                    storageGB:
                      type: integer
                    version:
                      type: string
                  required: [storageGB]
              required: [parameters]
"#;

/// A v2 XRD: a namespaced composite resource, no claims.
const XRD_V2: &str = r#"apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: buckets.platform.acme.io
spec:
  group: platform.acme.io
  names:
    kind: Bucket
    plural: buckets
  scope: Namespaced
  versions:
    - name: v1alpha1
      served: true
      referenceable: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                parameters:
                  type: object
                  properties:
                    region:
                      type: string
                    versioning:
                      type: boolean
                  required: [region]
              required: [parameters]
"#;

const KINDS: &[KindCase] = &[
    KindCase {
        api_version: "v1",
        kind: "Namespace",
        path: "apps/shop/namespace.yaml",
        valid: r#"apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: shop
"#,
        plant: ("  labels:", "  lables:"),
        mistake: Mistake::Misspelt("lables"),
        at: (5, 3),
        companions: &[],
    },
    KindCase {
        api_version: "v1",
        kind: "ConfigMap",
        path: "apps/web/config.yaml",
        valid: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
  PORT: "8080"
"#,
        plant: ("PORT: \"8080\"", "PORT: 8080"),
        mistake: Mistake::WrongType,
        at: (7, 9),
        companions: &[],
    },
    KindCase {
        api_version: "v1",
        kind: "Secret",
        path: "apps/web/secret.yaml",
        valid: r#"apiVersion: v1
kind: Secret
metadata:
  name: web-basic-auth
type: kubernetes.io/basic-auth
stringData:
  username: admin
  password: change-me
"#,
        plant: ("stringData:", "stringdata:"),
        mistake: Mistake::Misspelt("stringdata"),
        at: (6, 1),
        companions: &[],
    },
    KindCase {
        api_version: "v1",
        kind: "Service",
        path: "apps/web/service.yaml",
        valid: SERVICE,
        plant: ("port: 80", "port: \"http\""),
        mistake: Mistake::WrongType,
        at: (10, 13),
        companions: &[("apps/web/deployment.yaml", DEPLOYMENT)],
    },
    KindCase {
        api_version: "v1",
        kind: "ServiceAccount",
        path: "apps/web/service-account.yaml",
        valid: r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/web
automountServiceAccountToken: false
"#,
        plant: (
            "automountServiceAccountToken: false",
            "automountServiceAccountToken: \"false\"",
        ),
        mistake: Mistake::WrongType,
        at: (7, 31),
        companions: &[],
    },
    KindCase {
        api_version: "apps/v1",
        kind: "Deployment",
        path: "apps/web/deployment.yaml",
        valid: DEPLOYMENT,
        plant: ("  replicas: 2", "  replica: 2"),
        mistake: Mistake::Misspelt("replica"),
        at: (8, 3),
        companions: &[("apps/web/service.yaml", SERVICE)],
    },
    KindCase {
        api_version: "apps/v1",
        kind: "StatefulSet",
        path: "apps/orders-db/statefulset.yaml",
        valid: r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: orders-db
spec:
  serviceName: orders-db
  replicas: 3
  selector:
    matchLabels:
      app: orders-db
  template:
    metadata:
      labels:
        app: orders-db
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports:
            - name: postgres
              containerPort: 5432
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 10Gi
"#,
        plant: ("replicas: 3", "replicas: \"three\""),
        mistake: Mistake::WrongType,
        at: (7, 13),
        companions: &[(
            "apps/orders-db/service.yaml",
            r#"apiVersion: v1
kind: Service
metadata:
  name: orders-db
spec:
  clusterIP: None
  selector:
    app: orders-db
  ports:
    - name: postgres
      port: 5432
"#,
        )],
    },
    KindCase {
        api_version: "batch/v1",
        kind: "Job",
        path: "apps/orders/migrate.yaml",
        valid: r#"apiVersion: batch/v1
kind: Job
metadata:
  name: orders-migrate
spec:
  backoffLimit: 2
  ttlSecondsAfterFinished: 600
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/acme/orders-migrate:3.2.0
          args: [up]
"#,
        plant: (
            "      containers:\n        - name: migrate\n          image: ghcr.io/acme/orders-migrate:3.2.0\n          args: [up]\n",
            "",
        ),
        mistake: Mistake::Missing("containers"),
        at: (10, 7),
        companions: &[],
    },
    KindCase {
        api_version: "batch/v1",
        kind: "CronJob",
        path: "apps/reports/cronjob.yaml",
        valid: r#"apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Berlin
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/acme/report:2.1.0
"#,
        plant: ("  schedule: \"0 3 * * *\"\n", ""),
        mistake: Mistake::Missing("schedule"),
        at: (6, 3),
        companions: &[],
    },
    KindCase {
        api_version: "networking.k8s.io/v1",
        kind: "Ingress",
        path: "apps/web/ingress.yaml",
        valid: r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  tls:
    - hosts: [shop.example.com]
      secretName: web-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
"#,
        plant: ("number: 80", "number: \"80\""),
        mistake: Mistake::WrongType,
        at: (22, 27),
        companions: &[("apps/web/service.yaml", SERVICE)],
    },
    KindCase {
        api_version: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        path: "apps/web/hpa.yaml",
        valid: r#"apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
"#,
        plant: ("  maxReplicas: 10\n", ""),
        mistake: Mistake::Missing("maxReplicas"),
        at: (6, 3),
        companions: &[],
    },
    KindCase {
        api_version: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        path: "apps/web/role.yaml",
        valid: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: config-reader
  namespace: web
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list, watch]
"#,
        plant: ("    resources:", "    resource:"),
        mistake: Mistake::Misspelt("resource"),
        at: (8, 5),
        companions: &[],
    },
    KindCase {
        api_version: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        path: "apps/web/rolebinding.yaml",
        valid: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: config-reader
  namespace: web
subjects:
  - kind: ServiceAccount
    name: web
    namespace: web
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: config-reader
"#,
        plant: ("  - kind: ServiceAccount\n    name: web\n", "  - name: web\n"),
        mistake: Mistake::Missing("kind"),
        at: (7, 5),
        companions: &[],
    },
    KindCase {
        api_version: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        path: "apps/web/networkpolicy.yaml",
        valid: r#"apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-ingress
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - protocol: TCP
          port: http
"#,
        plant: ("policyTypes: [Ingress]", "policyTypes: Ingress"),
        mistake: Mistake::WrongType,
        at: (9, 16),
        companions: &[],
    },
    KindCase {
        api_version: "policy/v1",
        kind: "PodDisruptionBudget",
        path: "apps/web/pdb.yaml",
        valid: r#"apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 50%
  selector:
    matchLabels:
      app: web
"#,
        plant: ("minAvailable", "minAvailible"),
        mistake: Mistake::Misspelt("minAvailible"),
        at: (6, 3),
        companions: &[],
    },
    KindCase {
        api_version: "argoproj.io/v1alpha1",
        kind: "Application",
        path: "argocd/apps/web.yaml",
        valid: r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: shop
  source:
    repoURL: https://github.com/acme/platform
    targetRevision: main
    path: apps/web
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=true
"#,
        plant: ("  project: shop\n", ""),
        mistake: Mistake::Missing("project"),
        at: (9, 3),
        companions: &[],
    },
    KindCase {
        api_version: "argoproj.io/v1alpha1",
        kind: "AppProject",
        path: "argocd/projects/shop.yaml",
        valid: r#"apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: shop
  namespace: argocd
spec:
  description: The shop team's applications
  sourceRepos:
    - https://github.com/acme/platform
  destinations:
    - namespace: "shop-*"
      server: https://kubernetes.default.svc
  clusterResourceWhitelist:
    - group: ""
      kind: Namespace
"#,
        plant: ("sourceRepos", "sourceRepo"),
        mistake: Mistake::Misspelt("sourceRepo"),
        at: (8, 3),
        companions: &[],
    },
    KindCase {
        api_version: "argoproj.io/v1alpha1",
        kind: "ApplicationSet",
        path: "argocd/appsets/apps.yaml",
        valid: r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://github.com/acme/platform
        revision: main
        directories:
          - path: apps/*
  template:
    metadata:
      name: "{{.path.basename}}"
    spec:
      project: default
      source:
        repoURL: https://github.com/acme/platform
        targetRevision: main
        path: "{{.path.path}}"
      destination:
        server: https://kubernetes.default.svc
        namespace: "{{.path.basename}}"
"#,
        plant: ("goTemplate: true", "goTemplate: \"true\""),
        mistake: Mistake::WrongType,
        at: (7, 15),
        companions: &[],
    },
    KindCase {
        api_version: "argoproj.io/v1alpha1",
        kind: "Rollout",
        path: "apps/web/rollout.yaml",
        valid: r#"apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 3
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: {duration: 10m}
        - setWeight: 50
        - pause: {}
"#,
        plant: ("setWeight: 50", "setWieght: 50"),
        mistake: Mistake::Misspelt("setWieght"),
        at: (24, 11),
        companions: &[],
    },
    KindCase {
        api_version: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        path: "apps/web/analysis.yaml",
        valid: r#"apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  args:
    - name: service-name
  metrics:
    - name: success-rate
      interval: 5m
      successCondition: result[0] >= 0.95
      failureLimit: 3
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: |
            sum(rate(http_requests_total{service="{{args.service-name}}",code!~"5.."}[5m]))
            /
            sum(rate(http_requests_total{service="{{args.service-name}}"}[5m]))
"#,
        plant: ("      successCondition: result[0] >= 0.95\n      failureLimit: 3\n      provider:\n        prometheus:\n          address: http://prometheus.monitoring:9090\n          query: |\n            sum(rate(http_requests_total{service=\"{{args.service-name}}\",code!~\"5..\"}[5m]))\n            /\n            sum(rate(http_requests_total{service=\"{{args.service-name}}\"}[5m]))\n", "      successCondition: result[0] >= 0.95\n      failureLimit: 3\n"),
        mistake: Mistake::Missing("provider"),
        at: (9, 7),
        companions: &[],
    },
    KindCase {
        api_version: "apiextensions.crossplane.io/v1",
        kind: "CompositeResourceDefinition",
        path: "platform/apis/xpostgresinstances.yaml",
        valid: XRD_V1,
        plant: ("  claimNames:", "  claimName:"),
        mistake: Mistake::Misspelt("claimName"),
        at: (10, 3),
        companions: &[],
    },
    KindCase {
        api_version: "apiextensions.crossplane.io/v2",
        kind: "CompositeResourceDefinition",
        path: "platform/apis/buckets.yaml",
        valid: XRD_V2,
        plant: ("served: true", "served: \"true\""),
        mistake: Mistake::WrongType,
        at: (13, 15),
        companions: &[],
    },
    KindCase {
        api_version: "apiextensions.crossplane.io/v1",
        kind: "Composition",
        path: "platform/apis/xpostgresinstances-aws.yaml",
        valid: r#"apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: xpostgresinstances-aws
  labels:
    provider: aws
spec:
  compositeTypeRef:
    apiVersion: platform.acme.io/v1alpha1
    kind: XPostgresInstance
  mode: Pipeline
  pipeline:
    - step: patch-and-transform
      functionRef:
        name: function-patch-and-transform
      input:
        apiVersion: pt.fn.crossplane.io/v1beta1
        kind: Resources
        resources:
          - name: instance
            base:
              apiVersion: rds.aws.upbound.io/v1beta1
              kind: Instance
              spec:
                forProvider:
                  region: eu-west-1
                  engine: postgres
            patches:
              - type: FromCompositeFieldPath
                fromFieldPath: spec.parameters.storageGB
                toFieldPath: spec.forProvider.allocatedStorage
"#,
        plant: ("    kind: XPostgresInstance\n", ""),
        mistake: Mistake::Missing("kind"),
        at: (9, 5),
        companions: &[],
    },
    KindCase {
        api_version: "external-secrets.io/v1",
        kind: "ExternalSecret",
        path: "apps/web/external-secret.yaml",
        valid: r#"apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: web-db
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: SecretStore
    name: vault
  target:
    name: web-db
    creationPolicy: Owner
  data:
    - secretKey: password
      remoteRef:
        key: shop/web/db
        property: password
"#,
        plant: ("refreshInterval: 1h", "refreshInterval: 3600"),
        mistake: Mistake::WrongType,
        at: (6, 20),
        companions: &[("apps/web/secret-store.yaml", SECRET_STORE)],
    },
    KindCase {
        api_version: "external-secrets.io/v1",
        kind: "SecretStore",
        path: "apps/web/secret-store.yaml",
        valid: SECRET_STORE,
        plant: ("      server: https://vault.acme.io\n", ""),
        mistake: Mistake::Missing("server"),
        at: (8, 7),
        companions: &[],
    },
    KindCase {
        api_version: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        path: "platform/external-secrets/aws.yaml",
        valid: r#"apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: aws
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
      auth:
        jwt:
          serviceAccountRef:
            name: external-secrets
            namespace: external-secrets
"#,
        plant: ("      auth:", "      auht:"),
        mistake: Mistake::Misspelt("auht"),
        at: (10, 7),
        companions: &[],
    },
    KindCase {
        api_version: "generators.external-secrets.io/v1alpha1",
        kind: "Password",
        path: "apps/web/password.yaml",
        valid: r#"apiVersion: generators.external-secrets.io/v1alpha1
kind: Password
metadata:
  name: db-password
spec:
  length: 32
  digits: 5
  symbols: 5
  symbolCharacters: "-_$@"
  noUpper: false
  allowRepeat: true
"#,
        plant: ("length: 32", "length: \"32\""),
        mistake: Mistake::WrongType,
        at: (6, 11),
        companions: &[],
    },
    KindCase {
        api_version: "databases.schemahero.io/v1alpha4",
        kind: "Database",
        path: "apps/orders/database.yaml",
        valid: r#"apiVersion: databases.schemahero.io/v1alpha4
kind: Database
metadata:
  name: orders
spec:
  immediateDeploy: true
  connection:
    postgres:
      uri:
        valueFrom:
          secretKeyRef:
            name: orders-postgres
            key: uri
"#,
        plant: ("  connection:", "  conection:"),
        mistake: Mistake::Misspelt("conection"),
        at: (7, 3),
        companions: &[],
    },
    KindCase {
        api_version: "schemas.schemahero.io/v1alpha4",
        kind: "Table",
        path: "apps/orders/table-orders.yaml",
        valid: r#"apiVersion: schemas.schemahero.io/v1alpha4
kind: Table
metadata:
  name: orders
spec:
  database: orders
  name: orders
  schema:
    postgres:
      primaryKey: [id]
      columns:
        - name: id
          type: bigint
        - name: placed_at
          type: timestamp
          constraints:
            notNull: true
"#,
        plant: ("  database: orders\n", ""),
        mistake: Mistake::Missing("database"),
        at: (6, 3),
        companions: &[],
    },
    KindCase {
        api_version: "source.toolkit.fluxcd.io/v1",
        kind: "GitRepository",
        path: "platform/flux/platform-source.yaml",
        valid: r#"apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: platform
  namespace: flux-system
spec:
  interval: 1m
  url: https://github.com/acme/platform
  ref:
    branch: main
"#,
        plant: ("    branch: main", "    brnach: main"),
        mistake: Mistake::Misspelt("brnach"),
        at: (10, 5),
        companions: &[],
    },
    KindCase {
        api_version: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        path: "platform/flux/apps.yaml",
        valid: r#"apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: platform
"#,
        plant: ("  prune: true\n", ""),
        mistake: Mistake::Missing("prune"),
        at: (7, 3),
        companions: &[],
    },
    KindCase {
        api_version: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        path: "platform/cache/redis.yaml",
        valid: r#"apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: cache
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      version: "19.x"
      sourceRef:
        kind: HelmRepository
        name: bitnami
  values:
    architecture: standalone
"#,
        plant: ("interval: 10m", "interval: 10"),
        mistake: Mistake::WrongType,
        at: (7, 13),
        companions: &[],
    },
    KindCase {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        path: "apps/web/kustomization.yaml",
        valid: r#"apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: web
resources:
  - deployment.yaml
  - service.yaml
labels:
  - pairs:
      app.kubernetes.io/part-of: shop
images:
  - name: ghcr.io/acme/web
    newTag: 1.4.3
"#,
        plant: ("resources:", "resouces:"),
        mistake: Mistake::Misspelt("resouces"),
        at: (4, 1),
        companions: &[
            ("apps/web/deployment.yaml", DEPLOYMENT),
            ("apps/web/service.yaml", SERVICE),
        ],
    },
];

/// `(rule, file, line, column)` as [`findings`] returns them.
type Found = Vec<(String, String, Option<u64>, Option<u64>)>;

fn found(rule: &str, file: &str, (line, column): (u64, u64)) -> Found {
    vec![(rule.into(), file.into(), Some(line), Some(column))]
}

/// Describe a report for a failure message: every finding with its message.
fn describe(report: &Value) -> String {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            format!(
                "  {} {}:{}:{} {} (help: {})",
                d["rule"].as_str().unwrap_or_default(),
                d["file"].as_str().unwrap_or_default(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap_or_default(),
                d["help"].as_str().unwrap_or("-"),
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The repository of a case: its companions and `path` with `content`.
fn kind_repo(case: &KindCase, content: &str) -> tempfile::TempDir {
    let mut files: Vec<(&str, &str)> = case.companions.to_vec();
    files.push((case.path, content));
    repo(&files)
}

/// Check one kind; what went wrong, if anything.
fn check_kind(case: &KindCase) -> Vec<String> {
    let mut problems = Vec::new();
    let name = format!("{} {} ({})", case.api_version, case.kind, case.path);

    let dir = kind_repo(case, case.valid);
    let (code, report) = validate_json(dir.path());
    if code != 0 || !findings(&report).is_empty() {
        problems.push(format!(
            "{name}: the valid manifest exits {code} with:\n{}",
            describe(&report)
        ));
    }

    let (from, to) = case.plant;
    if case.valid.matches(from).count() != 1 {
        problems.push(format!(
            "{name}: `{from}` is not in the manifest exactly once"
        ));
        return problems;
    }
    let mistaken = case.valid.replacen(from, to, 1);
    let dir = kind_repo(case, &mistaken);
    let (code, report) = validate_json(dir.path());
    let expected = found("manifest-schema", case.path, case.at);
    if code != 1 || findings(&report) != expected {
        problems.push(format!(
            "{name}: {:?} should exit 1 with one manifest-schema finding at {}:{}, got exit {code} and:\n{}",
            case.mistake,
            case.at.0,
            case.at.1,
            describe(&report)
        ));
        return problems;
    }
    let d = &report["diagnostics"][0];
    let message = d["message"].as_str().unwrap_or_default();
    let help = d["help"].as_str().unwrap_or_default();
    let prefix = format!("{} {}", case.api_version, case.kind);
    let said = match case.mistake {
        Mistake::Misspelt(field) => {
            message.starts_with(&prefix)
                && message.contains(&format!("unknown field `{field}`"))
                && help.contains("check the spelling")
        }
        Mistake::WrongType => {
            message.starts_with(&prefix)
                && message.contains("is not of type")
                && (help.contains("quote") || help.contains("write "))
        }
        Mistake::Missing(field) => {
            message.starts_with(&prefix)
                && message.contains(&format!("\"{field}\" is a required property"))
                && help == format!("add `{field}`")
        }
    };
    if !said || d["severity"] != "error" {
        problems.push(format!(
            "{name}: {:?} is reported as {} `{message}` (help: `{help}`)",
            case.mistake, d["severity"]
        ));
    }
    problems
}

#[test]
fn every_kind_passes_when_valid_and_one_planted_mistake_is_located() {
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = KINDS
            .iter()
            .map(|case| s.spawn(move || check_kind(case)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a case thread"))
            .collect()
    });
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

// ----------------------------------------------------------------------------------
// Custom resources, unknown kinds, and the other manifest rules

/// One repository and every finding it must give (none for a passing case).
struct RuleCase {
    name: &'static str,
    /// Extra arguments of `portolan validate` (`--strict`).
    args: &'static [&'static str],
    files: Vec<(&'static str, String)>,
    code: i32,
    /// Every finding: (rule, file, line, column).
    expected: &'static [(&'static str, &'static str, u64, u64)],
    /// Pieces of text some finding's message or help must hold.
    says: &'static [&'static str],
}

/// `text` with `from` (which must occur exactly once) replaced by `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` once in:\n{text}");
    text.replacen(from, to, 1)
}

/// Validate `dir` with extra arguments: the exit code and the report.
fn validate_with(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = portolan()
        .arg("validate")
        .args(args)
        .args(["--format", "json"])
        .arg(dir)
        .output()
        .expect("portolan runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

fn check_rule_case(case: &RuleCase) -> Vec<String> {
    let files: Vec<(&str, &str)> = case.files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let dir = repo(&files);
    let (code, report) = validate_with(dir.path(), case.args);
    let mut got = findings(&report);
    got.sort();
    let mut expected: Found = case
        .expected
        .iter()
        .flat_map(|(rule, file, line, column)| found(rule, file, (*line, *column)))
        .collect();
    expected.sort();
    let text: Vec<String> = report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            format!(
                "{} {}",
                d["message"].as_str().unwrap_or_default(),
                d["help"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let missing: Vec<&&str> = case
        .says
        .iter()
        .filter(|piece| !text.iter().any(|t| t.contains(**piece)))
        .collect();
    if code != case.code || got != expected || !missing.is_empty() {
        vec![format!(
            "{}: expected exit {} with {:?}{}, got exit {code} and:\n{}",
            case.name,
            case.code,
            case.expected,
            if missing.is_empty() {
                String::new()
            } else {
                format!(" saying {missing:?}")
            },
            describe(&report)
        )]
    } else {
        Vec::new()
    }
}

fn check_rule_cases(cases: &[RuleCase]) {
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|case| s.spawn(move || check_rule_case(case)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a case thread"))
            .collect()
    });
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// A composite resource of [`XRD_V2`]: namespaced, Crossplane's fields under
/// `spec.crossplane`.
const BUCKET: &str = r#"apiVersion: platform.acme.io/v1alpha1
kind: Bucket
metadata:
  name: web-assets
  namespace: web
spec:
  parameters:
    region: eu-west-1
    versioning: true
  crossplane:
    compositionRef:
      name: buckets-aws
"#;

/// A claim of [`XRD_V1`].
const POSTGRES_CLAIM: &str = r#"apiVersion: platform.acme.io/v1alpha1
kind: PostgresInstance
metadata:
  name: orders-db
  namespace: orders
spec:
  parameters:
    storageGB: 20
    version: "16"
  compositionSelector:
    matchLabels:
      provider: aws
  writeConnectionSecretToRef:
    name: orders-db-conn
"#;

/// A composite resource of [`XRD_V1`]: cluster-scoped, Crossplane's fields directly
/// under `spec`.
const POSTGRES_XR: &str = r#"apiVersion: platform.acme.io/v1alpha1
kind: XPostgresInstance
metadata:
  name: shared-db
spec:
  parameters:
    storageGB: 100
  compositionRef:
    name: xpostgresinstances-aws
  writeConnectionSecretToRef:
    name: shared-db-conn
    namespace: crossplane-system
"#;

const CERTIFICATE_CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: certificates.cert-manager.io
spec:
  group: cert-manager.io
  names:
    kind: Certificate
    listKind: CertificateList
    plural: certificates
    singular: certificate
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [secretName, issuerRef]
              properties:
                secretName:
                  type: string
                dnsNames:
                  type: array
                  items:
                    type: string
                issuerRef:
                  type: object
                  required: [name]
                  properties:
                    name:
                      type: string
                    kind:
                      type: string
"#;

const CERTIFICATE: &str = r#"apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web-tls
  namespace: web
spec:
  secretName: web-tls
  dnsNames:
    - shop.example.com
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
"#;

fn custom_resource_cases() -> Vec<RuleCase> {
    let xrd_v2 = ("platform/apis/buckets.yaml", XRD_V2.to_owned());
    let xrd_v1 = ("platform/apis/xpostgresinstances.yaml", XRD_V1.to_owned());
    let crd = (
        "platform/crds/cert-manager.yaml",
        CERTIFICATE_CRD.to_owned(),
    );
    vec![
        RuleCase {
            name: "an XR of a v2 XRD",
            args: &[],
            files: vec![xrd_v2.clone(), ("apps/web/bucket.yaml", BUCKET.to_owned())],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "an XR of a v2 XRD with a misspelt parameter",
            args: &[],
            files: vec![
                xrd_v2.clone(),
                (
                    "apps/web/bucket.yaml",
                    edit(BUCKET, "versioning", "versionning"),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/bucket.yaml", 9, 5)],
            says: &[
                "platform.acme.io/v1alpha1 Bucket: unknown field `versionning`",
                "check the spelling",
            ],
        },
        RuleCase {
            name: "an XR of a v2 XRD with a wrong type",
            args: &[],
            files: vec![
                xrd_v2.clone(),
                (
                    "apps/web/bucket.yaml",
                    edit(BUCKET, "versioning: true", "versioning: \"yes\""),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/bucket.yaml", 9, 17)],
            says: &["at `/spec/parameters/versioning`", "is not of type"],
        },
        RuleCase {
            name: "an XR of a v2 XRD without its required parameter",
            args: &[],
            files: vec![
                xrd_v2.clone(),
                (
                    "apps/web/bucket.yaml",
                    edit(BUCKET, "    region: eu-west-1\n", ""),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/bucket.yaml", 8, 5)],
            says: &["\"region\" is a required property", "add `region`"],
        },
        RuleCase {
            name: "an XR of a v2 XRD with v1's Crossplane fields directly under `spec`",
            args: &[],
            files: vec![
                xrd_v2.clone(),
                (
                    "apps/web/bucket.yaml",
                    edit(
                        BUCKET,
                        "  crossplane:\n    compositionRef:\n      name: buckets-aws\n",
                        "  compositionRef:\n    name: buckets-aws\n",
                    ),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/bucket.yaml", 10, 3)],
            says: &["unknown field `compositionRef`"],
        },
        RuleCase {
            name: "a claim and an XR of a v1 XRD",
            args: &[],
            files: vec![
                xrd_v1.clone(),
                ("apps/orders/db.yaml", POSTGRES_CLAIM.to_owned()),
                ("platform/databases/shared.yaml", POSTGRES_XR.to_owned()),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "a claim of a v1 XRD with a misspelt parameter",
            args: &[],
            files: vec![
                xrd_v1.clone(),
                (
                    "apps/orders/db.yaml",
                    edit(POSTGRES_CLAIM, "version:", "verison:"),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/orders/db.yaml", 9, 5)],
            says: &["platform.acme.io/v1alpha1 PostgresInstance: unknown field `verison`"],
        },
        RuleCase {
            name: "a claim of a v1 XRD with a wrong type",
            args: &[],
            files: vec![
                xrd_v1.clone(),
                (
                    "apps/orders/db.yaml",
                    edit(POSTGRES_CLAIM, "storageGB: 20", "storageGB: \"20\""),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/orders/db.yaml", 8, 16)],
            says: &["at `/spec/parameters/storageGB`", "is not of type"],
        },
        RuleCase {
            name: "a claim of a v1 XRD without its required parameter",
            args: &[],
            files: vec![
                xrd_v1.clone(),
                (
                    "apps/orders/db.yaml",
                    edit(POSTGRES_CLAIM, "    storageGB: 20\n", ""),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/orders/db.yaml", 8, 5)],
            says: &["\"storageGB\" is a required property", "add `storageGB`"],
        },
        RuleCase {
            name: "an XR of a v1 XRD with a misspelt Crossplane field",
            args: &[],
            files: vec![
                xrd_v1.clone(),
                (
                    "platform/databases/shared.yaml",
                    edit(POSTGRES_XR, "  compositionRef:", "  compositonRef:"),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "platform/databases/shared.yaml", 8, 3)],
            says: &["unknown field `compositonRef`"],
        },
        RuleCase {
            name: "a custom resource of a CRD in the repository",
            args: &[],
            files: vec![
                crd.clone(),
                ("apps/web/certificate.yaml", CERTIFICATE.to_owned()),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "a custom resource with a misspelt field",
            args: &[],
            files: vec![
                crd.clone(),
                (
                    "apps/web/certificate.yaml",
                    edit(CERTIFICATE, "dnsNames:", "dnsName:"),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/certificate.yaml", 8, 3)],
            says: &["cert-manager.io/v1 Certificate: unknown field `dnsName`"],
        },
        RuleCase {
            name: "a custom resource with a wrong type",
            args: &[],
            files: vec![
                crd.clone(),
                (
                    "apps/web/certificate.yaml",
                    edit(
                        CERTIFICATE,
                        "  dnsNames:\n    - shop.example.com\n",
                        "  dnsNames: shop.example.com\n",
                    ),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/certificate.yaml", 8, 13)],
            says: &["at `/spec/dnsNames`", "is not of type"],
        },
        RuleCase {
            name: "a custom resource without a required field",
            args: &[],
            files: vec![
                crd.clone(),
                (
                    "apps/web/certificate.yaml",
                    edit(CERTIFICATE, "    name: letsencrypt\n", ""),
                ),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/certificate.yaml", 11, 5)],
            says: &["\"name\" is a required property", "add `name`"],
        },
        RuleCase {
            name: "a custom resource of a version the CRD does not serve",
            args: &[],
            files: vec![
                crd.clone(),
                (
                    "apps/web/certificate.yaml",
                    edit(
                        CERTIFICATE,
                        "cert-manager.io/v1\n",
                        "cert-manager.io/v1alpha2\n",
                    ),
                ),
            ],
            code: 0,
            expected: &[("manifest-unknown-kind", "apps/web/certificate.yaml", 2, 7)],
            says: &["the repository defines Certificate in cert-manager.io with the versions v1"],
        },
    ]
}

#[test]
fn custom_resources_are_checked_against_the_repository_definitions() {
    check_rule_cases(&custom_resource_cases());
}

const WIDGET: &str = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: demo\n";

#[test]
fn an_unknown_kind_is_a_warning_and_an_error_with_strict() {
    let dir = repo(&[("apps/demo/widget.yaml", WIDGET)]);
    for (args, code, severity) in [(&[][..], 0, "warning"), (&["--strict"][..], 1, "error")] {
        let (exit, report) = validate_with(dir.path(), args);
        assert_eq!(exit, code, "{args:?}:\n{}", describe(&report));
        assert_eq!(
            findings(&report),
            found("manifest-unknown-kind", "apps/demo/widget.yaml", (2, 7)),
            "{args:?}"
        );
        let d = &report["diagnostics"][0];
        assert_eq!(d["severity"], severity, "{args:?}");
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("example.com/v1 Widget")),
            "{d}"
        );
    }
}

#[test]
fn an_outdated_api_version_is_an_unknown_kind_whose_hint_names_the_current_one() {
    let old = edit(
        DEPLOYMENT,
        "apiVersion: apps/v1\n",
        "apiVersion: apps/v1beta1\n",
    );
    let dir = repo(&[("apps/web/deployment.yaml", &old)]);
    for (args, code, severity) in [(&[][..], 0, "warning"), (&["--strict"][..], 1, "error")] {
        let (exit, report) = validate_with(dir.path(), args);
        assert_eq!(exit, code, "{args:?}:\n{}", describe(&report));
        assert_eq!(
            findings(&report),
            found("manifest-unknown-kind", "apps/web/deployment.yaml", (2, 7)),
            "{args:?}"
        );
        let d = &report["diagnostics"][0];
        assert_eq!(d["severity"], severity);
        assert_eq!(
            d["help"], "portolan knows Deployment as `apiVersion: apps/v1`",
            "{d}"
        );
    }
}

/// Every valid manifest of the kind table in one repository, as a platform holds them:
/// clean even with `--strict` (every kind is known), and no case's companion clashes
/// with another case's file.
#[test]
fn all_valid_kinds_together_are_clean_with_strict() {
    let mut files: Vec<(&str, &str)> = Vec::new();
    for case in KINDS {
        for (path, content) in case.companions.iter().chain([&(case.path, case.valid)]) {
            match files.iter().find(|(p, _)| p == path) {
                Some((_, existing)) => assert_eq!(existing, content, "two versions of {path}"),
                None => files.push((path, content)),
            }
        }
    }
    let dir = repo(&files);
    let (exit, report) = validate_with(dir.path(), &["--strict"]);
    assert_eq!(
        (exit, findings(&report)),
        (0, vec![]),
        "{}",
        describe(&report)
    );
}

fn rule_cases() -> Vec<RuleCase> {
    let s = |text: &str| text.to_owned();
    let application = |path: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/platform.git\n    targetRevision: main\n    path: {path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n"
        )
    };
    let project = s("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: shop\nspec:\n  sourceRepos: ['*']\n");
    let appset = s("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\nspec:\n  generators:\n    - list:\n        elements:\n          - app: web\n  template:\n    metadata:\n      name: \"{{app}}\"\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/acme/platform\n        path: \"apps/{{app}}\"\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: \"{{app}}\"\n");
    let rollout = s(r#"apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
  strategy:
    blueGreen:
      activeService: web
"#);
    let rollout_template = "  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.4.2\n";
    let helm = s("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  interval: 10m\n");
    let chart = "  chart:\n    spec:\n      chart: podinfo\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n";
    let chart_ref = "  chartRef:\n    kind: OCIRepository\n    name: podinfo\n";
    let external_secret = |store_kind: &str, store: &str| {
        format!(
            "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: web-db\nspec:\n  secretStoreRef:\n    kind: {store_kind}\n    name: {store}\n  target:\n    name: web-db\n  data:\n    - secretKey: password\n      remoteRef:\n        key: shop/web/db\n"
        )
    };
    let store = ("apps/web/secret-store.yaml", s(SECRET_STORE));
    let cluster_store = (
        "platform/external-secrets/vault.yaml",
        edit(
            SECRET_STORE,
            "kind: SecretStore",
            "kind: ClusterSecretStore",
        ),
    );
    // A Deployment reading three secrets: from an ExternalSecret's target, an optional
    // one nobody produces, and a plain Secret.
    let reader = s(r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: web-db
                  key: password
            - name: SENTRY_DSN
              valueFrom:
                secretKeyRef:
                  name: sentry
                  key: dsn
                  optional: true
          envFrom:
            - secretRef:
                name: web-env
"#);
    let env_secret = (
        "apps/web/env.yaml",
        s("apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-env\nstringData:\n  MODE: production\n"),
    );
    let cronjob = s(r#"apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: cleanup
              image: ghcr.io/acme/cleanup:1.0.0
              env:
                - name: DB_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: web-db
                      key: password
"#);
    let ingress = s(r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web
      port:
        name: http
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  number: 8080
"#);
    let api_service = (
        "apps/api/service.yaml",
        edit(SERVICE, "name: web\n", "name: api\n"),
    );
    let config = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  MODE: production\n")
    };
    vec![
        // manifest-name
        RuleCase {
            name: "names, namespaces and labels Kubernetes refuses",
            args: &[],
            files: vec![
                ("apps/web/service.yaml", edit(SERVICE, "name: web\n", "name: web.api\n")),
                ("apps/web/config.yaml", config("Web_Config")),
                (
                    "apps/web/unnamed.yaml",
                    s("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app: web\n"),
                ),
                ("apps/web/bare.yaml", s("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n")),
                (
                    "apps/web/namespaced.yaml",
                    s("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-env\n  namespace: Web\n"),
                ),
                (
                    "apps/web/labelled.yaml",
                    s("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-flags\n  labels:\n    release: \"go 1.22\"\n    -team: shop\n"),
                ),
                (
                    "apps/jobs/job.yaml",
                    s("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    metadata:\n      labels:\n        app: web/once\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: once\n          image: busybox:1.36\n"),
                ),
            ],
            code: 1,
            expected: &[
                ("manifest-name", "apps/jobs/job.yaml", 9, 14),
                ("manifest-name", "apps/web/bare.yaml", 1, 1),
                ("manifest-name", "apps/web/config.yaml", 4, 9),
                ("manifest-name", "apps/web/labelled.yaml", 6, 14),
                ("manifest-name", "apps/web/labelled.yaml", 7, 5),
                ("manifest-name", "apps/web/namespaced.yaml", 5, 14),
                ("manifest-name", "apps/web/service.yaml", 4, 9),
                ("manifest-name", "apps/web/unnamed.yaml", 3, 1),
            ],
            says: &[
                "Service name `web.api` has `.`, which a Kubernetes name cannot have",
                "ConfigMap name `Web_Config` has `W`",
                "e.g. `web-config`",
                "ConfigMap has no `metadata.name`",
                "ConfigMap has no `metadata`",
                "namespace `Web`",
                "label value `go 1.22` has ` `",
                "label key `-team` must start and end with a letter or digit",
                "label value `web/once` has `/`",
            ],
        },
        RuleCase {
            name: "names, namespaces and labels Kubernetes accepts",
            args: &[],
            files: vec![
                // Subdomain names may have dots; Services and Namespaces may not.
                ("apps/web/config.yaml", config("web.config-v2")),
                (
                    "apps/web/job.yaml",
                    s("apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: seed-\n  namespace: web\n  labels:\n    app.kubernetes.io/name: web\n    tier: \"\"\nspec:\n  template:\n    metadata:\n      labels:\n        app: web_seed.v2\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: seed\n          image: busybox:1.36\n"),
                ),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        // manifest-namespace
        RuleCase {
            name: "Argo CD objects under argocd/ without a namespace",
            args: &[],
            files: vec![
                ("argocd/apps/web.yaml", application("apps/web")),
                ("argocd/projects/shop.yaml", project.clone()),
                ("argocd/appsets/apps.yaml", appset.clone()),
            ],
            code: 1,
            expected: &[
                ("manifest-namespace", "argocd/apps/web.yaml", 3, 1),
                ("manifest-namespace", "argocd/appsets/apps.yaml", 3, 1),
                ("manifest-namespace", "argocd/projects/shop.yaml", 3, 1),
            ],
            says: &[
                "Argo CD Application `web` has no `metadata.namespace`",
                "Argo CD AppProject `shop` has no `metadata.namespace`",
                "Argo CD ApplicationSet `apps` has no `metadata.namespace`",
                "namespace: argocd",
            ],
        },
        RuleCase {
            name: "Argo CD objects with a namespace, or outside argocd/",
            args: &[],
            files: vec![
                (
                    "argocd/apps/web.yaml",
                    edit(&application("apps/web"), "  name: web\n", "  name: web\n  namespace: argocd\n"),
                ),
                ("platform/argocd/shop.yaml", project),
                ("platform/argocd/apps.yaml", appset),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        // manifest-invalid
        RuleCase {
            name: "Rollouts without a template or a selector",
            args: &[],
            files: vec![
                ("apps/web/rollout.yaml", edit(&rollout, rollout_template, "")),
                (
                    "apps/api/rollout.yaml",
                    edit(&rollout, "  selector:\n    matchLabels:\n      app: web\n", ""),
                ),
            ],
            code: 1,
            expected: &[
                ("manifest-invalid", "apps/api/rollout.yaml", 5, 1),
                ("manifest-invalid", "apps/web/rollout.yaml", 5, 1),
            ],
            says: &[
                "Rollout `web` has no `spec.template` and no `spec.workloadRef`",
                "Rollout `web` has no `spec.selector` and no `spec.workloadRef`",
            ],
        },
        RuleCase {
            name: "Rollouts with a selector and a template, or a workloadRef",
            args: &[],
            files: vec![
                ("apps/web/rollout.yaml", rollout.clone()),
                (
                    "apps/api/rollout.yaml",
                    edit(
                        &edit(&rollout, rollout_template, "  workloadRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: api\n"),
                        "  selector:\n    matchLabels:\n      app: web\n",
                        "",
                    ),
                ),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "HelmReleases with neither or both of chart and chartRef",
            args: &[],
            files: vec![
                ("platform/podinfo/neither.yaml", helm.clone()),
                (
                    "platform/podinfo/both.yaml",
                    format!("{helm}{chart}{chart_ref}"),
                ),
            ],
            code: 1,
            expected: &[
                ("manifest-invalid", "platform/podinfo/both.yaml", 6, 1),
                ("manifest-invalid", "platform/podinfo/neither.yaml", 6, 1),
            ],
            says: &[
                "HelmRelease `podinfo` has neither `spec.chart` nor `spec.chartRef`",
                "HelmRelease `podinfo` has both `spec.chart` and `spec.chartRef`",
            ],
        },
        RuleCase {
            name: "HelmReleases with one of chart and chartRef",
            args: &[],
            files: vec![
                ("platform/podinfo/chart.yaml", format!("{helm}{chart}")),
                ("platform/podinfo/chart-ref.yaml", format!("{helm}{chart_ref}")),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "an XRD named other than <plural>.<group>",
            args: &[],
            files: vec![(
                "platform/apis/buckets.yaml",
                edit(XRD_V2, "name: buckets.platform.acme.io", "name: bucket.platform.acme.io"),
            )],
            code: 1,
            expected: &[("manifest-invalid", "platform/apis/buckets.yaml", 4, 9)],
            says: &["`buckets.platform.acme.io`, not `bucket.platform.acme.io`"],
        },
        RuleCase {
            name: "an XRD without a referenceable version",
            args: &[],
            files: vec![(
                "platform/apis/buckets.yaml",
                edit(XRD_V2, "referenceable: true", "referenceable: false"),
            )],
            code: 1,
            expected: &[("manifest-invalid", "platform/apis/buckets.yaml", 11, 3)],
            says: &["exactly one referenceable version; `buckets.platform.acme.io` has 0"],
        },
        RuleCase {
            name: "an XRD with two referenceable versions",
            args: &[],
            files: vec![(
                "platform/apis/buckets.yaml",
                edit(
                    XRD_V2,
                    "  versions:\n",
                    "  versions:\n    - name: v1beta1\n      served: true\n      referenceable: true\n      schema:\n        openAPIV3Schema:\n          type: object\n",
                ),
            )],
            code: 1,
            expected: &[("manifest-invalid", "platform/apis/buckets.yaml", 11, 3)],
            says: &["has 2"],
        },
        RuleCase {
            name: "documents with only one of apiVersion and kind",
            args: &[],
            files: vec![
                ("apps/web/no-kind.yaml", s("apiVersion: v1\nmetadata:\n  name: web\n")),
                (
                    "apps/web/two.yaml",
                    format!("{}---\nkind: ConfigMap\nmetadata:\n  name: web-two\n", config("web-one")),
                ),
            ],
            code: 1,
            expected: &[
                ("manifest-invalid", "apps/web/no-kind.yaml", 1, 1),
                ("manifest-invalid", "apps/web/two.yaml", 8, 1),
            ],
            says: &[
                "this document has `apiVersion` but no `kind`",
                "this document has `kind` but no `apiVersion`",
            ],
        },
        // manifest-reference
        RuleCase {
            name: "a Kustomization's resources that do not exist or leave the repository",
            args: &[],
            files: vec![
                (
                    "apps/web/kustomization.yaml",
                    s("resources:\n  - deployment.yaml\n  - servce.yaml\n  - ../../../base\ncomponents:\n  - ../../components/monitring\n"),
                ),
                ("apps/web/deployment.yaml", s(DEPLOYMENT)),
                ("apps/web/service.yaml", s(SERVICE)),
                ("components/monitoring/kustomization.yaml", s("kind: Component\n")),
            ],
            code: 1,
            expected: &[
                ("manifest-reference", "apps/web/kustomization.yaml", 3, 5),
                ("manifest-reference", "apps/web/kustomization.yaml", 4, 5),
                ("manifest-reference", "apps/web/kustomization.yaml", 6, 5),
            ],
            says: &[
                "Kustomization resources `servce.yaml` does not exist (looked for `apps/web/servce.yaml`)",
                "`../../../base` leaves the repository",
                "Kustomization components `../../components/monitring` does not exist",
            ],
        },
        RuleCase {
            name: "a Kustomization's files, folders, components and remote resources",
            args: &[],
            files: vec![
                (
                    "apps/web/overlays/prod/kustomization.yaml",
                    s("resources:\n  - ../../base\n  - pdb.yaml\n  - https://github.com/acme/base//web?ref=v1\ncomponents:\n  - ../../../../components/monitoring\n"),
                ),
                (
                    "apps/web/overlays/prod/pdb.yaml",
                    s("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n"),
                ),
                ("apps/web/base/kustomization.yaml", s("resources:\n  - deployment.yaml\n  - service.yaml\n")),
                ("apps/web/base/deployment.yaml", s(DEPLOYMENT)),
                ("apps/web/base/service.yaml", s(SERVICE)),
                ("components/monitoring/kustomization.yaml", s("kind: Component\n")),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "ExternalSecrets whose store the repository does not define",
            args: &[],
            files: vec![
                store.clone(),
                ("apps/web/external-secret.yaml", external_secret("SecretStore", "vualt")),
                ("apps/api/external-secret.yaml", external_secret("ClusterSecretStore", "vault")),
            ],
            code: 1,
            expected: &[
                ("manifest-reference", "apps/api/external-secret.yaml", 8, 11),
                ("manifest-reference", "apps/web/external-secret.yaml", 8, 11),
            ],
            says: &[
                "ExternalSecret `web-db` uses the SecretStore `vualt`, which the repository does not define",
                "did you mean `vault`?",
                "uses the ClusterSecretStore `vault`",
                "define the ClusterSecretStore `vault` in the repository",
            ],
        },
        RuleCase {
            name: "ExternalSecrets whose store the repository defines",
            args: &[],
            files: vec![
                store.clone(),
                cluster_store.clone(),
                ("apps/web/external-secret.yaml", external_secret("SecretStore", "vault")),
                ("apps/api/external-secret.yaml", external_secret("ClusterSecretStore", "vault")),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "a Service whose selector matches no workload in its folder",
            args: &[],
            files: vec![
                ("apps/web/deployment.yaml", s(DEPLOYMENT)),
                ("apps/web/service.yaml", edit(SERVICE, "    app: web\n", "    app: web\n    tier: frontend\n")),
            ],
            code: 1,
            expected: &[("manifest-reference", "apps/web/service.yaml", 7, 5)],
            says: &["Service `web` selects no pods: no workload in `apps/web/` has the labels {\"app\":\"web\",\"tier\":\"frontend\"}"],
        },
        RuleCase {
            name: "Services matching a workload, or in a folder without workloads",
            args: &[],
            files: vec![
                ("apps/web/rollout.yaml", rollout.clone()),
                ("apps/web/service.yaml", s(SERVICE)),
                ("apps/api/service.yaml", edit(SERVICE, "app: web", "app: api")),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "an Ingress routing to Services the repository does not define",
            args: &[],
            files: vec![("apps/web/ingress.yaml", ingress.clone())],
            code: 1,
            expected: &[
                ("manifest-reference", "apps/web/ingress.yaml", 8, 13),
                ("manifest-reference", "apps/web/ingress.yaml", 19, 23),
            ],
            says: &[
                "Ingress `web` routes to the Service `web`, which the repository does not define",
                "Ingress `web` routes to the Service `api`",
            ],
        },
        RuleCase {
            name: "an Ingress routing to Services of the repository",
            args: &[],
            files: vec![
                ("apps/web/ingress.yaml", ingress),
                ("apps/web/service.yaml", s(SERVICE)),
                api_service,
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "secrets no ExternalSecret or Secret produces",
            args: &[],
            files: vec![
                store.clone(),
                ("apps/web/external-secret.yaml", external_secret("SecretStore", "vault")),
                ("apps/web/deployment.yaml", edit(&reader, "name: web-db\n", "name: web-dbb\n")),
                ("apps/jobs/cleanup.yaml", edit(&cronjob, "name: web-db\n", "name: web-database\n")),
            ],
            code: 1,
            expected: &[
                ("manifest-reference", "apps/jobs/cleanup.yaml", 19, 29),
                ("manifest-reference", "apps/web/deployment.yaml", 21, 25),
                ("manifest-reference", "apps/web/deployment.yaml", 31, 23),
            ],
            says: &[
                "the Secret `web-dbb` is not produced by any ExternalSecret (or Secret) in the repository",
                "the Secret `web-database` is not produced",
                "the Secret `web-env` is not produced",
            ],
        },
        RuleCase {
            name: "secrets an ExternalSecret or a Secret produces, or optional ones",
            args: &[],
            files: vec![
                store.clone(),
                ("apps/web/external-secret.yaml", external_secret("SecretStore", "vault")),
                ("apps/web/deployment.yaml", reader.clone()),
                env_secret.clone(),
                ("apps/jobs/cleanup.yaml", cronjob.clone()),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "secrets are not checked in a repository without ExternalSecrets",
            args: &[],
            files: vec![
                ("apps/web/deployment.yaml", reader),
                ("apps/jobs/cleanup.yaml", cronjob),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "an Application syncing a folder this repository does not have",
            args: &[],
            files: vec![
                ("portolan.yaml", s("github:\n  repo: acme/platform\n")),
                ("platform/argocd/web.yaml", application("apps/webb")),
                ("apps/web/config.yaml", config("web")),
            ],
            code: 1,
            expected: &[("manifest-reference", "platform/argocd/web.yaml", 10, 11)],
            says: &["Application `web` syncs `apps/webb` from this repository, and that folder does not exist"],
        },
        RuleCase {
            name: "Applications syncing a folder of this repository, or another repository",
            args: &[],
            files: vec![
                ("portolan.yaml", s("github:\n  repo: acme/platform\n")),
                ("platform/argocd/web.yaml", application("apps/web/")),
                (
                    "platform/argocd/other.yaml",
                    edit(
                        &edit(&application("charts/web"), "acme/platform.git", "acme/charts"),
                        "name: web\n",
                        "name: other\n",
                    ),
                ),
                ("apps/web/config.yaml", config("web")),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
    ]
}

#[test]
fn each_manifest_rule_has_failing_and_passing_cases() {
    check_rule_cases(&rule_cases());
}

/// What is a manifest, and what is checked as a whole one.
fn discovery_cases() -> Vec<RuleCase> {
    let s = |text: &str| text.to_owned();
    let kustomization = "resources:\n  - deployment.yaml\npatches:\n  - path: replicas.yaml\n";
    let patch =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n";
    vec![
        RuleCase {
            name: "a kustomization.yaml without apiVersion and kind is still checked",
            args: &[],
            files: vec![
                (
                    "apps/web/kustomization.yaml",
                    s("resources:\n  - deployment.yaml\nnamePrefx: shop-\n"),
                ),
                ("apps/web/deployment.yaml", s(DEPLOYMENT)),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/kustomization.yaml", 3, 1)],
            says: &["kustomize.config.k8s.io/v1beta1 Kustomization: unknown field `namePrefx`"],
        },
        RuleCase {
            name: "a Kustomize patch may leave out required fields, not misspell them",
            args: &[],
            files: vec![
                ("apps/web/kustomization.yaml", s(kustomization)),
                ("apps/web/deployment.yaml", s(DEPLOYMENT)),
                ("apps/web/replicas.yaml", edit(patch, "  replicas: 3\n", "  replicas: 3\n  replica: 3\n")),
            ],
            code: 1,
            expected: &[("manifest-schema", "apps/web/replicas.yaml", 7, 3)],
            says: &["unknown field `replica`"],
        },
        RuleCase {
            name: "a Kustomize patch is a fragment",
            args: &[],
            files: vec![
                ("apps/web/kustomization.yaml", s(kustomization)),
                ("apps/web/deployment.yaml", s(DEPLOYMENT)),
                ("apps/web/replicas.yaml", s(patch)),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "Helm chart templates and files outside the manifest folders are not manifests",
            args: &[],
            files: vec![
                ("apps/web/chart/Chart.yaml", s("apiVersion: v2\nname: web\nversion: 1.0.0\n")),
                (
                    "apps/web/chart/templates/deployment.yaml",
                    s("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replica: 1\n"),
                ),
                ("deploy/config.yaml", s("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Checked\n")),
            ],
            code: 0,
            expected: &[],
            says: &[],
        },
        RuleCase {
            name: "a key with nothing after it is unset, not a wrong type",
            args: &[],
            files: vec![(
                "apps/web/deployment.yaml",
                edit(
                    &edit(DEPLOYMENT, "  replicas: 2\n", "  replicas:\n"),
                    "  labels:\n    app: web\nspec:",
                    "  labels:\n  annotations:\nspec:",
                ),
            )],
            code: 0,
            expected: &[],
            says: &[],
        },
    ]
}

#[test]
fn what_is_checked_as_a_manifest() {
    check_rule_cases(&discovery_cases());
}
