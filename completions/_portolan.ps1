
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'portolan' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'portolan'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'portolan' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check the catalog (blueprints and entities) offline')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a rule: what it means and how to fix it')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what changed in the catalog between two revisions')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List entities, filtered by blueprint and by a jq predicate')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one entity: properties, derived values, relations out and in, where it is defined')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the relation graph, whole or around one entity (Mermaid, Graphviz DOT, JSON)')
            [CompletionResult]::new('impact', 'impact', [CompletionResultType]::ParameterValue, 'What depends on an entity, transitively, each with the relations that connect it')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create something from a template: a service, the catalog entity of an existing one…')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a day-2 or delete template on an entity: scale, add an env var, lock deploys…')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Development environments: remove the expired ones')
            [CompletionResult]::new('templates', 'templates', [CompletionResultType]::ParameterValue, 'List the templates and their inputs')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make a Git repository (or a new folder) a platform repository')
            [CompletionResult]::new('pr', 'pr', [CompletionResultType]::ParameterValue, 'Push a branch you committed by hand and open or update its pull request')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Manage the Git hooks that run portolan')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'portolan;validate' {
            [CompletionResult]::new('--rev', '--rev', [CompletionResultType]::ParameterName, 'Validate a commit''s tree (a branch, a tag, `HEAD~1`, a hash) without checking it out')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Report only the findings this change is responsible for: present now, absent at REF')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Validate what the next commit will contain (the Git index), not the working tree')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Treat warnings as errors (exit code 1)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'A manifest whose kind has no known schema is an error, not a warning')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;explain' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every rule with its severity and summary')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;diff' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;list' {
            [CompletionResult]::new('--where', '--where', [CompletionResultType]::ParameterName, 'Keep the entities for which this jq predicate outputs true, e.g. `.properties.lifecycle == "production"`')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (default: a table)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;graph' {
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'How many relations away from the entity to go (default 1; only with an entity)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;impact' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;new' {
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set an input: `--set name=checkout` (repeatable; read as the input''s type)')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Read inputs from a YAML or JSON file (`--set` wins over it)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the run happens at (RFC 3339, default: now); recorded, so a run can be repeated exactly')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The pull request''s title (default: the template''s `pr.title`)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Add a label (repeatable; added to the template''s `pr.labels`)')
            [CompletionResult]::new('--reviewer', '--reviewer', [CompletionResultType]::ParameterName, 'Ask for a review (repeatable; added to the template''s `pr.reviewers`)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Create the service''s own GitHub repository OWNER/NAME, push the application to its root, and open the platform pull request pointing at it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the files and a unified diff; write nothing')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never ask: a missing input is an error (the default when not on a terminal)')
            [CompletionResult]::new('--pr', '--pr', [CompletionResultType]::ParameterName, 'Commit the change on the base branch (without touching your working tree, index or branch), push it and open or update its pull request')
            [CompletionResult]::new('--draft', '--draft', [CompletionResultType]::ParameterName, 'Open the pull request as a draft')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;run' {
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set an input: `--set name=checkout` (repeatable; read as the input''s type)')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Read inputs from a YAML or JSON file (`--set` wins over it)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time the run happens at (RFC 3339, default: now); recorded, so a run can be repeated exactly')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The pull request''s title (default: the template''s `pr.title`)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Add a label (repeatable; added to the template''s `pr.labels`)')
            [CompletionResult]::new('--reviewer', '--reviewer', [CompletionResultType]::ParameterName, 'Ask for a review (repeatable; added to the template''s `pr.reviewers`)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Create the service''s own GitHub repository OWNER/NAME, push the application to its root, and open the platform pull request pointing at it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the files and a unified diff; write nothing')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never ask: a missing input is an error (the default when not on a terminal)')
            [CompletionResult]::new('--pr', '--pr', [CompletionResultType]::ParameterName, 'Commit the change on the base branch (without touching your working tree, index or branch), push it and open or update its pull request')
            [CompletionResult]::new('--draft', '--draft', [CompletionResultType]::ParameterName, 'Open the pull request as a draft')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;env' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Remove every development environment whose `expiresAt` is at or before now, in one change: its folder, its Argo CD Application and its entity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'portolan;env;gc' {
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'The time to collect at (RFC 3339, default: now)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The pull request''s title (default: the template''s `pr.title`)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Add a label (repeatable; added to the template''s `pr.labels`)')
            [CompletionResult]::new('--reviewer', '--reviewer', [CompletionResultType]::ParameterName, 'Ask for a review (repeatable; added to the template''s `pr.reviewers`)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Create the service''s own GitHub repository OWNER/NAME, push the application to its root, and open the platform pull request pointing at it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would go; write nothing')
            [CompletionResult]::new('--pr', '--pr', [CompletionResultType]::ParameterName, 'Commit the change on the base branch (without touching your working tree, index or branch), push it and open or update its pull request')
            [CompletionResult]::new('--draft', '--draft', [CompletionResultType]::ParameterName, 'Open the pull request as a draft')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;env;help' {
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Remove every development environment whose `expiresAt` is at or before now, in one change: its folder, its Argo CD Application and its entity')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'portolan;env;help;gc' {
            break
        }
        'portolan;env;help;help' {
            break
        }
        'portolan;templates' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Only the templates that can run on this entity (BLUEPRINT/ID)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;init' {
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set an input of the `platform` template (repo, environments, team, branch…)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the files; write nothing')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never ask: a missing input is an error (the default when not on a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;pr' {
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The pull request''s title (default: the branch''s first commit subject)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Add a label (repeatable)')
            [CompletionResult]::new('--reviewer', '--reviewer', [CompletionResultType]::ParameterName, 'Ask for a review (repeatable)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The platform repository (default: the one around the current directory)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--draft', '--draft', [CompletionResultType]::ParameterName, 'Open the pull request as a draft')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;hook' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-commit and pre-merge-commit hooks that run `portolan validate --staged`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'portolan;hook;install' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Keep an existing hook (renamed <hook>.local) and run it first')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;hook;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-commit and pre-merge-commit hooks that run `portolan validate --staged`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'portolan;hook;help;install' {
            break
        }
        'portolan;hook;help;help' {
            break
        }
        'portolan;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output: auto (a terminal, and NO_COLOR unset), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'portolan;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check the catalog (blueprints and entities) offline')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a rule: what it means and how to fix it')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what changed in the catalog between two revisions')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List entities, filtered by blueprint and by a jq predicate')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one entity: properties, derived values, relations out and in, where it is defined')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the relation graph, whole or around one entity (Mermaid, Graphviz DOT, JSON)')
            [CompletionResult]::new('impact', 'impact', [CompletionResultType]::ParameterValue, 'What depends on an entity, transitively, each with the relations that connect it')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create something from a template: a service, the catalog entity of an existing one…')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a day-2 or delete template on an entity: scale, add an env var, lock deploys…')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Development environments: remove the expired ones')
            [CompletionResult]::new('templates', 'templates', [CompletionResultType]::ParameterValue, 'List the templates and their inputs')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make a Git repository (or a new folder) a platform repository')
            [CompletionResult]::new('pr', 'pr', [CompletionResultType]::ParameterValue, 'Push a branch you committed by hand and open or update its pull request')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Manage the Git hooks that run portolan')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'portolan;help;validate' {
            break
        }
        'portolan;help;explain' {
            break
        }
        'portolan;help;diff' {
            break
        }
        'portolan;help;list' {
            break
        }
        'portolan;help;show' {
            break
        }
        'portolan;help;graph' {
            break
        }
        'portolan;help;impact' {
            break
        }
        'portolan;help;new' {
            break
        }
        'portolan;help;run' {
            break
        }
        'portolan;help;env' {
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Remove every development environment whose `expiresAt` is at or before now, in one change: its folder, its Argo CD Application and its entity')
            break
        }
        'portolan;help;env;gc' {
            break
        }
        'portolan;help;templates' {
            break
        }
        'portolan;help;init' {
            break
        }
        'portolan;help;pr' {
            break
        }
        'portolan;help;hook' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the pre-commit and pre-merge-commit hooks that run `portolan validate --staged`')
            break
        }
        'portolan;help;hook;install' {
            break
        }
        'portolan;help;completions' {
            break
        }
        'portolan;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
