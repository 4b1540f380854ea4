//! Release builds embed the built web app (see `src/spa.rs`): rebuild when
//! it changes, and give the embedding an empty folder to read when the
//! frontend has not been built (a Rust-only build then serves no SPA).

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        // Debug builds read the folder at run time.
        return;
    }
    let Ok(manifest) = std::env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let dist = PathBuf::from(manifest).join("../../frontend/dist");
    if let Err(e) = std::fs::create_dir_all(&dist) {
        println!("cargo::warning=cannot create {}: {e}", dist.display());
        return;
    }
    println!("cargo::rerun-if-changed={}", dist.display());
}
