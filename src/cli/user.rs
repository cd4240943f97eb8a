//! `dateline user add`

use std::io::Read;

use clap::Subcommand;

use crate::config::Config;
use crate::domain::NewUser;
use crate::service::account::{self, AccountError};

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
    let password = if password_stdin {
        let mut s = String::new();
        std::io::stdin().take(1024).read_to_string(&mut s)?;
        Some(s.lines().next().unwrap_or("").to_owned())
    } else {
        None
    };
    let store = crate::app::open_store(&cfg).await?;
    let new = NewUser { email: email.clone(), name, role, password };
    let u = match account::create_user(store.as_ref(), new, chrono::Utc::now()).await {
        Ok(u) => u,
        Err(AccountError::Invalid(e)) => {
            let flag = |f: &str| if f == "password" { "password".to_owned() } else { format!("--{f}") };
            let lines: Vec<String> = e.0.iter().map(|(f, m)| format!("{}: {m}", flag(f))).collect();
            anyhow::bail!("{}", lines.join("\n"));
        }
        Err(AccountError::Taken) => anyhow::bail!("a user with the email {email} already exists"),
        Err(other) => return Err(other.into()),
    };
    println!("added {} <{}> as {} (id {})", u.name, u.email, u.role.as_str(), u.id.0);
    if u.password_hash.is_none() {
        println!("no password set: this user can use API tokens but cannot log in to /admin");
    }
    Ok(())
}
