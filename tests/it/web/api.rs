//! The JSON API with bearer tokens.

use dateline::domain::Role;
use serde_json::{json, Value};

use crate::common::{api_call as call, jpeg, spawn_app};

#[tokio::test]
async fn the_api_needs_a_valid_token() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/api/v1/articles")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let (status, body) = call(&app, reqwest::Method::GET, "/api/v1/articles", "dl_wrong", None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "Please log in.");
}

#[tokio::test]
async fn an_editor_creates_uploads_publishes_and_corrects_over_the_api() {
    let app = spawn_app().await;
    let email = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&email).await;

    let r = app
        .http
        .post(app.url("/api/v1/media"))
        .bearer_auth(&token)
        .header("content-type", "image/jpeg")
        .body(jpeg(1000, 500))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let media: Value = r.json().await.unwrap();
    assert_eq!((media["width"].as_u64(), media["height"].as_u64()), (Some(1000), Some(500)));

    let (status, a) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/articles",
        &token,
        Some(json!({
            "headline": "Ferry Service Resumes",
            "body": "The *ferry* is back.",
            "dateline": "Port Alder",
            "section": "City",
            "tags": ["Transport"],
            "photo": {"media_id": media["id"], "alt": "A ferry", "caption": "Back in service"}
        })),
    )
    .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["status"], "draft");
    assert_eq!(a["authors"], json!(["Test User"]));
    let id = a["id"].as_i64().unwrap();

    let (status, a) = call(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/v1/articles/{id}"),
        &token,
        Some(json!({"status": "published"})),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["status"], "published");
    let url = a["url"].as_str().unwrap().replace(app.cfg.base_url(), "");
    let (status, html) = app.get(&url).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ferry Service Resumes"));

    let (status, a) = call(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/articles/{id}/corrections"),
        &token,
        Some(json!({"body": "Fixed the date."})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(a["corrections"][0]["body"], "Fixed the date.");

    let (status, list) = call(&app, reqwest::Method::GET, "/api/v1/articles?status=published", &token, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["articles"].as_array().unwrap().len(), 1);
    assert_eq!(list["total"], 1);
    let (_, revs) = call(&app, reqwest::Method::GET, &format!("/api/v1/articles/{id}/revisions"), &token, None).await;
    assert_eq!(revs["revisions"].as_array().unwrap().len(), 2);

    let (status, body) =
        call(&app, reqwest::Method::PATCH, &format!("/api/v1/articles/{id}"), &token, Some(json!({"headline": ""})))
            .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"]["headline"], "Enter a headline.");
    let (status, _) = call(&app, reqwest::Method::GET, "/api/v1/articles?limit=1000", &token, None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn roles_are_checked_on_every_api_call() {
    let app = spawn_app().await;
    let author = app.add_user("au@example.org", Role::Author).await;
    let token = app.token(&author).await;
    let (status, body) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/articles",
        &token,
        Some(json!({"headline": "Scoop", "status": "published"})),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, a) =
        call(&app, reqwest::Method::POST, "/api/v1/articles", &token, Some(json!({"headline": "Scoop"}))).await;
    assert_eq!(status, 201);
    let (status, _) = call(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/articles/{}/corrections", a["id"]),
        &token,
        Some(json!({"body": "x"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, reqwest::Method::GET, "/api/v1/users", &token, None).await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/users",
        &token,
        Some(json!({"email": "x@example.org", "name": "X", "role": "admin"})),
    )
    .await;
    assert_eq!(status, 403);

    let admin = app.add_user("boss@example.org", Role::Admin).await;
    let admin_token = app.token(&admin).await;
    let (status, u) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/users",
        &admin_token,
        Some(json!({"email": "new@example.org", "name": "New", "role": "editor"})),
    )
    .await;
    assert_eq!(status, 201, "{u}");
    let (status, _) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/users",
        &admin_token,
        Some(json!({"email": "new@example.org", "name": "New", "role": "editor"})),
    )
    .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn revoked_tokens_stop_working_at_once() {
    let app = spawn_app().await;
    let email = app.add_user("ed@example.org", Role::Editor).await;
    let token = app.token(&email).await;
    let (_, list) = call(&app, reqwest::Method::GET, "/api/v1/tokens", &token, None).await;
    let id = list["tokens"][0]["id"].as_i64().unwrap();
    let r = app.http.delete(app.url(&format!("/api/v1/tokens/{id}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (status, _) = call(&app, reqwest::Method::GET, "/api/v1/me", &token, None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let doc: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/articles",
        "/api/v1/articles/{id}",
        "/api/v1/media",
        "/api/v1/users",
        "/api/v1/tokens/{id}",
        "/api/v1/articles/{id}/corrections",
        "/api/v1/articles/{id}/revisions",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    // Every `limit` the API takes says the range it accepts.
    for (path, max) in
        [("/api/v1/articles", 100), ("/api/v1/comments", 100), ("/api/v1/search", 100), ("/api/v1/entities", 500)]
    {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap_or_else(|| panic!("{path}"));
        let limit = params.iter().find(|p| p["name"] == "limit").unwrap_or_else(|| panic!("{path} limit"));
        assert_eq!(
            (limit["schema"]["minimum"].as_f64(), limit["schema"]["maximum"].as_f64()),
            (Some(1.0), Some(f64::from(max))),
            "{path}"
        );
    }
}
