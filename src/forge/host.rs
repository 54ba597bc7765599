//! Where the token may go: the forge's Git host.
//!
//! The token authenticates portolan to one forge. It is handed to git only for a URL on
//! that forge's Git host over HTTPS — `github.com` for `https://api.github.com`, `H`
//! for `https://H/api/v3` (GitHub Enterprise Server), `X.ghe.com` for
//! `https://api.X.ghe.com` — or over plain HTTP to a loopback host when `api_url` is
//! itself plain HTTP on that loopback host (a forge on this machine, as in tests).
//! Any other remote (another host, plain HTTP elsewhere, SSH, a path, a remote helper's
//! `x::` URL) gets no token: git uses the user's own credentials there.
//!
//! The same check refuses a clone URL the API answers that is not on the forge's Git
//! host, before git ever sees it.

/// The parts of an `scheme://[user@]host[:port]/path` URL that decide where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    /// Lowercase.
    pub scheme: String,
    /// Lowercase; an IPv6 address without its brackets.
    pub host: String,
    pub port: Option<u16>,
}

impl UrlParts {
    /// Parse a URL; `None` for anything else (an `scp`-like `git@host:path`, a path) or
    /// anything that parsers could read two ways: whitespace, control characters, a
    /// backslash, `?` or `#`, two `@` before the host, an empty host, a port that is not
    /// a number.
    pub fn parse(url: &str) -> Option<UrlParts> {
        if url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '?' | '#'))
        {
            return None;
        }
        let (scheme, rest) = url.split_once("://")?;
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return None;
        }
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.matches('@').count() > 1 {
            return None;
        }
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
            let (host, after) = bracketed.split_once(']')?;
            (host, after.strip_prefix(':'))
        } else {
            match host_port.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            }
        };
        if host.is_empty() {
            return None;
        }
        let port = match port {
            Some(port) => Some(port.parse::<u16>().ok()?),
            None => None,
        };
        Some(UrlParts {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// The port, or the scheme's default.
    fn effective_port(&self) -> Option<u16> {
        self.port.or(match self.scheme.as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        })
    }
}

/// The forge's Git host: the only place git is given the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHost {
    /// Lowercase host name or address.
    pub host: String,
    /// The HTTPS port (443 unless the API names another).
    port: u16,
    /// The API is plain HTTP on this loopback host: plain HTTP is allowed too, on any
    /// port (a local forge serves Git on a port of its own).
    loopback_http: bool,
}

impl GitHost {
    /// The Git host of a forge whose API is at `api_url`; `None` when the API is not
    /// HTTPS (nor plain HTTP on a loopback host), so git is never given the token.
    pub fn of_api(api_url: &str) -> Option<GitHost> {
        let api = UrlParts::parse(api_url)?;
        match api.scheme.as_str() {
            "https" => {
                let host = if api.host == "api.github.com" {
                    "github.com".to_owned()
                } else if let Some(tenant) = api
                    .host
                    .strip_prefix("api.")
                    .filter(|h| h.ends_with(".ghe.com"))
                {
                    tenant.to_owned()
                } else {
                    api.host.clone()
                };
                Some(GitHost {
                    host,
                    port: api.effective_port()?,
                    loopback_http: false,
                })
            }
            "http" if is_loopback(&api.host) => Some(GitHost {
                host: api.host.clone(),
                port: 443,
                loopback_http: true,
            }),
            _ => None,
        }
    }

    /// Whether git may be given the token for `url`.
    pub fn allows(&self, url: &str) -> bool {
        let Some(url) = UrlParts::parse(url) else {
            return false;
        };
        if url.host != self.host {
            return false;
        }
        match url.scheme.as_str() {
            "https" => self.loopback_http || url.effective_port() == Some(self.port),
            "http" => self.loopback_http,
            _ => false,
        }
    }

    /// `https://host` (with its port when not 443), for messages.
    pub fn describe(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match (self.loopback_http, self.port) {
            (true, _) => format!("http(s)://{host}"),
            (false, 443) => format!("https://{host}"),
            (false, port) => format!("https://{host}:{port}"),
        }
    }
}

/// `localhost`, `127.x.y.z` or `::1`.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git_host(api: &str) -> GitHost {
        GitHost::of_api(api).unwrap_or_else(|| panic!("{api} has a Git host"))
    }

    #[test]
    fn urls_are_parsed_strictly() {
        let parts = UrlParts::parse("https://x-access-token@GitHub.com:8443/acme/p.git").unwrap();
        assert_eq!(
            (parts.scheme.as_str(), parts.host.as_str(), parts.port),
            ("https", "github.com", Some(8443))
        );
        let v6 = UrlParts::parse("http://[::1]:9/a").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", Some(9)));
        for odd in [
            "git@github.com:acme/p.git",
            "/srv/git/p.git",
            "--upload-pack=touch /tmp/x",
            "https://github.com /x",
            "https://github.com\\@evil.example/x",
            "https://:443/x",
            "https://github.com:http/x",
            "https://github.com\n/x",
            "://github.com",
            "https://github.com?@evil.example/x",
            "https://github.com#@evil.example/x",
            "https://a@b@github.com/x",
        ] {
            assert_eq!(UrlParts::parse(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn the_git_host_of_each_kind_of_forge() {
        assert_eq!(git_host("https://api.github.com").host, "github.com");
        assert_eq!(git_host("https://api.github.com/").host, "github.com");
        assert_eq!(git_host("https://ghe.acme.io/api/v3").host, "ghe.acme.io");
        assert_eq!(git_host("https://api.octo.ghe.com").host, "octo.ghe.com");
        assert_eq!(git_host("http://127.0.0.1:8080").host, "127.0.0.1");
        // Plain HTTP elsewhere, or not a URL: git never gets the token.
        assert_eq!(GitHost::of_api("http://ghe.acme.io/api/v3"), None);
        assert_eq!(GitHost::of_api("ftp://127.0.0.1"), None);
        assert_eq!(GitHost::of_api("api.github.com"), None);
    }

    #[test]
    fn the_token_goes_to_the_forge_s_git_host_over_https_only() {
        let github = git_host("https://api.github.com");
        assert!(github.allows("https://github.com/acme/p.git"));
        assert!(github.allows("https://x-access-token@github.com/acme/p.git"));
        assert!(github.allows("https://GITHUB.COM:443/acme/p.git"));
        for refused in [
            "http://github.com/acme/p.git",
            "https://github.com:8443/acme/p.git",
            "https://api.github.com/acme/p.git",
            "https://github.com.evil.example/acme/p.git",
            "https://evil.example/github.com/acme/p.git",
            "https://github.com@evil.example/acme/p.git",
            "ssh://git@github.com/acme/p.git",
            "git@github.com:acme/p.git",
            "ext::sh -c touch% /tmp/x",
            "--upload-pack=touch /tmp/x",
            "/srv/git/p.git",
        ] {
            assert!(!github.allows(refused), "{refused}");
        }
        let enterprise = git_host("https://ghe.acme.io:8443/api/v3");
        assert!(enterprise.allows("https://ghe.acme.io:8443/acme/p.git"));
        assert!(!enterprise.allows("https://ghe.acme.io/acme/p.git"));
        let tenant = git_host("https://api.octo.ghe.com");
        assert!(tenant.allows("https://octo.ghe.com/acme/p.git"));
        assert!(!tenant.allows("https://api.octo.ghe.com/acme/p.git"));
    }

    #[test]
    fn plain_http_only_to_the_loopback_host_of_a_loopback_api() {
        let local = git_host("http://127.0.0.1:4000");
        assert!(local.allows("http://127.0.0.1:5000/acme/p.git"));
        assert!(local.allows("https://127.0.0.1:5000/acme/p.git"));
        assert!(!local.allows("http://localhost:5000/acme/p.git"));
        assert!(!local.allows("http://127.0.0.2:5000/acme/p.git"));
        assert!(!local.allows("http://github.com/acme/p.git"));
        assert_eq!(local.describe(), "http(s)://127.0.0.1");
        assert_eq!(
            git_host("https://api.github.com").describe(),
            "https://github.com"
        );
    }
}
