//! Turning content into HTML: the template engine, Markdown and typography,
//! and the view models the templates read.
//!
//! Templates are embedded in the binary and may be overridden file by file
//! from a theme folder. Autoescaping follows the extension (`.html`, `.xml`),
//! so text is escaped unless a view model marks it as already-safe HTML.

pub mod markdown;
pub mod view;

use std::path::PathBuf;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

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
        env.set_loader(move |name| {
            if name.contains("..") {
                return Ok(None);
            }
            if let Some(dir) = &theme_dir {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            "cannot read theme template",
                        )
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
