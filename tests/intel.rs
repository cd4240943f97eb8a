//! Tests of the story-intelligence extractor (`crate::intel`): the seed article, a hand-annotated
//! evaluation set with precision/recall, robustness and the temporal rules.
//!
//! Run the scores with `cargo test --test intel -- --nocapture`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use dateline::intel::{self, Annotations, Input, Kind, When};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An article file: YAML front matter between `---` lines, then a Markdown body of plain paragraphs.
struct Article {
    title: String,
    date: NaiveDate,
    dateline: Option<String>,
    body: String,
}

fn load_article(path: &Path) -> Article {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let raw = raw.replace("\r\n", "\n");
    let rest = raw.strip_prefix("---\n").expect("front matter");
    let (front, body) = rest.split_once("\n---\n").expect("end of front matter");
    let meta: serde_yaml_ng::Value = serde_yaml_ng::from_str(front).expect("YAML front matter");
    let field = |k: &str| meta.get(k).and_then(|v| v.as_str()).map(str::to_string);
    // The date as written ("2022-02-20T21:30:00-05:00"): its local date is the first ten characters.
    let date_text = field("date").expect("date");
    let date = NaiveDate::parse_from_str(&date_text[..10], "%Y-%m-%d").expect("date");
    // Minimal Markdown: paragraphs are kept; emphasis markers and heading hashes are dropped.
    let body = body
        .trim()
        .split("\n\n")
        .map(|p| p.trim().trim_start_matches('#').trim().replace("**", "").replace('*', "").replace('_', " "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    Article { title: field("title").unwrap_or_default(), date, dateline: field("dateline"), body }
}

/// The text handed to the extractor: the headline as the first paragraph, then the body.
fn run(a: &Article) -> (String, Annotations) {
    let text = format!("{}\n\n{}", a.title, a.body);
    let ann = intel::extract(&Input { text: &text, published: a.date, dateline: a.dateline.as_deref() });
    (text, ann)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn value(w: &When) -> String {
    match w {
        When::Day { date } => date.to_string(),
        When::Month { year, month } => format!("{year:04}-{month:02}"),
        When::Year { year } => year.to_string(),
        When::Range { from, to } => format!("{from}/{to}"),
    }
}

fn entity<'a>(ann: &'a Annotations, kind: Kind, name: &str) -> &'a intel::Entity {
    ann.entities
        .iter()
        .find(|e| e.kind == kind && e.name == name)
        .unwrap_or_else(|| panic!("no {} {name:?} in {:?}", kind.as_str(), names(ann, kind)))
}

fn names(ann: &Annotations, kind: Kind) -> Vec<&str> {
    ann.entities.iter().filter(|e| e.kind == kind).map(|e| e.name.as_str()).collect()
}

fn has_event(ann: &Annotations, needle: &str, expression: &str, when: When) -> bool {
    ann.events.iter().any(|e| e.expression == expression && e.when == when && e.sentence.contains(needle))
}

/// Every mention, quote and event must point at its own text.
fn check_offsets(text: &str, ann: &Annotations) {
    for e in &ann.entities {
        for m in &e.mentions {
            assert_eq!(text.get(m.start..m.end), Some(m.text.as_str()), "mention of {}", e.name);
        }
    }
    for q in &ann.quotes {
        assert_eq!(text.get(q.start..q.end), Some(q.text.as_str()));
    }
    for ev in &ann.events {
        assert_eq!(text.get(ev.start..ev.end), Some(ev.expression.as_str()));
        assert_eq!(text.get(ev.sentence_start..ev.sentence_start + ev.sentence.len()), Some(ev.sentence.as_str()));
    }
}

#[test]
fn seed_article() {
    let seed = manifest().join("../shared/seed/article.md");
    if !seed.exists() {
        eprintln!("skipped: needs ../shared/seed (the seed article) beside the clone");
        return;
    }
    let a = load_article(&seed);
    assert_eq!(a.date, day(2022, 2, 20));
    let (text, ann) = run(&a);
    check_offsets(&text, &ann);

    let biden = entity(&ann, Kind::Person, "Joe Biden");
    assert!(biden.roles.iter().any(|r| r.contains("President")), "{:?}", biden.roles);
    assert_eq!(biden.slug, "joe-biden");
    assert!(biden.mentions.len() >= 5, "surname-only mentions are linked");
    let putin = entity(&ann, Kind::Person, "Vladimir Putin");
    assert!(
        putin.mentions.iter().any(|m| text[m.end..].starts_with("’s") || text[m.end..].starts_with("'s"))
            || putin.mentions.len() >= 5
    );
    let blinken = entity(&ann, Kind::Person, "Antony Blinken");
    assert!(blinken.roles.iter().any(|r| r.contains("Secretary of State")));
    let lavrov = entity(&ann, Kind::Person, "Sergei Lavrov");
    assert!(lavrov.roles.iter().any(|r| r.contains("Foreign Minister")));
    let psaki = entity(&ann, Kind::Person, "Jen Psaki");
    assert!(psaki.roles.iter().any(|r| r.contains("spokeswoman")));
    let macron = entity(&ann, Kind::Person, "Emmanuel Macron");
    assert!(macron.roles.iter().any(|r| r.contains("President")));
    assert_eq!(names(&ann, Kind::Person).len(), 6, "{:?}", names(&ann, Kind::Person));

    for place in ["Washington", "Ukraine", "Russia", "Geneva", "France", "United States"] {
        entity(&ann, Kind::Place, place);
    }
    let russia = entity(&ann, Kind::Place, "Russia");
    assert!(russia.mentions.iter().any(|m| text[m.end..].starts_with("’s")), "possessive Russia’s is a mention");
    for org in ["NATO", "Kremlin", "White House"] {
        entity(&ann, Kind::Organisation, org);
    }
    let g7 = entity(&ann, Kind::Organisation, "G7");
    let members: BTreeSet<&str> = g7.members.iter().map(String::as_str).collect();
    let expected: BTreeSet<&str> =
        ["United States", "United Kingdom", "France", "Germany", "Canada", "Italy", "Japan"].into_iter().collect();
    assert_eq!(members, expected);

    let d = |m, dd| When::Day { date: day(2022, m, dd) };
    assert!(
        has_event(&ann, "statement", "February 18", d(2, 18)) || has_event(&ann, "convinced", "February 18", d(2, 18))
    );
    assert!(has_event(&ann, "statement", "February 20", d(2, 20)));
    assert!(has_event(&ann, "talks", "February 24", d(2, 24)));
    assert!(has_event(&ann, "G7", "February 24", d(2, 24)));
    assert!(has_event(&ann, "Geneva", "in June", When::Month { year: 2021, month: 6 }));
    assert!(has_event(&ann, "Macron", "earlier in the day", d(2, 20)));
    let coming = ann.events.iter().find(|e| e.expression == "in the coming days").expect("in the coming days");
    assert!(matches!(coming.when, When::Range { from, .. } if from == day(2022, 2, 20)));
    let g7_meeting = ann.events.iter().find(|e| e.sentence.contains("G7") && e.expression == "February 24").unwrap();
    assert!(g7_meeting.participants.iter().any(|p| p == "Joe Biden"));
    assert!(g7_meeting.participants.iter().any(|p| p == "G7"));

    let quote = |s: &str| ann.quotes.iter().find(|q| q.text.contains(s)).unwrap_or_else(|| panic!("quote {s:?}"));
    assert_eq!(quote("if an invasion hasn’t happened").speaker.as_deref(), Some("Jen Psaki"));
    assert_eq!(quote("convinced").speaker.as_deref(), Some("Joe Biden"));
    assert_eq!(quote("full-scale assault").speaker.as_deref(), Some("Jen Psaki"));
    let json = serde_json::to_string(&ann).unwrap();
    assert_eq!(serde_json::from_str::<Annotations>(&json).unwrap(), ann);
}

/// The hand annotation of one evaluation article.
#[derive(serde::Deserialize)]
struct Truth {
    people: Vec<String>,
    places: Vec<String>,
    organisations: Vec<String>,
    times: Vec<(String, String)>,
}

#[derive(Default, Clone, Copy)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add(&mut self, truth: &BTreeSet<String>, got: &BTreeSet<String>) {
        self.tp += truth.intersection(got).count();
        self.fp += got.difference(truth).count();
        self.fn_ += truth.difference(got).count();
    }
    fn p(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn r(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Expressions are compared without a leading preposition ("on Sunday" = "Sunday"), in lower case.
fn norm_expression(e: &str) -> String {
    let e = e.trim().to_lowercase();
    for p in ["in ", "on ", "at ", "since ", "by ", "for ", "from ", "until ", "during ", "over "] {
        if let Some(rest) = e.strip_prefix(p) {
            return rest.to_string();
        }
    }
    e
}

#[test]
fn evaluation_set_scores() {
    let dir = manifest().join("tests/intel/articles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 12, "at least 12 articles");
    let labels = ["people", "places", "organisations", "time"];
    let mut scores = [Score::default(); 4];
    for path in &paths {
        let article = load_article(path);
        let words = article.body.split_whitespace().count();
        assert!((150..=400).contains(&words), "{}: {words} words", path.display());
        let truth: Truth =
            serde_yaml_ng::from_str(&std::fs::read_to_string(path.with_extension("yaml")).unwrap()).unwrap();
        let (text, ann) = run(&article);
        check_offsets(&text, &ann);
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<BTreeSet<_>>();
        let got = |k: Kind| ann.entities.iter().filter(|e| e.kind == k).map(|e| e.name.to_lowercase()).collect();
        let truth_times: BTreeSet<String> =
            truth.times.iter().map(|(e, v)| format!("{} = {v}", norm_expression(e))).collect();
        let got_times: BTreeSet<String> =
            ann.events.iter().map(|e| format!("{} = {}", norm_expression(&e.expression), value(&e.when))).collect();
        let pairs = [
            (lower(&truth.people), got(Kind::Person)),
            (lower(&truth.places), got(Kind::Place)),
            (lower(&truth.organisations), got(Kind::Organisation)),
            (truth_times, got_times),
        ];
        let name = path.file_stem().unwrap().to_string_lossy();
        for (i, (t, g)) in pairs.iter().enumerate() {
            scores[i].add(t, g);
            let missed: Vec<&String> = t.difference(g).collect();
            let extra: Vec<&String> = g.difference(t).collect();
            if !missed.is_empty() || !extra.is_empty() {
                println!("{name} {:<13} missed {missed:?} extra {extra:?}", labels[i]);
            }
        }
    }
    let mut total = Score::default();
    println!("\n{:<14} {:>5} {:>5} {:>5} {:>9} {:>7} {:>7}", "type", "tp", "fp", "fn", "precision", "recall", "F1");
    for (label, s) in labels.iter().zip(scores) {
        println!("{label:<14} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>7.3}", s.tp, s.fp, s.fn_, s.p(), s.r(), s.f1());
        total.tp += s.tp;
        total.fp += s.fp;
        total.fn_ += s.fn_;
    }
    println!(
        "{:<14} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>7.3}",
        "total",
        total.tp,
        total.fp,
        total.fn_,
        total.p(),
        total.r(),
        total.f1()
    );
    for (label, s) in labels.iter().zip(scores) {
        assert!(
            s.p() >= 0.8 && s.r() >= 0.8,
            "{label}: precision {:.3} recall {:.3} below the 0.8 floor",
            s.p(),
            s.r()
        );
    }
}

fn extract(text: &str, published: NaiveDate) -> Annotations {
    let ann = intel::extract(&Input { text, published, dateline: None });
    check_offsets(text, &ann);
    ann
}

#[test]
fn empty_and_blank_texts() {
    for text in ["", " ", "\n\n\n", "“", "\"", "’s", "—"] {
        let ann = extract(text, day(2024, 1, 1));
        assert!(ann.entities.is_empty() && ann.events.is_empty(), "{text:?}: {ann:?}");
    }
}

#[test]
fn dateline_alone_is_a_place() {
    let ann = intel::extract(&Input { text: "", published: day(2024, 1, 1), dateline: Some("KYIV, Ukraine") });
    assert_eq!(names(&ann, Kind::Place), ["Kyiv", "Ukraine"]);
    let ann = intel::extract(&Input {
        text: "Crews in Port Alder cleared the road.",
        published: day(2024, 1, 1),
        dateline: Some("PORT ALDER"),
    });
    assert_eq!(entity(&ann, Kind::Place, "Port Alder").mentions.len(), 1);
}

#[test]
fn other_languages_yield_no_people() {
    let text = "Die Bundesregierung hat am Montag neue Maßnahmen beschlossen. Der Kanzler sagte, die Lage sei \
                ernst.\n\nLe gouvernement a annoncé mardi de nouvelles mesures. « Nous devons agir », a déclaré \
                le ministre devant l’Assemblée nationale à Paris.";
    let ann = extract(text, day(2024, 3, 5));
    assert!(names(&ann, Kind::Person).is_empty(), "{:?}", names(&ann, Kind::Person));
    assert!(ann.entities.len() <= 3, "{:?}", ann.entities);
}

#[test]
fn capitalised_noise_gives_no_people() {
    let text =
        "The Quick Brown Fox Jumps Over The Lazy Dog\n\nWill Prices Rise As Summer Heat Grows Stronger Than Ever\n\n\
                THIS IS ALL SHOUTING ABOUT JOHN SMITH AND PARIS AND THE PRESIDENT\n\n\
                Grace Under Pressure, Hope Springs Eternal, Mark My Words Tomorrow";
    let ann = extract(text, day(2024, 3, 5));
    assert!(names(&ann, Kind::Person).is_empty(), "{:?}", names(&ann, Kind::Person));
    assert!(names(&ann, Kind::Place).is_empty(), "{:?}", names(&ann, Kind::Place));
}

#[test]
fn multibyte_text_keeps_offsets_on_char_boundaries() {
    let text = "Ministerin Zoë Ågren-Łukasiewicz 🙂 sagte: “Ça va.” — Président Émile Dürr’s “naïve” plan, 東京 \
                on 3 März 2024. Mr. Ōtani said “très bien,” 2024-02-30 and 31 February.";
    // Every prefix that ends on a char boundary must be handled without a panic.
    for (i, _) in text.char_indices() {
        extract(&text[..i], day(2024, 3, 5));
    }
    let ann = extract(text, day(2024, 3, 5));
    assert!(ann.entities.iter().any(|e| e.name == "Émile Dürr"), "{:?}", ann.entities);
}

#[test]
fn one_megabyte_finishes() {
    let paragraph = "Finance Minister Clara Obuya said on Tuesday that the Northwind Holdings deal, first \
                     reported last week, would close in March. “It is done,” Obuya told reporters in Nairobi. \
                     The Quick Brown Fox Jumps Over The Lazy Dog. ";
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 1_000_000 {
        text.push_str(paragraph);
        n += 1;
        text.push_str(if n % 3 == 0 { "\n\n" } else { " " });
    }
    let ann = extract(&text, day(2024, 3, 5));
    assert!(ann.entities.iter().any(|e| e.name == "Clara Obuya"));
    // One long sentence of capitalised words and quotation marks (worst case for look-arounds).
    let noise = "Alpha Beta “Gamma” Delta said Epsilon ".repeat(30_000);
    let ann = extract(&noise, day(2024, 3, 5));
    assert!(ann.entities.len() < 10);
}

fn one_event(text: &str, published: NaiveDate) -> (String, When) {
    let ann = extract(text, published);
    assert_eq!(ann.events.len(), 1, "{text:?}: {:?}", ann.events);
    (ann.events[0].expression.clone(), ann.events[0].when)
}

#[test]
fn temporal_rules() {
    let p = day(2022, 2, 20); // a Sunday
    let d = |y, m, dd| When::Day { date: day(y, m, dd) };
    let range = |a: NaiveDate, b: NaiveDate| When::Range { from: a, to: b };
    let cases: Vec<(&str, &str, When)> = vec![
        ("The talks will take place on February 24.", "February 24", d(2022, 2, 24)),
        ("She said February 18 that the plan was ready.", "February 18", d(2022, 2, 18)),
        ("The summit met on March 3 and adjourned.", "March 3", d(2021, 3, 3)),
        ("Leaders signed the pact on 3 March 2021.", "3 March 2021", d(2021, 3, 3)),
        ("Leaders signed the pact on March 3, 2021.", "March 3, 2021", d(2021, 3, 3)),
        ("The file is dated 2021-03-03.", "2021-03-03", d(2021, 3, 3)),
        ("They met in June in Geneva.", "in June", When::Month { year: 2021, month: 6 }),
        ("They will meet in June.", "in June", When::Month { year: 2022, month: 6 }),
        ("Prices rose in 2019.", "in 2019", When::Year { year: 2019 }),
        ("The court ruled last June.", "last June", When::Month { year: 2021, month: 6 }),
        ("Results are due in May.", "in May", When::Month { year: 2022, month: 5 }),
        ("Officials met on Friday.", "Friday", d(2022, 2, 18)),
        ("Officials will meet on Friday.", "Friday", d(2022, 2, 25)),
        ("He spoke on Sunday.", "Sunday", d(2022, 2, 20)),
        ("The vote is next Tuesday.", "next Tuesday", d(2022, 2, 22)),
        ("The vote was last Tuesday.", "last Tuesday", d(2022, 2, 15)),
        ("Talks resumed today.", "today", d(2022, 2, 20)),
        ("Talks resumed yesterday.", "yesterday", d(2022, 2, 19)),
        ("Talks resume tomorrow.", "tomorrow", d(2022, 2, 21)),
        ("He spoke earlier in the day.", "earlier in the day", d(2022, 2, 20)),
        ("He spoke last week.", "last week", range(day(2022, 2, 7), day(2022, 2, 13))),
        ("He will speak next week.", "next week", range(day(2022, 2, 21), day(2022, 2, 27))),
        ("Sales fell last month.", "last month", When::Month { year: 2022, month: 1 }),
        ("Sales will rise next month.", "next month", When::Month { year: 2022, month: 3 }),
        ("Sales fell last year.", "last year", When::Year { year: 2021 }),
        ("It happened in the spring.", "in the spring", range(day(2021, 3, 1), day(2021, 5, 31))),
        ("It will happen in the spring.", "in the spring", range(day(2022, 3, 1), day(2022, 5, 31))),
        ("It could come in the coming days.", "in the coming days", range(p, day(2022, 2, 27))),
        ("It has warned in recent weeks.", "in recent weeks", range(day(2022, 1, 23), p)),
        ("Shelling rose over the past few days.", "over the past few days", range(day(2022, 2, 13), p)),
        ("The plant closed three days ago.", "three days ago", d(2022, 2, 17)),
        ("The plant closed two years ago.", "two years ago", When::Year { year: 2020 }),
        ("Talks ran 20–27 February 2022.", "20–27 February 2022", range(day(2022, 2, 20), day(2022, 2, 27))),
        ("It began in the autumn of 2021.", "in the autumn of 2021", range(day(2021, 9, 1), day(2021, 11, 30))),
        ("Ministers met on Monday, March 4, 2019.", "Monday, March 4, 2019", d(2019, 3, 4)),
    ];
    for (text, expression, when) in cases {
        assert_eq!(one_event(text, p), (expression.to_string(), when), "{text}");
    }
}

#[test]
fn ambiguous_words_are_not_dates_or_names() {
    let p = day(2024, 5, 1);
    let ann = extract("Protesters march to the square. Theresa May said she may return.", p);
    assert!(ann.events.is_empty(), "{:?}", ann.events);
    assert_eq!(names(&ann, Kind::Person), ["Theresa May"]);
    let ann = extract("Jordan Henderson scored. Aid reached Jordan on Monday.", p);
    assert_eq!(names(&ann, Kind::Person), ["Jordan Henderson"]);
    assert_eq!(names(&ann, Kind::Place), ["Jordan"]);
    let ann = extract("Apple sold more phones. She ate an apple.", p);
    assert_eq!(names(&ann, Kind::Organisation), ["Apple"]);
    assert_eq!(entity(&ann, Kind::Organisation, "Apple").mentions.len(), 1);
}

#[test]
fn quotes_and_speakers() {
    let p = day(2024, 5, 1);
    let text = "Finance Minister Clara Obuya spoke in Nairobi. “We are ready,” Obuya said. \
                “It is done,” she added.\n\n“Nobody knows.”\n\nThe ministry said in a statement: “Rates will fall.”";
    let ann = extract(text, p);
    let speaker = |s: &str| ann.quotes.iter().find(|q| q.text.contains(s)).and_then(|q| q.speaker.clone());
    assert_eq!(speaker("We are ready").as_deref(), Some("Clara Obuya"));
    assert_eq!(speaker("It is done").as_deref(), Some("Clara Obuya"));
    assert_eq!(speaker("Nobody knows"), None);
    assert_eq!(entity(&ann, Kind::Person, "Clara Obuya").roles, ["Finance Minister"]);
}
