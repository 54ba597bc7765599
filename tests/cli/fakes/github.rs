//! A stateful fake of the GitHub REST API on 127.0.0.1: pull requests (per
//! owner/repo, numbered from 1), labels, reviewers, repositories, token
//! authentication, and faults injected one request at a time.
//!
//! Repositories: `GET /repos/{o}/{r}` finds every repository except those whose name
//! starts with `missing-` and that were not created through the API; the same rule
//! gives 404 on the `/repos/{o}/{r}/...` routes. Creating a repository through the API
//! fails with 422 only when it was already created through the API.
//!
//! An `/api/v3` prefix (GitHub Enterprise's API root) is accepted and ignored, so
//! `format!("{}/api/v3", fake.url())` works as an Enterprise `api_url` too.

use super::{Request, Response, Server};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// The user the token belongs to (`GET /user`, the owner of `POST /user/repos`).
pub const LOGIN: &str = "portolan-bot";

/// A fault for [`FakeGithub::inject`]: queued, each applies once, to the next request
/// it matches (requests it does not match leave it queued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The next `POST /repos/{o}/{r}/pulls`: the PR is not created; 422 as GitHub
    /// answers when an open PR for that head already exists.
    Duplicate422,
    /// The next `POST /repos/{o}/{r}/pulls`: the PR is created, then the connection is
    /// closed without any response (a lost response).
    LostResponse,
    /// The next request (any): this status with `{"message":"Server Error"}`.
    ServerError(u16),
    /// The next request (any): 403 `{"message":"API rate limit exceeded for ..."}` with
    /// `x-ratelimit-remaining: 0` and `x-ratelimit-reset: <unix now + reset_in_secs>`.
    RateLimited { reset_in_secs: u64 },
    /// The next request (any): 400 with a message that echoes the request's
    /// `Authorization` header, as a careless proxy or server might.
    EchoAuthorization,
}

/// The fake server. Clones share the same server and state.
#[derive(Clone)]
pub struct FakeGithub {
    server: Arc<Server>,
    state: Arc<Mutex<State>>,
}

struct State {
    token: String,
    api_url: String,
    git_base: String,
    clone_url: Option<String>,
    git_root: Option<PathBuf>,
    pulls: Vec<Pull>,
    repos: Vec<Repo>,
    faults: VecDeque<Fault>,
    requests: Vec<(String, String)>,
}

#[derive(Clone)]
struct Pull {
    owner: String,
    repo: String,
    number: u64,
    title: String,
    body: Option<String>,
    state: String,
    draft: bool,
    head_ref: String,
    head_label: String,
    base_ref: String,
    labels: Vec<String>,
    reviewers: Vec<String>,
    created_at: String,
    updated_at: String,
}

#[derive(Clone)]
struct Repo {
    owner: String,
    name: String,
    private: bool,
    description: Option<String>,
}

impl FakeGithub {
    /// Bind 127.0.0.1:0 and serve, one thread per connection, until the last clone is
    /// dropped. Requests must carry `Authorization: Bearer <token>` or
    /// `Authorization: token <token>`.
    pub fn start(token: &str) -> FakeGithub {
        let state = Arc::new(Mutex::new(State {
            token: token.to_owned(),
            api_url: String::new(),
            git_base: "https://github.example".to_owned(),
            clone_url: None,
            git_root: None,
            pulls: Vec::new(),
            repos: Vec::new(),
            faults: VecDeque::new(),
            requests: Vec::new(),
        }));
        let shared = Arc::clone(&state);
        let server = Server::start(move |request| handle(&shared, request));
        state.lock().unwrap().api_url = server.url();
        FakeGithub {
            server: Arc::new(server),
            state,
        }
    }

    /// "http://127.0.0.1:PORT": the `api_url`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Every PR ever created (open and closed), in creation order (number order
    /// within a repository), as the API would return it.
    pub fn pulls(&self) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        state.pulls.iter().map(|p| pull_json(&state, p)).collect()
    }

    /// Close the PR with this number (in every repository that has one).
    pub fn close_pull(&self, number: u64) {
        let mut state = self.state.lock().unwrap();
        let now = now_iso();
        for pull in state.pulls.iter_mut().filter(|p| p.number == number) {
            pull.state = "closed".to_owned();
            pull.updated_at.clone_from(&now);
        }
    }

    /// Queue a fault (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        self.state.lock().unwrap().faults.push_back(fault);
    }

    /// (method, path with query) of every request received, in order — including
    /// unauthenticated and faulted ones.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The repositories created through the API, in order, as the API returned them.
    pub fn repos(&self) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        state.repos.iter().map(|r| repo_json(&state, r)).collect()
    }

    /// Repositories report `clone_url = "{base}/{owner}/{name}.git"` (default base:
    /// "https://github.example"), e.g. a [`super::git_http::GitHttp`] URL.
    pub fn set_git_base(&self, base: &str) {
        self.state.lock().unwrap().git_base = base.trim_end_matches('/').to_owned();
    }

    /// Every repository reports exactly this `clone_url` (a hostile forge's answer).
    pub fn set_clone_url(&self, url: &str) {
        self.state.lock().unwrap().clone_url = Some(url.to_owned());
    }

    /// From now on, a repository created through the API also gets a bare repository
    /// `root/{owner}/{name}.git` ([`super::git_http::bare_repo`]), so that it can be
    /// pushed to through a `GitHttp` serving `root`.
    pub fn set_git_root(&self, root: &Path) {
        self.state.lock().unwrap().git_root = Some(root.to_owned());
    }
}

fn message(status: u16, text: &str) -> Response {
    Response::json(
        status,
        &json!({ "message": text, "documentation_url": "https://docs.github.com/rest" }),
    )
}

fn not_found() -> Response {
    message(404, "Not Found")
}

fn authorized(state: &State, request: &Request) -> bool {
    let Some(value) = request.header("authorization") else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token"))
        && token.trim() == state.token
}

fn is_create_pull(method: &str, segments: &[&str]) -> bool {
    method == "POST" && matches!(segments, ["repos", _, _, "pulls"])
}

fn handle(shared: &Mutex<State>, request: Request) -> Option<Response> {
    let mut state = shared.lock().unwrap();
    state
        .requests
        .push((request.method.clone(), request.target.clone()));
    if !authorized(&state, &request) {
        return Some(message(401, "Bad credentials"));
    }
    let path = request.path().to_owned();
    let path = path.strip_prefix("/api/v3").unwrap_or(&path);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = request.method.as_str();

    let fault = state.faults.iter().position(|fault| match fault {
        Fault::Duplicate422 | Fault::LostResponse => is_create_pull(method, &segments),
        Fault::ServerError(_) | Fault::RateLimited { .. } | Fault::EchoAuthorization => true,
    });
    if let Some(index) = fault {
        match state.faults.remove(index).unwrap() {
            Fault::ServerError(status) => return Some(message(status, "Server Error")),
            Fault::EchoAuthorization => {
                let echoed = request.header("authorization").unwrap_or_default();
                return Some(message(
                    400,
                    &format!("Bad request; you sent Authorization: {echoed}"),
                ));
            }
            Fault::RateLimited { reset_in_secs } => {
                let reset = unix_now() + reset_in_secs;
                return Some(
                    message(
                        403,
                        "API rate limit exceeded for user ID 1. If you reach out to GitHub \
                         Support for help, please include the request ID.",
                    )
                    .with_header("x-ratelimit-limit", "5000")
                    .with_header("x-ratelimit-remaining", "0")
                    .with_header("x-ratelimit-used", "5000")
                    .with_header("x-ratelimit-reset", reset.to_string())
                    .with_header("x-ratelimit-resource", "core"),
                );
            }
            Fault::Duplicate422 => {
                let (owner, head) = match (&segments[..], body_json(&request)) {
                    (["repos", owner, _, _], Ok(body)) => (
                        owner.to_string(),
                        body["head"].as_str().unwrap_or("").to_owned(),
                    ),
                    (["repos", owner, _, _], Err(_)) => (owner.to_string(), String::new()),
                    _ => unreachable!("Duplicate422 matches POST /repos/o/r/pulls only"),
                };
                return Some(duplicate_pull(&head_label(&owner, &head)));
            }
            Fault::LostResponse => {
                let _ = route(&mut state, &request, &segments);
                return None;
            }
        }
    }
    Some(route(&mut state, &request, &segments))
}

fn body_json(request: &Request) -> Result<Value, Response> {
    if request.body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(&request.body).map_err(|_| message(400, "Problems parsing JSON"))
}

fn head_label(owner: &str, head: &str) -> String {
    if head.contains(':') {
        head.to_owned()
    } else {
        format!("{owner}:{head}")
    }
}

fn duplicate_pull(label: &str) -> Response {
    Response::json(
        422,
        &json!({
            "message": "Validation Failed",
            "errors": [{
                "resource": "PullRequest",
                "code": "custom",
                "message": format!("A pull request already exists for {label}."),
            }],
            "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
            "status": "422",
        }),
    )
}

fn validation_failed(resource: &str, field: &str, code: &str) -> Response {
    Response::json(
        422,
        &json!({
            "message": "Validation Failed",
            "errors": [{ "resource": resource, "field": field, "code": code }],
            "documentation_url": "https://docs.github.com/rest",
            "status": "422",
        }),
    )
}

fn repo_exists(state: &State, owner: &str, name: &str) -> bool {
    !name.starts_with("missing-") || created_repo(state, owner, name).is_some()
}

fn created_repo<'a>(state: &'a State, owner: &str, name: &str) -> Option<&'a Repo> {
    state
        .repos
        .iter()
        .find(|r| r.owner == owner && r.name == name)
}

fn route(state: &mut State, request: &Request, segments: &[&str]) -> Response {
    let method = request.method.as_str();
    match (method, segments) {
        ("GET", ["user"]) => {
            Response::json(200, &json!({ "login": LOGIN, "id": 1, "type": "User" }))
        }
        ("POST", ["user", "repos"]) => create_repo(state, request, LOGIN),
        ("POST", ["orgs", org, "repos"]) => create_repo(state, request, org),
        (_, ["repos", owner, repo, rest @ ..]) => {
            if !repo_exists(state, owner, repo) {
                return not_found();
            }
            match (method, rest) {
                ("GET", []) => {
                    let found = created_repo(state, owner, repo).cloned();
                    let repo = found.unwrap_or_else(|| Repo {
                        owner: owner.to_string(),
                        name: repo.to_string(),
                        private: false,
                        description: None,
                    });
                    Response::json(200, &repo_json(state, &repo))
                }
                ("GET", ["pulls"]) => list_pulls(state, request, owner, repo),
                ("POST", ["pulls"]) => create_pull(state, request, owner, repo),
                ("GET", ["pulls", n]) => match find_pull(state, owner, repo, n) {
                    Some(i) => Response::json(200, &pull_json(state, &state.pulls[i])),
                    None => not_found(),
                },
                ("PATCH", ["pulls", n]) => match find_pull(state, owner, repo, n) {
                    Some(i) => update_pull(state, request, i),
                    None => not_found(),
                },
                ("POST", ["issues", n, "labels"]) => match find_pull(state, owner, repo, n) {
                    Some(i) => add_labels(state, request, i),
                    None => not_found(),
                },
                ("POST", ["pulls", n, "requested_reviewers"]) => {
                    match find_pull(state, owner, repo, n) {
                        Some(i) => request_reviewers(state, request, i),
                        None => not_found(),
                    }
                }
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn find_pull(state: &State, owner: &str, repo: &str, number: &str) -> Option<usize> {
    let number: u64 = number.parse().ok()?;
    state
        .pulls
        .iter()
        .position(|p| p.owner == owner && p.repo == repo && p.number == number)
}

fn list_pulls(state: &State, request: &Request, owner: &str, repo: &str) -> Response {
    let wanted_state = request
        .query_param("state")
        .unwrap_or_else(|| "open".to_owned());
    let head = request.query_param("head");
    let base = request.query_param("base");
    let mut list: Vec<Value> = state
        .pulls
        .iter()
        .filter(|p| p.owner == owner && p.repo == repo)
        .filter(|p| wanted_state == "all" || p.state == wanted_state)
        .filter(|p| match &head {
            Some(h) if h.contains(':') => &p.head_label == h,
            Some(h) => &p.head_ref == h,
            None => true,
        })
        .filter(|p| base.as_ref().is_none_or(|b| &p.base_ref == b))
        .map(|p| pull_json(state, p))
        .collect();
    // GitHub's default order: newest first.
    list.reverse();
    Response::json(200, &Value::Array(list))
}

fn create_pull(state: &mut State, request: &Request, owner: &str, repo: &str) -> Response {
    let body = match body_json(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    for field in ["title", "head", "base"] {
        if body[field].as_str().is_none_or(str::is_empty) {
            return validation_failed("PullRequest", field, "missing_field");
        }
    }
    let head = body["head"].as_str().unwrap();
    let label = head_label(owner, head);
    let head_ref = label.split_once(':').unwrap().1.to_owned();
    if state
        .pulls
        .iter()
        .any(|p| p.owner == owner && p.repo == repo && p.state == "open" && p.head_label == label)
    {
        return duplicate_pull(&label);
    }
    let number = state
        .pulls
        .iter()
        .filter(|p| p.owner == owner && p.repo == repo)
        .map(|p| p.number)
        .max()
        .unwrap_or(0)
        + 1;
    let now = now_iso();
    let pull = Pull {
        owner: owner.to_owned(),
        repo: repo.to_owned(),
        number,
        title: body["title"].as_str().unwrap().to_owned(),
        body: body["body"].as_str().map(str::to_owned),
        state: "open".to_owned(),
        draft: body["draft"].as_bool().unwrap_or(false),
        head_ref,
        head_label: label,
        base_ref: body["base"].as_str().unwrap().to_owned(),
        labels: Vec::new(),
        reviewers: Vec::new(),
        created_at: now.clone(),
        updated_at: now,
    };
    let json = pull_json(state, &pull);
    state.pulls.push(pull);
    Response::json(201, &json)
}

fn update_pull(state: &mut State, request: &Request, index: usize) -> Response {
    let body = match body_json(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let mut pull = state.pulls[index].clone();
    if let Some(title) = body.get("title").filter(|v| !v.is_null()) {
        match title.as_str() {
            Some(t) if !t.is_empty() => pull.title = t.to_owned(),
            _ => return validation_failed("PullRequest", "title", "invalid"),
        }
    }
    if let Some(text) = body.get("body") {
        pull.body = text.as_str().map(str::to_owned);
    }
    if let Some(base) = body.get("base").and_then(Value::as_str) {
        pull.base_ref = base.to_owned();
    }
    if let Some(draft) = body.get("draft").and_then(Value::as_bool) {
        pull.draft = draft;
    }
    if let Some(new_state) = body.get("state").filter(|v| !v.is_null()) {
        match new_state.as_str() {
            Some("closed") => pull.state = "closed".to_owned(),
            Some("open") => {
                let other_open = state.pulls.iter().enumerate().any(|(i, p)| {
                    i != index
                        && p.owner == pull.owner
                        && p.repo == pull.repo
                        && p.state == "open"
                        && p.head_label == pull.head_label
                });
                if pull.state == "closed" && other_open {
                    return duplicate_pull(&pull.head_label);
                }
                pull.state = "open".to_owned();
            }
            _ => return validation_failed("PullRequest", "state", "invalid"),
        }
    }
    pull.updated_at = now_iso();
    let json = pull_json(state, &pull);
    state.pulls[index] = pull;
    Response::json(200, &json)
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn add_labels(state: &mut State, request: &Request, index: usize) -> Response {
    let body = match body_json(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    // GitHub accepts {"labels": [...]} or a bare array.
    let labels = string_list(&body).or_else(|| string_list(&body["labels"]));
    let Some(labels) = labels else {
        return validation_failed("Label", "labels", "invalid");
    };
    let pull = &mut state.pulls[index];
    for label in labels {
        if !pull.labels.contains(&label) {
            pull.labels.push(label);
        }
    }
    pull.updated_at = now_iso();
    let list: Vec<Value> = pull
        .labels
        .iter()
        .map(|name| json!({ "name": name, "color": "ededed", "default": false }))
        .collect();
    Response::json(200, &Value::Array(list))
}

fn request_reviewers(state: &mut State, request: &Request, index: usize) -> Response {
    let body = match body_json(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(reviewers) = string_list(&body["reviewers"]) else {
        return validation_failed("PullRequest", "reviewers", "invalid");
    };
    if reviewers.iter().any(|r| r == LOGIN) {
        return Response::json(
            422,
            &json!({
                "message": "Review cannot be requested from pull request author.",
                "documentation_url": "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request",
                "status": "422",
            }),
        );
    }
    let pull = &mut state.pulls[index];
    for reviewer in reviewers {
        if !pull.reviewers.contains(&reviewer) {
            pull.reviewers.push(reviewer);
        }
    }
    pull.updated_at = now_iso();
    let json = pull_json(state, &state.pulls[index]);
    Response::json(201, &json)
}

fn create_repo(state: &mut State, request: &Request, owner: &str) -> Response {
    let body = match body_json(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let Some(name) = body["name"].as_str().filter(|n| !n.is_empty()) else {
        return validation_failed("Repository", "name", "missing_field");
    };
    if created_repo(state, owner, name).is_some() {
        return Response::json(
            422,
            &json!({
                "message": "Repository creation failed.",
                "errors": [{
                    "resource": "Repository",
                    "code": "custom",
                    "field": "name",
                    "message": "name already exists on this account",
                }],
                "documentation_url": "https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user",
                "status": "422",
            }),
        );
    }
    let repo = Repo {
        owner: owner.to_owned(),
        name: name.to_owned(),
        private: body["private"].as_bool().unwrap_or(false),
        description: body["description"].as_str().map(str::to_owned),
    };
    if let Some(root) = &state.git_root {
        super::git_http::bare_repo(root, owner, name, false);
    }
    let json = repo_json(state, &repo);
    state.repos.push(repo);
    Response::json(201, &json)
}

fn repo_json(state: &State, repo: &Repo) -> Value {
    let (owner, name) = (&repo.owner, &repo.name);
    json!({
        "name": name,
        "full_name": format!("{owner}/{name}"),
        "owner": { "login": owner },
        "private": repo.private,
        "description": repo.description,
        "default_branch": "main",
        "html_url": format!("https://github.example/{owner}/{name}"),
        "url": format!("{}/repos/{owner}/{name}", state.api_url),
        "clone_url": state
            .clone_url
            .clone()
            .unwrap_or_else(|| format!("{}/{owner}/{name}.git", state.git_base)),
        "permissions": { "admin": true, "push": true, "pull": true },
    })
}

fn pull_json(state: &State, pull: &Pull) -> Value {
    let (owner, repo, n) = (&pull.owner, &pull.repo, pull.number);
    json!({
        "id": 1000 + n,
        "number": n,
        "html_url": format!("https://github.example/{owner}/{repo}/pull/{n}"),
        "url": format!("{}/repos/{owner}/{repo}/pulls/{n}", state.api_url),
        "state": pull.state,
        "title": pull.title,
        "body": pull.body,
        "draft": pull.draft,
        "merged": false,
        "user": { "login": LOGIN },
        "head": {
            "ref": pull.head_ref,
            "label": pull.head_label,
            "repo": { "full_name": format!("{owner}/{repo}") },
        },
        "base": {
            "ref": pull.base_ref,
            "label": format!("{owner}:{}", pull.base_ref),
            "repo": { "full_name": format!("{owner}/{repo}") },
        },
        "labels": pull.labels.iter().map(|name| json!({ "name": name })).collect::<Vec<_>>(),
        "requested_reviewers": pull.reviewers.iter().map(|login| json!({ "login": login })).collect::<Vec<_>>(),
        "created_at": pull.created_at,
        "updated_at": pull.updated_at,
    })
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The current time as GitHub writes it: "2024-05-01T12:34:56Z".
fn now_iso() -> String {
    let secs = unix_now();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::super::{http_request, HttpResponse};
    use super::*;
    use std::io::ErrorKind;

    const TOKEN: &str = "ghp_fake";

    fn call(gh: &FakeGithub, method: &str, target: &str, body: Option<Value>) -> HttpResponse {
        let auth = format!("Bearer {TOKEN}");
        http_request(
            &gh.url(),
            method,
            target,
            &[
                ("authorization", &auth),
                ("accept", "application/vnd.github+json"),
            ],
            body.as_ref(),
        )
        .unwrap()
    }

    fn new_pull(head: &str) -> Value {
        json!({ "title": "portolan: add cart", "head": head, "base": "main", "body": "Made by portolan.", "draft": false })
    }

    #[test]
    fn creates_lists_and_refuses_a_duplicate() {
        let gh = FakeGithub::start(TOKEN);
        let created = call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls",
            Some(new_pull("portolan/cart")),
        );
        assert_eq!(created.status, 201);
        assert!(created
            .header("content-type")
            .unwrap()
            .starts_with("application/json"));
        let pr = created.json();
        assert_eq!(pr["number"], 1);
        assert_eq!(pr["state"], "open");
        assert_eq!(
            pr["html_url"],
            "https://github.example/acme/platform/pull/1"
        );
        assert_eq!(pr["head"]["ref"], "portolan/cart");
        assert_eq!(pr["head"]["label"], "acme:portolan/cart");
        assert_eq!(pr["base"]["ref"], "main");
        assert_eq!(pr["body"], "Made by portolan.");
        assert_eq!(pr["draft"], false);
        assert_eq!(
            pr["url"],
            format!("{}/repos/acme/platform/pulls/1", gh.url())
        );

        let listed = call(
            &gh,
            "GET",
            "/repos/acme/platform/pulls?state=open&head=acme%3Aportolan%2Fcart",
            None,
        );
        assert_eq!(listed.status, 200);
        let list = listed.json();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["number"], 1);
        let other = call(
            &gh,
            "GET",
            "/repos/acme/platform/pulls?state=open&head=acme:other",
            None,
        );
        assert_eq!(other.json(), json!([]));
        assert_eq!(
            call(&gh, "GET", "/repos/acme/platform/pulls", None)
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );

        let duplicate = call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls",
            Some(new_pull("portolan/cart")),
        );
        assert_eq!(duplicate.status, 422);
        let error = duplicate.json();
        assert_eq!(error["message"], "Validation Failed");
        assert_eq!(error["errors"][0]["resource"], "PullRequest");
        assert_eq!(
            error["errors"][0]["message"],
            "A pull request already exists for acme:portolan/cart."
        );

        // Closed: the head is free again; numbers go on; the closed one is listed with state=all.
        gh.close_pull(1);
        assert_eq!(
            call(
                &gh,
                "GET",
                "/repos/acme/platform/pulls?state=open&head=acme:portolan/cart",
                None
            )
            .json(),
            json!([])
        );
        let again = call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls",
            Some(new_pull("acme:portolan/cart")),
        );
        assert_eq!(again.status, 201);
        assert_eq!(again.json()["number"], 2);
        let all = call(
            &gh,
            "GET",
            "/repos/acme/platform/pulls?state=all&head=acme:portolan/cart",
            None,
        )
        .json();
        let numbers: Vec<_> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["number"].as_u64().unwrap())
            .collect();
        assert_eq!(numbers, vec![2, 1], "newest first, as GitHub");
        // Numbers are per repository.
        let elsewhere = call(
            &gh,
            "POST",
            "/repos/acme/other/pulls",
            Some(new_pull("portolan/cart")),
        );
        assert_eq!(elsewhere.json()["number"], 1);

        let pulls = gh.pulls();
        assert_eq!(pulls.len(), 3);
        assert_eq!(pulls[0]["state"], "closed");
        assert_eq!(pulls[1]["state"], "open");

        let missing = call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls",
            Some(json!({ "title": "t", "base": "main" })),
        );
        assert_eq!(missing.status, 422);
        assert_eq!(missing.json()["errors"][0]["field"], "head");
    }

    #[test]
    fn faults_apply_once_to_the_request_they_match() {
        let gh = FakeGithub::start(TOKEN);
        gh.inject(Fault::Duplicate422);
        // Not a PR creation: the fault stays queued.
        assert_eq!(call(&gh, "GET", "/user", None).json()["login"], LOGIN);
        let refused = call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls",
            Some(new_pull("b")),
        );
        assert_eq!(refused.status, 422);
        assert_eq!(
            refused.json()["errors"][0]["message"],
            "A pull request already exists for acme:b."
        );
        assert!(gh.pulls().is_empty(), "Duplicate422 creates nothing");

        gh.inject(Fault::LostResponse);
        let auth = format!("token {TOKEN}");
        let lost = http_request(
            &gh.url(),
            "POST",
            "/repos/acme/platform/pulls",
            &[("Authorization", &auth)],
            Some(&new_pull("b")),
        );
        assert_eq!(lost.unwrap_err().kind(), ErrorKind::UnexpectedEof);
        assert_eq!(
            gh.pulls().len(),
            1,
            "the PR exists even though the response was lost"
        );
        assert_eq!(gh.pulls()[0]["head"]["ref"], "b");

        gh.inject(Fault::ServerError(502));
        let failed = call(&gh, "GET", "/repos/acme/platform/pulls", None);
        assert_eq!(failed.status, 502);
        assert_eq!(failed.json()["message"], "Server Error");
        assert_eq!(
            call(&gh, "GET", "/repos/acme/platform/pulls", None).status,
            200,
            "once only"
        );

        gh.inject(Fault::RateLimited { reset_in_secs: 60 });
        let limited = call(&gh, "GET", "/user", None);
        assert_eq!(limited.status, 403);
        assert!(limited.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("API rate limit exceeded for "));
        assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
        let reset: u64 = limited
            .header("x-ratelimit-reset")
            .unwrap()
            .parse()
            .unwrap();
        let now = unix_now();
        assert!(reset > now + 50 && reset <= now + 60, "{reset} vs {now}");
        assert_eq!(call(&gh, "GET", "/user", None).status, 200);

        gh.inject(Fault::EchoAuthorization);
        let echoed = call(&gh, "GET", "/user", None);
        assert_eq!(echoed.status, 400);
        assert!(echoed.json()["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("Authorization: Bearer {TOKEN}")));
        assert_eq!(call(&gh, "GET", "/user", None).status, 200);

        // Faults queue in order.
        gh.inject(Fault::ServerError(500));
        gh.inject(Fault::ServerError(503));
        assert_eq!(call(&gh, "GET", "/user", None).status, 500);
        assert_eq!(call(&gh, "GET", "/user", None).status, 503);
        assert_eq!(call(&gh, "GET", "/user", None).status, 200);
    }

    #[test]
    fn requires_the_token() {
        let gh = FakeGithub::start(TOKEN);
        let anonymous = http_request(&gh.url(), "GET", "/user", &[], None).unwrap();
        assert_eq!(anonymous.status, 401);
        assert_eq!(anonymous.json()["message"], "Bad credentials");
        let wrong = http_request(
            &gh.url(),
            "GET",
            "/user",
            &[("Authorization", "Bearer nope")],
            None,
        )
        .unwrap();
        assert_eq!(wrong.status, 401);
        let old_style = http_request(
            &gh.url(),
            "GET",
            "/user",
            &[("Authorization", "token ghp_fake")],
            None,
        )
        .unwrap();
        assert_eq!(old_style.status, 200);
        assert_eq!(
            gh.requests(),
            vec![
                ("GET".to_owned(), "/user".to_owned()),
                ("GET".to_owned(), "/user".to_owned()),
                ("GET".to_owned(), "/user".to_owned()),
            ]
        );
        assert_eq!(call(&gh, "GET", "/nowhere", None).status, 404);
        assert_eq!(
            call(&gh, "GET", "/nowhere", None).json()["message"],
            "Not Found"
        );
    }

    #[test]
    fn updates_labels_and_reviewers() {
        let gh = FakeGithub::start(TOKEN);
        call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls",
            Some(new_pull("b")),
        );
        let patched = call(
            &gh,
            "PATCH",
            "/repos/acme/platform/pulls/1",
            Some(json!({ "title": "New title", "body": "New body", "draft": true })),
        );
        assert_eq!(patched.status, 200);
        let pr = patched.json();
        assert_eq!(
            (
                pr["title"].as_str(),
                pr["body"].as_str(),
                pr["draft"].as_bool()
            ),
            (Some("New title"), Some("New body"), Some(true))
        );
        assert_eq!(
            call(&gh, "GET", "/repos/acme/platform/pulls/1", None).json()["title"],
            "New title"
        );
        assert_eq!(
            call(&gh, "GET", "/repos/acme/platform/pulls/9", None).status,
            404
        );

        let labels = call(
            &gh,
            "POST",
            "/repos/acme/platform/issues/1/labels",
            Some(json!({ "labels": ["portolan", "catalog"] })),
        );
        assert_eq!(labels.status, 200);
        let labels = call(
            &gh,
            "POST",
            "/repos/acme/platform/issues/1/labels",
            Some(json!({ "labels": ["catalog", "new"] })),
        );
        let names: Vec<_> = labels
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["portolan", "catalog", "new"]);

        let reviewed = call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls/1/requested_reviewers",
            Some(json!({ "reviewers": ["alice", "bob"] })),
        );
        assert_eq!(reviewed.status, 201);
        assert_eq!(
            reviewed.json()["requested_reviewers"],
            json!([{ "login": "alice" }, { "login": "bob" }])
        );
        let author = call(
            &gh,
            "POST",
            "/repos/acme/platform/pulls/1/requested_reviewers",
            Some(json!({ "reviewers": [LOGIN] })),
        );
        assert_eq!(author.status, 422);

        let closed = call(
            &gh,
            "PATCH",
            "/repos/acme/platform/pulls/1",
            Some(json!({ "state": "closed" })),
        );
        assert_eq!(closed.json()["state"], "closed");
        let pr = &gh.pulls()[0];
        assert_eq!(
            pr["labels"],
            json!([{ "name": "portolan" }, { "name": "catalog" }, { "name": "new" }])
        );
        assert_eq!(pr["state"], "closed");
    }

    #[test]
    fn repositories() {
        let gh = FakeGithub::start(TOKEN);
        gh.set_git_base("http://127.0.0.1:9");
        let existing = call(&gh, "GET", "/repos/acme/platform", None);
        assert_eq!(existing.status, 200);
        let repo = existing.json();
        assert_eq!(repo["full_name"], "acme/platform");
        assert_eq!(repo["default_branch"], "main");
        assert_eq!(repo["clone_url"], "http://127.0.0.1:9/acme/platform.git");
        assert_eq!(repo["permissions"]["push"], true);
        assert_eq!(
            call(&gh, "GET", "/repos/acme/missing-svc", None).status,
            404
        );
        assert_eq!(
            call(&gh, "GET", "/repos/acme/missing-svc/pulls", None).status,
            404
        );

        let created = call(
            &gh,
            "POST",
            "/orgs/acme/repos",
            Some(json!({ "name": "missing-svc", "private": true, "description": "d" })),
        );
        assert_eq!(created.status, 201);
        assert_eq!(created.json()["full_name"], "acme/missing-svc");
        assert_eq!(
            created.json()["clone_url"],
            "http://127.0.0.1:9/acme/missing-svc.git"
        );
        assert_eq!(
            call(&gh, "GET", "/repos/acme/missing-svc", None).json()["private"],
            true
        );
        let again = call(
            &gh,
            "POST",
            "/orgs/acme/repos",
            Some(json!({ "name": "missing-svc" })),
        );
        assert_eq!(again.status, 422);
        assert_eq!(
            again.json()["errors"][0]["message"],
            "name already exists on this account"
        );

        let mine = call(&gh, "POST", "/user/repos", Some(json!({ "name": "svc" })));
        assert_eq!(mine.json()["full_name"], "portolan-bot/svc");
        let names: Vec<_> = gh
            .repos()
            .iter()
            .map(|r| r["full_name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["acme/missing-svc", "portolan-bot/svc"]);

        gh.set_clone_url("--upload-pack=touch /tmp/x");
        assert_eq!(
            call(&gh, "GET", "/repos/acme/platform", None).json()["clone_url"],
            "--upload-pack=touch /tmp/x"
        );

        // GitHub Enterprise's /api/v3 root.
        assert_eq!(
            call(&gh, "GET", "/api/v3/user", None).json()["login"],
            LOGIN
        );
    }

    #[test]
    fn iso_dates() {
        let now = now_iso();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
    }
}
