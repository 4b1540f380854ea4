// `embed_migrations!` reads the migration directories at compile time;
// rebuild this crate when one is added or changed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
