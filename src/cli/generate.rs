//! `dateline generate`: a large, deterministic site for benchmarks (the same
//! seed always gives the same articles), written through the store as an
//! editor's saves would be.

use anyhow::Context;
use chrono::{Duration, TimeZone, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::Config;
use crate::domain::{ArticleInput, BodyFormat, CommentStatus, Kind, Status};
use crate::store::{ArticleWrite, CommentWrite, Effects, NewComment};

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// How many published articles to add.
    #[arg(long, default_value_t = 1000)]
    articles: u32,
    /// How many approved reader comments to spread over the new articles.
    #[arg(long, default_value_t = 0)]
    comments: u32,
    /// The random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Words every generated story draws on, so benchmark queries have common and rare matches.
const NEWS_WORDS: &[&str] = &[
    "harbour", "council", "budget", "summit", "ferry", "election", "minister", "court", "strike", "tram", "hospital",
    "school", "market", "river", "bridge", "festival", "police", "weather", "housing", "energy", "talks", "vote",
    "report", "plan", "museum", "airport", "farmers", "storm", "rail", "library",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "ven", "dra", "mi", "tor", "sel", "ar", "bu", "nen", "quo", "ri", "sta", "ul", "fe", "gor", "pa",
    "lin", "os", "tre", "ve", "zan", "mo", "ke",
];
const SECTIONS: &[&str] = &["City", "Region", "World", "Business", "Sport", "Culture", "Science", "Opinion"];

struct Words {
    common: Vec<String>,
}

impl Words {
    fn new(rng: &mut StdRng) -> Words {
        let mut common: Vec<String> = Vec::new();
        while common.len() < 20_000 {
            let n = rng.gen_range(2..=4);
            common.push((0..n).map(|_| SYLLABLES[rng.gen_range(0..SYLLABLES.len())]).collect());
        }
        Words { common }
    }

    /// A word, the frequent ones far more often (roughly Zipf). A news word
    /// (the ones benchmark queries use) comes up about once in 250 words, so
    /// each is in a few percent of stories, as a topic word is in an archive.
    fn pick(&self, rng: &mut StdRng) -> &str {
        if rng.gen_range(0..250) == 0 {
            return NEWS_WORDS[rng.gen_range(0..NEWS_WORDS.len())];
        }
        let r: f64 = rng.gen();
        &self.common[((r * r * r) * self.common.len() as f64) as usize % self.common.len()]
    }

    fn sentence(&self, rng: &mut StdRng, words: usize) -> String {
        let mut s: Vec<&str> = (0..words).map(|_| self.pick(rng)).collect();
        let first = s[0].to_owned();
        let mut cap = first[..1].to_uppercase();
        cap.push_str(&first[1..]);
        s[0] = &cap;
        format!("{}.", s.join(" "))
    }
}

fn title_case(s: &str) -> String {
    s.trim_end_matches('.')
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Adds `count` approved comments to random articles of `made`, a thousand per transaction.
async fn comments(
    store: &dyn crate::store::Store,
    rng: &mut StdRng,
    words: &Words,
    made: &[(crate::domain::ArticleId, chrono::DateTime<Utc>)],
    count: u32,
) -> anyhow::Result<()> {
    if count == 0 || made.is_empty() {
        return Ok(());
    }
    let bar = ProgressBar::new(u64::from(count));
    if let Ok(style) = ProgressStyle::with_template("comments   [{bar:40}] {pos}/{len} {per_sec} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut batch = Vec::with_capacity(1000);
    for i in 0..count {
        let (article, published) = made[rng.gen_range(0..made.len())];
        let reader = rng.gen_range(1..=5000);
        let text: Vec<String> = (0..rng.gen_range(1..=3)).map(|_| words.sentence(rng, 14)).collect();
        batch.push(CommentWrite {
            comment: NewComment {
                article_id: article,
                parent_id: None,
                author_name: format!("Reader {reader}"),
                author_email: format!("reader{reader}@example.org"),
                author_url: None,
                body: text.join(" "),
                status: CommentStatus::Approved,
                visitor: None,
                ip: "127.0.0.1".into(),
                spam_score: None,
                notify: false,
                staff: false,
            },
            effects: Effects::default(),
            at: published + Duration::minutes(rng.gen_range(1..=4320)),
        });
        if batch.len() == 1000 || i + 1 == count {
            store.create_comments(&batch).await.context("comments")?;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    bar.finish();
    Ok(())
}

pub async fn run(cfg: Config, args: GenerateArgs) -> anyhow::Result<()> {
    let store = crate::app::open_store(&cfg).await?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    let words = Words::new(&mut rng);
    let start = Utc.with_ymd_and_hms(2016, 1, 1, 6, 0, 0).single().context("start date")?;
    let span = Utc::now() - Duration::days(1) - start;
    let bar = ProgressBar::new(u64::from(args.articles));
    if let Ok(style) = ProgressStyle::with_template("generating [{bar:40}] {pos}/{len} {per_sec} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut made = Vec::with_capacity(args.articles as usize);
    for i in 0..args.articles {
        let paragraphs: Vec<String> = (0..rng.gen_range(3..=6))
            .map(|_| (0..rng.gen_range(2..=5)).map(|_| words.sentence(&mut rng, 12)).collect::<Vec<_>>().join(" "))
            .collect();
        let offset = Duration::seconds(rng.gen_range(0..span.num_seconds().max(1)));
        let input = ArticleInput {
            kind: Kind::Article,
            slug: Some(format!("story-{}-{i}", args.seed)),
            headline: title_case(&words.sentence(&mut rng, 6)),
            standfirst: Some(words.sentence(&mut rng, 16)),
            body: paragraphs.join("\n\n"),
            body_format: BodyFormat::Markdown,
            dateline: None,
            section: Some(SECTIONS[rng.gen_range(0..SECTIONS.len())].to_owned()),
            tags: vec![NEWS_WORDS[rng.gen_range(0..NEWS_WORDS.len())].to_owned()],
            authors: vec![format!("Reporter {}", rng.gen_range(1..=30))],
            photo: None,
            status: Status::Published,
            published_at: Some(start + offset),
            comments_open: true,
            password: None,
        };
        let search = crate::render::search_doc(&input);
        let w = ArticleWrite {
            input: &input,
            search: &search,
            by: None,
            at: start + offset,
            old_path: None,
            if_status: None,
        };
        let a = store.create_article(&w, &Effects::default()).await.with_context(|| format!("article {i}"))?;
        made.push((a.id, start + offset));
        bar.inc(1);
    }
    bar.finish();
    comments(store.as_ref(), &mut rng, &words, &made, args.comments).await?;
    // One notice for the lot tells a running server.
    store.log_change(&crate::domain::change::Notice::everything(), Utc::now()).await?;
    println!("Generated {} articles and {} comments (seed {}).", args.articles, args.comments, args.seed);
    Ok(())
}
