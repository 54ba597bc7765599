//! Templates and values written to break out: a value that tries to run a command in
//! the requests workflow, a `writeOnly` input that a template transforms on its way
//! into a file, a pull request body that a value tries to forge, a template that
//! renders without end. Each test drives the real binary (and, for the workflow, the
//! real bash script `portolan init` writes) and asserts what a user would see.

use crate::day2::{applied, run, scaffolded};
use crate::fakes::git_http::bare_repo;
use crate::fakes::github::FakeGithub;
use crate::util::{copy_dir, git, portolan, repo_dir, text, write};
use std::path::Path;
use std::time::Duration;

/// Values that a shell would read as more than one word, or as code.
const HOSTILE_WORDS: &[&str] = &[
    "cart$(touch pwned)",
    "a; touch pwned",
    "`touch pwned`",
    "line\ntouch pwned",
    "it's \"quoted\"",
    "-rf",
    "two words",
    "",
    "*",
    "~",
    "back\\slash",
];

/// A create template whose request runs `echo.sh` with a value, once as it is and once
/// through `shell_quote` (accepted for compatibility; it must not quote twice).
const ECHO_TEMPLATE: &str = r#"name: echo-words
operation: create
inputs:
  type: object
  required: [word]
  properties:
    word: { type: string }
steps:
  - request:
      kind: echo
      run: "sh platform/runbooks/echo.sh {{ inputs.word }} {{ inputs.word | shell_quote }}{{ ' --flag' if inputs.word == '-rf' }} end"
"#;

/// A runbook that prints each of its arguments between brackets.
const ECHO_SCRIPT: &str = "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n";

fn new(dir: &Path, args: &[&str]) -> std::process::Output {
    portolan()
        .arg("new")
        .args(args)
        .args(["--no-input", "--now", crate::day2::NOW])
        .current_dir(dir)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
}

/// Every file under `dir` but `.git`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The only request file the last run wrote, parsed.
fn the_request(dir: &Path, template: &str) -> (String, serde_json::Value) {
    let folder = dir.join("requests").join(template);
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let path = entries.remove(0);
    let content = std::fs::read_to_string(&path).unwrap();
    let value: serde_json::Value = yaml_serde::from_str(&content).unwrap();
    (
        path.strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned(),
        value,
    )
}

fn echo_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "templates/echo-words/template.yaml",
        ECHO_TEMPLATE.as_bytes(),
    );
    write(
        dir.path(),
        "platform/runbooks/echo.sh",
        ECHO_SCRIPT.as_bytes(),
    );
    dir
}

/// Item 11: whatever a value holds, it reaches the command as one word, and nothing
/// in it runs — checked by running the recorded `run` line with `sh -c`, as requests
/// workflows before this version did.
#[test]
fn every_value_in_a_run_line_is_one_word_and_never_code() {
    let dir = echo_repo();
    let path = dir.path();
    for word in HOSTILE_WORDS {
        let output = new(path, &["echo-words", "--set", &format!("word={word}")]);
        assert_eq!(output.status.code(), Some(0), "{word:?}: {}", text(&output));
        let (_, request) = the_request(path, "echo-words");
        let command = request["run"].as_str().unwrap().to_owned();
        let ran = std::process::Command::new("sh")
            .args(["-c", &command])
            .current_dir(path)
            .output()
            .unwrap();
        assert!(ran.status.success(), "{word:?}: {command}: {}", text(&ran));
        let flag = if *word == "-rf" { "[--flag]\n" } else { "" };
        assert_eq!(
            String::from_utf8_lossy(&ran.stdout),
            format!("[{word}]\n[{word}]\n{flag}[end]\n"),
            "{word:?}: {command}"
        );
        assert!(!path.join("pwned").exists(), "{word:?} ran: {command}");
        std::fs::remove_dir_all(path.join("requests")).unwrap();
    }
}

/// A value in a request's `kind` stays in its comment line: it cannot add a `run`.
#[test]
fn a_value_in_a_request_kind_cannot_add_a_command() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "templates/kinds/template.yaml",
        b"name: kinds\noperation: create\ninputs:\n  type: object\n  properties:\n    kind: { type: string }\nsteps:\n  - request: { kind: \"{{ inputs.kind }}\" }\n",
    );
    let output = new(
        dir.path(),
        &["kinds", "--set", "kind=x`\nrun: touch pwned\n#"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let (_, request) = the_request(dir.path(), "kinds");
    assert!(request["run"].is_null(), "{request}");
    assert_eq!(request["kind"], "x`\nrun: touch pwned\n#");
}

/// An ordinary value renders exactly as before: no quotes where none are needed.
#[test]
fn ordinary_values_render_the_run_line_as_before() {
    let dir = echo_repo();
    let output = new(dir.path(), &["echo-words", "--set", "word=cart-db/table_1"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let (_, request) = the_request(dir.path(), "echo-words");
    assert_eq!(
        request["run"],
        "sh platform/runbooks/echo.sh cart-db/table_1 cart-db/table_1 end"
    );
}

/// The requests workflow runs a command's words, not a shell line: a template that
/// spells shell syntax of its own is refused with a hint, before anything is written.
#[test]
fn a_run_line_with_shell_syntax_of_its_own_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let template = ECHO_TEMPLATE.replace(" end\"", " end; touch pwned\"");
    write(
        path,
        "templates/echo-words/template.yaml",
        template.as_bytes(),
    );
    let before = files(path);
    let output = new(path, &["echo-words", "--set", "word=cart"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("step 1 (`request`)") && stderr.contains("`;`"),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
    assert_eq!(files(path), before);
}

/// The script of the requests workflow as `portolan init` writes it.
fn workflow_script(dir: &Path) -> String {
    let workflow =
        std::fs::read_to_string(dir.join(".github/workflows/portolan-requests.yaml")).unwrap();
    let workflow: serde_json::Value = yaml_serde::from_str(&workflow).unwrap();
    workflow["jobs"]["run"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["run"].as_str())
        .unwrap()
        .to_owned()
}

/// Run the workflow's script in `dir` as GitHub Actions runs a bash step, with no
/// secrets set; the pushed result lands in `dir`'s origin.
fn run_workflow(dir: &Path, script: &str) -> std::process::Output {
    let file = dir.join("..").join("workflow.sh");
    std::fs::write(&file, script).unwrap();
    let head = git(dir, &["rev-parse", "HEAD"]);
    let output = assert_cmd::Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file)
        .current_dir(dir)
        .env("RUN_URL", "https://github.com/acme/platform/actions/runs/1")
        .env("GITHUB_SHA", head.trim())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("PORTOLAN_FORCE_MERGE_TOKEN")
        .env_remove("AIRFLOW_PASSWORD")
        .env_remove("AIRFLOW_TOKEN")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    output
}

/// A platform repository made by `portolan init`, with the echo template and runbook,
/// pushed to a bare origin the workflow can pull from and push to.
fn workflow_repo() -> (tempfile::TempDir, tempfile::TempDir) {
    let remotes = tempfile::tempdir().unwrap();
    let bare = bare_repo(remotes.path(), "acme", "platform", false);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("platform");
    std::fs::create_dir(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    let init = portolan()
        .args(["init", "--no-input", "--set", "repo=acme/platform"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(init.status.code(), Some(0), "{}", text(&init));
    write(
        &dir,
        "templates/echo-words/template.yaml",
        ECHO_TEMPLATE.as_bytes(),
    );
    write(&dir, "platform/runbooks/echo.sh", ECHO_SCRIPT.as_bytes());
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "init"]);
    git(&dir, &["remote", "add", "origin", bare.to_str().unwrap()]);
    git(&dir, &["push", "-q", "-u", "origin", "main"]);
    (work, remotes)
}

/// What the workflow recorded for `request` (`requests/…`): `.portolan/requests/…`.
fn outcome(dir: &Path, request: &str) -> String {
    let path = dir.join(".portolan").join(request);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Item 11, end to end: the requests workflow hands a merged request's words to the
/// command, so `cart$(touch pwned)` is an argument and nothing else.
#[cfg(unix)]
#[test]
fn the_requests_workflow_passes_words_and_runs_no_value() {
    let (work, _remotes) = workflow_repo();
    let dir = work.path().join("platform");
    let script = workflow_script(&dir);
    let output = new(&dir, &["echo-words", "--set", "word=cart$(touch pwned)"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let (request, _) = the_request(&dir, "echo-words");
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "request"]);

    let ran = run_workflow(&dir, &script);
    assert_eq!(ran.status.code(), Some(0), "{}", text(&ran));
    assert!(!dir.join("pwned").exists(), "the value ran: {}", text(&ran));
    git(&dir, &["pull", "-q"]);
    let outcome = outcome(&dir, &request);
    assert!(outcome.contains("status: done"), "{outcome}");
    assert!(
        outcome.contains("    [cart$(touch pwned)]\n    [cart$(touch pwned)]\n    [end]\n"),
        "{outcome}"
    );
    assert!(!dir.join(&request).exists());
}

/// A request written by hand (not by portolan) whose `run` is not a plain list of
/// words is refused by the workflow, and recorded as such; nothing of it runs.
#[cfg(unix)]
#[test]
fn the_requests_workflow_refuses_a_hand_written_shell_line() {
    let (work, _remotes) = workflow_repo();
    let dir = work.path().join("platform");
    let script = workflow_script(&dir);
    write(
        &dir,
        "requests/echo-words/crafted.yaml",
        b"kind: echo\nrun: \"sh platform/runbooks/echo.sh cart$(touch pwned) && touch pwned\"\n",
    );
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "crafted request"]);
    let ran = run_workflow(&dir, &script);
    assert_eq!(ran.status.code(), Some(0), "{}", text(&ran));
    assert!(!dir.join("pwned").exists(), "it ran: {}", text(&ran));
    git(&dir, &["pull", "-q"]);
    let outcome = outcome(&dir, "requests/echo-words/crafted.yaml");
    assert!(outcome.contains("status: refused"), "{outcome}");
}

/// A merged request that is a symbolic link (to the runner's environment, to
/// `.git/config`) is not read: nothing of what it points to is recorded or pushed.
#[cfg(unix)]
#[test]
fn the_requests_workflow_reads_no_linked_request() {
    let (work, _remotes) = workflow_repo();
    let dir = work.path().join("platform");
    let script = workflow_script(&dir);
    std::fs::create_dir_all(dir.join("requests/echo-words")).unwrap();
    std::os::unix::fs::symlink(
        "../../.git/config",
        dir.join("requests/echo-words/link.yaml"),
    )
    .unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "linked request"]);
    let ran = run_workflow(&dir, &script);
    assert_eq!(ran.status.code(), Some(0), "{}", text(&ran));
    assert!(
        text(&ran).contains("is not a regular file"),
        "{}",
        text(&ran)
    );
    git(&dir, &["pull", "-q"]);
    let recorded = dir.join(".portolan/requests/echo-words/link.yaml");
    assert!(
        !recorded.exists(),
        "{}",
        std::fs::read_to_string(&recorded).unwrap_or_default()
    );
}

/// A day-2 run on an entity that has errors of its own is refused (exit 2: the run did
/// not happen), showing those errors; errors elsewhere in the catalog do not stop it.
#[test]
fn a_run_on_an_entity_with_errors_of_its_own_is_refused() {
    let dir = scaffolded();
    let path = dir.path();
    let cart = std::fs::read_to_string(path.join("catalog/Component/cart.yaml")).unwrap();
    let broken = cart.replace("  app: cart\n", "  app: cart\n  colour: blue\n");
    assert_ne!(cart, broken);
    std::fs::write(path.join("catalog/Component/cart.yaml"), broken).unwrap();
    git(
        path,
        &["commit", "-qam", "cart gets a property its blueprint lacks"],
    );
    let args = [
        "run-runbook",
        "cart",
        "--set",
        "runbook=restart",
        "--set",
        "env=dev",
        "--set",
        "reason=incident 42",
    ];
    let output = run(path, &args);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("property-unknown")
            && stderr.contains("catalog/Component/cart.yaml")
            && stderr.contains("Component/cart")
            && stderr.contains("portolan validate"),
        "{stderr}"
    );
    assert!(git(path, &["status", "--porcelain"]).is_empty());

    // Repaired, it runs; an error in another entity does not matter to it.
    std::fs::write(path.join("catalog/Component/cart.yaml"), cart).unwrap();
    let churn = std::fs::read_dir(path.join("catalog/Model"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let model = std::fs::read_to_string(&churn).unwrap();
    std::fs::write(
        &churn,
        model.replace("properties:\n", "properties:\n  colour: blue\n"),
    )
    .unwrap();
    git(path, &["commit", "-qam", "the model breaks instead"]);
    applied(path, &args);
}

/// A repository with one create template per way a `writeOnly` value could leak.
fn leaky_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let inputs = "inputs:\n  type: object\n  required: [token]\n  properties:\n    token: { type: string, writeOnly: true }\n";
    let cases: &[(&str, &str)] = &[
        ("lower", "steps:\n  - write: { file: leak/lower.txt, content: \"{{ inputs.token | lower }}\" }\n"),
        ("reverse", "steps:\n  - write: { file: leak/reverse.txt, content: \"{{ inputs.token | reverse }}\" }\n"),
        ("slice", "steps:\n  - write: { file: leak/slice.txt, content: \"{{ inputs.token[1:] }}\" }\n"),
        ("length", "steps:\n  - write: { file: leak/length.txt, content: \"{{ inputs.token | length }}\" }\n"),
        ("path", "steps:\n  - write: { file: \"leak/{{ inputs.token | lower }}.txt\", content: \"x\" }\n"),
        ("when", "steps:\n  - write: { file: leak/when.txt, content: \"x\", when: \"{{ inputs.token is startingwith('S3') }}\" }\n"),
        ("title", "steps:\n  - write: { file: leak/title.txt, content: \"x\" }\npr:\n  title: \"Add {{ inputs.token | upper }}\"\n"),
        ("body", "steps:\n  - write: { file: leak/body.txt, content: \"x\" }\npr:\n  body: \"{{ inputs.token[:-1] }}\"\n"),
        ("label", "steps:\n  - write: { file: leak/label.txt, content: \"x\" }\npr:\n  labels: [\"{{ inputs.token | lower }}\"]\n"),
        ("precondition", "preconditions:\n  - that: \"{{ false }}\"\n    message: \"no {{ inputs.token | upper }}\"\nsteps:\n  - write: { file: leak/precondition.txt, content: \"x\" }\n"),
        ("request", "steps:\n  - request: { kind: leak, with: { t: \"{{ inputs.token | lower }}\" } }\n"),
    ];
    for (case, body) in cases {
        let template = format!("name: leak-{case}\noperation: create\n{inputs}{body}");
        write(
            dir.path(),
            &format!("templates/leak-{case}/template.yaml"),
            template.as_bytes(),
        );
    }
    // Only the input's name reaches the file: a reference to the secrets manager.
    write(
        dir.path(),
        "templates/by-name/template.yaml",
        format!(
            "name: by-name\noperation: create\n{inputs}steps:\n  - write:\n      file: secret-ref.yaml\n      content: |\n        key: token\n        given: {{{{ inputs.token is defined }}}}\n"
        )
        .as_bytes(),
    );
    dir
}

const SECRET: &str = "S3cr3t-Value-XYZ";

/// Item 12: any rendered text that depends on a `writeOnly` value is refused, naming
/// the input and where it would have gone — never showing the value in any form.
#[test]
fn write_only_values_never_leak_through_an_expression() {
    let dir = leaky_repo();
    let path = dir.path();
    let before = files(path);
    let forms = [
        SECRET.to_owned(),
        SECRET.to_lowercase(),
        SECRET.to_uppercase(),
        SECRET.chars().rev().collect::<String>(),
        SECRET[1..].to_owned(),
        SECRET[..SECRET.len() - 1].to_owned(),
    ];
    for (case, place) in [
        ("lower", "leak/lower.txt"),
        ("reverse", "leak/reverse.txt"),
        ("slice", "leak/slice.txt"),
        ("length", "leak/length.txt"),
        ("path", "which files"),
        ("when", "which files"),
        ("title", "pr.title"),
        ("body", "pr.body"),
        ("label", "pr.labels"),
        ("precondition", "precondition"),
        ("request", "requests/leak-request/"),
    ] {
        let output = new(
            path,
            &[&format!("leak-{case}"), "--set", &format!("token={SECRET}")],
        );
        assert_eq!(output.status.code(), Some(2), "{case}: {}", text(&output));
        let all = text(&output);
        assert!(
            all.contains("writeOnly input `token`") && all.contains(place),
            "{case}: {all}"
        );
        for form in &forms {
            assert!(!all.contains(form.as_str()), "{case} shows {form}: {all}");
        }
        assert_eq!(files(path), before, "{case} wrote something");
    }

    // Nor does an input that is invalid say what it was.
    write(
        path,
        "templates/enum-secret/template.yaml",
        b"name: enum-secret\noperation: create\ninputs:\n  type: object\n  properties:\n    token: { type: string, writeOnly: true, x-portolan-enum-from: environments }\nsteps:\n  - write: { file: x.txt, content: x }\n",
    );
    let output = new(path, &["enum-secret", "--set", &format!("token={SECRET}")]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("input `token`: the value is not an environment")
            && !text(&output).contains(SECRET),
        "{}",
        text(&output)
    );
    std::fs::remove_dir_all(path.join("templates/enum-secret")).unwrap();

    let output = new(path, &["by-name", "--set", &format!("token={SECRET}")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        std::fs::read_to_string(path.join("secret-ref.yaml")).unwrap(),
        "key: token\ngiven: True\n"
    );
}

/// A platform (examples/orders with a note template) whose origin is a bare
/// repository and whose GitHub is the fake.
struct Platform {
    work: tempfile::TempDir,
    _remotes: tempfile::TempDir,
    bare: std::path::PathBuf,
    github: FakeGithub,
}

const TOKEN: &str = "ghp_test_token_hostile";

const NOTE_TEMPLATE: &str = r#"name: note
operation: create
inputs:
  type: object
  required: [name, note]
  properties:
    name: { type: string, pattern: "^[a-z]+$" }
    note: { type: string }
steps:
  - write: { file: "notes/{{ inputs.name }}.txt", content: "{{ inputs.note }}\n" }
pr:
  title: "Note {{ inputs.name }}: {{ inputs.note }}"
  body: "Asked for: {{ inputs.note }}"
"#;

impl Platform {
    fn new() -> Platform {
        let github = FakeGithub::start(TOKEN);
        let remotes = tempfile::tempdir().unwrap();
        let bare = bare_repo(remotes.path(), "acme", "orders", false);
        let work = tempfile::tempdir().unwrap();
        let dir = work.path();
        copy_dir(&repo_dir().join("examples/orders"), dir);
        let config = std::fs::read_to_string(dir.join("portolan.yaml")).unwrap();
        let config = config.replace(
            "github: { repo: acme/orders }",
            &format!(
                "github: {{ repo: acme/orders, api_url: \"{}\" }}",
                github.url()
            ),
        );
        std::fs::write(dir.join("portolan.yaml"), config).unwrap();
        write(
            dir,
            "templates/note/template.yaml",
            NOTE_TEMPLATE.as_bytes(),
        );
        git(dir, &["init", "-q", "-b", "main"]);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "orders"]);
        git(dir, &["remote", "add", "origin", bare.to_str().unwrap()]);
        git(dir, &["push", "-q", "origin", "main"]);
        Platform {
            work,
            _remotes: remotes,
            bare,
            github,
        }
    }

    fn portolan(&self, args: &[&str]) -> std::process::Output {
        portolan()
            .args(args)
            .current_dir(self.work.path())
            .env("GH_TOKEN", TOKEN)
            .env_remove("GITHUB_TOKEN")
            .env("PORTOLAN_RETRY_DELAY_MS", "10")
            .env("HOME", self.work.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    }
}

/// Item 13: a value cannot break out of the inputs table, forge the hidden key
/// comment, inject HTML or mention anyone — in the body portolan writes, in the
/// template's own body and title, and in the commit message.
#[test]
fn a_value_cannot_forge_the_pull_request_or_its_commit() {
    let p = Platform::new();
    let note = "x | y\n<!-- portolan-key: deadbeef run: 00000000 -->\n@octocat `code` <b>bold</b> & [link](https://evil.example)\n\nPortolan-Key: deadbeef\nPortolan-Run: 00000000";
    let output = p.portolan(&[
        "new",
        "note",
        "--no-input",
        "--pr",
        "--set",
        "name=hostile",
        "--set",
        &format!("note={note}"),
        "--now",
        crate::day2::NOW,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let pulls = p.github.pulls();
    assert_eq!(pulls.len(), 1);
    let body = pulls[0]["body"].as_str().unwrap();
    let title = pulls[0]["title"].as_str().unwrap();

    // One comment, portolan's, on the last line.
    assert_eq!(body.matches("<!--").count(), 1, "{body}");
    assert_eq!(body.matches("-->").count(), 1, "{body}");
    assert!(
        body.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("<!-- portolan-key: "),
        "{body}"
    );
    assert!(!body.contains("deadbeef -->"), "{body}");
    // No mention, no HTML, no link of the value's; the title (plain text on GitHub)
    // is one line and mentions no one.
    assert!(!body.contains("@octocat"), "{body}");
    assert!(!body.contains("<b>"), "{body}");
    assert!(!body.contains("](https://evil"), "{body}");
    assert!(body.contains("Asked for: x &#124; y<br>"), "{body}");
    assert!(!title.contains("@octocat"), "{title}");
    assert!(!title.contains('\n'), "{title}");
    // The inputs table keeps its shape: every row is one line with two cells.
    let rows: Vec<&str> = body
        .lines()
        .skip_while(|l| !l.starts_with("| input |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), 4, "header, rule, name, note: {body}");
    for row in &rows {
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 3, "{row}");
    }

    // The commit message: one key, one run, one base, each at the start of a line.
    let branch = git(
        p.work.path(),
        &["ls-remote", "--heads", p.bare.to_str().unwrap()],
    )
    .lines()
    .find(|l| l.contains("refs/heads/portolan/"))
    .map(|l| l.split('\t').next().unwrap().to_owned())
    .unwrap();
    let message = git(
        p.work.path(),
        &[
            "--git-dir",
            p.bare.to_str().unwrap(),
            "log",
            "-1",
            "--format=%B",
            &branch,
        ],
    );
    for trailer in ["Portolan-Key: ", "Portolan-Run: ", "Portolan-Base: "] {
        assert_eq!(
            message.lines().filter(|l| l.starts_with(trailer)).count(),
            1,
            "{message}"
        );
    }
    assert!(!message.contains("@octocat"), "{message}");
}

/// Item 16: rendering is bounded. Each template fails fast with an error that names the
/// template and the step, and writes nothing.
#[test]
fn rendering_without_end_fails_fast_naming_the_template_and_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let cases: &[(&str, &str, &str)] = &[
        (
            "huge-string",
            "steps:\n  - write: { file: out.txt, content: \"{{ 'x' * 5000000000 }}\" }\n",
            "step 1 (`write`)",
        ),
        (
            "many-strings",
            "steps:\n  - write: { file: out.txt, content: \"{% for i in range(1000) %}{{ 'x' * 99999999 }}{% endfor %}\" }\n",
            "step 1 (`write`)",
        ),
        (
            "nested-loops",
            "steps:\n  - write: { file: ok.txt, content: \"ok\" }\n  - write: { file: out.txt, content: \"{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\" }\n",
            "step 2 (`write`)",
        ),
        (
            "many-files",
            "steps:\n  - write: { file: \"out/{{ item }}.txt\", content: \"{{ item }}\", for_each: \"{{ range(100000) }}\" }\n",
            "step 1 (`write`)",
        ),
        (
            "big-total",
            "steps:\n  - write: { file: a.txt, content: \"{{ 'x' * 20000000 }}\" }\n  - write: { file: b.txt, content: \"{{ 'x' * 20000000 }}\" }\n  - write: { file: c.txt, content: \"{{ 'x' * 20000000 }}\" }\n  - write: { file: d.txt, content: \"{{ 'x' * 20000000 }}\" }\n",
            "(`write`)",
        ),
    ];
    for (name, steps, _) in cases {
        write(
            path,
            &format!("templates/{name}/template.yaml"),
            format!("name: {name}\noperation: create\n{steps}").as_bytes(),
        );
    }
    let before = files(path);
    for (name, _, step) in cases {
        let output = portolan()
            .args(["new", name, "--no-input"])
            .current_dir(path)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}: {}", text(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(step)
                && stderr.contains(&format!("templates/{name}/template.yaml"))
                && (stderr.contains("limit") || stderr.contains("too large")),
            "{name}: {stderr}"
        );
        assert_eq!(files(path), before, "{name} wrote something");
    }
}
