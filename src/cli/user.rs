//! `dateline user add`

use std::io::Read;

use clap::Subcommand;

use crate::config::Config;
use crate::domain::{parse_email, Role};
use crate::web::auth;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a newsroom account.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// author, editor or admin.
        #[arg(long, default_value = "author")]
        role: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
}

pub async fn run(cfg: Config, c: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add { email, name, role, password_stdin } = c;
    let email = parse_email(&email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("--role: use author, editor or admin"))?;
    if name.trim().is_empty() {
        anyhow::bail!("--name: enter a name");
    }
    let hash = if password_stdin {
        let mut s = String::new();
        std::io::stdin().take(1024).read_to_string(&mut s)?;
        let pw = s.lines().next().unwrap_or("").to_owned();
        auth::check_new_password(&pw).map_err(|m| anyhow::anyhow!("password: {m}"))?;
        Some(auth::hash_password(&pw)?)
    } else {
        None
    };
    let store = crate::app::open_store(&cfg).await?;
    let u = store.create_user(&email, &name, role, hash.as_deref(), chrono::Utc::now()).await.map_err(|e| match e {
        crate::store::StoreError::Conflict(_) => {
            anyhow::anyhow!("a user with the email {email} already exists")
        }
        other => other.into(),
    })?;
    println!("added {} <{}> as {} (id {})", u.name, u.email, u.role.as_str(), u.id.0);
    if hash.is_none() {
        println!("no password set: this user can use API tokens but cannot log in to /admin");
    }
    Ok(())
}
