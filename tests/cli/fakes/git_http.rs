//! Smart-HTTP Git on 127.0.0.1: `git http-backend` run as a CGI for every request,
//! serving the bare repositories under a root (URL path `/{owner}/{name}.git` →
//! `root/{owner}/{name}.git`), with optional Basic authentication.

use super::{base64_decode, percent_decode, Request, Response, Server};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use tempfile::TempDir;

/// The message GitHub gives when a token without the `workflow` scope pushes a
/// change under `.github/workflows/` (`{file}` is the path).
pub const WORKFLOW_REFUSAL: &str = "refusing to allow a Personal Access Token to create or update workflow `{file}` without `workflow` scope";

/// The server. Clones share it; it stops accepting when the last one is dropped.
#[derive(Clone)]
pub struct GitHttp {
    server: Arc<Server>,
    authorizations: Arc<Mutex<Vec<String>>>,
    _home: Arc<TempDir>,
}

struct Config {
    root: PathBuf,
    home: PathBuf,
    credentials: Option<String>,
    authorizations: Arc<Mutex<Vec<String>>>,
}

impl GitHttp {
    /// Serve the bare repositories under `root` with `git http-backend`. With
    /// `credentials = Some((user, password))`, a request without
    /// `Authorization: Basic base64(user:password)` gets 401 with
    /// `WWW-Authenticate: Basic realm="fake"`; authenticated requests run with
    /// `REMOTE_USER=user`.
    pub fn start(root: &Path, credentials: Option<(&str, &str)>) -> GitHttp {
        let home = Arc::new(tempfile::tempdir().unwrap());
        let authorizations = Arc::new(Mutex::new(Vec::new()));
        let config = Config {
            root: root.to_owned(),
            home: home.path().to_owned(),
            credentials: credentials.map(|(user, password)| format!("{user}:{password}")),
            authorizations: Arc::clone(&authorizations),
        };
        let server = Server::start(move |request| Some(handle(&config, request)));
        GitHttp {
            server: Arc::new(server),
            authorizations,
            _home: home,
        }
    }

    /// "http://127.0.0.1:PORT"
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Every `Authorization` header value received, in order: `Basic` ones decoded to
    /// "user:password", others as sent.
    pub fn authorizations(&self) -> Vec<String> {
        self.authorizations.lock().unwrap().clone()
    }
}

fn decode_authorization(value: &str) -> String {
    let value = value.trim();
    match value.split_once(' ') {
        Some((scheme, encoded)) if scheme.eq_ignore_ascii_case("basic") => {
            match base64_decode(encoded.trim()) {
                Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                None => value.to_owned(),
            }
        }
        _ => value.to_owned(),
    }
}

fn handle(config: &Config, request: Request) -> Response {
    let presented = request.header("authorization").map(decode_authorization);
    if let Some(presented) = &presented {
        config
            .authorizations
            .lock()
            .unwrap()
            .push(presented.clone());
    }
    let mut remote_user = None;
    if let Some(expected) = &config.credentials {
        if presented.as_ref() != Some(expected) {
            let mut response = Response::new(401)
                .with_header("WWW-Authenticate", "Basic realm=\"fake\"")
                .with_header("content-type", "text/plain");
            response.body = b"Authentication required\n".to_vec();
            return response;
        }
        remote_user = expected.split_once(':').map(|(user, _)| user.to_owned());
    }
    run_backend(config, &request, remote_user.as_deref())
}

fn run_backend(config: &Config, request: &Request, remote_user: Option<&str>) -> Response {
    let mut command = Command::new("git");
    command
        .arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &config.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", &config.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .env("SERVER_SOFTWARE", "portolan-fake-git-http")
        .env("REQUEST_METHOD", &request.method)
        .env("PATH_INFO", percent_decode(request.path(), false))
        .env("QUERY_STRING", request.query())
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if request.method == "POST" || !request.body.is_empty() {
        command.env("CONTENT_LENGTH", request.body.len().to_string());
    }
    for (header, variable) in [
        ("content-type", "CONTENT_TYPE"),
        ("content-encoding", "HTTP_CONTENT_ENCODING"),
        ("git-protocol", "HTTP_GIT_PROTOCOL"),
        ("accept", "HTTP_ACCEPT"),
    ] {
        if let Some(value) = request.header(header) {
            command.env(variable, value);
        }
    }
    if let Some(user) = remote_user {
        command.env("REMOTE_USER", user);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return text(500, &format!("cannot run git http-backend: {e}\n")),
    };
    let mut stdin = child.stdin.take().unwrap();
    let body = request.body.clone();
    let writer = thread::spawn(move || {
        // The backend may stop reading early (an error): ignore a broken pipe.
        let _ = stdin.write_all(&body);
    });
    let output = match child.wait_with_output() {
        Ok(output) => output,
        Err(e) => return text(500, &format!("git http-backend failed: {e}\n")),
    };
    let _ = writer.join();
    parse_cgi(&output.stdout).unwrap_or_else(|| {
        text(
            500,
            &format!(
                "git http-backend gave no CGI headers; stderr:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ),
        )
    })
}

fn text(status: u16, body: &str) -> Response {
    let mut response = Response::new(status).with_header("content-type", "text/plain");
    response.body = body.as_bytes().to_vec();
    response
}

/// CGI output: headers up to a blank line (`Status: 404 Not Found` sets the status,
/// 200 otherwise), then the body.
fn parse_cgi(output: &[u8]) -> Option<Response> {
    let crlf = output.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = output.windows(2).position(|w| w == b"\n\n");
    let (head_end, body_start) = match (crlf, lf) {
        (Some(c), Some(l)) if l < c => (l, l + 2),
        (Some(c), _) => (c, c + 4),
        (None, Some(l)) => (l, l + 2),
        (None, None) => return None,
    };
    let head = String::from_utf8_lossy(&output[..head_end]);
    let mut response = Response::new(200);
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("status") {
            response.status = value
                .split_whitespace()
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(500);
        } else {
            response.headers.push((name.to_owned(), value.to_owned()));
        }
    }
    response.body = output[body_start..].to_vec();
    Some(response)
}

/// The `pre-receive` hook of [`bare_repo`] with `refuse_workflows`: any new commit
/// that adds, changes or deletes a file under `.github/workflows/` refuses the push,
/// printing GitHub's message (git shows it as `remote: ...`, and the ref as
/// `[remote rejected] ... (pre-receive hook declined)`).
const REFUSE_WORKFLOWS_HOOK: &str = r#"#!/bin/sh
zero=0000000000000000000000000000000000000000
while read -r old new ref; do
  [ "$new" = "$zero" ] && continue
  for commit in $(git rev-list "$new" --not --all); do
    file=$(git diff-tree -r -m --root --no-commit-id --name-only "$commit" | grep '^\.github/workflows/' | head -n 1)
    if [ -n "$file" ]; then
      echo "refusing to allow a Personal Access Token to create or update workflow \`$file\` without \`workflow\` scope" >&2
      exit 1
    fi
  done
done
exit 0
"#;

/// Create a bare repository `root/{owner}/{name}.git` (initial branch `main`) that
/// accepts pushes over HTTP (`http.receivepack=true`); with `refuse_workflows`, a
/// `pre-receive` hook refuses pushes touching `.github/workflows/` with GitHub's
/// message ([`WORKFLOW_REFUSAL`]). Returns its path.
pub fn bare_repo(root: &Path, owner: &str, name: &str, refuse_workflows: bool) -> PathBuf {
    let path = root.join(owner).join(format!("{name}.git"));
    std::fs::create_dir_all(&path).unwrap();
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let dir = path.to_str().expect("a UTF-8 path");
    git(&["init", "--quiet", "--bare", "--initial-branch=main", dir]);
    git(&["-C", dir, "config", "http.receivepack", "true"]);
    if refuse_workflows {
        let hook = path.join("hooks").join("pre-receive");
        std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
        std::fs::write(&hook, REFUSE_WORKFLOWS_HOOK).unwrap();
        make_executable(&hook);
    }
    path
}

fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Write an executable `GIT_ASKPASS` script in `dir` that answers git's
/// "Username for ..." prompt with `user` and any other prompt with `password`.
pub fn askpass_script(dir: &Path, user: &str, password: &str) -> PathBuf {
    let path = dir.join("askpass.sh");
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in\n  Username*) printf '%s\\n' {} ;;\n  *) printf '%s\\n' {} ;;\nesac\n",
        quote(user),
        quote(password)
    );
    std::fs::write(&path, script).unwrap();
    make_executable(&path);
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Output;

    /// A `git` isolated from the machine's configuration and terminal.
    fn git_cmd(home: &Path, dir: &Path, askpass: Option<&Path>) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .env("HOME", home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_CONFIG_GLOBAL")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("SSH_ASKPASS")
            .env_remove("GIT_ASKPASS")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .args(["-c", "credential.helper=", "-c", "core.askPass="]);
        if let Some(askpass) = askpass {
            cmd.env("GIT_ASKPASS", askpass);
        }
        cmd
    }

    fn run(cmd: &mut Command) -> Output {
        cmd.output().expect("git runs")
    }

    fn ok(cmd: &mut Command) -> String {
        let output = run(cmd);
        assert!(
            output.status.success(),
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// A work tree with one commit on `main` adding `file` (more files with `extra`).
    fn work_tree(home: &Path, dir: &Path, files: &[(&str, &str)]) {
        ok(git_cmd(home, dir, None).args(["init", "-q", "-b", "main"]));
        commit(home, dir, files, "first");
    }

    fn commit(home: &Path, dir: &Path, files: &[(&str, &str)], message: &str) {
        for (file, content) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        ok(git_cmd(home, dir, None).args(["add", "-A"]));
        ok(git_cmd(home, dir, None).args(["commit", "-q", "-m", message]));
    }

    #[test]
    fn push_and_clone_over_http() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, home, work, clone) = (
            tmp.path().join("root"),
            tmp.path().join("home"),
            tmp.path().join("work"),
            tmp.path().join("clone"),
        );
        for dir in [&root, &home, &work] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let bare = bare_repo(&root, "acme", "svc", false);
        assert!(bare.ends_with("acme/svc.git"));
        let server = GitHttp::start(&root, None);
        work_tree(&home, &work, &[("README.md", "hello\n")]);
        let url = format!("{}/acme/svc.git", server.url());
        ok(git_cmd(&home, &work, None).args(["push", "-q", &url, "main"]));
        // A bigger second push (over git's 1 MiB post buffer: sent chunked).
        let big: String = (0..200_000).map(|i| format!("{i:x}\n")).collect();
        commit(&home, &work, &[("big.txt", &big)], "second");
        ok(git_cmd(&home, &work, None).args([
            "-c",
            "http.postBuffer=65536",
            "push",
            "-q",
            &url,
            "main",
        ]));
        let head = ok(git_cmd(&home, &work, None).args(["rev-parse", "HEAD"]));

        ok(git_cmd(&home, tmp.path(), None)
            .args(["clone", "-q", &url])
            .arg(&clone));
        assert_eq!(
            std::fs::read_to_string(clone.join("README.md")).unwrap(),
            "hello\n"
        );
        assert_eq!(std::fs::read_to_string(clone.join("big.txt")).unwrap(), big);
        assert_eq!(
            ok(git_cmd(&home, &clone, None).args(["rev-parse", "HEAD"])),
            head
        );
        let remote = ok(git_cmd(&home, &work, None).args(["ls-remote", &url, "refs/heads/main"]));
        assert!(remote.starts_with(head.trim()), "{remote}");
        assert!(server.authorizations().is_empty());

        // A repository that does not exist: git reports it, nothing hangs.
        let missing = run(git_cmd(&home, &work, None)
            .args(["ls-remote", &format!("{}/acme/nope.git", server.url())]));
        assert!(!missing.status.success());
    }

    #[test]
    fn credentials_are_required() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, home, work) = (
            tmp.path().join("root"),
            tmp.path().join("home"),
            tmp.path().join("work"),
        );
        for dir in [&root, &home, &work] {
            std::fs::create_dir_all(dir).unwrap();
        }
        bare_repo(&root, "acme", "svc", false);
        let server = GitHttp::start(&root, Some(("x-access-token", "s3cret")));
        work_tree(&home, &work, &[("README.md", "hello\n")]);
        let url = format!("{}/acme/svc.git", server.url());

        let without = run(git_cmd(&home, &work, None).args(["push", &url, "main"]));
        assert!(!without.status.success());
        let stderr = String::from_utf8_lossy(&without.stderr);
        assert!(
            stderr.contains("could not read Username") || stderr.contains("Authentication failed"),
            "{stderr}"
        );
        assert!(server.authorizations().is_empty());

        let wrong = askpass_script(&home, "x-access-token", "wrong");
        let refused = run(git_cmd(&home, &work, Some(&wrong)).args(["push", &url, "main"]));
        assert!(!refused.status.success());
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("Authentication failed"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        assert_eq!(server.authorizations(), ["x-access-token:wrong"]);

        let askpass_dir = tmp.path().join("askpass");
        std::fs::create_dir_all(&askpass_dir).unwrap();
        let right = askpass_script(&askpass_dir, "x-access-token", "s3cret");
        ok(git_cmd(&home, &work, Some(&right)).args(["push", "-q", &url, "main"]));
        let authorizations = server.authorizations();
        assert!(authorizations.len() >= 2, "{authorizations:?}");
        assert!(
            authorizations[1..]
                .iter()
                .all(|a| a == "x-access-token:s3cret"),
            "{authorizations:?}"
        );
        let bare = root.join("acme/svc.git");
        let pushed = ok(git_cmd(&home, &bare, None).args(["rev-parse", "refs/heads/main"]));
        assert_eq!(
            pushed,
            ok(git_cmd(&home, &work, None).args(["rev-parse", "HEAD"]))
        );
    }

    #[test]
    fn workflow_changes_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, home, work) = (
            tmp.path().join("root"),
            tmp.path().join("home"),
            tmp.path().join("work"),
        );
        for dir in [&root, &home, &work] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let bare = bare_repo(&root, "acme", "svc", true);
        let server = GitHttp::start(&root, None);
        work_tree(&home, &work, &[("README.md", "hello\n")]);
        let url = format!("{}/acme/svc.git", server.url());
        ok(git_cmd(&home, &work, None).args(["push", "-q", &url, "main"]));

        commit(
            &home,
            &work,
            &[(".github/workflows/x.yaml", "on: push\n")],
            "ci",
        );
        let refused = run(git_cmd(&home, &work, None).args(["push", &url, "main"]));
        assert!(!refused.status.success());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        let message = WORKFLOW_REFUSAL.replace("{file}", ".github/workflows/x.yaml");
        assert!(stderr.contains(&message), "{stderr}");
        assert!(stderr.contains("[remote rejected]"), "{stderr}");
        // The branch did not move; a new branch with the same commit is refused too.
        let remote_main = ok(git_cmd(&home, &bare, None).args(["rev-parse", "refs/heads/main"]));
        assert_eq!(
            remote_main,
            ok(git_cmd(&home, &work, None).args(["rev-parse", "HEAD~1"]))
        );
        let branch = run(git_cmd(&home, &work, None).args(["push", &url, "HEAD:refs/heads/ci"]));
        assert!(!branch.status.success());
        assert!(String::from_utf8_lossy(&branch.stderr).contains(&message));
    }

    #[test]
    fn cgi_output_is_parsed() {
        let response =
            parse_cgi(b"Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope").unwrap();
        assert_eq!(response.status, 404);
        assert_eq!(response.body, b"nope");
        assert_eq!(
            super::super::header(&response.headers, "content-type"),
            Some("text/plain")
        );
        let response = parse_cgi(b"Content-Type: x\n\nbody\r\n\r\nmore").unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"body\r\n\r\nmore");
        assert!(parse_cgi(b"no headers").is_none());
    }
}
