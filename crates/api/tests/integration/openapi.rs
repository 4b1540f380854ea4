//! The committed OpenAPI document is the one the code generates.

#[test]
fn committed_openapi_document_is_up_to_date() {
    let committed = include_str!("../../../../openapi/openapi.json");
    assert!(
        committed == bukuma_api::openapi::json(),
        "openapi/openapi.json is stale: run `make openapi`"
    );
}
