//! The `hub` binary: parses the command line and hands over to `hub::cli`.
fn main() -> std::process::ExitCode {
    hub::cli::main()
}
