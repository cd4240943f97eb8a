//! Tokens, sentences and paragraphs.
//!
//! The tokenizer makes one pass over the text and never looks back, so its cost is linear in the
//! length of the text. Every token carries byte offsets that fall on `char` boundaries, which is
//! what lets the rest of the module hand out `Mention` offsets without checking them again.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// Letters (with inner apostrophes, hyphens and, for "U.S."-style abbreviations, periods).
    Word,
    /// Digits, with inner "," or "." between digits and an optional ordinal suffix ("24th").
    Number,
    /// The possessive "'s" / "’s" split off a word.
    Possessive,
    /// Any other single character that is not white space.
    Punct,
}

/// One token: a byte range of the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
}

/// How the words of a paragraph are capitalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Ordinary prose.
    Normal,
    /// Headline case ("The Quick Brown Fox Jumps"): capitals carry no evidence of a name.
    Headline,
    /// Mostly upper case: capitals carry no evidence at all.
    Shouting,
}

/// A sentence: a token range and the byte range it covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sentence {
    pub tok_start: usize,
    pub tok_end: usize,
    pub start: usize,
    pub end: usize,
    pub style: Style,
}

/// The tokenized text.
pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// For each token, the index of its sentence.
    pub sentence_of: Vec<usize>,
}

/// Abbreviations whose final period belongs to the word ("Mr.", "Feb.", "Inc.").
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "inc",
    "corp", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "vs", "etc", "rev", "mt", "ft", "adm", "supt", "det", "insp", "cllr", "messrs", "mme", "mlle",
];

/// Abbreviations after which a new sentence may start when the next word is a typical opener.
const FINAL_ABBREVIATIONS: &[&str] = &["inc.", "corp.", "ltd.", "co.", "jr.", "sr.", "etc."];

/// Words that typically open a sentence; used to decide whether "U.S. The" ends a sentence.
const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "But",
    "And",
    "In",
    "On",
    "At",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "After",
    "Before",
    "When",
    "While",
    "As",
    "If",
    "Officials",
    "Some",
    "Many",
    "Most",
    "No",
    "Yet",
    "Still",
    "However",
    "Meanwhile",
];

impl<'a> Doc<'a> {
    /// Tokenize `text` and split it into sentences.
    pub fn new(text: &'a str) -> Doc<'a> {
        let tokens = tokenize(text);
        let sentences = split_sentences(text, &tokens);
        let mut sentence_of = vec![0; tokens.len()];
        for (si, s) in sentences.iter().enumerate() {
            for slot in &mut sentence_of[s.tok_start..s.tok_end] {
                *slot = si;
            }
        }
        Doc { text, tokens, sentences, sentence_of }
    }

    /// The text of token `i`.
    pub fn tok(&self, i: usize) -> &'a str {
        let t = self.tokens[i];
        &self.text[t.start..t.end]
    }

    /// The token `i` if it exists.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        (i < self.tokens.len()).then(|| self.tok(i))
    }

    pub fn kind(&self, i: usize) -> TokKind {
        self.tokens[i].kind
    }

    pub fn is_word(&self, i: usize) -> bool {
        i < self.tokens.len() && self.tokens[i].kind == TokKind::Word
    }

    /// True when token `i` is a punctuation token equal to one of `chars`.
    pub fn is_punct(&self, i: usize, chars: &str) -> bool {
        i < self.tokens.len() && self.tokens[i].kind == TokKind::Punct && chars.contains(self.tok(i))
    }

    /// Style of the sentence holding token `i`.
    pub fn style(&self, i: usize) -> Style {
        self.sentences[self.sentence_of[i]].style
    }

    /// Whether tokens `i` and `j` are in the same sentence.
    pub fn same_sentence(&self, i: usize, j: usize) -> bool {
        i < self.tokens.len() && j < self.tokens.len() && self.sentence_of[i] == self.sentence_of[j]
    }

    /// Whether only spaces or tabs (no line break) separate token `i` from token `i + 1`.
    pub fn adjacent(&self, i: usize) -> bool {
        i + 1 < self.tokens.len() && !self.text[self.tokens[i].end..self.tokens[i + 1].start].contains('\n')
    }
}

/// Title case: first char upper case and at least one lower-case letter ("Biden", "McCain", "O’Brien").
pub(crate) fn is_title(w: &str) -> bool {
    let mut chars = w.chars();
    matches!(chars.next(), Some(c) if c.is_uppercase()) && w.chars().any(char::is_lowercase)
}

/// Starts with an upper-case letter.
pub(crate) fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// At least two letters and no lower-case letter ("NATO", "G7", "U.S.").
pub(crate) fn is_upper(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase)
}

/// Lower-case key used by the lexicons: curly apostrophes folded to straight ones.
pub(crate) fn key(w: &str) -> String {
    w.chars().map(|c| if c == '’' { '\'' } else { c }).flat_map(char::to_lowercase).collect()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn is_hyphen(c: char) -> bool {
    c == '-' || c == '\u{2010}' || c == '\u{2011}'
}

/// Split `text` into tokens (see [`TokKind`]).
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| if i < n { Some(chars[i].1) } else { None };
    let pos = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut tokens = Vec::with_capacity(n / 5 + 1);
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_alphabetic() {
            i += 1;
            loop {
                match at(i) {
                    Some(c) if c.is_alphanumeric() || c == '\u{0301}' || c == '\u{0308}' => i += 1,
                    Some(c) if is_apostrophe(c) => {
                        // "’s" followed by a non-letter is a possessive, split off below.
                        let next = at(i + 1);
                        let after = at(i + 2);
                        if matches!(next, Some('s')) && !after.is_some_and(char::is_alphanumeric) {
                            break;
                        }
                        if next.is_some_and(char::is_alphabetic) {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    Some(c) if is_hyphen(c) && at(i + 1).is_some_and(char::is_alphanumeric) => i += 1,
                    _ => break,
                }
            }
            // Abbreviations: "U.S.", "D.C.", initials "F.", and known words such as "Mr." or "Feb.".
            let word = &text[pos(start)..pos(i)];
            if at(i) == Some('.') {
                let single_upper = i - start == 1 && c.is_uppercase();
                if single_upper {
                    i += 1;
                    // Swallow "S." of "U.S." and so on.
                    while at(i).is_some_and(char::is_alphabetic) && at(i + 1) == Some('.') {
                        i += 2;
                    }
                } else if ABBREVIATIONS.contains(&key(word).as_str()) {
                    i += 1;
                }
            }
            tokens.push(Token { start: pos(start), end: pos(i), kind: TokKind::Word });
            if at(i).is_some_and(is_apostrophe) && at(i + 1) == Some('s') {
                tokens.push(Token { start: pos(i), end: pos(i + 2), kind: TokKind::Possessive });
                i += 2;
            }
        } else if c.is_ascii_digit() {
            i += 1;
            loop {
                match at(i) {
                    Some(c) if c.is_ascii_digit() => i += 1,
                    Some(',' | '.') if at(i + 1).is_some_and(|c| c.is_ascii_digit()) => i += 1,
                    _ => break,
                }
            }
            // Ordinal suffix: 1st, 2nd, 3rd, 24th.
            let suffix: String = (i..(i + 2).min(n)).filter_map(at).collect::<String>().to_lowercase();
            if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th") && !at(i + 2).is_some_and(char::is_alphanumeric) {
                i += 2;
            }
            tokens.push(Token { start: pos(start), end: pos(i), kind: TokKind::Number });
        } else {
            i += 1;
            tokens.push(Token { start: pos(start), end: pos(i), kind: TokKind::Punct });
        }
    }
    tokens
}

/// Closing characters that may follow a sentence-final mark and still belong to the sentence.
fn is_closer(s: &str) -> bool {
    matches!(s, "\"" | "”" | "’" | "'" | ")" | "]")
}

/// Split into sentences at ". ! ?" (and "…") followed by a capital, digit or quote, and at paragraph
/// breaks (a blank line). "U.S."-style abbreviations end a sentence only before a typical opener.
fn split_sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start_tok = 0;
    let tk = |i: usize| &text[tokens[i].start..tokens[i].end];
    let mut i = 0;
    while i < tokens.len() {
        let mut end_here = false;
        let mut last = i;
        let t = tk(i);
        let gap_after = |j: usize| if j + 1 < tokens.len() { &text[tokens[j].end..tokens[j + 1].start] } else { "" };
        if tokens[i].kind == TokKind::Punct && matches!(t, "." | "!" | "?" | "…") {
            // Swallow closing quotes and brackets.
            while last + 1 < tokens.len() && is_closer(tk(last + 1)) && gap_after(last).is_empty() {
                last += 1;
            }
            end_here = match tokens.get(last + 1) {
                None => true,
                Some(_) => {
                    let next = tk(last + 1);
                    !gap_after(last).is_empty()
                        && (is_capitalised(next)
                            || next.starts_with(|c: char| c.is_ascii_digit())
                            || matches!(next, "\"" | "“" | "‘" | "'" | "(" | "—" | "–"))
                }
            };
        } else if tokens[i].kind == TokKind::Word && t.ends_with('.') && i + 1 < tokens.len() {
            let k = key(t);
            let next = tk(i + 1);
            let dotted = t.len() > 2 && t[..t.len() - 1].contains('.');
            if (dotted || FINAL_ABBREVIATIONS.contains(&k.as_str())) && SENTENCE_OPENERS.contains(&next) {
                end_here = true;
            }
        }
        if !end_here && last + 1 < tokens.len() && gap_after(last).matches('\n').count() >= 2 {
            end_here = true;
        }
        if end_here || last + 1 >= tokens.len() {
            out.push(Sentence {
                tok_start: start_tok,
                tok_end: last + 1,
                start: tokens[start_tok].start,
                end: tokens[last].end,
                style: Style::Normal,
            });
            start_tok = last + 1;
        }
        i = last + 1;
    }
    mark_styles(text, tokens, &mut out);
    out
}

/// Classify each paragraph (a run of sentences without a blank line between them) as normal prose,
/// headline case or shouting, and copy the class to its sentences.
fn mark_styles(text: &str, tokens: &[Token], sentences: &mut [Sentence]) {
    let mut p = 0;
    while p < sentences.len() {
        let mut q = p + 1;
        while q < sentences.len() && !text[sentences[q - 1].end..sentences[q].start].contains("\n\n") {
            q += 1;
        }
        let (mut long, mut capital, mut words, mut upper) = (0usize, 0usize, 0usize, 0usize);
        for t in &tokens[sentences[p].tok_start..sentences[q - 1].tok_end] {
            if t.kind != TokKind::Word {
                continue;
            }
            let w = &text[t.start..t.end];
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            if letters >= 2 {
                words += 1;
                if is_upper(w) {
                    upper += 1;
                }
            }
            if letters >= 4 {
                long += 1;
                if is_capitalised(w) {
                    capital += 1;
                }
            }
        }
        let style = if words >= 3 && upper * 10 >= words * 6 {
            Style::Shouting
        } else if long >= 4 && capital * 10 >= long * 8 {
            Style::Headline
        } else {
            Style::Normal
        };
        for s in &mut sentences[p..q] {
            s.style = style;
        }
        p = q;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn tokens_keep_abbreviations_and_split_possessives() {
        assert_eq!(
            words("U.S. President Putin’s O’Brien hasn’t"),
            ["U.S.", "President", "Putin", "’s", "O’Brien", "hasn’t"]
        );
        assert_eq!(words("Mr. F. Smith, 150,000 on 24th."), ["Mr.", "F.", "Smith", ",", "150,000", "on", "24th", "."]);
        assert_eq!(words("Russia-backed “yes”"), ["Russia-backed", "“", "yes", "”"]);
    }

    #[test]
    fn sentences_split_on_marks_and_paragraphs() {
        let d = Doc::new("He met Mr. Smith in the U.S. Army. Then he left.\n\nNew paragraph “quoted.” Next one");
        let s: Vec<&str> = d.sentences.iter().map(|s| &d.text[s.start..s.end]).collect();
        assert_eq!(s, ["He met Mr. Smith in the U.S. Army.", "Then he left.", "New paragraph “quoted.”", "Next one"]);
    }

    #[test]
    fn styles() {
        let d = Doc::new(
            "The Quick Brown Fox Jumps Over The Lazy Dog\n\nTHIS IS ALL SHOUTING NOW\n\nA normal line of prose.",
        );
        let styles: Vec<Style> = d.sentences.iter().map(|s| s.style).collect();
        assert_eq!(styles, [Style::Headline, Style::Shouting, Style::Normal]);
    }
}
