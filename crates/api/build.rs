//! The binary carries the built web app (see `src/spa.rs`). The embedding
//! needs its folder to exist, also before the frontend is built (a
//! Rust-only build then serves no SPA): create it empty. Release builds copy
//! the files in, so they are rebuilt when the folder changes; debug builds
//! read the folder at run time.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let Ok(manifest) = std::env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let dist = PathBuf::from(manifest).join("../../frontend/dist");
    if let Err(e) = std::fs::create_dir_all(&dist) {
        println!("cargo::warning=cannot create {}: {e}", dist.display());
        return;
    }
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo::rerun-if-changed={}", dist.display());
    }
}
