//! The token reaches `git push` through `GIT_ASKPASS`, never through a URL or
//! `.git/config`: portolan runs git with `GIT_ASKPASS` set to its own executable and
//! the token in a variable only that child sees; when git asks, portolan answers.

/// The variable that carries the token to the askpass answer.
pub const TOKEN_VAR: &str = "PORTOLAN_ASKPASS_TOKEN";

/// When this process was started by git as its askpass program: the answer to print.
pub fn answer(args: &[String]) -> Option<String> {
    let token = std::env::var(TOKEN_VAR).ok()?;
    let prompt = args.get(1)?;
    if prompt.starts_with("Username") {
        Some("x-access-token".into())
    } else if prompt.starts_with("Password") {
        Some(token)
    } else {
        None
    }
}

/// The environment that lets a git child authenticate with `token`.
pub fn env(token: &str) -> Vec<(String, String)> {
    let exe = std::env::current_exe()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "portolan".into());
    vec![
        ("GIT_ASKPASS".into(), exe),
        (TOKEN_VAR.into(), token.to_owned()),
    ]
}
