//! Rebuilds the shop when a migration changes: `sqlx::migrate!` embeds them at compile time,
//! and a stable compiler cannot tell cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
