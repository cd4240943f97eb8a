//! What a reader types into a search box, read as words, quoted phrases,
//! `-exclusions` and `OR` alternatives. Anything else is a word: no input
//! is query syntax that can fail, and the size of a query is bounded.

/// A word or a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Word(String),
    Phrase(Vec<String>),
}

/// One condition every result meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// At least one of these (one unit unless the reader wrote `OR`).
    Any(Vec<Unit>),
    /// None of this.
    Not(Unit),
}

/// A parsed query: every clause must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub clauses: Vec<Clause>,
}

/// Longest query read, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most clauses read.
pub const MAX_CLAUSES: usize = 16;
/// Longest word kept, in characters.
const MAX_WORD_CHARS: usize = 60;

/// Keeps a word's letters and digits (and inner apostrophes and hyphens);
/// returns nothing for a token with no letter or digit (`*`, `(`, `--`).
fn clean_word(raw: &str) -> Option<String> {
    let w: String = raw
        .trim_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.'))
        .take(MAX_WORD_CHARS)
        .collect();
    w.chars().any(char::is_alphanumeric).then_some(w)
}

/// Splits the input into raw tokens: `"quoted phrases"` (a missing closing
/// quote ends the phrase at the end), and whitespace-separated words, each
/// with whether a `-` negated it.
fn tokens(input: &str) -> Vec<(bool, Option<Vec<String>>, String)> {
    let text: String = input.chars().take(MAX_QUERY_CHARS).collect();
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            let words: Vec<String> = phrase.split_whitespace().filter_map(clean_word).collect();
            out.push((negated, Some(words), phrase));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push((negated, None, word));
        }
    }
    out
}

impl SearchQuery {
    /// Reads a query; never fails. An empty result means there is nothing to search for.
    pub fn parse(input: &str) -> SearchQuery {
        let mut clauses: Vec<Clause> = Vec::new();
        let mut join_next = false;
        for (negated, phrase, raw) in tokens(input) {
            if phrase.is_none() && !negated && raw == "OR" {
                join_next = matches!(clauses.last(), Some(Clause::Any(_)));
                continue;
            }
            let unit = match phrase {
                Some(words) if words.len() > 1 => Unit::Phrase(words),
                Some(mut words) => match words.pop() {
                    Some(w) => Unit::Word(w),
                    None => continue,
                },
                None => match clean_word(&raw) {
                    Some(w) => Unit::Word(w),
                    None => continue,
                },
            };
            if negated {
                clauses.push(Clause::Not(unit));
            } else if join_next {
                if let Some(Clause::Any(units)) = clauses.last_mut() {
                    units.push(unit);
                }
            } else {
                clauses.push(Clause::Any(vec![unit]));
            }
            join_next = false;
            if clauses.len() >= MAX_CLAUSES {
                break;
            }
        }
        SearchQuery { clauses }
    }

    /// Tells whether the query asks for anything (exclusions alone do not).
    pub fn is_searchable(&self) -> bool {
        self.clauses.iter().any(|c| matches!(c, Clause::Any(_)))
    }

    /// The words a result must contain, for spelling suggestions.
    pub fn positive_words(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for c in &self.clauses {
            if let Clause::Any(units) = c {
                for u in units {
                    match u {
                        Unit::Word(w) => out.push(w.as_str()),
                        Unit::Phrase(ws) => out.extend(ws.iter().map(String::as_str)),
                    }
                }
            }
        }
        out
    }

    /// Writes the query back as a reader would type it, with `replace` applied to its words.
    pub fn to_text_with(&self, replace: impl Fn(&str) -> String) -> String {
        let unit = |u: &Unit| match u {
            Unit::Word(w) => replace(w),
            Unit::Phrase(ws) => format!("\"{}\"", ws.iter().map(|w| replace(w)).collect::<Vec<_>>().join(" ")),
        };
        self.clauses
            .iter()
            .map(|c| match c {
                Clause::Any(us) => us.iter().map(unit).collect::<Vec<_>>().join(" OR "),
                Clause::Not(u) => format!("-{}", unit(u)),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Splits text into lower-case words for the spelling vocabulary.
pub fn vocabulary(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| (3..=30).contains(&w.chars().count()) && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
}

/// Marks the start of a matched word in a snippet (a private-use character, never in text we index).
pub const MARK_START: char = '\u{E000}';
/// Marks the end of a matched word in a snippet.
pub const MARK_END: char = '\u{E001}';

/// What the search index holds for an article, as plain text.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    pub headline: String,
    /// Standfirst, section, tags and bylines.
    pub summary: String,
    pub caption: String,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Unit {
        Unit::Word(s.into())
    }

    #[test]
    fn words_phrases_exclusions_and_alternatives() {
        let q = SearchQuery::parse(r#"Biden "summit in Geneva" -Trump Putin OR Lavrov"#);
        assert_eq!(
            q.clauses,
            vec![
                Clause::Any(vec![w("Biden")]),
                Clause::Any(vec![Unit::Phrase(vec!["summit".into(), "in".into(), "Geneva".into()])]),
                Clause::Not(w("Trump")),
                Clause::Any(vec![w("Putin"), w("Lavrov")]),
            ]
        );
        assert_eq!(q.to_text_with(str::to_owned), r#"Biden "summit in Geneva" -Trump Putin OR Lavrov"#);
    }

    #[test]
    fn syntax_characters_are_never_syntax() {
        for hostile in ["\"", "*", "(", ")", "NEAR", "NEAR(a b)", "a:b", "^x", "OR", "-", "\"\"", "'; DROP TABLE x; --"]
        {
            let q = SearchQuery::parse(hostile);
            for c in &q.clauses {
                let units = match c {
                    Clause::Any(us) => us.clone(),
                    Clause::Not(u) => vec![u.clone()],
                };
                for u in units {
                    let words = match u {
                        Unit::Word(w) => vec![w],
                        Unit::Phrase(ws) => ws,
                    };
                    assert!(
                        words.iter().all(|w| w.chars().any(char::is_alphanumeric) && !w.contains('"')),
                        "{hostile}"
                    );
                }
            }
        }
        assert!(!SearchQuery::parse("*").is_searchable());
        assert!(!SearchQuery::parse("-only -exclusions").is_searchable());
        assert!(SearchQuery::parse("NEAR").is_searchable(), "a word like any other");
    }

    #[test]
    fn long_input_is_bounded() {
        let q = SearchQuery::parse(&"word ".repeat(2_000));
        assert_eq!(q.clauses.len(), MAX_CLAUSES);
        let q = SearchQuery::parse(&"x".repeat(10_000));
        assert_eq!(q.clauses, vec![Clause::Any(vec![w(&"x".repeat(60))])]);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        let q = SearchQuery::parse("\"tram line");
        assert_eq!(q.clauses, vec![Clause::Any(vec![Unit::Phrase(vec!["tram".into(), "line".into()])])]);
    }
}
