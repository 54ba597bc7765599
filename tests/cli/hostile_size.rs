//! Sizes a hand-written catalog never has, which a hostile or generated one may: tens
//! of thousands of findings in one document (located in linear time, issue 15 item
//! 14) and identifiers and titles wider than any terminal (cut in human output, never
//! in machine formats, item 17).

use crate::util::{portolan, repo, text};
use serde_json::Value;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The widest cell of human output (`output::table::MAX_CELL_WIDTH`).
const CAP: usize = 80;

/// Run `portolan validate ROOT --format json`, killing it after `limit`: the report, or
/// a failure that says how long it ran.
fn validate_within(root: &std::path::Path, limit: Duration) -> Value {
    let binary = assert_cmd::cargo::cargo_bin("portolan");
    let mut child = Command::new(binary)
        .args(["validate", "--format", "json"])
        .arg(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read stdout on a thread, so a full pipe never stalls the child.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("portolan validate ran for more than {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = reader.join().unwrap().unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// Every finding is a `relation-dangling` error, in order, at the line and column of
/// its item as `at(i)` gives them.
fn assert_located(report: &Value, n: usize, at: impl Fn(usize) -> (u64, u64)) {
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), n);
    for (i, d) in diagnostics.iter().enumerate() {
        assert_eq!(d["rule"], "relation-dangling");
        let found = (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
        assert_eq!(found, at(i), "finding {i}: {d}");
    }
}

/// 40,000 dangling items in one YAML list are all located, well within a ceiling that
/// locating them one at a time (each index walked from the start of the list) misses
/// by far. A tripwire against quadratic locating, not a benchmark (`bench/locate.sh`).
/// The list is a flow sequence, one item a line: the span-aware grammar loses block
/// structure past line 32,767, where a block list of 40,000 items would be.
#[test]
fn forty_thousand_findings_in_one_document_are_located_in_linear_time() {
    let n = 40_000;
    let mut yaml = String::from("identifier: big\ntitle: Big\nrelations:\n  resources: [\n");
    for i in 0..n {
        yaml.push_str(&format!("    missing-{i:06},\n"));
    }
    yaml.push_str("    ]\n");
    let dir = repo(&[("catalog/Component/big.yaml", &yaml)]);
    let report = validate_within(dir.path(), Duration::from_secs(30));
    // Item i is on line 5 + i, after four blanks.
    assert_located(&report, n, |i| (5 + i as u64, 5));
}

/// The same in one line of minified JSON: a column is counted once, not from the start
/// of the line for each finding.
#[test]
fn forty_thousand_findings_on_one_json_line_are_located_in_linear_time() {
    let n = 40_000;
    let items: Vec<String> = (0..n).map(|i| format!("\"missing-{i:06}\"")).collect();
    let prefix = r#"{"identifier":"big","relations":{"resources":["#;
    let json = format!("{prefix}{}]}}}}\n", items.join(","));
    let dir = repo(&[("catalog/Component/big.json", &json)]);
    let report = validate_within(dir.path(), Duration::from_secs(30));
    // Item i starts after the prefix and i items of 16 characters and a comma each.
    let width = items[0].len() as u64 + 1;
    assert_located(&report, n, |i| {
        (1, prefix.len() as u64 + 1 + i as u64 * width)
    });
}

/// An entity whose identifier is as long as identifiers go (1000 characters), with a
/// title of a million, beside an ordinary one.
fn wide_catalog() -> (tempfile::TempDir, String) {
    let id = "a".repeat(1000);
    let title = "T".repeat(1_000_000);
    let wide = format!("identifier: {id}\ntitle: {title}\nteam: [payments]\n");
    let dir = repo(&[
        ("catalog/Component/wide.yaml", &wide),
        (
            "catalog/Component/short.yaml",
            "identifier: short\ntitle: Short\n",
        ),
    ]);
    (dir, id)
}

fn list(root: &std::path::Path, args: &[&str]) -> String {
    let output = portolan()
        .arg("list")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn wide_cells_are_cut_in_the_list_table_and_whole_in_machine_formats() {
    let (dir, id) = wide_catalog();
    let table = list(dir.path(), &[]);
    // Four columns of at most CAP, two blanks between them.
    for line in table.lines() {
        let width = line.chars().count();
        assert!(width <= 4 * CAP + 3 * 2, "a row {width} wide:\n{line:.300}");
    }
    let row = table
        .lines()
        .find(|l| l.starts_with("Component/aaa"))
        .unwrap();
    let entity: String = row.chars().take(CAP).collect();
    assert!(entity.ends_with('…'), "{entity}");
    let title = row.split_whitespace().nth(1).unwrap();
    assert_eq!(title.chars().count(), CAP);
    assert!(title.starts_with("TTT") && title.ends_with('…'));
    // The ordinary row is aligned with the cut one, not pushed a million columns out.
    let short = table
        .lines()
        .find(|l| l.starts_with("Component/short"))
        .unwrap();
    assert_eq!(short.find("Short"), Some(CAP + 2), "{short}");

    // Machine formats keep every character.
    let ids = list(dir.path(), &["--format", "ids"]);
    assert!(
        ids.lines().any(|l| l == format!("Component/{id}")),
        "{ids:.200}"
    );
    let json: Value = serde_json::from_str(&list(dir.path(), &["--format", "json"])).unwrap();
    let titles: Vec<usize> = json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().len())
        .collect();
    assert!(titles.contains(&1_000_000), "{titles:?}");
}

#[test]
fn wide_cells_are_cut_in_show() {
    let (dir, id) = wide_catalog();
    let output = portolan()
        .args(["show", &format!("Component/{id}"), "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let shown = String::from_utf8(output.stdout).unwrap();
    let first = shown.lines().next().unwrap();
    // The reference and the title, each cut.
    assert_eq!(first.chars().count(), 2 * CAP + 2, "{first:.300}");
    assert_eq!(first.matches('…').count(), 2);
    for line in shown.lines() {
        assert!(line.chars().count() <= 2 * CAP + 2, "{line:.300}");
    }
}

/// Human output shows a long line (minified JSON) around each finding's span, not
/// whole: laid out in full for each of thousands of findings, it took hours.
#[test]
fn human_output_shows_long_lines_around_each_finding() {
    let n = 2_000;
    let items: Vec<String> = (0..n).map(|i| format!("\"missing-{i:06}\"")).collect();
    let json = format!(
        "{{\"identifier\":\"big\",\"relations\":{{\"resources\":[{}]}}}}\n",
        items.join(",")
    );
    let dir = repo(&[("catalog/Component/big.json", &json)]);
    let output = portolan().arg("validate").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let human = String::from_utf8(output.stdout).unwrap();
    for line in human.lines() {
        assert!(
            line.chars().count() < 200,
            "a line {} long: {line:.300}",
            line.len()
        );
    }
    // Each snippet shows its own item, cut with an ellipsis on both sides, under the
    // real line and column (46 characters before the list, 17 for each item).
    let lines: Vec<&str> = human.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.ends_with("big.json:1:17047"))
        .unwrap_or_else(|| panic!("no location of item 1000:\n{human:.3000}"));
    let shown = lines[header + 2];
    assert!(shown.starts_with("1 | …"), "{shown}");
    assert!(
        shown.ends_with('…') && shown.contains("\"missing-001000\""),
        "{shown}"
    );
}
