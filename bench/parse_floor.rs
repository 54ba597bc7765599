//! The benchmark's floor: read and parse every catalog file on one thread, nothing else.
//!
//! ```text
//! cargo run --release --example parse-floor -- DIR [--runs R] [--libyaml]
//! ```
//!
//! Walks `DIR/catalog` with `std::fs`, reads each `.yaml`, `.yml` and `.json` file and
//! parses it with portolan's own parser (`portolan::source::parse::parse_bytes`), one
//! file after the other. `portolan validate` does all of that and checks the result
//! too, so it should only beat this time by working in parallel (DESIGN.md §8). With
//! `--runs R`, the pass is repeated and the fastest and median runs are printed. With
//! `--libyaml`, every YAML document goes through libyaml as before portolan had its
//! direct reader: a yardstick that tells how fast the machine runs today, comparable
//! with figures measured before that reader existed.

use portolan::source::parse::{parse_bytes, parse_bytes_by_libyaml, Format, Parsed};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Counts {
    files: usize,
    bytes: usize,
    documents: usize,
    errors: usize,
}

/// Catalog files under `dir`, depth first, in name order.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, Format)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file() {
            if let Some(format) = path.to_str().and_then(Format::of_path) {
                out.push((path, format));
            }
        }
    }
    Ok(())
}

fn pass(
    catalog: &Path,
    parse: fn(Vec<u8>, Format) -> Parsed,
) -> std::io::Result<(Counts, Duration)> {
    let started = Instant::now();
    let mut files = Vec::new();
    walk(catalog, &mut files)?;
    let mut counts = Counts::default();
    for (path, format) in files {
        let bytes = std::fs::read(&path)?;
        counts.files += 1;
        counts.bytes += bytes.len();
        let parsed = parse(bytes, format);
        counts.documents += parsed.documents.len();
        counts.errors += parsed.errors.len();
    }
    Ok((counts, started.elapsed()))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut runs = 1usize;
    let mut parse: fn(Vec<u8>, Format) -> Parsed = parse_bytes;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => match args.next().and_then(|r| r.parse().ok()) {
                Some(r) if r > 0 => runs = r,
                _ => {
                    eprintln!("parse-floor: --runs takes a positive number");
                    return ExitCode::from(2);
                }
            },
            "--libyaml" => parse = parse_bytes_by_libyaml,
            _ if dir.is_none() && !arg.starts_with('-') => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("usage: parse-floor DIR [--runs R] [--libyaml]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: parse-floor DIR [--runs R] [--libyaml]");
        return ExitCode::from(2);
    };
    let catalog = dir.join("catalog");
    let mut times = Vec::with_capacity(runs);
    let mut last = Counts::default();
    for _ in 0..runs {
        match pass(&catalog, parse) {
            Ok((counts, elapsed)) => {
                times.push(elapsed);
                last = counts;
            }
            Err(e) => {
                eprintln!("parse-floor: {}: {e}", catalog.display());
                return ExitCode::from(1);
            }
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} files, {:.1} MB, {} documents, {} parse errors: min {:.1} ms, median {:.1} ms over {runs} run(s), 1 thread",
        last.files,
        last.bytes as f64 / 1e6,
        last.documents,
        last.errors,
        ms(times[0]),
        ms(times[times.len() / 2]),
    );
    ExitCode::SUCCESS
}
