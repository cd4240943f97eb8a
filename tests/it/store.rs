//! Storage conformance: every case takes `&Arc<dyn Store>` and runs against
//! each backend through `store_test!`. SQLite gets a fresh WAL file in a
//! temporary folder; PostgreSQL a fresh database (see `pg.rs`).

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use dateline::domain::change::{Key, Notice};
use dateline::domain::{ArticleId, CommentStatus};
use dateline::domain::{ArticleInput, BodyFormat, Kind, Role, Status};
use dateline::store::{
    ArticleQuery, ArticleWrite, CommentPost, CommentWrite, Effects, NewComment, NewMail, NewMedia, PostOutcome, Store,
    StoreError, TermKind, MAIL,
};

/// Opens a fresh, migrated SQLite store; the folder lives as long as the store.
pub async fn fresh_sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = dateline::store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

/// Opens a fresh, migrated PostgreSQL store, or `None` when that half is off.
pub async fn fresh_postgres() -> Option<(Arc<dyn Store>, crate::pg::TestDb)> {
    let db = crate::pg::TestDb::create().await?;
    let store = dateline::store::open(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    Some((store, db))
}

macro_rules! store_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let (store, _dir) = super::fresh_sqlite().await;
                super::cases::$name(&store).await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some((store, _db)) = super::fresh_postgres().await else { return };
                super::cases::$name(&store).await;
            }
        }
    };
}

store_test!(created_articles_read_back_with_terms_and_photo);
store_test!(slugs_are_unique_per_kind);
store_test!(updates_keep_a_revision_each_and_a_redirect);
store_test!(lists_filter_by_section_tag_author_and_visibility);
store_test!(due_articles_are_listed_and_publish_once);
store_test!(a_write_logs_its_notice_and_jobs_in_its_transaction);
store_test!(corrections_are_dated_and_ordered);
store_test!(sessions_expire_and_log_out_everywhere);
store_test!(tokens_work_until_revoked);
store_test!(user_emails_are_unique_ignoring_case);
store_test!(stashed_forms_are_taken_once);
store_test!(migrating_twice_changes_nothing);
store_test!(a_status_change_happens_once);
store_test!(comments_list_by_article_visitor_and_status);
store_test!(forgetting_an_email_removes_its_comments_and_trust);
store_test!(spam_training_counts_and_untrains);
store_test!(rate_limits_hold_under_concurrency);
store_test!(jobs_are_claimed_once_and_retried);
store_test!(readers_comments_post_in_batches_within_their_limits);
store_test!(settings_and_mail_preferences_round_trip);
store_test!(times_keep_microseconds_and_order);
store_test!(search_ranks_headlines_first_and_stems);
store_test!(search_folds_diacritics_and_reads_phrases_exclusions_and_or);
store_test!(search_filters_and_never_shows_unpublished_to_readers);
store_test!(search_survives_hostile_queries);
store_test!(search_suggests_indexed_words);
store_test!(intel_keeps_decisions_when_an_article_is_read_again);
store_test!(intel_merges_and_corrections_map_later_extractions);
store_test!(intel_pages_read_public_articles_only);

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
        password: None,
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
                    filename: Some("tram.jpg".into()),
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
        let a = crate::common::create(&s, &i, now).await.unwrap();
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
        crate::common::create(&s, &input("Same"), now).await.unwrap();
        let again = crate::common::create(&s, &input("Same"), now).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        let mut page = input("Same");
        page.kind = Kind::Page;
        crate::common::create(&s, &page, now).await.unwrap();
    }

    pub async fn updates_keep_a_revision_each_and_a_redirect(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let a = crate::common::create(&s, &input("First Headline"), now).await.unwrap();
        let mut i = a.to_input();
        i.slug = Some("second-slug".into());
        i.headline = "Second Headline".into();
        crate::common::update(&s, a.id, &i, now, Some("/2026/03/01/first-headline/")).await.unwrap();
        let revs = s.list_revisions(a.id).await.unwrap();
        assert_eq!(revs.len(), 2);
        assert_eq!(revs[0].headline, "Second Headline");
        assert_eq!(revs[1].snapshot.headline, "First Headline");
        assert_eq!(s.find_redirect("/2026/03/01/first-headline/").await.unwrap(), Some(a.id));
        assert_eq!(s.find_redirect("/nope/").await.unwrap(), None);
        let missing = crate::common::update(&s, dateline::domain::ArticleId(999), &i, now, None).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }

    pub async fn lists_filter_by_section_tag_author_and_visibility(s: &Arc<dyn Store>) {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
        crate::common::create(&s, &input("Public One"), now).await.unwrap();
        let mut draft = input("Draft One");
        draft.status = Status::Draft;
        crate::common::create(&s, &draft, now).await.unwrap();
        let mut future = input("Future One");
        future.status = Status::Scheduled;
        future.published_at = Some(now + Duration::days(1));
        crate::common::create(&s, &future, now).await.unwrap();
        let mut other = input("Sport One");
        other.section = Some("Sport".into());
        other.tags = vec!["Football".into()];
        other.authors = vec!["Ines Okafor".into()];
        crate::common::create(&s, &other, now).await.unwrap();

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

    pub async fn due_articles_are_listed_and_publish_once(s: &Arc<dyn Store>) {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let mut due = input("Due");
        due.status = Status::Scheduled;
        due.published_at = Some(now - Duration::minutes(1));
        let due = crate::common::create(&s, &due, now).await.unwrap();
        let mut later = input("Later");
        later.status = Status::Scheduled;
        later.published_at = Some(now + Duration::hours(1));
        crate::common::create(&s, &later, now).await.unwrap();
        assert_eq!(s.list_due(now, 10).await.unwrap(), vec![due.id]);
        // Two nodes publishing the same article: the second finds it moved on.
        let mut i = due.to_input();
        i.status = Status::Published;
        let search = dateline::render::search_doc(&i);
        let w = ArticleWrite {
            input: &i,
            search: &search,
            by: None,
            at: now,
            old_path: None,
            if_status: Some(Status::Scheduled),
        };
        s.update_article(due.id, &w, &Effects::default()).await.unwrap();
        assert!(matches!(s.update_article(due.id, &w, &Effects::default()).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.get_article(due.id).await.unwrap().unwrap().status, Status::Published);
        assert!(s.list_due(now, 10).await.unwrap().is_empty());
    }

    pub async fn a_write_logs_its_notice_and_jobs_in_its_transaction(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let before = s.last_change().await.unwrap();
        let a = crate::common::create(&s, &input("Logged"), now).await.unwrap();
        assert_eq!(s.last_change().await.unwrap(), before, "a write without a notice logs nothing");
        let notice = Notice::of([Key::article(a.id), Key::section("city")]);
        let mail = NewMail { to: "ed@example.org".into(), subject: "S".into(), body: "B".into() };
        let effects = Effects::notice(notice.clone()).with_mails(&[mail]);
        s.add_correction(a.id, "Fixed.", now, &effects).await.unwrap();
        let logged = s.list_changes(before, 10).await.unwrap();
        assert_eq!(logged.len(), 1);
        assert_eq!((logged[0].notice.clone(), logged[0].node.as_str()), (notice, s.node()));
        let jobs = s.claim_jobs(MAIL, now, Duration::minutes(5), 10).await.unwrap();
        assert_eq!(jobs.len(), 1, "the mail was queued with the correction");
        // A write that fails commits none of its effects.
        let failed = s.add_correction(ArticleId(999_999), "Lost.", now, &effects).await;
        assert!(failed.is_err());
        assert_eq!(s.list_changes(before, 10).await.unwrap().len(), 1);
        // A change on its own, and pruning that keeps the newest.
        let id = s.log_change(&Notice::everything(), now).await.unwrap();
        assert_eq!(s.last_change().await.unwrap(), id);
        s.prune_changes(now + Duration::days(1)).await.unwrap();
        assert_eq!(s.last_change().await.unwrap(), id, "ids never go back after a prune");
        assert!(s.list_changes(before, 10).await.unwrap().iter().all(|c| c.id == id));
    }

    pub async fn corrections_are_dated_and_ordered(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let a = crate::common::create(&s, &input("Corrected"), now).await.unwrap();
        s.add_correction(a.id, "First fix.", now, &Effects::default()).await.unwrap();
        s.add_correction(a.id, "Second fix.", now + Duration::hours(1), &Effects::default()).await.unwrap();
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
        crate::common::create(&s, &input("Kept"), Utc::now()).await.unwrap();
        s.migrate().await.unwrap();
        assert_eq!(s.list_articles(&ArticleQuery { limit: 5, ..Default::default() }).await.unwrap().total, 1);
        s.ping().await.unwrap();
    }

    pub async fn a_status_change_happens_once(s: &Arc<dyn Store>) {
        use dateline::domain::CommentStatus;
        let now = Utc::now();
        let a = crate::common::create(&s, &input("Commented"), now).await.unwrap();
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
        let c = s.create_comment(&new, &Effects::default(), now).await.unwrap();
        let (first, changed) =
            s.set_comment_status(c.id, CommentStatus::Approved, &Effects::default(), now).await.unwrap();
        assert!(changed);
        assert_eq!(first.status, CommentStatus::Approved);
        let (_, again) = s.set_comment_status(c.id, CommentStatus::Approved, &Effects::default(), now).await.unwrap();
        assert!(!again, "a second approval changes nothing and causes nothing");
        assert!(matches!(
            s.set_comment_status(dateline::domain::CommentId(999), CommentStatus::Spam, &Effects::default(), now).await,
            Err(StoreError::NotFound)
        ));
    }

    fn comment(a: dateline::domain::ArticleId, email: &str, body: &str) -> dateline::store::NewComment {
        dateline::store::NewComment {
            article_id: a,
            parent_id: None,
            author_name: "Ann".into(),
            author_email: email.into(),
            author_url: Some("https://ann.example.org/".into()),
            body: body.into(),
            status: dateline::domain::CommentStatus::Pending,
            visitor: Some("v1".into()),
            ip: "192.0.2.1".into(),
            spam_score: Some(0.25),
            notify: true,
            staff: false,
        }
    }

    pub async fn comments_list_by_article_visitor_and_status(s: &Arc<dyn Store>) {
        use dateline::domain::{ArticleId, CommentStatus};
        let now = Utc::now();
        let a = crate::common::create(&s, &input("With Comments"), now).await.unwrap();
        let b = crate::common::create(&s, &input("Other"), now).await.unwrap();
        let c1 = s.create_comment(&comment(a.id, "Ann@Example.org", "First"), &Effects::default(), now).await.unwrap();
        assert_eq!((c1.author_email.as_str(), c1.spam_score, c1.notify), ("ann@example.org", Some(0.25), true));
        let mut reply = comment(a.id, "bo@example.org", "Reply");
        reply.parent_id = Some(c1.id);
        reply.visitor = Some("v2".into());
        let c2 = s.create_comment(&reply, &Effects::default(), now + Duration::seconds(1)).await.unwrap();
        s.create_comment(&comment(b.id, "ann@example.org", "Elsewhere"), &Effects::default(), now).await.unwrap();
        let missing =
            s.create_comment(&comment(ArticleId(999_999), "x@example.org", "Lost"), &Effects::default(), now).await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");

        s.set_comment_status(c2.id, CommentStatus::Approved, &Effects::default(), now).await.unwrap();
        let approved = s.list_article_comments(a.id, &[CommentStatus::Approved]).await.unwrap();
        assert_eq!(approved.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(), ["Reply"]);
        assert_eq!(approved[0].parent_id, Some(c1.id));
        let both = s.list_article_comments(a.id, &[CommentStatus::Approved, CommentStatus::Pending]).await.unwrap();
        assert_eq!(both.iter().map(|c| c.id).collect::<Vec<_>>(), [c1.id, c2.id]);
        let mine = s.list_visitor_pending(a.id, "v1").await.unwrap();
        assert_eq!(mine.iter().map(|c| c.id).collect::<Vec<_>>(), [c1.id]);
        assert!(s.list_visitor_pending(a.id, "v2").await.unwrap().is_empty(), "approved is no longer pending");
        let counts = s.count_approved(&[a.id, b.id]).await.unwrap();
        assert_eq!((counts.get(&a.id).copied(), counts.get(&b.id).copied()), (Some(1), None));
        let queue = s
            .list_comments(&dateline::store::CommentQuery {
                status: Some(CommentStatus::Pending),
                article_id: None,
                limit: 10,
                offset: 0,
            })
            .await
            .unwrap();
        assert_eq!(queue.total, 2);
        let by_status = s.count_comments_by_status().await.unwrap();
        assert!(by_status.contains(&(CommentStatus::Pending, 2)) && by_status.contains(&(CommentStatus::Approved, 1)));
        let edited = s
            .update_comment_body(c1.id, "First, edited", None, &Effects::default(), now + Duration::seconds(5))
            .await
            .unwrap();
        assert_eq!(edited.body, "First, edited");
        assert!(edited.updated_at > edited.created_at);
    }

    pub async fn forgetting_an_email_removes_its_comments_and_trust(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let a = crate::common::create(&s, &input("Forget Me"), now).await.unwrap();
        s.create_comment(&comment(a.id, "ann@example.org", "One"), &Effects::default(), now).await.unwrap();
        s.create_comment(&comment(a.id, "ann@example.org", "Two"), &Effects::default(), now).await.unwrap();
        let kept = s.create_comment(&comment(a.id, "bo@example.org", "Kept"), &Effects::default(), now).await.unwrap();
        s.trust_browser("v1", "Ann@example.org", now).await.unwrap();
        s.trust_browser("v1", "ann@example.org", now).await.unwrap();
        assert!(s.is_trusted_browser("v1", "ann@example.org").await.unwrap());
        s.unsubscribe("ann@example.org", now).await.unwrap();
        assert_eq!(s.delete_comments_by_email(" ANN@example.org", &Effects::default()).await.unwrap(), 2);
        assert!(!s.is_trusted_browser("v1", "ann@example.org").await.unwrap());
        assert!(s.is_unsubscribed("ann@example.org").await.unwrap(), "the wish for no mail is kept");
        assert!(s.get_comment(kept.id).await.unwrap().is_some());
    }

    pub async fn spam_training_counts_and_untrains(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let a = crate::common::create(&s, &input("Spam Target"), now).await.unwrap();
        let c =
            s.create_comment(&comment(a.id, "x@example.org", "cheap pills"), &Effects::default(), now).await.unwrap();
        let toks = vec!["pills".to_string(), "cheap".to_string(), "cheap".to_string()];
        s.train_spam(c.id, &toks, Some(true)).await.unwrap();
        s.train_spam(c.id, &toks, Some(true)).await.unwrap();
        let (counts, totals) = (s.spam_counts(&toks).await.unwrap(), s.spam_totals().await.unwrap());
        assert_eq!((counts["cheap"].spam, counts["cheap"].ham, totals.spam, totals.ham), (1, 0, 1, 0));
        s.train_spam(c.id, &toks, Some(false)).await.unwrap();
        let (counts, totals) = (s.spam_counts(&toks).await.unwrap(), s.spam_totals().await.unwrap());
        assert_eq!((counts["pills"].spam, counts["pills"].ham, totals.spam, totals.ham), (0, 1, 0, 1));
        s.train_spam(c.id, &toks, None).await.unwrap();
        let (counts, totals) = (s.spam_counts(&toks).await.unwrap(), s.spam_totals().await.unwrap());
        assert_eq!((counts["pills"].ham, totals.ham), (0, 0));
    }

    pub async fn rate_limits_hold_under_concurrency(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let window = Duration::minutes(1);
        let tries = (0..12).map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.hit_rate("ip:192.0.2.9", now, window, 5).await.unwrap() })
        });
        let mut allowed = 0;
        for t in tries {
            if t.await.unwrap().is_none() {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 5, "exactly the limit gets through, however the calls interleave");
        let wait = s.hit_rate("ip:192.0.2.9", now + Duration::seconds(10), window, 5).await.unwrap().unwrap();
        assert!(wait <= Duration::seconds(50) && wait >= Duration::seconds(49), "{wait:?}");
        assert!(s.hit_rate("ip:192.0.2.9", now + Duration::seconds(61), window, 5).await.unwrap().is_none());
        assert!(s.hit_rate("ip:other", now, window, 5).await.unwrap().is_none());
    }

    pub async fn jobs_are_claimed_once_and_retried(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let mail = |to: &str| NewMail { to: to.into(), subject: "S".into(), body: "B".into() };
        let jobs = [mail("a@example.org").job(), mail("b@example.org").job()];
        s.enqueue(&jobs, now).await.unwrap();
        s.enqueue(&jobs[..1], now).await.unwrap();
        let lease = Duration::minutes(5);
        let (x, y) = tokio::join!(s.claim_jobs(MAIL, now, lease, 10), s.claim_jobs(MAIL, now, lease, 10));
        let mut claimed = x.unwrap();
        claimed.extend(y.unwrap());
        assert_eq!(claimed.len(), 2, "two claimers share the queue, and a job queued twice is kept once");
        assert!(s.claim_jobs(MAIL, now, lease, 10).await.unwrap().is_empty(), "claimed jobs wait");
        assert!(s.claim_jobs("other", now + lease * 2, lease, 10).await.unwrap().is_empty(), "by kind");
        let (sent, failed) = (&claimed[0], &claimed[1]);
        s.finish_job(sent.id, Ok(()), now).await.unwrap();
        s.finish_job(failed.id, Err(("refused".into(), Some(now + Duration::minutes(1)))), now).await.unwrap();
        assert!(s.claim_jobs(MAIL, now + Duration::seconds(30), lease, 10).await.unwrap().is_empty());
        let retry = s.claim_jobs(MAIL, now + Duration::minutes(2), lease, 10).await.unwrap();
        assert_eq!((retry.len(), retry[0].id, retry[0].attempts), (1, failed.id, 2));
        assert_eq!(retry[0].key, failed.key, "a retry carries the same stable key");
        s.finish_job(failed.id, Err(("no such user".into(), None)), now).await.unwrap();
        let counts = s.claim_jobs(MAIL, now + Duration::days(2), lease, 10).await.unwrap();
        assert!(counts.is_empty(), "a job given up is not claimed again");
        let c = s.count_jobs(MAIL).await.unwrap();
        assert_eq!((c.waiting, c.done, c.failed), (0, 1, 1));
    }

    pub async fn readers_comments_post_in_batches_within_their_limits(s: &Arc<dyn Store>) {
        let now = Utc::now();
        let a = crate::common::create(&s, &input("Busy Thread"), now).await.unwrap();
        let post = |email: &str, body: &str, approved: bool| CommentPost {
            limits: vec![format!("ip:{email}")],
            window: Duration::minutes(10),
            burst: 2,
            write: CommentWrite {
                comment: NewComment {
                    status: if approved { CommentStatus::Approved } else { CommentStatus::Pending },
                    ..comment(a.id, email, body)
                },
                effects: if approved { Effects::notice(Notice::of([Key::article(a.id)])) } else { Effects::default() },
                at: now,
            },
        };
        let before = s.last_change().await.unwrap();
        let batch = [
            post("ann@example.org", "One", true),
            post("ann@example.org", "Two", false),
            post("ann@example.org", "Three", true),
            post("bo@example.org", "Four", false),
        ];
        let out = s.post_comments(&batch).await.unwrap();
        let stored: Vec<bool> = out.iter().map(|o| matches!(o, PostOutcome::Stored(_))).collect();
        assert_eq!(stored, [true, true, false, true], "the third of one address is over its limit of two");
        assert!(matches!(out[2], PostOutcome::Limited(w) if w > Duration::zero()));
        let approved = s.list_article_comments(a.id, &[CommentStatus::Approved]).await.unwrap();
        assert_eq!(approved.len(), 1);
        assert_eq!(s.list_changes(before, 10).await.unwrap().len(), 1, "one notice: the one public comment stored");
    }

    pub async fn settings_and_mail_preferences_round_trip(s: &Arc<dyn Store>) {
        let now = Utc::now();
        assert!(s.get_setting("share").await.unwrap().is_none());
        s.set_setting("share", "a").await.unwrap();
        s.set_setting("share", "b").await.unwrap();
        assert_eq!(s.get_setting("share").await.unwrap().as_deref(), Some("b"));
        s.delete_setting("share").await.unwrap();
        assert!(s.get_setting("share").await.unwrap().is_none());
        assert!(!s.notify_allowed("ann@example.org").await.unwrap());
        s.confirm_notify("Ann@example.org", now).await.unwrap();
        assert!(s.notify_allowed("ann@example.org").await.unwrap());
        s.unsubscribe("ann@example.org", now).await.unwrap();
        assert!(!s.notify_allowed("ann@example.org").await.unwrap());
        s.confirm_notify("ann@example.org", now).await.unwrap();
        assert!(!s.is_unsubscribed("ann@example.org").await.unwrap(), "a new opt-in lifts the old wish");
    }

    pub async fn times_keep_microseconds_and_order(s: &Arc<dyn Store>) {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + Duration::microseconds(123_456);
        let a = crate::common::create(&s, &input("Timed"), t).await.unwrap();
        assert_eq!(a.created_at, t);
        let mut i = a.to_input();
        i.headline = "Timed Again".into();
        let later = crate::common::update(&s, a.id, &i, t + Duration::microseconds(1), None).await.unwrap();
        assert_eq!(later.updated_at - later.created_at, Duration::microseconds(1));
    }

    fn find(q: &str) -> dateline::store::SearchRequest {
        dateline::store::SearchRequest {
            query: dateline::domain::search::SearchQuery::parse(q),
            filter: ArticleQuery { public_at: Some(Utc::now()), limit: 20, ..Default::default() },
        }
    }

    async fn headlines(s: &Arc<dyn Store>, r: &dateline::store::SearchRequest) -> Vec<String> {
        s.search(r).await.unwrap().items.into_iter().map(|h| h.article.headline).collect()
    }

    async fn story(s: &Arc<dyn Store>, headline: &str, body: &str, days_ago: i64) -> dateline::domain::Article {
        let mut i = input(headline);
        i.body = body.into();
        i.published_at = Some(Utc::now() - Duration::days(days_ago));
        crate::common::create(&s, &i, Utc::now()).await.unwrap()
    }

    pub async fn search_ranks_headlines_first_and_stems(s: &Arc<dyn Store>) {
        story(s, "Harbour Budget Passes", "The council met about the summit of the hill.", 1).await;
        story(s, "Leaders Plan A Summit", "They will meet in spring.", 5).await;
        story(s, "Ferry Timetable Changes", "Nothing about any meeting of leaders here.", 2).await;
        assert_eq!(headlines(s, &find("summit")).await, ["Leaders Plan A Summit", "Harbour Budget Passes"]);
        assert_eq!(headlines(s, &find("summits")).await[0], "Leaders Plan A Summit", "stemming");
        assert_eq!(headlines(s, &find("meeting")).await.len(), 2, "meet, meeting");
        let page = s.search(&find("summit")).await.unwrap();
        assert_eq!(page.total, 2);
        let snippet = &page.items[1].snippet;
        assert!(snippet.contains("\u{E000}summit\u{E001}"), "{snippet:?}");
    }

    pub async fn search_folds_diacritics_and_reads_phrases_exclusions_and_or(s: &Arc<dyn Store>) {
        story(s, "Talks In Zürich", "Diplomats met in Zürich on Tuesday.", 1).await;
        story(s, "Talks In Geneva", "The Geneva summit ended early.", 2).await;
        story(s, "Summit Called Off", "No summit, said Geneva officials in a statement.", 3).await;
        assert_eq!(headlines(s, &find("Zurich")).await, ["Talks In Zürich"]);
        assert_eq!(headlines(s, &find("zürich")).await, ["Talks In Zürich"]);
        assert_eq!(headlines(s, &find("\"Geneva summit\"")).await, ["Talks In Geneva"]);
        let mut not_off = headlines(s, &find("Geneva -officials")).await;
        not_off.sort();
        assert_eq!(not_off, ["Talks In Geneva"]);
        let mut either = headlines(s, &find("Zurich OR Geneva")).await;
        either.sort();
        assert_eq!(either, ["Summit Called Off", "Talks In Geneva", "Talks In Zürich"]);
    }

    pub async fn search_filters_and_never_shows_unpublished_to_readers(s: &Arc<dyn Store>) {
        story(s, "Ferry Strike Ends", "The ferry strike is over.", 1).await;
        let mut sport = input("Ferry Cup Final");
        sport.section = Some("Sport".into());
        sport.authors = vec!["Ines Okafor".into()];
        sport.body = "The ferry crews' team won.".into();
        sport.published_at = Some(Utc::now() - Duration::days(40));
        crate::common::create(&s, &sport, Utc::now()).await.unwrap();
        let mut draft = input("Ferry Secret Draft");
        draft.status = Status::Draft;
        draft.published_at = None;
        crate::common::create(&s, &draft, Utc::now()).await.unwrap();
        let mut later = input("Ferry Embargoed Story");
        later.status = Status::Scheduled;
        later.published_at = Some(Utc::now() + Duration::days(1));
        crate::common::create(&s, &later, Utc::now()).await.unwrap();

        let mut public = headlines(s, &find("ferry")).await;
        public.sort();
        assert_eq!(public, ["Ferry Cup Final", "Ferry Strike Ends"]);
        let mut r = find("ferry");
        r.filter.section = Some("sport".into());
        assert_eq!(headlines(s, &r).await, ["Ferry Cup Final"]);
        let mut r = find("ferry");
        r.filter.author = Some("ines-okafor".into());
        assert_eq!(headlines(s, &r).await, ["Ferry Cup Final"]);
        let mut r = find("ferry");
        r.filter.from = Some(Utc::now() - Duration::days(7));
        assert_eq!(headlines(s, &r).await, ["Ferry Strike Ends"]);
        // Editors search everything.
        let mut staff = find("ferry");
        staff.filter.public_at = None;
        assert_eq!(s.search(&staff).await.unwrap().total, 4);
        staff.filter.status = Some(Status::Draft);
        assert_eq!(headlines(s, &staff).await, ["Ferry Secret Draft"]);
        // An edit re-indexes: the old word is gone, the new one found.
        let a = story(s, "Tram Delays", "Trams are late.", 1).await;
        let mut i = a.to_input();
        i.body = "Buses replace the service.".into();
        crate::common::update(&s, a.id, &i, Utc::now(), None).await.unwrap();
        assert!(headlines(s, &find("late")).await.is_empty());
        assert_eq!(headlines(s, &find("buses")).await, ["Tram Delays"]);
    }

    pub async fn search_survives_hostile_queries(s: &Arc<dyn Store>) {
        story(s, "Ordinary Story", "Words \"quoted\" and (bracketed) * stars.", 1).await;
        let long = "a".repeat(10_000);
        let many = "word ".repeat(3_000);
        for q in [
            "\"",
            "*",
            "(",
            ")",
            "NEAR",
            "NEAR(a b)",
            "a:b",
            "-",
            "OR",
            "AND",
            "\"\"",
            "'",
            "\\",
            "%",
            "_",
            "^",
            "-x -y",
            &long,
            &many,
            "ordinary)(",
            "sto*",
            "NOT ordinary",
            "ordinary NOT",
            "\u{E000}",
        ] {
            let r = s.search(&find(q)).await;
            assert!(r.is_ok(), "{q:.40}: {r:?}");
        }
        assert_eq!(headlines(s, &find("bracketed)")).await, ["Ordinary Story"]);
    }

    pub async fn search_suggests_indexed_words(s: &Arc<dyn Store>) {
        story(s, "Parliament Votes", "Parliament voted on the harbour budget.", 1).await;
        assert_eq!(s.nearest_word("parliment").await.unwrap().as_deref(), Some("parliament"));
        assert_eq!(s.nearest_word("harbor").await.unwrap().as_deref(), Some("harbour"));
        assert_eq!(s.nearest_word("harbour").await.unwrap(), None, "a known word needs no suggestion");
        assert_eq!(s.nearest_word("xylophone").await.unwrap(), None);
    }

    include!("store_intel.rs");
}

/// What a newer release would have written into the table of migrations.
const FROM_A_NEWER_RELEASE: &str =
    "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
     VALUES (9999, 'from a newer release', TRUE, $1, 0)";

fn assert_refused(r: Result<(), StoreError>) {
    let Err(StoreError::Migrate(msg)) = r else { panic!("a newer schema must be refused: {r:?}") };
    assert!(
        msg.contains("version 9999 (from a newer release)") && msg.contains("newer than this Dateline knows"),
        "{msg}"
    );
    assert!(msg.contains("restore a backup"), "{msg}");
}

/// A node refuses a database an upgrade has taken past what it knows, naming both versions.
#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused_on_sqlite() {
    let (store, dir) = fresh_sqlite().await;
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::query(FROM_A_NEWER_RELEASE).bind(vec![0_u8; 48]).execute(&mut conn).await.unwrap();
    assert_refused(store.migrate().await);
}

#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused_on_postgres() {
    let Some((store, db)) = fresh_postgres().await else { return };
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url).await.unwrap();
    sqlx::query(FROM_A_NEWER_RELEASE).bind(vec![0_u8; 48]).execute(&mut conn).await.unwrap();
    assert_refused(store.migrate().await);
}
