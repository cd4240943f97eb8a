//! `dateline token create|list|revoke`

use clap::Subcommand;

use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (it is shown only once).
    Create {
        #[arg(long)]
        email: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token by id; it stops working at once.
    Revoke { id: i64 },
}

pub async fn run(cfg: Config, c: TokenCommand) -> anyhow::Result<()> {
    let store = crate::app::open_store(&cfg).await?;
    let now = chrono::Utc::now();
    match c {
        TokenCommand::Create { email, name } => {
            let user = store
                .get_user_by_email(&email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no user with the email {email}; add one with `dateline user add`"))?;
            let (info, token) = crate::service::account::create_token(store.as_ref(), &user, &name, now).await?;
            eprintln!(
                "token {} for {} ({}); keep it secret, it is not shown again:",
                info.id,
                user.email,
                user.role.as_str()
            );
            println!("{token}");
        }
        TokenCommand::List => {
            for t in store.list_tokens(None).await? {
                println!(
                    "{}\tuser {}\t{}\tcreated {}\t{}",
                    t.id,
                    t.user_id.0,
                    t.name,
                    t.created_at.format("%Y-%m-%d"),
                    if t.revoked { "revoked" } else { "active" }
                );
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_token(id, now).await.map_err(|e| match e {
                crate::store::StoreError::NotFound => anyhow::anyhow!("no token with id {id}"),
                other => other.into(),
            })?;
            println!("token {id} revoked");
        }
    }
    Ok(())
}
