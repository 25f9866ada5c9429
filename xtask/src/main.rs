//! Project automation, run as `cargo xtask <command>`.

use clap::{Parser, Subcommand};

mod bench;
mod chaos;
mod conformance;
mod fuzz;
mod instructions;
mod interop;
mod workspace;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for the BCC key-pair toolkit"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the conformance suite through the client against the embedded simulator
    /// (or any endpoint with --endpoint).
    Conformance(conformance::Args),
    /// Drive the simulator with the official Python SDK (bce-python-sdk from PyPI).
    Interop(interop::Args),
    /// Load benchmarks of the simulator binary.
    Bench(bench::Args),
    /// Run each fuzz target in turn (cargo-fuzz, nightly) and print executions and crashes.
    Fuzz(fuzz::Args),
    /// Kill, flood and race the simulator binary; prints `N passed, M failed`.
    Chaos(chaos::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Conformance(args) => conformance::run(args),
        Command::Interop(args) => interop::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Fuzz(args) => fuzz::run(args),
        Command::Chaos(args) => chaos::run(args),
    }
}
