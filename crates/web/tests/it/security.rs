//! Hostile input and cross-site requests.

use reqwest::StatusCode;

use crate::{space, spawn_app, thread};

const PAYLOADS: &[&str] = &[
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">js</a>",
    "<b onmouseover=\"alert(1)\">hover</b>",
];

/// Checks every tag in the page: no inline script, no event-handler
/// attribute, no `javascript:` URL. Escaped text (`&lt;img ...`) is fine:
/// it is shown, not run.
fn assert_inert(page: &str, context: &str) {
    let lower = page.to_lowercase();
    for tag in lower.split('<').skip(1).filter_map(|rest| rest.split('>').next()) {
        let name = tag.split_whitespace().next().unwrap_or_default();
        if name == "script" {
            assert!(tag.contains("src=\"/static/"), "{context}: an inline script survived: <{tag}>");
        }
        for attribute in attributes(tag) {
            // An attribute named on...= (words inside quoted values, such as
            // "one", have no `=` right after a name).
            let handler = attribute
                .split_once('=')
                .is_some_and(|(name, _)| name.starts_with("on") && name.chars().all(|c| c.is_ascii_alphabetic()));
            assert!(!handler, "{context}: an event handler survived: <{tag}>");
            // Only where a URL goes: the words "javascript:" in a title are text.
            let url = attribute.split_once('=').is_some_and(|(name, _)| {
                matches!(name, "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data" | "srcset")
            });
            assert!(!(url && attribute.contains("javascript:")), "{context}: a javascript: URL survived: <{tag}>");
        }
    }
}

/// The attributes of a tag's text (after its name), each `name` or
/// `name=value` with the value's quotes kept: whitespace inside a quoted
/// value does not start a new attribute.
fn attributes(tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in tag.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                current.push(c);
            }
            Some(_) => current.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                current.push(c);
            }
            None if c.is_whitespace() => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            None => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.into_iter().skip(1).collect()
}

#[tokio::test]
async fn hostile_titles_bodies_names_and_bios_never_become_markup() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let slug = space(&ana, "guild", "public", "open").await;
    for payload in PAYLOADS {
        let r = ana
            .post_form(
                "/settings/profile",
                &[("username", "ana"), ("display_name", payload), ("email", ""), ("bio", payload), ("locale", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{payload}");
        let id = thread(&ana, &slug, payload, payload).await;
        let (_, reply) = ana.api_post(&format!("/threads/{id}/posts"), serde_json::json!({"body": payload})).await;
        assert!(reply["post"]["body_html"].is_string());
        let (_, space_json) = ana
            .api_send(
                reqwest::Method::PATCH,
                &format!("/spaces/{slug}"),
                Some(serde_json::json!({"name": payload, "description": payload})),
            )
            .await;
        assert!(space_json["name"].is_string(), "{space_json}");
        for path in [
            format!("/s/{slug}"),
            format!("/s/{slug}/t/{id}"),
            "/u/ana".to_owned(),
            "/".to_owned(),
            "/spaces".to_owned(),
            format!("/s/{slug}/members"),
        ] {
            let (status, page) = ana.text(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_inert(&page, &format!("{payload} on {path}"));
        }
    }
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let r = ana
        .client
        .post(ana.url("/spaces"))
        .form(&[("kind", "community"), ("name", "Sneaky"), ("visibility", "public"), ("join_policy", "open")])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("body").contains("This form has expired"));
    let r = ana
        .client
        .post(ana.url("/spaces"))
        .form(&[
            ("_csrf", "forged-token-that-is-long-enough-0000000000"),
            ("kind", "community"),
            ("name", "Sneaky"),
            ("visibility", "public"),
            ("join_policy", "open"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, spaces) = ana.api_get("/spaces").await;
    assert_eq!(spaces.as_array().map(Vec::len), Some(0), "nothing was created");
}

#[tokio::test]
async fn cross_site_posts_are_refused_even_with_the_cookie() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let csrf = ana.csrf().await;
    let r = ana
        .client
        .post(ana.url("/spaces"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "community"),
            ("name", "Sneaky"),
            ("visibility", "public"),
            ("join_policy", "open"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn api_writes_with_the_session_cookie_need_the_csrf_header() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let r = ana
        .client
        .post(ana.url("/api/v1/spaces"))
        .json(&serde_json::json!({"kind": "community", "name": "X", "visibility": "public", "join_policy": "open"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, body) = crate::json(r).await;
    assert_eq!(body["error"]["code"], "csrf_failed");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let v = app.visitor();
    for path in ["/", "/signin", "/api/v1/spaces", "/static/stoa.css", "/nope"] {
        let r = v.get(path).await;
        let h = r.headers();
        let csp =
            h.get("content-security-policy").map(|v| v.to_str().unwrap_or_default().to_owned()).unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
    }
}
