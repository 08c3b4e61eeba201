//! Command-line subcommands that are not the server itself.

pub mod check;
pub mod input;
