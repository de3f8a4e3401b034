//! The JSON API: authentication, error shapes, and the OpenAPI document.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{space, spawn_app, thread};

#[tokio::test]
async fn api_errors_are_json_with_a_code_and_the_right_status() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let slug = space(&ana, "guild", "public", "open").await;

    let bad_json = ana
        .client
        .post(ana.url("/api/v1/spaces"))
        .bearer_auth(ana.token.as_deref().unwrap_or_default())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    let (status, body) = crate::json(bad_json).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_json")), "{body}");

    let wrong_type = ana
        .client
        .post(ana.url("/api/v1/spaces"))
        .bearer_auth(ana.token.as_deref().unwrap_or_default())
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("POST");
    let (status, body) = crate::json(wrong_type).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type")),
        "{body}"
    );

    let (status, body) = ana.api_post("/spaces", json!({"kind": "community"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "missing fields: {body}");

    let (status, body) =
        ana.api_post(&format!("/spaces/{slug}/threads"), json!({"title": "x".repeat(100 * 1024), "body": "b"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")),
        "{body}"
    );
    assert_eq!(body["error"]["fields"][0]["field"], "title");

    let (status, body) = ana.api_get("/threads/does-not-exist").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, body) = ana.api_get("/no/such/route").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    let (status, body) = ana
        .api_post(
            "/spaces",
            json!({"kind": "community", "name": "Dup", "slug": slug, "visibility": "public", "join_policy": "open"}),
        )
        .await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{body}");

    let anonymous = app.visitor();
    let (status, body) = anonymous.api_get("/me").await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let mut forged = app.visitor();
    forged.token = Some("stoa_forged".into());
    let (status, _) = forged.api_get("/spaces").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a bad token is refused, not ignored");
}

#[tokio::test]
async fn tokens_are_created_listed_and_revoked_through_the_api() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let (status, created) = ana.api_post("/me/tokens", json!({"name": "laptop"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list) = ana.api_get("/me/tokens").await;
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert!(list.to_string().find("secret").is_none(), "secrets are never listed");
    let id = created["token"]["id"].as_str().expect("id");
    let (status, _) = ana.api_send(Method::DELETE, &format!("/me/tokens/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mut laptop = app.visitor();
    laptop.token = created["secret"].as_str().map(str::to_owned);
    assert_eq!(laptop.api_get("/me").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_api_covers_the_discussion_lifecycle() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let bob = app.person("bob").await.with_token().await;
    let slug = space(&ana, "guild", "public", "open").await;
    assert_eq!(bob.api_post(&format!("/spaces/{slug}/join"), json!({})).await.0, StatusCode::OK);
    let id = thread(&ana, &slug, "Plan", "Let us plan").await;
    let (status, written) =
        bob.api_post(&format!("/threads/{id}/posts"), json!({"body": "Agreed", "reply_to": null})).await;
    assert_eq!(status, StatusCode::CREATED);
    let post_id = written["post"]["id"].as_str().expect("id").to_owned();
    let (status, edited) =
        bob.api_send(Method::PATCH, &format!("/posts/{post_id}"), Some(json!({"body": "Agreed!", "version": 1}))).await;
    assert_eq!((status, edited["version"].as_i64()), (StatusCode::OK, Some(2)));
    let (status, _) =
        bob.api_send(Method::PATCH, &format!("/posts/{post_id}"), Some(json!({"body": "stale", "version": 1}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, versions) = bob.api_get(&format!("/posts/{post_id}/versions")).await;
    assert_eq!(versions[0]["body"], "Agreed");
    assert_eq!(
        ana.api_send(Method::PATCH, &format!("/posts/{post_id}"), Some(json!({"body": "not mine"}))).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ana.api_send(Method::PATCH, &format!("/threads/{id}"), Some(json!({"title": "The plan"}))).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, t) = ana.api_get(&format!("/threads/{id}")).await;
    assert_eq!((t["title"].as_str(), t["post_count"].as_i64()), (Some("The plan"), Some(2)));
    let (_, list) = ana.api_get(&format!("/spaces/{slug}/threads")).await;
    assert_eq!(list["threads"][0]["reply_count"], 1);
    assert_eq!(
        ana.api_send(Method::DELETE, &format!("/posts/{post_id}"), None).await.0,
        StatusCode::NO_CONTENT,
        "owners moderate"
    );
    let (_, post) = bob.api_get(&format!("/posts/{post_id}")).await;
    assert_eq!((post["deleted"].as_bool(), post["body"].as_str()), (Some(true), Some("")));
    let (_, activity) = ana.api_get("/activity").await;
    assert!(activity.as_array().is_some_and(|a| a.len() >= 2), "{activity}");
}

#[tokio::test]
async fn the_router_and_the_openapi_document_agree() {
    let app = spawn_app().await;
    let v = app.visitor();
    let (status, doc) = crate::json(v.get("/api/v1/openapi.json").await).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().is_some_and(|s| s.starts_with("3.1")), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    let mut count = 0;
    for (path, item) in paths {
        for method in ["get", "post", "patch", "put", "delete"] {
            let Some(op) = item.get(method) else { continue };
            count += 1;
            assert!(op["summary"].is_string() || op["description"].is_string(), "{method} {path} is undocumented");
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path} has no responses");
            // Path parameters are exactly the template's; everything else
            // (pages, filters, search words) is in the query (issue #7,
            // finding 7: 35 query parameters were declared `in: path`).
            let in_template: Vec<&str> =
                path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared: Vec<&str> =
                params.iter().filter(|p| p["in"] == "path").filter_map(|p| p["name"].as_str()).collect();
            let mut want = in_template.clone();
            want.sort_unstable();
            let mut got = declared.clone();
            got.sort_unstable();
            assert_eq!(got, want, "{method} {path}: path parameters");
            for p in &params {
                assert!(matches!(p["in"].as_str(), Some("path" | "query")), "{method} {path}: {p}");
            }
            // The errors the API layer gives whatever the handler are documented.
            let responses = op["responses"].as_object().expect("responses");
            let mut expected = vec!["401", "403", "404", "429", "500"];
            if method != "get" {
                expected.extend(["409", "422", "507"]);
            }
            if op.get("requestBody").is_some() {
                expected.extend(["400", "413", "415"]);
            }
            if params.iter().any(|p| p["in"] == "query") {
                expected.push("400");
            }
            for status in expected {
                assert!(responses.contains_key(status), "{method} {path} does not document {status}");
            }
            // Fill the path parameters and call the route: the real router
            // must know it (anything but the fallback's "no route").
            let concrete =
                path.split('/').map(|seg| if seg.starts_with('{') { "x0" } else { seg }).collect::<Vec<_>>().join("/");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let r = v
                .client
                .request(m, v.url(&format!("/api/v1{concrete}")))
                .json(&serde_json::json!({}))
                .send()
                .await
                .expect("request");
            let (status, body) = crate::json(r).await;
            let fallback = status == StatusCode::NOT_FOUND
                && body["error"]["message"].as_str().is_some_and(|m| m.starts_with("no route"));
            assert!(!fallback, "{method} {path} is in the document but not in the router");
            assert!(status != StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: method not routed");
        }
    }
    assert!(count >= 40, "only {count} operations documented");
    // A picture is sent as its bytes, not as an array of numbers.
    let avatar = &doc["paths"]["/me/avatar"]["put"]["requestBody"]["content"];
    assert!(avatar["image/png"].is_object() && avatar["image/webp"].is_object(), "{avatar}");
    assert_ne!(avatar["image/png"]["schema"]["type"], "array", "{avatar}");
    let (status, page) = v.text("/api/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/api/v1/spaces/{slug}/threads") && page.contains("CreateThread"));
}

/// Issue #7, finding 7: a 10 MB JSON body got 400 instead of 413.
#[tokio::test]
async fn a_body_past_the_limit_is_413_and_a_wrong_type_415() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let r = ana
        .client
        .post(ana.url("/api/v1/spaces"))
        .header("x-csrf-token", ana.cookie("stoa_csrf").expect("csrf"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("request");
    let (status, body) = crate::json(r).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
    let r = ana
        .client
        .post(ana.url("/api/v1/spaces"))
        .header("x-csrf-token", ana.cookie("stoa_csrf").expect("csrf"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
