//! Write a synthetic platform repository for the benchmark (see `bench/run.sh`).
//!
//! ```text
//! cargo run --release --example gen-catalog -- DIR N [--invalid SHARE] [--seed S]
//! ```
//!
//! Writes `DIR/portolan.yaml`, `DIR/catalog/…` with N entities over the built-in
//! blueprints, SHARE of them (0 to 1, default 0) with one injected error each, and
//! `DIR/injected.json`: the list of `{file, rule, blueprint, entity}` that
//! `portolan validate DIR` must report, outside the catalog so it is never read as one.

use portolan::synth::{generate, Spec};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: gen-catalog DIR N [--invalid SHARE] [--seed S]";

fn parse_args() -> Result<(PathBuf, Spec), String> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut spec = Spec::new(0);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--invalid" | "--seed" => {
                let value = args.next().ok_or(format!("{arg} needs a value"))?;
                if arg == "--invalid" {
                    spec.invalid_share = value
                        .parse()
                        .map_err(|e| format!("--invalid {value}: {e}"))?;
                } else {
                    spec.seed = value.parse().map_err(|e| format!("--seed {value}: {e}"))?;
                }
            }
            "-h" | "--help" => return Err(String::new()),
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ => positional.push(arg),
        }
    }
    let [dir, n] = positional.as_slice() else {
        return Err("expected DIR and N".into());
    };
    spec.entities = n
        .replace('_', "")
        .parse()
        .map_err(|e| format!("N {n}: {e}"))?;
    Ok((PathBuf::from(dir), spec))
}

fn main() -> ExitCode {
    let (dir, spec) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("gen-catalog: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let generated = match generate(&dir, &spec) {
        Ok(generated) => generated,
        Err(e) => {
            eprintln!("gen-catalog: cannot write {}: {e}", dir.display());
            return ExitCode::from(1);
        }
    };
    let listing = match serde_json::to_string_pretty(&generated.injected) {
        Ok(text) => text + "\n",
        Err(e) => {
            eprintln!("gen-catalog: {e}");
            return ExitCode::from(1);
        }
    };
    let injected = dir.join("injected.json");
    if let Err(e) = std::fs::write(&injected, listing) {
        eprintln!("gen-catalog: cannot write {}: {e}", injected.display());
        return ExitCode::from(1);
    }
    println!(
        "{}: {} entities in {} files, {} injected errors (listed in {}), in {:.1} s",
        dir.display(),
        generated.entities,
        generated.files,
        generated.injected.len(),
        injected.display(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
