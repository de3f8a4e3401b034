//! The OpenAPI document (`/api/v1/openapi.json`) and a readable page
//! rendered from it (`/api/docs`), served without any script or CDN.

use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use crate::AppState;
use crate::html::{PageCtx, page};

pub fn router(openapi: &utoipa::openapi::OpenApi) -> Router<AppState> {
    // Kept as compact JSON, the one form both routes need: the document as a
    // structure, pretty-printed text and the page's view of it together held
    // about a megabyte for as long as the server ran, the page's view even if
    // nobody ever opened it. The view is made on the first visit.
    let json = axum::body::Bytes::from(serde_json::to_vec(openapi).unwrap_or_else(|_| b"{}".to_vec()));
    let view: Arc<OnceLock<DocsView>> = Arc::default();
    let document = json.clone();
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], json).into_response() }
            }),
        )
        .route(
            "/api/docs",
            get(move |ctx: PageCtx| {
                let view = view.clone();
                let document = document.clone();
                async move {
                    let view = view.get_or_init(|| {
                        DocsView::from_document(&serde_json::from_slice(&document).unwrap_or(Value::Null))
                    });
                    docs_page(ctx, view)
                }
            }),
        )
}

/// One operation as listed on the docs page.
#[derive(Debug, Clone)]
pub struct OperationView {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub anchor: String,
    pub parameters: Vec<(String, String, bool)>,
    pub request: Option<String>,
    pub responses: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct TagView {
    pub name: String,
    pub description: String,
    pub operations: Vec<OperationView>,
}

#[derive(Debug, Clone)]
pub struct SchemaView {
    pub name: String,
    pub description: String,
    /// (name, type, required, description)
    pub properties: Vec<(String, String, bool, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct DocsView {
    pub title: String,
    pub description: String,
    pub version: String,
    pub tags: Vec<TagView>,
    pub schemas: Vec<SchemaView>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A short type name for a schema: `Space`, `[Member]`, `string`, `integer?`.
fn type_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(items) = schema.get("items") {
        return format!("[{}]", type_name(items));
    }
    if let Some(one_of) = schema.get("oneOf").and_then(Value::as_array) {
        let names: Vec<String> = one_of.iter().map(type_name).filter(|n| n != "null").collect();
        return format!("{}?", names.join(" | "));
    }
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
            let nullable = ts.iter().any(|t| t == "null");
            format!("{}{}", names.join(" | "), if nullable { "?" } else { "" })
        }
        _ => "object".to_owned(),
    }
}

impl DocsView {
    pub fn from_document(doc: &Value) -> Self {
        let info = &doc["info"];
        let mut tags: Vec<TagView> = doc["tags"]
            .as_array()
            .map(|ts| {
                ts.iter()
                    .map(|t| TagView {
                        name: text(t, "name"),
                        description: text(t, "description"),
                        operations: Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                for method in ["get", "post", "patch", "put", "delete"] {
                    let Some(op) = item.get(method) else { continue };
                    let tag = op["tags"].get(0).and_then(Value::as_str).unwrap_or("other").to_owned();
                    let parameters = op["parameters"]
                        .as_array()
                        .map(|ps| {
                            ps.iter()
                                .map(|p| (text(p, "name"), text(p, "in"), p["required"].as_bool().unwrap_or(false)))
                                .collect()
                        })
                        .unwrap_or_default();
                    let request = op["requestBody"]["content"]["application/json"]["schema"]
                        .as_object()
                        .map(|_| type_name(&op["requestBody"]["content"]["application/json"]["schema"]));
                    let responses = op["responses"]
                        .as_object()
                        .map(|rs| {
                            rs.iter()
                                .map(|(code, r)| {
                                    let body = r["content"]["application/json"]["schema"]
                                        .as_object()
                                        .map(|_| type_name(&r["content"]["application/json"]["schema"]));
                                    (code.clone(), body.unwrap_or_default())
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let summary = {
                        let s = text(op, "summary");
                        if s.is_empty() { text(op, "description") } else { s }
                    };
                    let view = OperationView {
                        anchor: format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
                        method: method.to_uppercase(),
                        path: format!("/api/v1{path}"),
                        summary,
                        parameters,
                        request,
                        responses,
                    };
                    match tags.iter_mut().find(|t| t.name == tag) {
                        Some(t) => t.operations.push(view),
                        None => tags.push(TagView { name: tag, description: String::new(), operations: vec![view] }),
                    }
                }
            }
        }
        let schemas = doc["components"]["schemas"]
            .as_object()
            .map(|ss| {
                ss.iter()
                    .map(|(name, s)| {
                        let required: Vec<&str> = s["required"]
                            .as_array()
                            .map(|r| r.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        let properties = s["properties"]
                            .as_object()
                            .map(|ps| {
                                ps.iter()
                                    .map(|(p, v)| {
                                        (
                                            p.clone(),
                                            type_name(v),
                                            required.contains(&p.as_str()),
                                            text(v, "description"),
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        SchemaView { name: name.clone(), description: text(s, "description"), properties }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            title: text(info, "title"),
            description: text(info, "description"),
            version: text(info, "version"),
            tags,
            schemas,
        }
    }

    pub fn operation_count(&self) -> usize {
        self.tags.iter().map(|t| t.operations.len()).sum()
    }
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage<'a> {
    ctx: PageCtx,
    docs: &'a DocsView,
}

fn docs_page(ctx: PageCtx, view: &DocsView) -> Response {
    page(&DocsPage { ctx, docs: view })
}
