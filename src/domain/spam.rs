//! A naive Bayes spam model learned from the site's own moderation: words of
//! approved comments count as ham, words of comments marked spam as spam.
//! Pure: token counts come in, a probability and its reasons go out.

use std::collections::{BTreeSet, HashMap};

/// How often a token was seen in spam and in ham comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenCount {
    pub spam: u64,
    pub ham: u64,
}

/// How many spam and ham comments the model learned from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub spam: u64,
    pub ham: u64,
}

/// The model's verdict with the tokens that weighed most.
#[derive(Debug, Clone, PartialEq)]
pub struct SpamScore {
    pub probability: f64,
    /// Up to five (token, spam probability of that token), strongest first.
    pub evidence: Vec<(String, f64)>,
}

impl SpamScore {
    /// Explains the score in words for moderators.
    pub fn explain(&self) -> String {
        let words: Vec<String> = self.evidence.iter().map(|(t, p)| format!("“{t}” {:.0}%", p * 100.0)).collect();
        format!("{:.0}% spam; strongest words: {}", self.probability * 100.0, words.join(", "))
    }
}

/// Below this many learned comments of each kind the model says nothing.
pub const MIN_DOCS: u64 = 3;

/// Splits text into the distinct lower-case tokens the model counts (words of
/// 3–30 letters or digits, plus link hosts as `host:…`).
pub fn tokens(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for raw in text.split_whitespace() {
        let lower = raw.to_lowercase();
        if let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            if !host.is_empty() {
                out.insert(format!("host:{host}"));
            }
            continue;
        }
        for w in lower.split(|c: char| !c.is_alphanumeric()) {
            let n = w.chars().count();
            if (3..=30).contains(&n) {
                out.insert(w.to_owned());
            }
        }
        if out.len() > 500 {
            break;
        }
    }
    out
}

/// Tells whether the model has seen enough of both kinds to score.
pub fn trained(totals: Totals) -> bool {
    totals.spam >= MIN_DOCS && totals.ham >= MIN_DOCS
}

/// Scores text against learned counts (Graham-style: the 15 most telling tokens, combined).
pub fn score(tokens: &BTreeSet<String>, counts: &HashMap<String, TokenCount>, totals: Totals) -> Option<SpamScore> {
    if !trained(totals) {
        return None;
    }
    let mut probs: Vec<(String, f64)> = tokens
        .iter()
        .filter_map(|t| {
            let c = counts.get(t)?;
            if c.spam + c.ham == 0 {
                return None;
            }
            let s = c.spam as f64 / totals.spam as f64;
            let h = c.ham as f64 / totals.ham as f64;
            // Laplace-style pull towards 0.5 for rarely seen tokens.
            let n = (c.spam + c.ham) as f64;
            let p = (s / (s + h) * n + 0.5) / (n + 1.0);
            Some((t.clone(), p.clamp(0.01, 0.99)))
        })
        .collect();
    if probs.is_empty() {
        return None;
    }
    probs.sort_by(|a, b| (b.1 - 0.5).abs().total_cmp(&(a.1 - 0.5).abs()).then_with(|| a.0.cmp(&b.0)));
    probs.truncate(15);
    let (mut ln_spam, mut ln_ham) = (0.0f64, 0.0f64);
    for (_, p) in &probs {
        ln_spam += p.ln();
        ln_ham += (1.0 - p).ln();
    }
    let probability = 1.0 / (1.0 + (ln_ham - ln_spam).exp());
    probs.truncate(5);
    Some(SpamScore { probability, evidence: probs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learn(spam: &[&str], ham: &[&str]) -> (HashMap<String, TokenCount>, Totals) {
        let mut counts: HashMap<String, TokenCount> = HashMap::new();
        for s in spam {
            for t in tokens(s) {
                counts.entry(t).or_default().spam += 1;
            }
        }
        for h in ham {
            for t in tokens(h) {
                counts.entry(t).or_default().ham += 1;
            }
        }
        (counts, Totals { spam: spam.len() as u64, ham: ham.len() as u64 })
    }

    #[test]
    fn the_model_stays_silent_until_it_has_learned_enough() {
        let (c, t) = learn(&["buy pills now"], &["good article"]);
        assert!(score(&tokens("buy pills"), &c, t).is_none());
    }

    #[test]
    fn learned_spam_words_score_high_and_news_talk_low() {
        let (c, t) = learn(
            &["cheap pills buy now https://pills.example", "buy cheap watches now", "casino bonus buy now cheap"],
            &[
                "the council vote was close",
                "thanks for this reporting on the council",
                "the tram line will help the harbour",
            ],
        );
        let spam = score(&tokens("buy cheap pills now at https://pills.example"), &c, t).unwrap();
        let ham = score(&tokens("the council should fund the tram"), &c, t).unwrap();
        assert!(spam.probability > 0.9, "{spam:?}");
        assert!(ham.probability < 0.1, "{ham:?}");
        assert!(spam.explain().contains("“buy”") || spam.explain().contains("“cheap”"), "{}", spam.explain());
    }

    #[test]
    fn tokens_are_words_and_link_hosts() {
        let t = tokens("Visit HTTPS://Shop.Example/x?y NOW, ok!");
        assert!(t.contains("host:shop.example") && t.contains("visit") && t.contains("now"));
        assert!(!t.contains("ok"), "too short");
    }
}
