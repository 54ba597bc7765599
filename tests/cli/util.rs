//! Helpers shared by the integration tests.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository's own folder (for `examples/` and `tests/fixtures/`).
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `portolan` with a scrubbed environment: no colour, no inherited config.
pub fn portolan() -> Command {
    let mut cmd = Command::cargo_bin("portolan").expect("the portolan binary is built");
    cmd.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

/// Run `portolan validate DIR --format json`: the exit code and the parsed report.
pub fn validate_json(dir: &Path) -> (i32, Value) {
    let output = portolan()
        .args(["validate", "--format", "json"])
        .arg(dir)
        .output()
        .expect("portolan runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

/// The (rule, file, line, column) of every finding in a report.
pub fn findings(report: &Value) -> Vec<(String, String, Option<u64>, Option<u64>)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics is a list")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64(),
                d["column"].as_u64(),
            )
        })
        .collect()
}

/// Write files (path → content) under a new temporary directory.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, content) in files {
        write(dir.path(), path, content.as_bytes());
    }
    dir
}

/// Write one file, creating its folders.
pub fn write(root: &Path, path: &str, content: &[u8]) {
    let full = root.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("create folders");
    }
    std::fs::write(full, content).expect("write a fixture file");
}

/// Copy a folder recursively (fixtures are small).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
