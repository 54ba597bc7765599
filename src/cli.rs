//! The command line: global options and one `Args` struct per command. The doc
//! comments are the help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  portolan validate                      check the platform repository you are in
  portolan validate examples/orders      check another one
  portolan validate --format json        machine-readable findings on stdout
  portolan explain relation-dangling     what a rule means and how to fix it
  portolan new service --set name=checkout --set system=Cart --pr
                                         scaffold a service as a pull request
  portolan run set-replicas checkout --set env=prod --set replicas=4
  portolan show Component/CartService    one entity, its derived values and relations
  portolan impact Resource/cart-sql-sb   what depends on it

Exit codes: 0 valid (warnings allowed), 1 findings, 2 usage error or the tool could not run.
Colour follows --color, NO_COLOR and whether the output is a terminal.";

/// An internal developer portal in the terminal, with one Git repository as its database.
#[derive(Debug, Parser)]
#[command(name = "portolan", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the catalog (blueprints and entities) offline.
    #[command(after_help = "\
Examples:
  portolan validate
  portolan validate examples/orders --format json
  portolan validate --deny-warnings      fail on warnings too (CI)
  portolan validate --staged             what the next commit will contain (pre-commit)
  portolan validate --rev main           any commit, without checking it out
  portolan validate --since origin/main --format github   a pull request's own findings

Every problem is reported at once, each with file:line:column, a rule id and a hint.
Exit codes: 0 valid, 1 findings (errors, or warnings with --deny-warnings), 2 could not run.")]
    Validate(ValidateArgs),

    /// Explain a rule: what it means and how to fix it.
    #[command(after_help = "\
Examples:
  portolan explain relation-dangling
  portolan explain --list                every rule, one a line")]
    Explain(ExplainArgs),

    /// Show what changed in the catalog between two revisions.
    #[command(after_help = "\
Examples:
  portolan diff main                     from main to the working tree
  portolan diff main HEAD                between two commits
  portolan diff origin/main HEAD --format json")]
    Diff(DiffArgs),

    /// List entities, filtered by blueprint and by a jq predicate.
    #[command(after_help = "\
Examples:
  portolan list                                      every entity, as a table on a terminal
  portolan list Component
  portolan list Component --where '.properties.lifecycle == \"production\"'
  portolan list --where '.team | index(\"payments\")' --format ids
  portolan list API --format json | jq '.entities[].identifier'

Each entity is the JSON of `portolan show --format json` (derived values merged into
`.properties`, plus `file` and `line`); `--where` keeps those for which the jq filter
(jaq dialect) outputs true. The catalog is loaded as `portolan validate` loads it: with
errors, the answer is given with a warning on stderr.")]
    List(ListArgs),

    /// Show one entity: properties, derived values, relations out and in, where it is defined.
    #[command(after_help = "\
Examples:
  portolan show Component/CartService
  portolan show CartService                          a bare ID, when it is unique
  portolan show Resource/cart-sql-sb --format json

Derived values (mirror, calculation and aggregation properties) are computed offline; one
that cannot be (a time-based average, a search-rule query) is shown as such, with why.")]
    Show(ShowArgs),

    /// Draw the relation graph, whole or around one entity (Mermaid, Graphviz DOT, JSON).
    #[command(after_help = "\
Examples:
  portolan graph                                     the whole catalog, as Mermaid
  portolan graph Component/CartService               its neighbours, one relation away
  portolan graph Cart --depth 2 --format dot | dot -Tsvg > cart.svg
  portolan graph --format json

Around an entity, relations are followed both ways up to --depth hops. Nodes and edges
come in a fixed order, so the output diffs well.")]
    Graph(GraphArgs),

    /// What depends on an entity, transitively, each with the relations that connect it.
    #[command(after_help = "\
Examples:
  portolan impact Resource/cart-sql-sb               what breaks if this database goes
  portolan impact Component/CartService --format json

Relations are followed backwards: an entity that points at this one (or at one that does,
and so on) depends on it. Each dependent comes with its shortest relation path.")]
    Impact(ImpactArgs),

    /// Create something from a template: a service, the catalog entity of an existing one…
    #[command(after_help = "\
Examples:
  portolan new service --set name=checkout --set system=Cart
  portolan new service --set name=checkout --set system=Cart --set language=rust --dry-run
  portolan new service --values checkout.yaml --no-input
  portolan new register --set name=legacy-billing --set app=billing

On a terminal, portolan asks for each input not given; otherwise (CI, a hook, --no-input) a
missing input is an error that names it. The change is validated with the catalog and the
manifests before anything is written; a failed run writes nothing.
Exit codes: 0 written (or shown with --dry-run), 1 the change would be invalid, 2 could not run.")]
    New(NewArgs),

    /// Run a day-2 or delete template on an entity: scale, add an env var, lock deploys…
    #[command(after_help = "\
Examples:
  portolan run set-replicas Component/checkout --set env=prod --set replicas=4
  portolan run add-env-var checkout --set env=dev --set key=LOG_LEVEL --set value=debug --pr
  portolan templates --for Component/checkout   what can run on it

The entity is BLUEPRINT/ID, or a bare ID when it is unique. The change is validated with the
catalog and the manifests before anything is written; a failed run writes nothing.")]
    Run(RunArgs),

    /// Development environments: remove the expired ones.
    #[command(after_help = "\
Examples:
  portolan env gc                        remove what expired by now
  portolan env gc --now 2026-12-01T00:00:00Z --dry-run
  portolan env gc --pr                   as one pull request (e.g. from a nightly job)")]
    Env(EnvArgs),

    /// List the templates and their inputs.
    #[command(after_help = "\
Examples:
  portolan templates
  portolan templates --format json")]
    Templates(TemplatesArgs),

    /// Make a Git repository (or a new folder) a platform repository.
    #[command(after_help = "\
Examples:
  portolan init --set repo=acme/platform           here
  portolan init platform --set repo=acme/platform  in a new folder ./platform
  portolan init --set environments=dev,staging,prod --dry-run

Writes portolan.yaml, blueprints/ (the built-ins, to edit), catalog/, the Argo CD bootstrap,
a CI workflow that validates pull requests and a pre-commit configuration.")]
    Init(InitArgs),

    /// Push a branch you committed by hand and open or update its pull request.
    #[command(after_help = "\
Examples:
  portolan pr                            the current branch
  portolan pr fix-cart-owner --label catalog --reviewer alice

The base is `git.base` of portolan.yaml, else the remote's default branch. The token comes
from GH_TOKEN, GITHUB_TOKEN or `gh auth token`; it is never printed or stored.")]
    Pr(PrArgs),

    /// Manage the Git hooks that run portolan.
    #[command(after_help = "\
Examples:
  portolan hook install                  validate what each commit will contain
  portolan hook install --force          keep an existing hook and run it first")]
    Hook(HookArgs),

    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  portolan completions bash > ~/.local/share/bash-completion/completions/portolan
  portolan completions zsh > ~/.zfunc/_portolan
  portolan completions fish > ~/.config/fish/completions/portolan.fish")]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The platform repository (default: the one around the current directory).
    pub path: Option<PathBuf>,

    /// Validate what the next commit will contain (the Git index), not the working tree.
    #[arg(long, conflicts_with = "rev")]
    pub staged: bool,

    /// Validate a commit's tree (a branch, a tag, `HEAD~1`, a hash) without checking it out.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,

    /// Report only the findings this change is responsible for: present now, absent at REF.
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,

    /// Treat warnings as errors (exit code 1).
    #[arg(long)]
    pub deny_warnings: bool,

    /// A manifest whose kind has no known schema is an error, not a warning.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// rustc-style snippets pointing at the offending text.
    Human,
    /// The versioned JSON report.
    Json,
    /// GitHub Actions annotations (and a summary in $GITHUB_STEP_SUMMARY).
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `relation-dangling`.
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,

    /// List every rule with its severity and summary.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub command: HookCommand,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-commit and pre-merge-commit hooks that run `portolan validate --staged`.
    Install {
        /// Keep an existing hook (renamed <hook>.local) and run it first.
        #[arg(long)]
        force: bool,
        /// The platform repository (default: the one around the current directory).
        path: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The revision to compare from.
    pub rev1: String,
    /// The revision to compare to (default: the working tree).
    pub rev2: Option<String>,
    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One line per entity, with its changed fields.
    Human,
    /// A versioned JSON report.
    Json,
}

/// How a template run is given its inputs and what it does with the result.
#[derive(Debug, Args)]
pub struct RunOptions {
    /// Set an input: `--set name=checkout` (repeatable; read as the input's type).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub set: Vec<(String, String)>,

    /// Read inputs from a YAML or JSON file (`--set` wins over it).
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,

    /// The time the run happens at (RFC 3339, default: now); recorded, so a run can be
    /// repeated exactly.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// Show the files and a unified diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Never ask: a missing input is an error (the default when not on a terminal).
    #[arg(long)]
    pub no_input: bool,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ChangeFormat::Human)]
    pub format: ChangeFormat,

    #[command(flatten)]
    pub pr: PrOptions,
}

/// Delivering a change as a pull request.
#[derive(Debug, Args, Default, Clone)]
pub struct PrOptions {
    /// Commit the change on the base branch (without touching your working tree, index
    /// or branch), push it and open or update its pull request.
    #[arg(long)]
    pub pr: bool,

    /// The pull request's title (default: the template's `pr.title`).
    #[arg(long, value_name = "TEXT", requires = "pr")]
    pub title: Option<String>,

    /// Add a label (repeatable; added to the template's `pr.labels`).
    #[arg(long = "label", value_name = "LABEL", requires = "pr")]
    pub labels: Vec<String>,

    /// Ask for a review (repeatable; added to the template's `pr.reviewers`).
    #[arg(long = "reviewer", value_name = "LOGIN", requires = "pr")]
    pub reviewers: Vec<String>,

    /// Open the pull request as a draft.
    #[arg(long, requires = "pr")]
    pub draft: bool,

    /// Create the service's own GitHub repository OWNER/NAME, push the application to
    /// its root, and open the platform pull request pointing at it.
    #[arg(long, value_name = "OWNER/NAME", requires = "pr")]
    pub repo: Option<String>,

    /// The forge's host, for the repository URL (filled in by portolan).
    #[arg(skip)]
    pub host: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The template (`portolan templates` lists them).
    pub template: String,

    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to make a platform repository (default: the current one); created if
    /// missing, with `git init` when it is not in a Git repository.
    pub path: Option<PathBuf>,

    /// Set an input of the `platform` template (repo, environments, team, branch…).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub set: Vec<(String, String)>,

    /// Show the files; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Never ask: a missing input is an error (the default when not on a terminal).
    #[arg(long)]
    pub no_input: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ChangeFormat::Human)]
    pub format: ChangeFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChangeFormat {
    /// The files, a unified diff (with --dry-run) and a summary.
    Human,
    /// A versioned JSON report of the change.
    Json,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The template (`portolan templates --for BLUEPRINT/ID` lists those that apply).
    pub template: String,

    /// The entity: BLUEPRINT/ID, or a bare ID when it is unique.
    pub entity: String,

    #[command(flatten)]
    pub run: RunOptions,
}

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Only the templates that can run on this entity (BLUEPRINT/ID).
    #[arg(long = "for", value_name = "BLUEPRINT/ID")]
    pub for_entity: Option<String>,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only the entities of this blueprint.
    pub blueprint: Option<String>,

    /// Keep the entities for which this jq predicate outputs true, e.g.
    /// `.properties.lifecycle == "production"`.
    #[arg(long = "where", value_name = "JQ")]
    pub filter: Option<String>,

    /// Output format (default: a table).
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns: entity, title, team, file.
    Table,
    /// The versioned JSON listing.
    Json,
    /// The same listing as YAML.
    Yaml,
    /// One BLUEPRINT/ID a line, for scripts.
    Ids,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entity: BLUEPRINT/ID, or a bare ID when it is unique.
    pub entity: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// Sections for properties, derived values and relations.
    Human,
    /// The versioned JSON document.
    Json,
    /// The same document as YAML.
    Yaml,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Draw the neighbourhood of this entity (BLUEPRINT/ID) instead of the whole catalog.
    pub entity: Option<String>,

    /// How many relations away from the entity to go (default 1; only with an entity).
    #[arg(long, value_name = "N", requires = "entity")]
    pub depth: Option<usize>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// The versioned JSON graph: nodes and edges.
    Json,
}

#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// The entity: BLUEPRINT/ID, or a bare ID when it is unique.
    pub entity: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "`{text}` is not KEY=VALUE (e.g. `--set name=checkout`)"
        )),
    }
}

#[derive(Debug, Args)]
pub struct PrArgs {
    /// The branch (default: the current one).
    pub branch: Option<String>,

    /// The pull request's title (default: the branch's first commit subject).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// Add a label (repeatable).
    #[arg(long = "label", value_name = "LABEL")]
    pub labels: Vec<String>,

    /// Ask for a review (repeatable).
    #[arg(long = "reviewer", value_name = "LOGIN")]
    pub reviewers: Vec<String>,

    /// Open the pull request as a draft.
    #[arg(long)]
    pub draft: bool,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    #[command(subcommand)]
    pub command: EnvCommand,
}

#[derive(Debug, Subcommand)]
pub enum EnvCommand {
    /// Remove every development environment whose `expiresAt` is at or before now, in
    /// one change: its folder, its Argo CD Application and its entity.
    Gc(GcArgs),
}

#[derive(Debug, Args)]
pub struct GcArgs {
    /// The time to collect at (RFC 3339, default: now).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,

    /// Show what would go; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// The platform repository (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ChangeFormat::Human)]
    pub format: ChangeFormat,

    #[command(flatten)]
    pub pr: PrOptions,
}
