//! Failure and pause points for the tests of what a crash or an I/O error leaves
//! behind: `PORTOLAN_TEST_FAULT=rename:2` makes the second rename fail,
//! `PORTOLAN_TEST_PAUSE=rename:2` stops before it (after touching the file named by
//! `PORTOLAN_TEST_PAUSE_FILE`, so a test knows when to kill the process, for
//! `PORTOLAN_TEST_PAUSE_MS` or two minutes). They exist
//! in debug builds only: a release build compiles them to nothing.

use std::io;

/// Fail here when the tests ask for it; pause here when they ask for that.
#[cfg(debug_assertions)]
pub fn point(name: &str, index: usize) -> io::Result<()> {
    let here = format!("{name}:{index}");
    if std::env::var("PORTOLAN_TEST_PAUSE").is_ok_and(|p| p == here) {
        if let Some(file) = std::env::var_os("PORTOLAN_TEST_PAUSE_FILE") {
            let _ = std::fs::write(file, &here);
        }
        let ms = std::env::var("PORTOLAN_TEST_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(120_000);
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    if std::env::var("PORTOLAN_TEST_FAULT").is_ok_and(|f| f == here) {
        return Err(io::Error::other(format!("injected failure at {here}")));
    }
    Ok(())
}

/// Release builds have no failure points.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn point(_name: &str, _index: usize) -> io::Result<()> {
    Ok(())
}
