//! GitHub and GitHub Enterprise through their REST API: find, create or update the one
//! open pull request of a branch, and create a repository.
//!
//! Every failure a real forge shows is handled here, so commands see only an outcome
//! or an error that says what to do: a pull request that already exists (422), a create
//! whose response was lost (look again before retrying), server errors (retried with
//! backoff), and rate limits (waited out when the reset is near, else an error with the
//! reset time). The token is sent only in the `Authorization` header and never appears
//! in an error message: it is scrubbed from every response body as it is read.

use serde_json::{json, Value};
use std::time::Duration;

/// A forge failure, in words a user can act on.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ForgeError {
    pub message: String,
    pub hint: String,
}

impl ForgeError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ForgeError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// One pull request, as much as portolan uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pull {
    pub number: u64,
    pub url: String,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
}

impl Pull {
    fn from_json(value: &Value) -> Option<Pull> {
        Some(Pull {
            number: value.get("number")?.as_u64()?,
            url: value
                .get("html_url")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            title: value
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            body: value
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            labels: value
                .get("labels")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(|l| l.get("name").and_then(Value::as_str))
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// What to open.
#[derive(Debug, Clone)]
pub struct NewPull<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub head: &'a str,
    pub base: &'a str,
    pub draft: bool,
}

/// How long to wait and retry; tests shorten it through the environment.
#[derive(Debug, Clone, Copy)]
struct Patience {
    /// First backoff after a server error; doubled each time.
    retry_delay: Duration,
    retries: u32,
    /// The longest rate-limit reset portolan waits for.
    max_rate_wait: Duration,
}

impl Patience {
    fn from_env() -> Self {
        let ms = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(default)
        };
        Patience {
            retry_delay: Duration::from_millis(ms("PORTOLAN_RETRY_DELAY_MS", 1000)),
            retries: 3,
            max_rate_wait: Duration::from_secs(ms("PORTOLAN_RATE_LIMIT_MAX_WAIT_SECS", 60)),
        }
    }
}

/// A GitHub repository's API.
pub struct Github {
    api: String,
    /// `owner/name`.
    repo: String,
    token: String,
    agent: ureq::Agent,
    patience: Patience,
}

/// A response: status and JSON body (`null` when there is none).
struct Reply {
    status: u16,
    body: Value,
}

impl Github {
    pub fn new(api_url: &str, repo: &str, token: String) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Github {
            api: api_url.trim_end_matches('/').to_owned(),
            repo: repo.to_owned(),
            token,
            agent,
            patience: Patience::from_env(),
        }
    }

    pub fn repo(&self) -> &str {
        &self.repo
    }

    /// The open pull request whose head is `branch`, if any.
    pub fn find_open_pull(&self, branch: &str) -> Result<Option<Pull>, ForgeError> {
        let owner = self.repo.split('/').next().unwrap_or_default();
        let path = format!(
            "/repos/{}/pulls?state=open&head={}",
            self.repo,
            encode(&format!("{owner}:{branch}"))
        );
        let reply = self.call("GET", &path, None)?;
        self.expect(&reply, &[200], "list pull requests")?;
        Ok(reply
            .body
            .as_array()
            .and_then(|list| list.first())
            .and_then(Pull::from_json))
    }

    /// Open a pull request, or find the one that already exists: after a 422 "already
    /// exists", and after a create whose response was lost.
    pub fn create_pull(&self, new: &NewPull<'_>) -> Result<Pull, ForgeError> {
        let body = json!({
            "title": new.title, "body": new.body, "head": new.head,
            "base": new.base, "draft": new.draft,
        });
        let path = format!("/repos/{}/pulls", self.repo);
        match self.call("POST", &path, Some(&body)) {
            Ok(reply) if reply.status == 201 => Pull::from_json(&reply.body).ok_or_else(|| {
                ForgeError::new(
                    "GitHub answered the create with no pull request",
                    "run the command again",
                )
            }),
            Ok(reply) if reply.status == 422 => {
                if let Some(existing) = self.find_open_pull(new.head)? {
                    return Ok(existing);
                }
                let detail = github_message(&reply.body);
                if detail.contains("No commits between") {
                    return Err(ForgeError::new(
                        format!(
                            "the branch `{}` has no commits beyond `{}`",
                            new.head, new.base
                        ),
                        "there is nothing to review; the change may already be on the base branch",
                    ));
                }
                Err(ForgeError::new(
                    format!("GitHub refused the pull request: {detail}"),
                    "check the base branch and the branch name",
                ))
            }
            Ok(reply) => Err(self.unexpected(&reply, "open a pull request")),
            Err(lost) => {
                // The request may have reached GitHub: look before trying again.
                if let Ok(Some(existing)) = self.find_open_pull(new.head) {
                    return Ok(existing);
                }
                let reply = self.call("POST", &path, Some(&body)).map_err(|_| lost)?;
                match reply.status {
                    201 => Pull::from_json(&reply.body).ok_or_else(|| {
                        ForgeError::new(
                            "GitHub answered the create with no pull request",
                            "run the command again",
                        )
                    }),
                    422 => self
                        .find_open_pull(new.head)?
                        .ok_or_else(|| self.unexpected(&reply, "open a pull request")),
                    _ => Err(self.unexpected(&reply, "open a pull request")),
                }
            }
        }
    }

    /// Change a pull request's title and body.
    pub fn update_pull(&self, number: u64, title: &str, body: &str) -> Result<Pull, ForgeError> {
        let path = format!("/repos/{}/pulls/{number}", self.repo);
        let reply = self.call("PATCH", &path, Some(&json!({"title": title, "body": body})))?;
        self.expect(&reply, &[200], "update the pull request")?;
        Pull::from_json(&reply.body).ok_or_else(|| {
            ForgeError::new(
                "GitHub answered the update with no pull request",
                "run the command again",
            )
        })
    }

    /// Add labels (those already there stay).
    pub fn add_labels(&self, number: u64, labels: &[String]) -> Result<(), ForgeError> {
        if labels.is_empty() {
            return Ok(());
        }
        let path = format!("/repos/{}/issues/{number}/labels", self.repo);
        let reply = self.call("POST", &path, Some(&json!({"labels": labels})))?;
        self.expect(&reply, &[200], "label the pull request")
    }

    /// Ask for reviews.
    pub fn request_reviewers(&self, number: u64, reviewers: &[String]) -> Result<(), ForgeError> {
        if reviewers.is_empty() {
            return Ok(());
        }
        let path = format!("/repos/{}/pulls/{number}/requested_reviewers", self.repo);
        let reply = self.call("POST", &path, Some(&json!({"reviewers": reviewers})))?;
        self.expect(&reply, &[201, 200], "request reviewers")
    }

    /// Create the repository `owner/name` (under the user when `owner` is the token's
    /// user, else under the organization); returns its clone URL and web URL. An
    /// existing repository is an error unless `reuse_existing`.
    pub fn create_repository(
        &self,
        full_name: &str,
        private: bool,
        description: &str,
    ) -> Result<(String, String), ForgeError> {
        let (owner, name) = full_name.split_once('/').ok_or_else(|| {
            ForgeError::new(
                format!("`{full_name}` is not OWNER/NAME"),
                "write it like `acme/checkout`",
            )
        })?;
        let user = self.call("GET", "/user", None)?;
        self.expect(&user, &[200], "read the token's user")?;
        let login = user
            .body
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let path = if login.eq_ignore_ascii_case(owner) {
            "/user/repos".to_owned()
        } else {
            format!("/orgs/{owner}/repos")
        };
        let body = json!({"name": name, "private": private, "description": description, "auto_init": false});
        let reply = self.call("POST", &path, Some(&body))?;
        let created = match reply.status {
            201 => reply.body,
            422 => {
                // Created by an earlier run whose push or pull request failed: reuse it.
                let existing = self.call("GET", &format!("/repos/{full_name}"), None)?;
                self.expect(&existing, &[200], "read the existing repository")?;
                existing.body
            }
            _ => return Err(self.unexpected(&reply, "create the repository")),
        };
        let text = |k: &str| {
            created
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Ok((text("clone_url"), text("html_url")))
    }

    fn expect(&self, reply: &Reply, ok: &[u16], what: &str) -> Result<(), ForgeError> {
        if ok.contains(&reply.status) {
            Ok(())
        } else {
            Err(self.unexpected(reply, what))
        }
    }

    fn unexpected(&self, reply: &Reply, what: &str) -> ForgeError {
        let detail = github_message(&reply.body);
        let hint = match reply.status {
            401 => "the token was refused: check GH_TOKEN / GITHUB_TOKEN, or run `gh auth login`",
            403 | 404 => "the token cannot see or change this repository: check its scopes (`repo`) and that `github.repo` in portolan.yaml names the right one",
            _ => "run the command again; what exists is kept and reused",
        };
        ForgeError::new(
            format!(
                "GitHub could not {what} in {} (HTTP {}): {detail}",
                self.repo, reply.status
            ),
            hint,
        )
    }

    /// One API call, with server errors retried and rate limits waited out.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Reply, ForgeError> {
        let url = format!("{}{path}", self.api);
        let mut delay = self.patience.retry_delay;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let reply = match self.send(method, &url, body) {
                Ok(reply) => reply,
                // A read that failed in transit is safe to repeat; a write is not
                // (create_pull looks before it tries again).
                Err(_) if method == "GET" && attempt <= self.patience.retries => {
                    std::thread::sleep(delay);
                    delay *= 2;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if reply.status >= 500 && attempt <= self.patience.retries {
                std::thread::sleep(delay);
                delay *= 2;
                continue;
            }
            if matches!(reply.status, 403 | 429) {
                return self.after_limit(method, &url, body, reply, attempt);
            }
            return Ok(reply);
        }
    }

    fn after_limit(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        reply: Reply,
        attempt: u32,
    ) -> Result<Reply, ForgeError> {
        let Some(wait) = rate_limit_wait(&reply) else {
            return Ok(reply);
        };
        if wait > self.patience.max_rate_wait || attempt > self.patience.retries {
            let reset = crate::time::Instant::now()
                .plus_seconds(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX))
                .rfc3339();
            return Err(ForgeError::new(
                format!("GitHub's API rate limit is exhausted until {reset}"),
                "run the command again after that time; nothing was lost (what exists is reused)",
            ));
        }
        std::thread::sleep(wait);
        let again = self.send(method, url, body)?;
        if matches!(again.status, 403 | 429) {
            return self.after_limit(method, url, body, again, attempt + 1);
        }
        Ok(again)
    }

    /// What every request carries: the token, GitHub's media type and API version.
    fn headers<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        request
            .header("Authorization", &format!("Bearer {}", self.token))
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header(
                "User-Agent",
                concat!("portolan/", env!("CARGO_PKG_VERSION")),
            )
    }

    fn send(&self, method: &str, url: &str, body: Option<&Value>) -> Result<Reply, ForgeError> {
        let result = match method {
            "GET" => self.headers(self.agent.get(url)).call(),
            "PATCH" => self
                .headers(self.agent.patch(url))
                .send_json(body.unwrap_or(&Value::Null)),
            _ => self
                .headers(self.agent.post(url))
                .send_json(body.unwrap_or(&Value::Null)),
        };
        let mut response = result.map_err(|e| {
            ForgeError::new(
                format!("cannot reach GitHub at {}: {}", self.api, super::scrub(&e.to_string(), &self.token)),
                "check the network and `github.api_url` in portolan.yaml; run again, what exists is reused",
            )
        })?;
        let status = response.status().as_u16();
        let limit = ["x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"]
            .iter()
            .filter_map(|h| {
                response
                    .headers()
                    .get(*h)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| (h.to_string(), Value::String(v.to_owned())))
            })
            .collect::<serde_json::Map<_, _>>();
        // A server (or a proxy in between) may echo the request, `Authorization`
        // included: the token is gone before anything reads the body.
        let text = super::scrub(
            &response.body_mut().read_to_string().unwrap_or_default(),
            &self.token,
        );
        let mut body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !limit.is_empty() && matches!(status, 403 | 429) {
            if let Value::Object(map) = &mut body {
                map.insert("__limit".into(), Value::Object(limit));
            } else {
                body = json!({"__limit": limit});
            }
        }
        Ok(Reply { status, body })
    }
}

/// How long a rate-limited reply asks to wait, when it is a rate limit.
fn rate_limit_wait(reply: &Reply) -> Option<Duration> {
    let limit = reply.body.get("__limit")?;
    let header = |h: &str| limit.get(h).and_then(Value::as_str);
    if let Some(secs) = header("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = header("x-ratelimit-reset")?.parse::<i64>().ok()?;
        let now = crate::time::Instant::now().unix;
        return Some(Duration::from_secs(
            u64::try_from((reset - now).max(1)).unwrap_or(1),
        ));
    }
    None
}

fn github_message(body: &Value) -> String {
    let mut message = body
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("no details")
        .to_owned();
    for error in body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(m) = error.get("message").and_then(Value::as_str) {
            message.push_str(&format!("; {m}"));
        }
    }
    message
}

/// Percent-encode a query value.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
