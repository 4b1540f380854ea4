//! The committed OpenAPI document is the one the code generates and serves,
//! and the interactive docs are where people look for them.

use crate::harness::{both_backends, TestApp, Value};

#[test]
fn committed_openapi_document_is_up_to_date() {
    let committed = include_str!("../../../../openapi/openapi.json");
    assert!(
        committed == bukuma_api::openapi::json(),
        "openapi/openapi.json is stale: run `make openapi`"
    );
}

async fn the_served_document_is_the_generated_one(app: TestApp) {
    let served = app.get("/api/openapi.json", None).await.expect(200);
    let generated: Value = serde_json::from_str(&bukuma_api::openapi::json()).expect("JSON");
    assert_eq!(served, generated);
}
both_backends!(async the_served_document_is_the_generated_one);

async fn the_docs_path_without_a_slash_redirects_to_the_docs_ui(app: TestApp) {
    let res = app.get("/api/docs", None).await;
    assert!(res.status.is_redirection(), "{}", res.status);
    assert_eq!(res.header("location"), Some("/api/docs/"));
    let page = app.get("/api/docs/", None).await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(
        page.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        page.header("content-type")
    );
}
both_backends!(async the_docs_path_without_a_slash_redirects_to_the_docs_ui);
