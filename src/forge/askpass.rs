//! How the token reaches `git` — and nothing else git runs.
//!
//! The token is never in a URL, in `.git/config` or in an environment variable: every
//! child of git (hooks, remote helpers, credential helpers, `ssh`) inherits git's
//! environment, and some print or log it. Instead portolan runs git with
//! `GIT_ASKPASS` set to its own executable and serves the token from the parent:
//!
//! - For each git run that may authenticate, the parent makes a private directory
//!   (mode 0700, so the kernel lets only this user connect to what is inside) with a
//!   Unix socket in it, and a random nonce. Git's environment gets
//!   `PORTOLAN_ASKPASS=<nonce>:<socket>` — a way to ask, not the token.
//! - When git needs a password it starts portolan as its askpass with the prompt
//!   (`Password for 'https://x-access-token@github.com': `). That child connects,
//!   sends the nonce and the prompt, and prints what the parent answers.
//! - The parent answers only a caller that knows the nonce, only for a prompt whose URL
//!   is on the forge's Git host ([`GitHost::allows`], the check that chose to grant the
//!   token in the first place — belt and braces against a push URL, an `insteadOf` or
//!   a redirect that leads elsewhere), and only while that one git run lasts: the
//!   socket and its directory are removed when it ends.
//!
//! What remains exposed: a process that runs as the same user during that git run and
//! reads git's environment (a child of git, or `/proc/<pid>/environ`) could ask too —
//! but such a process can already read this process's memory. Portolan's git runs
//! execute no hooks (`core.hooksPath` is an empty directory) and no credential helper
//! where the token is granted, so the children of those runs are git's own programs
//! and the askpass. A logged environment shows a nonce that died with its git run.
//!
//! Off Unix (no Unix sockets in the standard library) the token falls back to a
//! variable of the git child, as before; Linux is where portolan runs in CI.

use super::GitHost;

/// The user name git sends with the token (GitHub ignores it; it must not be empty).
pub const USERNAME: &str = "x-access-token";

/// The variable that tells portolan it was started as git's askpass, and where to ask.
pub const CHANNEL_VAR: &str = "PORTOLAN_ASKPASS";

/// What git may authenticate with, and where. (No `Debug`: it would print the token.)
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub token: &'a str,
    pub host: &'a GitHost,
}

/// What the askpass child prints for git.
#[derive(Debug, PartialEq, Eq)]
pub enum Asked {
    /// The answer to print.
    Reply(String),
    /// No answer: git then fails with "could not read Password".
    Refused,
}

/// The answer to one of git's prompts: the user name, or the token, when the URL in
/// the prompt is on the forge's Git host.
#[cfg_attr(not(unix), allow(dead_code))]
fn reply(prompt: &str, credentials: Credentials<'_>) -> Option<String> {
    let (kind, rest) = prompt.split_once(" for '")?;
    let url = rest
        .strip_suffix("': ")
        .or_else(|| rest.strip_suffix('\''))?;
    if !credentials.host.allows(url) {
        return None;
    }
    match kind {
        "Username" => Some(USERNAME.to_owned()),
        "Password" => Some(credentials.token.to_owned()),
        _ => None,
    }
}

#[cfg(unix)]
pub use unix::{asked, serve, Server};

#[cfg(unix)]
mod unix {
    use super::{reply, Asked, Credentials, CHANNEL_VAR};
    use crate::forge::GitHost;
    use std::io::{self, Read, Write};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::thread::JoinHandle;
    use std::time::Duration;

    /// The most a request may hold (a nonce and a prompt).
    const MAX_REQUEST: u64 = 8 * 1024;
    /// How long a connection may take to say what it wants.
    const TIMEOUT: Duration = Duration::from_secs(10);

    /// The token, served to the askpass of one git run until dropped.
    pub struct Server {
        socket: PathBuf,
        nonce: String,
        stop: Arc<AtomicBool>,
        thread: Option<JoinHandle<()>>,
    }

    /// Serve `credentials` on a socket in `dir`, which must be a fresh directory only
    /// this user can enter (mode 0700).
    pub fn serve(dir: &Path, credentials: Credentials<'_>) -> io::Result<Server> {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(dir)?.permissions().mode() & 0o077 != 0 {
            return Err(io::Error::other(format!(
                "{} is open to other users: the askpass socket needs a private folder",
                dir.display()
            )));
        }
        let socket = dir.join("askpass.sock");
        let listener = UnixListener::bind(&socket)?;
        let nonce = nonce()?;
        let stop = Arc::new(AtomicBool::new(false));
        let token = credentials.token.to_owned();
        let host = credentials.host.clone();
        let (expected, stopping) = (nonce.clone(), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    // A caller that fails or goes quiet gets nothing; the next one is served.
                    let _ = answer_one(stream, &expected, &token, &host);
                }
            }
        });
        Ok(Server {
            socket,
            nonce,
            stop,
            thread: Some(thread),
        })
    }

    impl Server {
        /// What git's environment gets: the askpass program and where it asks.
        pub fn env(&self) -> Vec<(String, String)> {
            let exe = std::env::current_exe()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "portolan".into());
            vec![
                ("GIT_ASKPASS".into(), exe),
                (
                    CHANNEL_VAR.into(),
                    format!("{}:{}", self.nonce, self.socket.display()),
                ),
            ]
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the accept loop so that it sees the flag.
            let _ = UnixStream::connect(&self.socket);
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
            let _ = std::fs::remove_file(&self.socket);
        }
    }

    fn answer_one(
        mut stream: UnixStream,
        nonce: &str,
        token: &str,
        host: &GitHost,
    ) -> io::Result<()> {
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        let mut request = String::new();
        (&mut stream)
            .take(MAX_REQUEST)
            .read_to_string(&mut request)?;
        let Some((given, prompt)) = request.split_once('\n') else {
            return Ok(());
        };
        if given != nonce {
            return Ok(());
        }
        if let Some(answer) = reply(prompt, Credentials { token, host }) {
            stream.write_all(answer.as_bytes())?;
        }
        Ok(())
    }

    /// 128 random bits, in hex.
    fn nonce() -> io::Result<String> {
        let mut bytes = [0u8; 16];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// When this process was started by git as its askpass (`PORTOLAN_ASKPASS` is
    /// set): what to print. `args` are the process's arguments; the prompt is the first.
    pub fn asked(args: &[String]) -> Option<Asked> {
        let channel = std::env::var(CHANNEL_VAR).ok()?;
        let answer = (|| {
            let prompt = args.get(1)?;
            let (nonce, socket) = channel.split_once(':')?;
            let mut stream = UnixStream::connect(socket).ok()?;
            stream.set_read_timeout(Some(TIMEOUT)).ok()?;
            stream
                .write_all(format!("{nonce}\n{prompt}").as_bytes())
                .ok()?;
            stream.shutdown(std::net::Shutdown::Write).ok()?;
            let mut answer = String::new();
            stream.take(MAX_REQUEST).read_to_string(&mut answer).ok()?;
            (!answer.is_empty()).then_some(answer)
        })();
        Some(answer.map_or(Asked::Refused, Asked::Reply))
    }
}

#[cfg(not(unix))]
pub use fallback::{asked, serve, Server};

/// Without Unix sockets: the token in a variable of the git child, as before this
/// channel existed (its children inherit it); the parent still grants it only for a URL
/// on the forge's Git host.
#[cfg(not(unix))]
mod fallback {
    use super::{Asked, Credentials, CHANNEL_VAR, USERNAME};
    use std::path::Path;

    pub struct Server {
        env: Vec<(String, String)>,
    }

    pub fn serve(_dir: &Path, credentials: Credentials<'_>) -> std::io::Result<Server> {
        let exe = std::env::current_exe()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "portolan".into());
        Ok(Server {
            env: vec![
                ("GIT_ASKPASS".into(), exe),
                (CHANNEL_VAR.into(), credentials.token.to_owned()),
            ],
        })
    }

    impl Server {
        pub fn env(&self) -> Vec<(String, String)> {
            self.env.clone()
        }
    }

    pub fn asked(args: &[String]) -> Option<Asked> {
        let token = std::env::var(CHANNEL_VAR).ok()?;
        Some(match args.get(1) {
            Some(p) if p.starts_with("Username") => Asked::Reply(USERNAME.into()),
            Some(p) if p.starts_with("Password") => Asked::Reply(token),
            _ => Asked::Refused,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(host: &GitHost) -> Credentials<'_> {
        Credentials {
            token: "ghp_secret",
            host,
        }
    }

    #[test]
    fn only_prompts_for_the_forge_s_git_host_are_answered() {
        let host = GitHost::of_api("https://api.github.com").unwrap();
        let c = credentials(&host);
        assert_eq!(
            reply("Username for 'https://github.com': ", c).as_deref(),
            Some(USERNAME)
        );
        assert_eq!(
            reply("Password for 'https://x-access-token@github.com': ", c).as_deref(),
            Some("ghp_secret")
        );
        for refused in [
            "Password for 'http://x-access-token@github.com': ",
            "Password for 'https://x-access-token@evil.example': ",
            "Password for 'https://x-access-token@github.com.evil.example': ",
            "Passphrase for key '/home/u/.ssh/id_ed25519': ",
            "Are you sure you want to continue connecting (yes/no)? ",
            "Password: ",
        ] {
            assert_eq!(reply(refused, c), None, "{refused}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_socket_answers_who_knows_the_nonce_while_it_lasts() {
        use std::io::{Read, Write};
        use std::os::unix::fs::PermissionsExt;
        use std::os::unix::net::UnixStream;
        let dir = tempfile::tempdir().unwrap();
        let host = GitHost::of_api("https://api.github.com").unwrap();
        assert!(
            serve(dir.path(), credentials(&host)).is_err(),
            "a folder others may enter is refused"
        );
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let server = serve(dir.path(), credentials(&host)).unwrap();
        let env = server.env();
        let channel = &env.iter().find(|(k, _)| k == CHANNEL_VAR).unwrap().1;
        assert!(!channel.contains("ghp_secret"));
        let (nonce, socket) = channel.split_once(':').unwrap();
        let ask = |nonce: &str, prompt: &str| {
            let mut stream = UnixStream::connect(socket).unwrap();
            stream
                .write_all(format!("{nonce}\n{prompt}").as_bytes())
                .unwrap();
            stream.shutdown(std::net::Shutdown::Write).unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        };
        let prompt = "Password for 'https://x-access-token@github.com': ";
        assert_eq!(ask(nonce, prompt), "ghp_secret");
        assert_eq!(ask("0123", prompt), "", "a wrong nonce gets nothing");
        assert_eq!(
            ask(
                nonce,
                "Password for 'https://x-access-token@evil.example': "
            ),
            ""
        );
        drop(server);
        assert!(
            UnixStream::connect(socket).is_err(),
            "gone with its git run"
        );
    }
}
