//! Who may do what to an article, and when an edit goes live: the
//! permission checks every save, page and answer goes through, the status and
//! time an edit really gets, and reading a time typed in the site's zone.
//!
//! These are decisions only; they must not change an article or look at the
//! clock (callers pass `now`).

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{Article, Status};
use crate::domain::{Role, User};

/// Explains why a user may not do something to an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Only editors can publish, schedule or unpublish. Submit the article for review instead.")]
    NeedsEditor,
    #[error("Authors can only change their own articles.")]
    NotYours,
    #[error("This article is already published or scheduled; ask an editor to change it.")]
    Locked,
}

/// Decides whether `user` may save `article` (None for a new one) with the `requested` status.
pub fn may_save(user: &User, article: Option<&Article>, requested: Status) -> Result<(), Denied> {
    if user.role.can_publish() {
        return Ok(());
    }
    if let Some(a) = article {
        if a.created_by != Some(user.id) {
            return Err(Denied::NotYours);
        }
        if a.status.is_live() {
            return Err(Denied::Locked);
        }
    }
    match requested {
        Status::Draft | Status::Pending => Ok(()),
        _ => Err(Denied::NeedsEditor),
    }
}

/// Decides whether a staff member may open an article in the editor: editors
/// and admins any article, authors their own.
pub fn may_open(user: &User, a: &Article) -> bool {
    user.role.can_publish() || a.created_by == Some(user.id)
}

/// Decides whether someone may see an article at `now`: everyone a public
/// one, staff what they may open. The one rule behind every page and answer
/// that shows an article.
pub fn may_see(viewer: Option<&User>, a: &Article, now: DateTime<Utc>) -> bool {
    a.is_public(now) || viewer.is_some_and(|u| may_open(u, a))
}

/// Decides whether `role` may add a correction to a public article.
pub fn may_correct(role: Role) -> Result<(), Denied> {
    if role.can_publish() {
        Ok(())
    } else {
        Err(Denied::NeedsEditor)
    }
}

/// Works out the status and publication time an edit really gets at `now`.
///
/// Publishing with a time in the future schedules; scheduling with a time that
/// has passed publishes; publishing without a time publishes now; a published
/// article keeps its original time unless one is given.
pub fn resolve_publication(
    requested: Status,
    at: Option<DateTime<Utc>>,
    previous: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (Status, Option<DateTime<Utc>>) {
    match requested {
        Status::Published | Status::Scheduled => {
            let when = at.or(previous).unwrap_or(now);
            if when > now {
                (Status::Scheduled, Some(when))
            } else {
                (Status::Published, Some(when))
            }
        }
        other => (other, at.or(previous)),
    }
}

/// Parses a `datetime-local` form value (YYYY-MM-DDTHH:MM) in the site's zone.
pub fn parse_local_datetime(raw: &str, tz: Tz) -> Result<Option<DateTime<Utc>>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .map_err(|_| "Enter a date and time like 2026-03-01T09:30.".to_owned())?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|d| Some(d.with_timezone(&Utc)))
        .ok_or_else(|| "That time does not exist in the site's time zone (a clock change).".into())
}

#[cfg(test)]
mod tests {
    use super::super::tests::user;
    use super::super::{ArticleId, BodyFormat, Kind, UserId};
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn authors_may_draft_and_submit_but_not_publish() {
        let a = user(Role::Author, 1);
        assert!(may_save(&a, None, Status::Draft).is_ok());
        assert!(may_save(&a, None, Status::Pending).is_ok());
        assert_eq!(may_save(&a, None, Status::Published), Err(Denied::NeedsEditor));
        assert_eq!(may_save(&a, None, Status::Scheduled), Err(Denied::NeedsEditor));
        assert!(may_save(&user(Role::Editor, 2), None, Status::Published).is_ok());
    }

    #[test]
    fn authors_cannot_touch_others_or_live_articles() {
        let now = Utc::now();
        let mut art = Article {
            id: ArticleId(1),
            kind: Kind::Article,
            slug: "s".into(),
            headline: "h".into(),
            standfirst: None,
            body: String::new(),
            body_format: BodyFormat::Markdown,
            dateline: None,
            section: None,
            tags: vec![],
            authors: vec![],
            photo: None,
            status: Status::Draft,
            published_at: None,
            created_at: now,
            updated_at: now,
            comments_open: true,
            created_by: Some(UserId(9)),
            corrections: vec![],
            password: None,
            live: None,
        };
        let a = user(Role::Author, 1);
        assert_eq!(may_save(&a, Some(&art), Status::Draft), Err(Denied::NotYours));
        art.created_by = Some(UserId(1));
        assert!(may_save(&a, Some(&art), Status::Draft).is_ok());
        art.status = Status::Published;
        assert_eq!(may_save(&a, Some(&art), Status::Draft), Err(Denied::Locked));
        assert!(may_correct(Role::Author).is_err());
        assert!(may_correct(Role::Editor).is_ok());
    }

    #[test]
    fn publishing_in_the_future_schedules_and_the_past_publishes() {
        let now = Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap();
        let later = now + chrono::Duration::hours(3);
        let earlier = now - chrono::Duration::days(1);
        assert_eq!(resolve_publication(Status::Published, Some(later), None, now), (Status::Scheduled, Some(later)));
        assert_eq!(
            resolve_publication(Status::Scheduled, Some(earlier), None, now),
            (Status::Published, Some(earlier))
        );
        assert_eq!(resolve_publication(Status::Published, None, None, now), (Status::Published, Some(now)));
        assert_eq!(
            resolve_publication(Status::Published, None, Some(earlier), now),
            (Status::Published, Some(earlier))
        );
        assert_eq!(resolve_publication(Status::Draft, None, None, now), (Status::Draft, None));
    }

    #[test]
    fn local_datetimes_are_read_in_the_site_zone() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let d = parse_local_datetime("2026-07-01T10:00", tz).unwrap().unwrap();
        assert_eq!(d, Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap());
        assert_eq!(parse_local_datetime("", tz).unwrap(), None);
        assert!(parse_local_datetime("tomorrow", tz).is_err());
    }
}
