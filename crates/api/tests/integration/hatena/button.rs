//! `/button.js`: the bookmark button's script.

use super::{body_text, hatena_app};
use crate::harness::{both_backends, Backend};

async fn the_button_script_is_cacheable_javascript_that_counts_in_one_call(backend: Backend) {
    let app = hatena_app(backend).await;
    let res = app.get("/button.js", None).await;
    assert_eq!(res.status.as_u16(), 200);
    assert!(res
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/javascript")));
    assert!(res
        .header("cache-control")
        .is_some_and(|c| c.contains("max-age=")));
    assert!(res.header("set-cookie").is_none());
    let js = body_text(&res);
    assert!(
        js.contains("a.bukuma-button"),
        "finds the documented anchors"
    );
    assert!(
        js.contains("/count/entries?"),
        "asks for the counts in one call"
    );
    assert!(js.contains("credentials: 'omit'"), "sends no cookies");
    assert!(!js.contains("innerHTML"), "writes text, never markup");
}
both_backends!(async the_button_script_is_cacheable_javascript_that_counts_in_one_call);
