//! The built-in templates and blueprints are embedded with `include_dir!`/`include_str!`;
//! a new file in those folders must rebuild the binary.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=blueprints");
}
