// Conformance cases of `EntityStore`, included into `store.rs`'s `cases`.

fn found(kind: dateline::intel::Kind, name: &str, roles: &[&str]) -> dateline::store::FoundEntity {
    dateline::store::FoundEntity {
        kind,
        name: name.into(),
        slug: dateline::intel::slugify(name),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        snippets: vec![format!("… {name} said …")],
        mentions: 2,
    }
}

fn event(day: (i32, u32, u32), sentence: &str) -> dateline::store::FoundEvent {
    let d = chrono::NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
    dateline::store::FoundEvent {
        from: d,
        to: d,
        label: d.format("%-d %B %Y").to_string(),
        expression: "that day".into(),
        sentence: sentence.into(),
        anchor: Some("p-1".into()),
    }
}

async fn published(s: &Arc<dyn Store>, headline: &str, day: u32) -> dateline::domain::ArticleId {
    let mut i = input(headline);
    i.published_at = Some(Utc.with_ymd_and_hms(2022, 2, day, 12, 0, 0).unwrap());
    crate::common::create(&s, &i, Utc::now()).await.unwrap().id
}

pub async fn intel_keeps_decisions_when_an_article_is_read_again(s: &Arc<dyn Store>) {
    use dateline::intel::Kind as K;
    use dateline::store::{ArticleIntel, EntityDecision};
    let a = published(s, "Summit talk", 20).await;
    let intel = ArticleIntel {
        entities: vec![
            found(K::Person, "Vladimir Putin", &["Russian President"]),
            found(K::Place, "Geneva", &[]),
            found(K::Person, "Ms Tuesday", &[]),
        ],
        ..Default::default()
    };
    s.save_intel(a, &intel, Utc::now(), &Effects::default()).await.unwrap();
    let links = s.list_article_entities(a).await.unwrap();
    assert_eq!(links.iter().map(|l| l.entity.name.as_str()).collect::<Vec<_>>(), ["Vladimir Putin", "Geneva", "Ms Tuesday"]);
    assert_eq!(links[0].roles, ["Russian President"]);
    assert_eq!(links[0].snippets, ["… Vladimir Putin said …"]);
    let id = |name: &str| links.iter().find(|l| l.entity.name == name).unwrap().entity.id;
    s.set_entity_decision(a, id("Ms Tuesday"), EntityDecision::Reject, &Effects::default()).await.unwrap();
    s.set_entity_decision(a, id("Vladimir Putin"), EntityDecision::Accept, &Effects::default()).await.unwrap();
    // Read again: the same names, one fewer mention of Geneva.
    s.save_intel(a, &intel, Utc::now(), &Effects::default()).await.unwrap();
    let again = s.list_article_entities(a).await.unwrap();
    let status = |name: &str| again.iter().find(|l| l.entity.name == name).unwrap().status.clone();
    assert_eq!(status("Ms Tuesday"), "rejected");
    assert_eq!(status("Vladimir Putin"), "accepted");
    assert_eq!(status("Geneva"), "found");
    let now = Utc::now();
    assert_eq!(s.list_entity_articles(id("Ms Tuesday"), now, 10, 0).await.unwrap().total, 0);
    assert_eq!(s.list_entity_articles(id("Vladimir Putin"), now, 10, 0).await.unwrap().total, 1);
    assert!(matches!(
        s.set_entity_decision(a, 999_999, EntityDecision::Accept, &Effects::default()).await,
        Err(StoreError::NotFound)
    ));
    // Rejected everywhere: out of every list.
    s.set_entity_rejected(id("Geneva"), true, now, &Effects::default()).await.unwrap();
    let places = s.list_entities(Some(K::Place), now, 10, 0).await.unwrap();
    assert_eq!(places.total, 0);
    assert!(s.list_unenriched(10).await.unwrap().is_empty());
}

pub async fn intel_merges_and_corrections_map_later_extractions(s: &Arc<dyn Store>) {
    use dateline::intel::Kind as K;
    use dateline::store::ArticleIntel;
    let a = published(s, "One", 20).await;
    let b = published(s, "Two", 21).await;
    let with = |names: &[(K, &str)]| ArticleIntel {
        entities: names.iter().map(|(k, n)| found(*k, n, &[])).collect(),
        ..Default::default()
    };
    s.save_intel(a, &with(&[(K::Person, "Vladimir Putin"), (K::Place, "Kiev")]), Utc::now(), &Effects::default()).await.unwrap();
    s.save_intel(b, &with(&[(K::Person, "Vladimir Poutine")]), Utc::now(), &Effects::default()).await.unwrap();
    let putin = s.get_entity_by_slug("vladimir-putin").await.unwrap().unwrap();
    let poutine = s.get_entity_by_slug("vladimir-poutine").await.unwrap().unwrap();
    let kiev = s.get_entity_by_slug("kiev").await.unwrap().unwrap();
    s.merge_entities(poutine.id, putin.id, Utc::now(), &Effects::default()).await.unwrap();
    assert!(s.get_entity_by_slug("vladimir-poutine").await.unwrap().is_none());
    assert_eq!(s.list_entity_articles(putin.id, Utc::now(), 10, 0).await.unwrap().total, 2);
    let kyiv = s.update_entity(kiev.id, "Kyiv", K::Place, Utc::now(), &Effects::default()).await.unwrap();
    assert_eq!(kyiv.slug, "kyiv");
    // A name another entry's page already has is refused.
    assert!(matches!(s.update_entity(kiev.id, "Vladimir Putin", K::Person, Utc::now(), &Effects::default()).await, Err(StoreError::Conflict(_))));
    // Read again with the old spellings: they mean the kept entries.
    s.save_intel(b, &with(&[(K::Person, "Vladimir Poutine"), (K::Place, "Kiev")]), Utc::now(), &Effects::default()).await.unwrap();
    let names: Vec<String> = s.list_article_entities(b).await.unwrap().into_iter().map(|l| l.entity.name).collect();
    assert_eq!(names, ["Vladimir Putin", "Kyiv"]);
    assert!(s.get_entity_by_slug("vladimir-poutine").await.unwrap().is_none());
    assert!(matches!(s.merge_entities(putin.id, putin.id, Utc::now(), &Effects::default()).await, Err(StoreError::Conflict(_))));
}

pub async fn intel_pages_read_public_articles_only(s: &Arc<dyn Store>) {
    use dateline::intel::Kind as K;
    use dateline::store::{ArticleIntel, FoundQuote};
    let older = published(s, "Older", 20).await;
    let newer = published(s, "Newer", 22).await;
    let mut d = input("Draft");
    d.status = Status::Draft;
    d.published_at = None;
    let draft = crate::common::create(&s, &d, Utc::now()).await.unwrap().id;
    let putin = || found(K::Person, "Vladimir Putin", &["Russian President"]);
    let quote = |text: &str| FoundQuote {
        speaker: Some((K::Person, "vladimir-putin".into())),
        speaker_name: Some("Vladimir Putin".into()),
        text: text.into(),
        anchor: Some("p-2".into()),
    };
    let story = |day, said: &str| ArticleIntel {
        entities: vec![putin(), found(K::Place, "Geneva", &[])],
        events: vec![event((2022, 2, day), "Talks were held.")],
        quotes: vec![quote(said)],
    };
    s.save_intel(newer, &story(24, "new words"), Utc::now(), &Effects::default()).await.unwrap();
    s.save_intel(older, &story(18, "old words"), Utc::now(), &Effects::default()).await.unwrap();
    s.save_intel(draft, &story(23, "secret words"), Utc::now(), &Effects::default()).await.unwrap();
    let now = Utc::now();
    let p = s.get_entity_by_slug("vladimir-putin").await.unwrap().unwrap();
    let arts = s.list_entity_articles(p.id, now, 10, 0).await.unwrap();
    assert_eq!(arts.items.iter().map(|a| a.id).collect::<Vec<_>>(), [newer, older], "newest first, no draft");
    let page2 = s.list_entity_articles(p.id, now, 1, 1).await.unwrap();
    assert_eq!((page2.total, page2.items[0].id), (2, older));
    let timeline = s.list_timeline(p.id, now, 100).await.unwrap();
    let days: Vec<String> = timeline.iter().map(|e| e.from.to_string()).collect();
    assert_eq!(days, ["2022-02-18", "2022-02-24"]);
    assert_eq!(timeline[0].article.id, older);
    let quotes: Vec<String> = s.list_entity_quotes(p.id, now, 10).await.unwrap().into_iter().map(|q| q.text).collect();
    assert_eq!(quotes, ["new words", "old words"]);
    let roles = s.list_entity_roles(p.id, now).await.unwrap();
    assert_eq!(roles.iter().map(|r| (r.role.as_str(), r.article.id)).collect::<Vec<_>>(), [
        ("Russian President", older),
        ("Russian President", newer)
    ]);
    let related: Vec<_> = s.list_related(older, now, 5).await.unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(related, [newer], "public, never itself");
    let people = s.list_entities(Some(K::Person), now, 10, 0).await.unwrap();
    assert_eq!((people.total, people.items[0].articles), (1, 2));
    let all = s.list_entities(None, now, 10, 0).await.unwrap();
    assert_eq!(all.total, 2);
}
