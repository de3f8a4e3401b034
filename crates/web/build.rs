//! Rebuilds the crate when a message catalog changes: the catalogs are
//! compiled in by a macro that cargo cannot see reading them.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
