//! `bcc-keypair`: a command-line tool for BCC key pairs.
fn main() {}
