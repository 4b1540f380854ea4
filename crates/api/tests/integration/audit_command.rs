//! `bukuma audit`: exact counters pass, a counter changed behind the
//! server's back is printed and fails the command.

use std::process::{Command, Output};

use bukuma_db::Db;
use diesel::RunQueryDsl;

use crate::harness::{both_backends, json, TestApp};

fn audit(url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bukuma"))
        .arg("audit")
        .env("DATABASE_URL", url)
        .env(
            "BUKUMA_JWT_SECRET",
            "audit-test-secret-audit-test-secret-1234",
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("run bukuma audit")
}

async fn audit_reports_a_changed_counter(app: TestApp) {
    let alice = app.register("alice").await;
    app.bookmark(
        &alice.access,
        "https://example.com/a",
        json!({ "tags": ["x"] }),
    )
    .await;
    let url = app.state.config.database_url.clone();
    let out = audit(&url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let db: &Db = app.db();
    db.write(|c| {
        diesel::sql_query("UPDATE users SET bookmark_count = bookmark_count + 3").execute(c)?;
        Ok(())
    })
    .expect("change a counter");
    let out = audit(&url);
    assert!(!out.status.success(), "a wrong counter passed");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("users.bookmark_count"), "{printed}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 counters differ"));
}

both_backends!(async audit_reports_a_changed_counter);
