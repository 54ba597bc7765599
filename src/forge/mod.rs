//! The forge: where pull requests live. GitHub and GitHub Enterprise, and the token
//! that reaches them and `git push` without ever being printed or stored.

pub mod askpass;
pub mod github;
mod host;

pub use host::GitHost;

use std::process::Command;

/// Where the API is and which repository it is about.
#[derive(Debug, Clone)]
pub struct Target {
    pub api_url: String,
    /// `owner/name`.
    pub repo: String,
    /// The host, for `gh auth token --hostname`.
    pub host: String,
    /// Where git may be given the token (`None`: nowhere, the API is not HTTPS).
    pub git: Option<GitHost>,
}

impl Target {
    /// Whether git may be given the token for `url`: HTTPS on the forge's Git host (see
    /// [`GitHost`]).
    pub fn git_allows(&self, url: &str) -> bool {
        self.git.as_ref().is_some_and(|git| git.allows(url))
    }
}

/// The variables a token is read from; git's children never inherit them.
pub const TOKEN_VARS: [&str; 2] = ["GH_TOKEN", "GITHUB_TOKEN"];

/// The API of a remote: `github.api_url` when it was set, else derived from the
/// remote's host (`https://<host>/api/v3` for GitHub Enterprise).
pub fn target(config: &crate::config::Config, remote_url: Option<&str>) -> Option<Target> {
    let repo = config
        .github
        .repo
        .clone()
        .or_else(|| remote_url.and_then(owner_and_name))?;
    let host = remote_url
        .and_then(host_of)
        .unwrap_or_else(|| "github.com".into());
    let default_api = crate::config::GithubConfig::default().api_url;
    let api_url = if config.github.api_url != default_api || host == "github.com" {
        config.github.api_url.clone()
    } else {
        format!("https://{host}/api/v3")
    };
    let git = GitHost::of_api(&api_url);
    let host = match &git {
        Some(git) => git.host.clone(),
        None => host_of(&api_url).unwrap_or(host),
    };
    Some(Target {
        api_url,
        repo,
        host,
        git,
    })
}

/// The host of `https://host/...`, `ssh://git@host/...` or `git@host:owner/name`.
fn host_of(url: &str) -> Option<String> {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest,
        None => url.split_once(':')?.0,
    };
    let host = rest.split(['/', ':']).next()?;
    let host = host.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

/// `text` with the token taken out, in the forms it travels in: as it is, and inside
/// HTTP Basic credentials (`x-access-token:TOKEN` in base64, which git and proxies
/// may echo in an error).
pub fn scrub(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_owned();
    }
    let mut out = text.replace(token, "***");
    for basic in [format!("x-access-token:{token}"), token.to_owned()] {
        for encoded in base64_forms(basic.as_bytes()) {
            if encoded.len() >= 8 {
                out = out.replace(&encoded, "***");
            }
        }
    }
    out
}

/// Standard base64 of `bytes`, with and without its `=` padding.
fn base64_forms(bytes: &[u8]) -> [String; 2] {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    let unpadded = out.clone();
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    [out, unpadded]
}

/// The token: `GH_TOKEN`, then `GITHUB_TOKEN`, then `gh auth token --hostname HOST`.
pub fn token(host: &str) -> Option<String> {
    for name in TOKEN_VARS {
        if let Some(token) = std::env::var(name).ok().filter(|t| !t.trim().is_empty()) {
            return Some(token.trim().to_owned());
        }
    }
    let output = Command::new("gh")
        .args(["auth", "token", "--hostname", host])
        .output()
        .ok()?;
    let token = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && !token.is_empty()).then_some(token)
}

/// `owner/name` from a remote URL, if it has that shape: how a forge names a
/// repository (Git itself only stores the URL).
pub fn owner_and_name(url: &str) -> Option<String> {
    let url = url.trim_end_matches('/').trim_end_matches(".git");
    let path = if let Some((_, rest)) = url.split_once("://") {
        rest.split_once('/')?.1
    } else {
        url.split_once(':')?.1
    };
    let mut parts = path.rsplitn(3, '/');
    let name = parts.next().filter(|s| !s.is_empty())?;
    let owner = parts.next().filter(|s| !s.is_empty())?;
    Some(format!("{owner}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_takes_out_the_token_and_its_basic_credentials() {
        let token = "ghp_secret123";
        // base64("x-access-token:ghp_secret123"), as `Authorization: Basic` sends it.
        let basic = "eC1hY2Nlc3MtdG9rZW46Z2hwX3NlY3JldDEyMw==";
        let said = format!(
            "denied for {token}; header Basic {basic}; unpadded {}",
            basic.trim_end_matches('=')
        );
        let scrubbed = scrub(&said, token);
        assert!(
            !scrubbed.contains(token) && !scrubbed.contains(&basic[..30]),
            "{scrubbed}"
        );
        assert_eq!(base64_forms(b"ab")[0], "YWI=");
        assert_eq!(base64_forms(b"abc")[1], "YWJj");
        assert_eq!(scrub("nothing here", ""), "nothing here");
    }

    #[test]
    fn hosts_of_remotes() {
        assert_eq!(
            host_of("https://github.com/acme/p.git").as_deref(),
            Some("github.com")
        );
        assert_eq!(
            host_of("git@ghe.acme.io:acme/p.git").as_deref(),
            Some("ghe.acme.io")
        );
        assert_eq!(
            host_of("ssh://git@ghe.acme.io:22/acme/p.git").as_deref(),
            Some("ghe.acme.io")
        );
        assert_eq!(
            host_of("http://127.0.0.1:8080/acme/p.git").as_deref(),
            Some("127.0.0.1")
        );
    }

    #[test]
    fn the_api_of_a_remote() {
        let config = crate::config::Config::default();
        let github = target(&config, Some("git@github.com:acme/platform.git")).unwrap();
        assert_eq!(github.api_url, "https://api.github.com");
        assert_eq!(github.repo, "acme/platform");
        let enterprise = target(&config, Some("https://ghe.acme.io/acme/platform.git")).unwrap();
        assert_eq!(enterprise.api_url, "https://ghe.acme.io/api/v3");
        assert_eq!(enterprise.host, "ghe.acme.io");
        assert!(enterprise.git_allows("https://ghe.acme.io/acme/platform.git"));
        assert!(!enterprise.git_allows("https://github.com/acme/platform.git"));
        assert!(github.git_allows("https://github.com/acme/platform.git"));
        assert!(!github.git_allows("git@github.com:acme/platform.git"));
        assert!(target(&config, None).is_none());
    }
}
