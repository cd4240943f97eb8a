//! The layers of `src/` point one way. This test reads every `crate::…` path
//! in every source file (in `use` lines and inline alike) and fails when a
//! module refers to one it may not: a lower layer to a higher one, or two
//! modules to each other. `docs/ARCHITECTURE.md` draws the same table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may refer to. A module may
/// always refer to itself; anything not listed is refused.
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("intel", &[]),
    ("secret", &[]),
    ("config", &["domain"]),
    ("media", &["domain", "config"]),
    ("render", &["domain", "intel", "config", "media"]),
    ("store", &["domain", "intel", "config", "secret"]),
    ("changes", &["domain", "store"]),
    ("queue", &["store"]),
    ("mail", &["config", "store", "queue"]),
    ("purge", &["store", "queue"]),
    ("service", &["domain", "intel", "secret", "config", "media", "render", "store", "changes"]),
    ("import", &["domain", "intel", "config", "media", "render", "store", "service"]),
    ("demo", &["domain", "config", "media", "store", "service", "import"]),
    (
        "web",
        &[
            "domain", "intel", "secret", "config", "media", "render", "store", "changes", "queue", "mail", "service",
            "import",
        ],
    ),
    (
        "app",
        &[
            "domain", "intel", "secret", "config", "media", "render", "store", "changes", "queue", "mail", "purge",
            "service", "import", "demo", "web",
        ],
    ),
    (
        "cli",
        &[
            "domain", "intel", "secret", "config", "media", "render", "store", "changes", "queue", "mail", "purge",
            "service", "import", "demo", "app",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/web/admin/users.rs` → `web`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// Every module named after `crate::` in `text`, with its line, including
/// the members of `crate::{a, b::c}` groups. Comments are skipped.
fn referenced(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let name: String =
                        part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        out.push((n + 1, name));
                    }
                }
            } else {
                let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push((n + 1, name));
                }
            }
            rest = after;
        }
    }
    out
}

#[test]
fn no_module_refers_to_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let from = module_of(&src, file);
        if from == "lib" || from == "main" {
            continue;
        }
        let Some(may) = allowed.get(from.as_str()) else {
            wrong.push(format!("{}: module `{from}` has no place in the layers table", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, to) in referenced(&text) {
            if to != from && !may.contains(&to.as_str()) {
                wrong.push(format!("{}:{line}: `{from}` refers to `crate::{to}`", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "references against the layers:\n{}", wrong.join("\n"));
}

#[test]
fn the_table_has_no_cycle() {
    // Ranks: a module's rank is one more than the highest rank it may use.
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    fn rank<'a>(m: &'a str, allowed: &BTreeMap<&'a str, &'a [&'a str]>, seen: &mut Vec<&'a str>) -> usize {
        assert!(!seen.contains(&m), "a cycle through {seen:?} and {m}");
        seen.push(m);
        let r = allowed[m].iter().map(|d| rank(d, allowed, seen) + 1).max().unwrap_or(0);
        seen.pop();
        r
    }
    for m in allowed.keys() {
        rank(m, &allowed, &mut Vec::new());
    }
}

#[test]
fn the_reader_finds_inline_paths_and_groups() {
    let found = referenced("use crate::{domain::X, store};\nlet x = crate::web::f(); // crate::app");
    let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["domain", "store", "web"]);
}
