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

/// A staff action that needs more than an author's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Moderate readers' comments.
    Moderate,
    /// Change the site's settings.
    ChangeSettings,
    /// Review what story intelligence found.
    ReviewEntities,
    /// Create users and see everyone's tokens.
    ManageUsers,
}

impl Permission {
    /// Tells whether `role` has this permission.
    pub fn granted_to(self, role: Role) -> bool {
        match self {
            Permission::ManageUsers => role.can_manage_users(),
            Permission::Moderate | Permission::ChangeSettings | Permission::ReviewEntities => role.can_publish(),
        }
    }

    /// Says who has it, for a refusal.
    pub fn refusal(self) -> &'static str {
        match self {
            Permission::Moderate => "Only editors and admins moderate comments.",
            Permission::ChangeSettings => "Only editors and admins can change site settings.",
            Permission::ReviewEntities => {
                "Only editors and admins can review the people, places and organisations found."
            }
            Permission::ManageUsers => "Only admins can manage users.",
        }
    }
}

/// Checks a staff action: the one place a role is held against a permission.
pub fn require(user: &User, p: Permission) -> Result<(), &'static str> {
    if p.granted_to(user.role) {
        Ok(())
    } else {
        Err(p.refusal())
    }
}

/// The author whose articles alone a user's lists show: None for editors and admins, who see all.
pub fn own_scope(user: &User) -> Option<UserId> {
    (!user.role.can_publish()).then_some(user.id)
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

/// A new account as someone typed it (the admin's form, the API, the
/// command line, the first-admin setup), before any rule was checked.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    /// `author`, `editor` or `admin`.
    pub role: String,
    /// None: the account uses API tokens only and cannot log in to `/admin`.
    pub password: Option<String>,
}

/// A new account that passed every rule of [`NewUser::check`].
#[derive(Debug, Clone)]
pub struct CheckedUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: Option<String>,
}

/// The longest name an account may have.
pub const MAX_USER_NAME: usize = 100;

impl NewUser {
    /// Checks a new account: the one place its rules live, whoever creates it.
    pub fn check(self) -> Result<CheckedUser, super::FieldErrors> {
        let mut e = super::FieldErrors::default();
        let email = parse_email(&self.email).map_err(|m| e.add("email", m)).ok();
        let role = Role::parse(&self.role);
        if role.is_none() {
            e.add("role", "Choose author, editor or admin.");
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_USER_NAME {
            e.add("name", format!("Enter a name (at most {MAX_USER_NAME} characters)."));
        }
        if let Some(Err(m)) = self.password.as_deref().map(check_new_password) {
            e.add("password", m);
        }
        match (email, role) {
            (Some(email), Some(role)) if e.is_empty() => {
                Ok(CheckedUser { email, name: name.to_owned(), role, password: self.password })
            }
            _ => Err(e),
        }
    }
}

/// Checks a new password's length.
pub fn check_new_password(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < 10 {
        return Err("Use at least 10 characters.".into());
    }
    if n > 200 {
        return Err("Use at most 200 characters.".into());
    }
    Ok(())
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

    #[test]
    fn new_accounts_are_checked_by_one_set_of_rules() {
        let ok = NewUser { email: "ed@example.org".into(), name: " Ed ".into(), role: "editor".into(), password: None };
        let u = ok.clone().check().unwrap();
        assert_eq!((u.name.as_str(), u.role), ("Ed", Role::Editor));
        let long = NewUser { name: "x".repeat(MAX_USER_NAME + 1), ..ok.clone() };
        assert!(long.check().unwrap_err().0.contains_key("name"));
        let short = NewUser { password: Some("short".into()), ..ok.clone() };
        assert!(short.check().unwrap_err().0.contains_key("password"));
        let bad = NewUser { email: "nope".into(), role: "root".into(), ..ok };
        let e = bad.check().unwrap_err();
        assert!(e.0.contains_key("email") && e.0.contains_key("role"));
    }
}
