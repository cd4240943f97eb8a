//! Users of the newsroom side and what each role may do.

use serde::{Deserialize, Serialize};

/// Identifies a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// Names what a user may do: authors write and submit, editors publish, admins also manage users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Author,
    Editor,
    Admin,
}

impl Role {
    /// Returns the stored and displayed name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "author" => Some(Role::Author),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Tells whether this role may publish, schedule and unpublish articles and add corrections.
    pub fn can_publish(self) -> bool {
        self >= Role::Editor
    }

    /// Tells whether this role may create users and see everyone's tokens.
    pub fn can_manage_users(self) -> bool {
        self == Role::Admin
    }
}

/// A person who logs in to `/admin` or uses the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: Option<String>,
}

/// Checks an email address typed into a form: one `@`, a dot in the domain, no spaces, at most 254 characters.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Enter an email address.".into());
    }
    if s.len() > 254 {
        return Err("An email address has at most 254 characters.".into());
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err("Enter an email address like name@example.org.".into());
    };
    let bad = local.is_empty()
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains('@')
        || s.chars().any(|c| c.is_whitespace() || c.is_control());
    if bad {
        return Err("Enter an email address like name@example.org.".into());
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_editors_and_admins_publish() {
        assert!(!Role::Author.can_publish());
        assert!(Role::Editor.can_publish());
        assert!(Role::Admin.can_publish());
    }

    #[test]
    fn only_admins_manage_users() {
        assert!(!Role::Editor.can_manage_users());
        assert!(Role::Admin.can_manage_users());
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(parse_email("ed@example.org").is_ok());
        assert!(parse_email("ed@localhost").is_err());
        assert!(parse_email("ed example@x.org").is_err());
        assert!(parse_email("@x.org").is_err());
        assert!(parse_email("").is_err());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in [Role::Author, Role::Editor, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
