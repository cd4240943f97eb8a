//! Turning content into HTML: the template engine, Markdown and typography,
//! and the view models the templates read.
//!
//! Templates are embedded in the binary and may be overridden file by file
//! from a theme folder. Autoescaping follows the extension (`.html`, `.xml`),
//! so text is escaped unless a view model marks it as already-safe HTML.

pub mod feed;
pub mod live;
pub mod markdown;
pub mod seo;
pub mod view;

use std::path::PathBuf;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior};
use serde::Serialize;

use crate::domain::search::{SearchDoc, MARK_END, MARK_START};

#[derive(rust_embed::Embed)]
#[folder = "templates/"]
struct Embedded;

/// Renders named templates with serialisable contexts.
pub struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    /// Builds the engine; templates in `theme_dir` (when given) win over the embedded ones.
    ///
    /// Every embedded template is compiled once here, so a broken one stops start-up.
    pub fn new(theme_dir: Option<PathBuf>) -> Result<Renderer, minijinja::Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(format_value);
        env.set_loader(move |name| {
            if name.contains("..") {
                return Ok(None);
            }
            if let Some(dir) = &theme_dir {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "cannot read theme template")
                            .with_source(e)
                    });
                }
            }
            Ok(Embedded::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned()))
        });
        for name in Embedded::iter() {
            env.get_template(&name)?;
        }
        Ok(Renderer { env })
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: impl Serialize) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }

    /// Lists the embedded template names (for the test that renders them all).
    pub fn template_names() -> Vec<String> {
        Embedded::iter().map(|n| n.into_owned()).collect()
    }
}

/// Escapes text for HTML like the default formatter, but leaves `/` alone:
/// every attribute is quoted, so `&`, `<`, `>`, `"` and `'` are all that can
/// break out, and URLs stay readable (and pages smaller).
fn format_value(out: &mut Output<'_>, state: &State<'_, '_>, value: &Value) -> Result<(), minijinja::Error> {
    if !matches!(state.auto_escape(), AutoEscape::Html) || value.is_safe() || value.is_none() || value.is_undefined() {
        return minijinja::escape_formatter(out, state, value);
    }
    let owned;
    let text = match value.as_str() {
        Some(s) => s,
        None => {
            owned = value.to_string();
            &owned
        }
    };
    let fail =
        |e: std::fmt::Error| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write").with_source(e);
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            // Control characters XML cannot carry (input is cleaned of them;
            // this keeps older data and every other source safe too).
            0..=8 | 11 | 12 | 14..=31 => "",
            _ => continue,
        };
        out.write_str(&text[last..i]).map_err(fail)?;
        out.write_str(rep).map_err(fail)?;
        last = i + 1;
    }
    out.write_str(&text[last..]).map_err(fail)
}

/// Builds the indexed text of an article: markup stripped, terms spelled out.
pub fn search_doc(i: &crate::domain::ArticleInput) -> SearchDoc {
    let strip = |s: &str| s.replace([MARK_START, MARK_END], " ");
    // A story behind a password is found by its headline alone: no snippet may show its text.
    if i.password.is_some() {
        return SearchDoc { headline: strip(&i.headline), ..SearchDoc::default() };
    }
    let body = match i.body_format {
        crate::domain::BodyFormat::Markdown => markdown::plain_text(&i.body),
        crate::domain::BodyFormat::Html => markdown::html_text(&i.body),
    };
    let mut summary: Vec<&str> = i.standfirst.iter().map(String::as_str).collect();
    summary.extend(i.section.iter().map(String::as_str));
    summary.extend(i.tags.iter().map(String::as_str));
    summary.extend(i.authors.iter().map(String::as_str));
    let photo = i.photo.as_ref();
    let caption = [photo.and_then(|p| p.caption.as_deref()), photo.map(|p| p.alt.as_str())];
    SearchDoc {
        headline: strip(&i.headline),
        summary: strip(&summary.join(" \n")),
        caption: strip(&caption.iter().flatten().copied().collect::<Vec<_>>().join(" ")),
        body: strip(&body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_but_slashes_stay_readable() {
        let r = Renderer::new(None).unwrap();
        let mut env = r.env.clone();
        env.add_template("t.html", "<a href=\"{{ u }}\">{{ t }}</a>{{ n }}").unwrap();
        let html = env
            .get_template("t.html")
            .unwrap()
            .render(minijinja::context! { u => "/a/b?x=1&y='2'", t => "<script>\"hi\"</script>", n => 5 })
            .unwrap();
        assert_eq!(html, "<a href=\"/a/b?x=1&amp;y=&#39;2&#39;\">&lt;script&gt;&quot;hi&quot;&lt;/script&gt;</a>5");
    }
}
