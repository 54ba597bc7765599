# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_portolan_global_optspecs
    string join \n color= h/help V/version
end

function __fish_portolan_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_portolan_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_portolan_using_subcommand
    set -l cmd (__fish_portolan_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c portolan -n "__fish_portolan_needs_command" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_needs_command" -s h -l help -d 'Print help'
complete -c portolan -n "__fish_portolan_needs_command" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "validate" -d 'Check the catalog (blueprints and entities) offline'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "explain" -d 'Explain a rule: what it means and how to fix it'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "diff" -d 'Show what changed in the catalog between two revisions'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "list" -d 'List entities, filtered by blueprint and by a jq predicate'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "show" -d 'Show one entity: properties, derived values, relations out and in, where it is defined'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "graph" -d 'Draw the relation graph, whole or around one entity (Mermaid, Graphviz DOT, JSON)'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "impact" -d 'What depends on an entity, transitively, each with the relations that connect it'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "new" -d 'Create something from a template: a service, the catalog entity of an existing one…'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "run" -d 'Run a day-2 or delete template on an entity: scale, add an env var, lock deploys…'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "env" -d 'Development environments: remove the expired ones'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "templates" -d 'List the templates and their inputs'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "init" -d 'Make a Git repository (or a new folder) a platform repository'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "pr" -d 'Push a branch you committed by hand and open or update its pull request'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "hook" -d 'Manage the Git hooks that run portolan'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c portolan -n "__fish_portolan_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c portolan -n "__fish_portolan_using_subcommand validate" -l rev -d 'Validate a commit\'s tree (a branch, a tag, `HEAD~1`, a hash) without checking it out' -r
complete -c portolan -n "__fish_portolan_using_subcommand validate" -l since -d 'Report only the findings this change is responsible for: present now, absent at REF' -r
complete -c portolan -n "__fish_portolan_using_subcommand validate" -l format -d 'Output format' -r -f -a "human\t'rustc-style snippets pointing at the offending text'
json\t'The versioned JSON report'
github\t'GitHub Actions annotations (and a summary in $GITHUB_STEP_SUMMARY)'
sarif\t'SARIF 2.1.0, for GitHub code scanning and other SARIF viewers'"
complete -c portolan -n "__fish_portolan_using_subcommand validate" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand validate" -l staged -d 'Validate what the next commit will contain (the Git index), not the working tree'
complete -c portolan -n "__fish_portolan_using_subcommand validate" -l deny-warnings -d 'Treat warnings as errors (exit code 1)'
complete -c portolan -n "__fish_portolan_using_subcommand validate" -l strict -d 'A manifest whose kind has no known schema is an error, not a warning'
complete -c portolan -n "__fish_portolan_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand validate" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand explain" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand explain" -l list -d 'List every rule with its severity and summary'
complete -c portolan -n "__fish_portolan_using_subcommand explain" -s h -l help -d 'Print help'
complete -c portolan -n "__fish_portolan_using_subcommand explain" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand diff" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand diff" -l format -d 'Output format' -r -f -a "human\t'One line per entity, with its changed fields'
json\t'A versioned JSON report'"
complete -c portolan -n "__fish_portolan_using_subcommand diff" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand diff" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand list" -l where -d 'Keep the entities for which this jq predicate outputs true, e.g. `.properties.lifecycle == "production"`' -r
complete -c portolan -n "__fish_portolan_using_subcommand list" -l format -d 'Output format (default: a table)' -r -f -a "table\t'Aligned columns: entity, title, team, file'
json\t'The versioned JSON listing'
yaml\t'The same listing as YAML'
ids\t'One BLUEPRINT/ID a line, for scripts'"
complete -c portolan -n "__fish_portolan_using_subcommand list" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand list" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand list" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand show" -l format -d 'Output format' -r -f -a "human\t'Sections for properties, derived values and relations'
json\t'The versioned JSON document'
yaml\t'The same document as YAML'"
complete -c portolan -n "__fish_portolan_using_subcommand show" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand show" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand show" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand graph" -l depth -d 'How many relations away from the entity to go (default 1; only with an entity)' -r
complete -c portolan -n "__fish_portolan_using_subcommand graph" -l format -d 'Output format' -r -f -a "mermaid\t'A Mermaid flowchart (renders in GitHub Markdown)'
dot\t'Graphviz DOT'
json\t'The versioned JSON graph: nodes and edges'"
complete -c portolan -n "__fish_portolan_using_subcommand graph" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand graph" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand graph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand graph" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand impact" -l format -d 'Output format' -r -f -a "human\t'One line per entity, with its changed fields'
json\t'A versioned JSON report'"
complete -c portolan -n "__fish_portolan_using_subcommand impact" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand impact" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand impact" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand impact" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand new" -l set -d 'Set an input: `--set name=checkout` (repeatable; read as the input\'s type)' -r
complete -c portolan -n "__fish_portolan_using_subcommand new" -l values -d 'Read inputs from a YAML or JSON file (`--set` wins over it)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand new" -l now -d 'The time the run happens at (RFC 3339, default: now); recorded, so a run can be repeated exactly' -r
complete -c portolan -n "__fish_portolan_using_subcommand new" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand new" -l format -d 'Output format' -r -f -a "human\t'The files, a unified diff (with --dry-run) and a summary'
json\t'A versioned JSON report of the change'"
complete -c portolan -n "__fish_portolan_using_subcommand new" -l title -d 'The pull request\'s title (default: the template\'s `pr.title`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand new" -l label -d 'Add a label (repeatable; added to the template\'s `pr.labels`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand new" -l reviewer -d 'Ask for a review (repeatable; added to the template\'s `pr.reviewers`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand new" -l repo -d 'Create the service\'s own GitHub repository OWNER/NAME, push the application to its root, and open the platform pull request pointing at it' -r
complete -c portolan -n "__fish_portolan_using_subcommand new" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand new" -l dry-run -d 'Show the files and a unified diff; write nothing'
complete -c portolan -n "__fish_portolan_using_subcommand new" -l no-input -d 'Never ask: a missing input is an error (the default when not on a terminal)'
complete -c portolan -n "__fish_portolan_using_subcommand new" -l pr -d 'Commit the change on the base branch (without touching your working tree, index or branch), push it and open or update its pull request'
complete -c portolan -n "__fish_portolan_using_subcommand new" -l draft -d 'Open the pull request as a draft'
complete -c portolan -n "__fish_portolan_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand new" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand run" -l set -d 'Set an input: `--set name=checkout` (repeatable; read as the input\'s type)' -r
complete -c portolan -n "__fish_portolan_using_subcommand run" -l values -d 'Read inputs from a YAML or JSON file (`--set` wins over it)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand run" -l now -d 'The time the run happens at (RFC 3339, default: now); recorded, so a run can be repeated exactly' -r
complete -c portolan -n "__fish_portolan_using_subcommand run" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand run" -l format -d 'Output format' -r -f -a "human\t'The files, a unified diff (with --dry-run) and a summary'
json\t'A versioned JSON report of the change'"
complete -c portolan -n "__fish_portolan_using_subcommand run" -l title -d 'The pull request\'s title (default: the template\'s `pr.title`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand run" -l label -d 'Add a label (repeatable; added to the template\'s `pr.labels`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand run" -l reviewer -d 'Ask for a review (repeatable; added to the template\'s `pr.reviewers`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand run" -l repo -d 'Create the service\'s own GitHub repository OWNER/NAME, push the application to its root, and open the platform pull request pointing at it' -r
complete -c portolan -n "__fish_portolan_using_subcommand run" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand run" -l dry-run -d 'Show the files and a unified diff; write nothing'
complete -c portolan -n "__fish_portolan_using_subcommand run" -l no-input -d 'Never ask: a missing input is an error (the default when not on a terminal)'
complete -c portolan -n "__fish_portolan_using_subcommand run" -l pr -d 'Commit the change on the base branch (without touching your working tree, index or branch), push it and open or update its pull request'
complete -c portolan -n "__fish_portolan_using_subcommand run" -l draft -d 'Open the pull request as a draft'
complete -c portolan -n "__fish_portolan_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand run" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand env; and not __fish_seen_subcommand_from gc help" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand env; and not __fish_seen_subcommand_from gc help" -s h -l help -d 'Print help'
complete -c portolan -n "__fish_portolan_using_subcommand env; and not __fish_seen_subcommand_from gc help" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand env; and not __fish_seen_subcommand_from gc help" -f -a "gc" -d 'Remove every development environment whose `expiresAt` is at or before now, in one change: its folder, its Argo CD Application and its entity'
complete -c portolan -n "__fish_portolan_using_subcommand env; and not __fish_seen_subcommand_from gc help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l now -d 'The time to collect at (RFC 3339, default: now)' -r
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l format -d 'Output format' -r -f -a "human\t'The files, a unified diff (with --dry-run) and a summary'
json\t'A versioned JSON report of the change'"
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l title -d 'The pull request\'s title (default: the template\'s `pr.title`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l label -d 'Add a label (repeatable; added to the template\'s `pr.labels`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l reviewer -d 'Ask for a review (repeatable; added to the template\'s `pr.reviewers`)' -r
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l repo -d 'Create the service\'s own GitHub repository OWNER/NAME, push the application to its root, and open the platform pull request pointing at it' -r
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l dry-run -d 'Show what would go; write nothing'
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l pr -d 'Commit the change on the base branch (without touching your working tree, index or branch), push it and open or update its pull request'
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -l draft -d 'Open the pull request as a draft'
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from gc" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "gc" -d 'Remove every development environment whose `expiresAt` is at or before now, in one change: its folder, its Argo CD Application and its entity'
complete -c portolan -n "__fish_portolan_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c portolan -n "__fish_portolan_using_subcommand templates" -l for -d 'Only the templates that can run on this entity (BLUEPRINT/ID)' -r
complete -c portolan -n "__fish_portolan_using_subcommand templates" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand templates" -l format -d 'Output format' -r -f -a "human\t'One line per entity, with its changed fields'
json\t'A versioned JSON report'"
complete -c portolan -n "__fish_portolan_using_subcommand templates" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand templates" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand templates" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand init" -l set -d 'Set an input of the `platform` template (repo, environments, team, branch…)' -r
complete -c portolan -n "__fish_portolan_using_subcommand init" -l format -d 'Output format' -r -f -a "human\t'The files, a unified diff (with --dry-run) and a summary'
json\t'A versioned JSON report of the change'"
complete -c portolan -n "__fish_portolan_using_subcommand init" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand init" -l dry-run -d 'Show the files; write nothing'
complete -c portolan -n "__fish_portolan_using_subcommand init" -l no-input -d 'Never ask: a missing input is an error (the default when not on a terminal)'
complete -c portolan -n "__fish_portolan_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c portolan -n "__fish_portolan_using_subcommand init" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand pr" -l title -d 'The pull request\'s title (default: the branch\'s first commit subject)' -r
complete -c portolan -n "__fish_portolan_using_subcommand pr" -l label -d 'Add a label (repeatable)' -r
complete -c portolan -n "__fish_portolan_using_subcommand pr" -l reviewer -d 'Ask for a review (repeatable)' -r
complete -c portolan -n "__fish_portolan_using_subcommand pr" -l root -d 'The platform repository (default: the one around the current directory)' -r -F
complete -c portolan -n "__fish_portolan_using_subcommand pr" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand pr" -l draft -d 'Open the pull request as a draft'
complete -c portolan -n "__fish_portolan_using_subcommand pr" -s h -l help -d 'Print help'
complete -c portolan -n "__fish_portolan_using_subcommand pr" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and not __fish_seen_subcommand_from install help" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s h -l help -d 'Print help'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and not __fish_seen_subcommand_from install help" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and not __fish_seen_subcommand_from install help" -f -a "install" -d 'Install the pre-commit and pre-merge-commit hooks that run `portolan validate --staged`'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and not __fish_seen_subcommand_from install help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and __fish_seen_subcommand_from install" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand hook; and __fish_seen_subcommand_from install" -l force -d 'Keep an existing hook (renamed <hook>.local) and run it first'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install the pre-commit and pre-merge-commit hooks that run `portolan validate --staged`'
complete -c portolan -n "__fish_portolan_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c portolan -n "__fish_portolan_using_subcommand completions" -l color -d 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c portolan -n "__fish_portolan_using_subcommand completions" -s h -l help -d 'Print help'
complete -c portolan -n "__fish_portolan_using_subcommand completions" -s V -l version -d 'Print version'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "validate" -d 'Check the catalog (blueprints and entities) offline'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "explain" -d 'Explain a rule: what it means and how to fix it'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "diff" -d 'Show what changed in the catalog between two revisions'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "list" -d 'List entities, filtered by blueprint and by a jq predicate'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "show" -d 'Show one entity: properties, derived values, relations out and in, where it is defined'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "graph" -d 'Draw the relation graph, whole or around one entity (Mermaid, Graphviz DOT, JSON)'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "impact" -d 'What depends on an entity, transitively, each with the relations that connect it'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "new" -d 'Create something from a template: a service, the catalog entity of an existing one…'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "run" -d 'Run a day-2 or delete template on an entity: scale, add an env var, lock deploys…'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "env" -d 'Development environments: remove the expired ones'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "templates" -d 'List the templates and their inputs'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "init" -d 'Make a Git repository (or a new folder) a platform repository'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "pr" -d 'Push a branch you committed by hand and open or update its pull request'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "hook" -d 'Manage the Git hooks that run portolan'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c portolan -n "__fish_portolan_using_subcommand help; and not __fish_seen_subcommand_from validate explain diff list show graph impact new run env templates init pr hook completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c portolan -n "__fish_portolan_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "gc" -d 'Remove every development environment whose `expiresAt` is at or before now, in one change: its folder, its Argo CD Application and its entity'
complete -c portolan -n "__fish_portolan_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "install" -d 'Install the pre-commit and pre-merge-commit hooks that run `portolan validate --staged`'
