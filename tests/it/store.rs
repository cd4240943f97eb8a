//! Storage conformance: every case takes `&Arc<dyn Store>` and runs against
//! each backend through `store_test!`. SQLite gets a fresh WAL file in a
//! temporary folder; a PostgreSQL arm joins when that backend exists (#5).

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use dateline::domain::{ArticleInput, BodyFormat, Kind, Role, Status};
use dateline::store::{ArticleQuery, NewMedia, Store, StoreError, TermKind};

/// Opens a fresh, migrated SQLite store; the folder lives as long as the store.
pub async fn fresh_sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = dateline::store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

macro_rules! store_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let (store, _dir) = super::fresh_sqlite().await;
                super::cases::$name(&store).await;
            }
        }
    };
}

store_test!(created_articles_read_back_with_terms_and_photo);
store_test!(slugs_are_unique_per_kind);
store_test!(updates_keep_a_revision_each_and_a_redirect);
store_test!(lists_filter_by_section_tag_author_and_visibility);
store_test!(publish_due_publishes_only_what_is_due);
store_test!(corrections_are_dated_and_ordered);
store_test!(sessions_expire_and_log_out_everywhere);
store_test!(tokens_work_until_revoked);
store_test!(user_emails_are_unique_ignoring_case);
store_test!(stashed_forms_are_taken_once);
store_test!(migrating_twice_changes_nothing);
store_test!(a_status_change_happens_once);

fn input(headline: &str) -> ArticleInput {
    ArticleInput {
        kind: Kind::Article,
        slug: None,
        headline: headline.into(),
        standfirst: None,
        body: "Some *body* text.".into(),
        body_format: BodyFormat::Markdown,
        dateline: Some("Port Alder".into()),
        section: Some("City".into()),
        tags: vec!["Transport".into(), "Harbour".into()],
        authors: vec!["Mara Ellison".into(), "Tomas Varga".into()],
        photo: None,
        status: Status::Published,
        published_at: Some(Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()),
        comments_open: true,
    }
    .normalize()
    .unwrap()
}

mod cases {
    use super::*;

    pub async fn created_articles_read_back_with_terms_and_photo(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let m = s
            .create_media(
                &NewMedia {
                    mime: "image/jpeg".into(),
                    width: 1600,
                    height: 900,
                    widths: vec![480, 960, 1600],
                    bytes: 10,
                    created_by: None,
                },
                now,
            )
            .await
            .unwrap();
        let mut i = input("Tram Line Approved");
        i.photo = Some(dateline::domain::PhotoInput {
            media_id: m.id,
            caption: Some("Cap".into()),
            credit: Some("Cred".into()),
            alt: "Alt".into(),
        });
        let a = s.create_article(&i, None, now).await.unwrap();
        let got = s.get_article(a.id).await.unwrap().unwrap();
        assert_eq!(got.headline, "Tram Line Approved");
        assert_eq!(got.slug, "tram-line-approved");
        assert_eq!(got.section.unwrap().slug, "city");
        assert_eq!(got.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Transport", "Harbour"]);
        assert_eq!(got.authors.len(), 2);
        let p = got.photo.unwrap();
        assert_eq!((p.media.width, p.media.widths.clone(), p.alt.as_str()), (1600, vec![480, 960, 1600], "Alt"));
        assert_eq!(s.get_article_by_slug(Kind::Article, "tram-line-approved").await.unwrap().unwrap().id, a.id);
        assert!(s.get_article_by_slug(Kind::Page, "tram-line-approved").await.unwrap().is_none());
    }

    pub async fn slugs_are_unique_per_kind(s: &Arc<dyn Store>) {
        let now = Utc::now();
        s.create_article(&input("Same"), None, now).await.unwrap();
        let again = s.create_article(&input("Same"), None, now).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        let mut page = input("Same");
        page.kind = Kind::Page;
        s.create_article(&page, None, now).await.unwrap();
    }

    pub async fn updates_keep_a_revision_each_and_a_redirect(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let a = s.create_article(&input("First Headline"), None, now).await.unwrap();
        let mut i = a.to_input();
        i.slug = Some("second-slug".into());
        i.headline = "Second Headline".into();
        s.update_article(a.id, &i, None, now, Some("/2026/03/01/first-headline/")).await.unwrap();
        let revs = s.list_revisions(a.id).await.unwrap();
        assert_eq!(revs.len(), 2);
        assert_eq!(revs[0].headline, "Second Headline");
        assert_eq!(revs[1].snapshot.headline, "First Headline");
        assert_eq!(s.find_redirect("/2026/03/01/first-headline/").await.unwrap(), Some(a.id));
        assert_eq!(s.find_redirect("/nope/").await.unwrap(), None);
        let missing = s.update_article(dateline::domain::ArticleId(999), &i, None, now, None).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }

    pub async fn lists_filter_by_section_tag_author_and_visibility(s: &Arc<dyn Store>) {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
        s.create_article(&input("Public One"), None, now).await.unwrap();
        let mut draft = input("Draft One");
        draft.status = Status::Draft;
        s.create_article(&draft, None, now).await.unwrap();
        let mut future = input("Future One");
        future.status = Status::Scheduled;
        future.published_at = Some(now + Duration::days(1));
        s.create_article(&future, None, now).await.unwrap();
        let mut other = input("Sport One");
        other.section = Some("Sport".into());
        other.tags = vec!["Football".into()];
        other.authors = vec!["Ines Okafor".into()];
        s.create_article(&other, None, now).await.unwrap();

        let public = |q: ArticleQuery| ArticleQuery { public_at: Some(now), limit: 50, ..q };
        let heads = |p: dateline::store::Page<dateline::domain::Article>| {
            let mut v: Vec<String> = p.items.into_iter().map(|a| a.headline).collect();
            v.sort();
            v
        };
        assert_eq!(
            heads(s.list_articles(&public(ArticleQuery::default())).await.unwrap()),
            ["Public One", "Sport One"]
        );
        assert_eq!(
            heads(
                s.list_articles(&public(ArticleQuery { section: Some("city".into()), ..Default::default() }))
                    .await
                    .unwrap()
            ),
            ["Public One"]
        );
        assert_eq!(
            heads(
                s.list_articles(&public(ArticleQuery { tag: Some("football".into()), ..Default::default() }))
                    .await
                    .unwrap()
            ),
            ["Sport One"]
        );
        assert_eq!(
            heads(
                s.list_articles(&public(ArticleQuery { author: Some("ines-okafor".into()), ..Default::default() }))
                    .await
                    .unwrap()
            ),
            ["Sport One"]
        );
        let all = s.list_articles(&ArticleQuery { limit: 50, ..Default::default() }).await.unwrap();
        assert_eq!(all.total, 4);
        let drafts = s
            .list_articles(&ArticleQuery { status: Some(Status::Draft), limit: 50, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(heads(drafts), ["Draft One"]);
        let paged = s.list_articles(&ArticleQuery { limit: 1, offset: 1, ..Default::default() }).await.unwrap();
        assert_eq!((paged.items.len(), paged.total), (1, 4));
        assert_eq!(s.get_term(TermKind::Section, "sport").await.unwrap().unwrap().name, "Sport");
    }

    pub async fn publish_due_publishes_only_what_is_due(s: &Arc<dyn Store>) {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let mut due = input("Due");
        due.status = Status::Scheduled;
        due.published_at = Some(now - Duration::minutes(1));
        let due = s.create_article(&due, None, now).await.unwrap();
        let mut later = input("Later");
        later.status = Status::Scheduled;
        later.published_at = Some(now + Duration::hours(1));
        let later = s.create_article(&later, None, now).await.unwrap();
        assert_eq!(s.publish_due(now).await.unwrap(), vec![due.id]);
        assert_eq!(s.get_article(due.id).await.unwrap().unwrap().status, Status::Published);
        assert_eq!(s.get_article(later.id).await.unwrap().unwrap().status, Status::Scheduled);
        assert!(s.publish_due(now).await.unwrap().is_empty());
    }

    pub async fn corrections_are_dated_and_ordered(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let a = s.create_article(&input("Corrected"), None, now).await.unwrap();
        s.add_correction(a.id, "First fix.", now).await.unwrap();
        s.add_correction(a.id, "Second fix.", now + Duration::hours(1)).await.unwrap();
        let got = s.get_article(a.id).await.unwrap().unwrap();
        assert_eq!(got.corrections.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(), ["First fix.", "Second fix."]);
        assert!(got.updated_at >= now + Duration::hours(1) - Duration::seconds(1));
    }

    pub async fn sessions_expire_and_log_out_everywhere(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let u = s.create_user("ed@example.org", "Ed", Role::Editor, None, now).await.unwrap();
        s.create_session("h1", u.id, "c1", now, now + Duration::hours(1)).await.unwrap();
        s.create_session("h2", u.id, "c2", now, now + Duration::hours(1)).await.unwrap();
        assert_eq!(s.get_session("h1", now).await.unwrap().unwrap().csrf, "c1");
        assert!(s.get_session("h1", now + Duration::hours(2)).await.unwrap().is_none());
        s.delete_session("h1").await.unwrap();
        assert!(s.get_session("h1", now).await.unwrap().is_none());
        assert!(s.get_session("h2", now).await.unwrap().is_some());
        s.delete_user_sessions(u.id).await.unwrap();
        assert!(s.get_session("h2", now).await.unwrap().is_none());
    }

    pub async fn tokens_work_until_revoked(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let u = s.create_user("api@example.org", "Api", Role::Author, None, now).await.unwrap();
        let t = s.create_token(u.id, "bot", "tokhash", now).await.unwrap();
        assert_eq!(s.get_token_user("tokhash", now).await.unwrap().unwrap().0.id, u.id);
        assert!(s.get_token_user("other", now).await.unwrap().is_none());
        s.revoke_token(t.id, now).await.unwrap();
        assert!(s.get_token_user("tokhash", now).await.unwrap().is_none());
        assert!(s.list_tokens(Some(u.id)).await.unwrap()[0].revoked);
        assert!(matches!(s.revoke_token(9999, now).await, Err(StoreError::NotFound)));
    }

    pub async fn user_emails_are_unique_ignoring_case(s: &Arc<dyn Store>) {
        let now = Utc::now();
        s.create_user("Ed@Example.org", "Ed", Role::Admin, None, now).await.unwrap();
        assert!(matches!(
            s.create_user("ed@example.org", "Ed 2", Role::Author, None, now).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(s.get_user_by_email("ED@EXAMPLE.ORG").await.unwrap().unwrap().name, "Ed");
        assert_eq!(s.count_users().await.unwrap(), 1);
    }

    pub async fn stashed_forms_are_taken_once(s: &Arc<dyn Store>) {
        let now = Utc::now();
        s.put_stash("k", "{\"body\":\"text\"}", now + Duration::hours(1)).await.unwrap();
        assert_eq!(s.take_stash("k", now).await.unwrap().as_deref(), Some("{\"body\":\"text\"}"));
        assert!(s.take_stash("k", now).await.unwrap().is_none());
        s.put_stash("old", "x", now - Duration::hours(1)).await.unwrap();
        assert!(s.take_stash("old", now).await.unwrap().is_none());
    }

    pub async fn migrating_twice_changes_nothing(s: &Arc<dyn Store>) {
        s.create_article(&input("Kept"), None, Utc::now()).await.unwrap();
        s.migrate().await.unwrap();
        assert_eq!(s.list_articles(&ArticleQuery { limit: 5, ..Default::default() }).await.unwrap().total, 1);
        s.ping().await.unwrap();
    }

    pub async fn a_status_change_happens_once(s: &Arc<dyn Store>) {
        use dateline::domain::CommentStatus;
        let now = Utc::now();
        let a = s.create_article(&input("Commented"), None, now).await.unwrap();
        let new = dateline::store::NewComment {
            article_id: a.id,
            parent_id: None,
            author_name: "Ann".into(),
            author_email: "ann@example.org".into(),
            author_url: None,
            body: "Hello".into(),
            status: CommentStatus::Pending,
            visitor: None,
            ip: "127.0.0.1".into(),
            spam_score: None,
            notify: false,
            staff: false,
        };
        let c = s.create_comment(&new, &[], now).await.unwrap();
        let (first, changed) = s.set_comment_status(c.id, CommentStatus::Approved, &[], now).await.unwrap();
        assert!(changed);
        assert_eq!(first.status, CommentStatus::Approved);
        let (_, again) = s.set_comment_status(c.id, CommentStatus::Approved, &[], now).await.unwrap();
        assert!(!again, "a second approval changes nothing and causes nothing");
        assert!(matches!(
            s.set_comment_status(dateline::domain::CommentId(999), CommentStatus::Spam, &[], now).await,
            Err(StoreError::NotFound)
        ));
    }
}
