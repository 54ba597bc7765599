//! The rules: each a constant with its id, severity, summary and documentation, so
//! `portolan explain RULE` and the rule table in the README come from one place.
//! Rule ids are stable once released (DESIGN.md §5).

use serde::Serialize;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// What portolan cannot confirm from the repository alone: printed and reported,
    /// never a failure (`--deny-warnings` ignores it).
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One rule of the diagnostics contract.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Kebab-case, stable.
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule means.
    pub summary: &'static str,
    /// Markdown: why it matters, and how to fix it, with an example.
    pub docs: &'static str,
}

macro_rules! rules {
    ($( $name:ident = $id:literal, $sev:ident, $summary:literal, $docs:literal; )*) => {
        $( pub static $name: Rule = Rule {
            id: $id, severity: Severity::$sev, summary: $summary, docs: $docs,
        }; )*
        /// Every rule, in the order of the README's table.
        pub static ALL: &[&Rule] = &[$( &$name ),*];
    };
}

rules! {
    CONFIG_INVALID = "config-invalid", Error,
        "`portolan.yaml` is malformed",
        "portolan reads its settings from `portolan.yaml` at the platform root. Every key is \
optional, but a key portolan does not know, a value of the wrong type or a bad value is \
refused, so that a typo never silently falls back to a default. The run stops with exit \
code 2.\n\nFix: correct the key the message names. The accepted shape is:\n\n```yaml\n\
version: 1\ncatalog: { roots: [catalog], exclude: [\"**/drafts/**\"] }\n\
blueprints: { dir: blueprints, builtins: true }\ntemplates: { dir: templates }\n\
environments: [dev, prod]\ngit: { base: main, branch_prefix: portolan }\n\
github: { api_url: https://api.github.com, repo: acme/platform }\n```";
    PARSE_ERROR = "parse-error", Error,
        "a file is not valid YAML or JSON",
        "The file could not be read as YAML (`.yaml`, `.yml`) or JSON (`.json`). The message \
points at where the parser stopped. Common causes, each with its own hint:\n\n\
- typographic quotes (`“ ” ‘ ’`) copied from a web page or a word processor where straight \
quotes (`\" '`) belong;\n- tab characters used for indentation (YAML allows only spaces);\n\
- the same key twice in one mapping (portolan refuses it rather than let one value win \
silently);\n- binary content, text that is not UTF-8, nesting deeper than 128 levels, or an \
alias bomb.\n\nThe other documents of a multi-document file are still checked.";
    SYMLINK_IGNORED = "symlink-ignored", Warning,
        "a symbolic link in the repository is not read",
        "portolan never follows a symbolic link — not in a listing, not in a read, not in a \
write — so nothing a repository contains can make it read or write outside the repository. \
A link under the catalog roots, the blueprints or templates folder, or the manifest folders \
is passed over and reported here, and the working tree, the index and a commit agree on it \
(Git stores a link, not what it points to).\n\nFix: replace the link with the file or folder \
itself, or move it out of the folders portolan reads.";
    SUBMODULE_IGNORED = "submodule-ignored", Note,
        "a Git submodule or nested repository is not part of the catalog",
        "A folder that is a Git submodule, or holds a repository of its own (a `.git` inside), \
belongs to another repository: its files are not part of this catalog, whether portolan \
reads the working tree, the index or a commit (which records only the submodule's commit). \
A note, not a warning: portolan cannot see what the other repository holds.\n\nFix: nothing \
to fix when that is what you want; to catalog those entities, validate that repository \
itself, or copy its files in.";
    BLUEPRINT_INVALID = "blueprint-invalid", Error,
        "a blueprint breaks the blueprint format",
        "A blueprint (an entity type, in Port's vocabulary) must be a mapping with an \
`identifier`, and may have `title`, `icon`, `description`, `schema {properties, required}`, \
`relations`, `mirrorProperties`, `calculationProperties`, `aggregationProperties` and Port's \
own keys (`ownership`, `teamInheritance`, `changelogDestination`, `includeInGlobalSearch`, \
`formulaProperties`). This rule reports an unknown key, a wrong type, a property type or \
format Port does not know, a relation whose `target` blueprint does not exist, a relation \
that is both `many` and `required`, a mirror property whose path does not resolve through \
relations, and a calculation property whose jq does not compile.\n\nFix: correct the \
blueprint; for example, a relation needs a target that exists:\n\n```json\n\"relations\": \
{ \"system\": { \"target\": \"System\", \"required\": false, \"many\": false } }\n```";
    BLUEPRINT_DUPLICATE = "blueprint-duplicate", Error,
        "two files define one blueprint, or blueprint ids differ only by case",
        "Each blueprint identifier is defined once in `blueprints/`. A repository blueprint \
with the identifier of a built-in one replaces it (that is not a duplicate). Two identifiers \
that differ only by case are refused too: they would collide as folder names under \
`catalog/` on case-insensitive file systems.\n\nFix: remove or rename one of the two files \
(the message points at the second, `related` at the first).";
    BLUEPRINT_DEPRECATED = "blueprint-deprecated", Warning,
        "a blueprint uses a deprecated Port key",
        "`formulaProperties` is accepted because Port still writes it, but Port deprecated it \
in favour of `calculationProperties`, and portolan does not compute it. An empty \
`formulaProperties: {}` is fine.\n\nFix: move each formula to a calculation property \
(jq), then remove `formulaProperties`.";
    BLUEPRINT_UNKNOWN = "blueprint-unknown", Error,
        "an entity's blueprint does not exist or cannot be inferred",
        "An entity's blueprint comes from its `blueprint` key or, when that is absent, from \
the first folder under the catalog root (`catalog/Component/cart.yaml` is a Component). \
This rule fires when the key names a blueprint that is not defined (built in or in \
`blueprints/`), or when there is no key and the folder names no blueprint.\n\nFix: correct \
the `blueprint` key (the hint suggests a close name), move the file under \
`catalog/<Blueprint>/`, or define the blueprint in `blueprints/`.";
    ENTITY_INVALID = "entity-invalid", Error,
        "an entity document has the wrong shape",
        "An entity is a mapping with the keys `identifier`, `title`, `blueprint`, `icon`, \
`team`, `properties` and `relations` (Port's meta keys `createdAt`, `updatedAt`, \
`createdBy`, `updatedBy` are accepted and ignored). This rule reports a document that is not \
a mapping (a top-level list, a scalar), an unknown top-level key, a `title` or `icon` that is \
not a string, `properties` or `relations` that are not mappings, a relation target that is \
not a string, and a `blueprint` key that contradicts the folder the file is in.\n\n\
Example:\n\n```yaml\nidentifier: CartService\ntitle: Cart Service\nblueprint: Component\n\
properties: { type: service }\nrelations: { system: Cart }\n```";
    IDENTIFIER_INVALID = "identifier-invalid", Error,
        "identifier missing, too long, or with bad characters",
        "Entity identifiers follow Port's rule: 1 to 1000 characters from letters, digits and \
`@ _ . + : \\ / - =`, and not `.` or `..`. A single-document file may leave the \
identifier out: the file name (without extension) is used. A file with several documents \
must give each one an `identifier`.\n\nFix: add or correct the `identifier`.";
    IDENTIFIER_DUPLICATE = "identifier-duplicate", Error,
        "two entities of one blueprint share an identifier",
        "Identifiers are unique per blueprint: a relation names its target by identifier, so \
two entities with one identifier make every reference to it ambiguous. The message points at \
the second definition (by file order), `related` at the first.\n\nFix: rename or remove \
one of them.";
    IDENTIFIER_CASE_CLASH = "identifier-case-clash", Warning,
        "identifiers of one blueprint that differ only by case",
        "Port compares identifiers exactly, so `cart` and `Cart` are two entities; but people \
read them as one, and their files collide on case-insensitive file systems.\n\nFix: rename \
one of them, unless both are meant.";
    PROPERTY_INVALID = "property-invalid", Error,
        "a property value breaks its schema",
        "Each property is checked against the JSON Schema its blueprint declares: its type, \
`enum`, `format` (`url`, `email`, `date-time`, `timer`, `ipv4`, `ipv6`, `yaml`, …), \
`pattern`, length and range limits. `null` means unset and is always accepted for a \
property that is not required.\n\nFix: change the value to match; the message quotes the \
schema's complaint.";
    PROPERTY_REQUIRED = "property-required", Error,
        "a required property is missing",
        "The blueprint lists the property in `schema.required`, and the entity does not set \
it (or sets it to `null`).\n\nFix: add the property under `properties:`.";
    PROPERTY_UNKNOWN = "property-unknown", Error,
        "a property the blueprint does not declare",
        "Port rejects an entity with a property its blueprint does not declare, so portolan \
does too. Often it is a typo; the hint suggests a close name.\n\nFix: correct the name, or \
declare the property in the blueprint's `schema.properties`.";
    RELATION_UNKNOWN = "relation-unknown", Error,
        "a relation the blueprint does not declare",
        "The entity sets a relation its blueprint does not declare under `relations`.\n\nFix: \
correct the name (the hint suggests a close one), or declare the relation in the blueprint.";
    RELATION_CARDINALITY = "relation-cardinality", Error,
        "a list for a single relation, or a scalar for a many relation",
        "A relation declared `many: false` takes one identifier (or `null`); one declared \
`many: true` takes a list of identifiers.\n\nFix:\n\n```yaml\nrelations:\n  system: Cart   \
        # many: false\n  resources: [cart-sql-sb]   # many: true\n```";
    RELATION_REQUIRED = "relation-required", Error,
        "a required relation is missing or null",
        "The blueprint declares the relation `required: true`, and the entity leaves it out or \
sets it to `null`.\n\nFix: set the relation to the identifier of an existing entity of the \
target blueprint.";
    RELATION_DANGLING = "relation-dangling", Error,
        "a relation points to an entity that does not exist",
        "Every relation target must be an entity of the relation's target blueprint somewhere \
in the catalog. A dangling relation breaks every view built on the graph (ownership, \
impact, scorecards).\n\nFix: correct the identifier (the hint suggests a close one), create \
the missing entity, or remove the reference. Entities in files that failed to parse are \
still counted as existing, so one broken file does not flood the report.";
    RELATION_CYCLE = "relation-cycle", Warning,
        "a cycle through relations within one blueprint",
        "Relations whose target is the entity's own blueprint (a component made of \
components) form a graph that should have no cycles: a component cannot contain itself. \
Each cycle is reported once, on its first entity by sort order, with the others in \
`related`.\n\nFix: remove one of the relations in the cycle.";
    MANIFEST_SCHEMA = "manifest-schema", Error,
        "a manifest breaks the schema of its kind",
        "Every manifest under the manifest folders (default `apps/`, `argocd/`, `platform/`) is \
checked offline against a strict JSON Schema for its `apiVersion` and `kind`, the way \
kubeconform does: the Kubernetes kinds the platform writes, Argo CD, Argo Rollouts, \
Crossplane, External Secrets, SchemaHero, Flux and Kustomize are built in; custom \
resources are checked against the CustomResourceDefinition or Crossplane \
CompositeResourceDefinition found in the repository. A misspelt field, a wrong type or a \
missing required field is reported at its line.\n\nFix: correct the field the message \
names. `kubectl explain <kind>.<field>` shows the schema of a kind.";
    MANIFEST_UNKNOWN_KIND = "manifest-unknown-kind", Warning,
        "no schema is known for a manifest's apiVersion and kind",
        "portolan has no schema for the manifest's `apiVersion` and `kind`: it is not built in, \
and no CustomResourceDefinition, XRD or schema file in the repository defines it. Often \
the apiVersion is outdated (`apps/v1beta1`) or misspelt. A warning by default; \
`--strict` makes it an error.\n\nFix: correct the apiVersion or kind, add the CRD to the \
repository, or add its JSON Schema to the folder `manifests.schemas` names in \
`portolan.yaml`.";
    MANIFEST_NAME = "manifest-name", Error,
        "a name or label value is not a valid Kubernetes name",
        "Kubernetes names are DNS-1123 labels or subdomains: lower-case letters, digits, `-` \
(and `.` for subdomains), starting and ending with a letter or digit, at most 63 (253) \
characters. Label values are at most 63 characters of letters, digits, `-`, `_` and `.`, \
starting and ending with a letter or digit. The API server refuses anything else, so the \
sync fails after the merge.\n\nFix: rename, e.g. `Cart_Service` → `cart-service`.";
    MANIFEST_NAMESPACE = "manifest-namespace", Error,
        "a namespaced manifest has no namespace where the layout needs one",
        "Argo CD reads Applications, ApplicationSets and AppProjects only from its own \
namespace, so the files under `argocd/` must say `metadata.namespace` (usually `argocd`); \
without it they land in whatever namespace the sync uses, and Argo CD never sees \
them.\n\nFix: add `namespace: argocd` under `metadata`.";
    MANIFEST_REFERENCE = "manifest-reference", Error,
        "a manifest refers to something the repository does not have",
        "References that must resolve inside the repository: an Argo CD Application's source \
`path` (for this repository), a Kustomization's `resources`, an ExternalSecret's store, a \
Service selector that matches the pod labels of a workload in the same folder, an Ingress \
backend Service, a `secretKeyRef`/`envFrom` secret produced by an ExternalSecret or a \
Secret.\n\nFix: correct the reference, or add what it refers to.";
    MANIFEST_INVALID = "manifest-invalid", Error,
        "a manifest breaks a rule of its kind that its schema cannot express",
        "Rules JSON Schema cannot say: a Rollout has a `selector` and a `template` (or a \
`workloadRef`); a HelmRelease has exactly one of `chart` and `chartRef`; an XRD's name is \
`<plural>.<group>` and it has exactly one referenceable version; a document with only one of \
`apiVersion` and `kind`; a CustomResourceDefinition whose schema cannot be used.\n\nFix: \
follow the message.";
    TEMPLATE_INVALID = "template-invalid", Error,
        "a template in the repository cannot run",
        "A repository's templates (`templates/<name>/template.yaml` and its files) are checked \
like the catalog, so a broken template fails review instead of failing the developer who runs \
it: `template.yaml` must have the shape of DESIGN.md §6 (name, operation, inputs as JSON \
Schema, preconditions, steps of the kinds render, write, delete and entity), every \
expression and every `.jinja` file must compile, `render: from` must name a folder of the \
template, the inputs schema must compile, and an `entity: upsert` must name a blueprint that \
exists.\n\nFix: follow the message; `portolan new TEMPLATE --dry-run` shows what the template \
would write.";
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}
