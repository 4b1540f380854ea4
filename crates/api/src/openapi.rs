//! The OpenAPI document, generated from the handlers' annotations and the
//! route table's list of operations.

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Doc, RefOr};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "bukuma API",
        description = "Social bookmarking: save URLs with a comment and tags; everyone's bookmarks make entry pages, comments and stars, hot and new entries.\n\nErrors are RFC 9457 `application/problem+json` documents with a stable `type`. Lists are keyset-paginated with `limit` and `cursor` → `next_cursor`.\n\nAuthenticate with `Authorization: Bearer <token>`: an access token from `/api/v1/auth/login` or a personal API token from `/api/v1/me/tokens`.",
        license(name = "MIT"),
    ),
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::views::CommentOrder,
        crate::views::EntryOrder,
        crate::views::EntryBookmarkFilter,
        crate::views::SearchScope,
        crate::views::SearchTarget,
        crate::views::SearchSort,
        crate::import_export::ExportFormat,
    )),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "me", description = "My account, API tokens, import and export"),
        (name = "bookmarks", description = "Bookmarks"),
        (name = "users", description = "Users and their bookmarks"),
        (name = "tags", description = "Managing my tags"),
        (name = "entries", description = "Entries: one per URL"),
        (name = "categories", description = "Entry categories: the eight, users' suggestions, admins' choices, history"),
        (name = "comments", description = "Comments and stars"),
        (name = "follows", description = "Following people, and the feed and hot entries of whom I follow"),
        (name = "mutes", description = "Users, words and sites I no longer want to see; private to me"),
        (name = "notifications", description = "My notifications: stars, follows, first-bookmark milestones"),
        (name = "search", description = "Full-text search"),
        (name = "moderation", description = "Reports, and the admins' queue, actions and log"),
        (name = "operations", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut Doc) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token (JWT) from login/refresh, or a personal API token (`bkm_…`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// Documents the problem responses every operation can give, beside the ones
/// its handler documents itself.
struct ProblemResponses;

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "Problem",
                )))),
            )
            .build(),
    )
}

fn add(op: &mut Operation, code: &str, description: &str) {
    op.responses
        .responses
        .entry(code.to_owned())
        .or_insert_with(|| problem(description));
}

impl Modify for ProblemResponses {
    fn modify(&self, doc: &mut Doc) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let has_params = path.contains('{');
            let api = path.starts_with("/api/");
            let ops = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in ops.into_iter().flatten() {
                if !api {
                    add(op, "500", "Unexpected server error");
                    continue;
                }
                add(
                    op,
                    "400",
                    "Invalid request: malformed input or failed validation (see `errors`)",
                );
                add(
                    op,
                    "401",
                    "Missing, malformed, expired or revoked credentials",
                );
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                if secured {
                    add(
                        op,
                        "403",
                        "The token may not do this (e.g. a read-only token writing)",
                    );
                }
                if has_params || secured {
                    add(op, "404", "No such resource, or not visible to the caller");
                }
                if op.request_body.is_some() {
                    add(op, "413", "Request body too large");
                    add(op, "415", "Request body is not application/json");
                }
                add(op, "503", "The database is unavailable");
                add(op, "500", "Unexpected server error");
            }
        }
    }
}

/// The whole document: the description above, every operation of the route
/// table and the schemas they name, and the problem responses.
pub fn document() -> Doc {
    let mut doc = ApiDoc::openapi();
    let mut schemas = Vec::new();
    crate::routes::document(&mut doc.paths, &mut schemas);
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    ProblemResponses.modify(&mut doc);
    doc
}

/// The document as committed in `openapi/openapi.json`.
pub fn json() -> String {
    let mut s = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn walk<'a>(v: &'a serde_json::Value, refs: &mut BTreeSet<&'a str>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                    refs.insert(r.as_str());
                }
                m.values().for_each(|x| walk(x, refs));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, refs)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_and_operation_ids_are_unique() {
        let doc: serde_json::Value = serde_json::from_str(&json()).expect("valid JSON");
        let mut refs = BTreeSet::new();
        walk(&doc, &mut refs);
        for r in refs {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{r} is referenced but not defined"
            );
        }
        let mut ids = BTreeSet::new();
        for item in doc["paths"].as_object().expect("paths").values() {
            for op in item.as_object().expect("path item").values() {
                if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                    assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
                }
            }
        }
    }
}
