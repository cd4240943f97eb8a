//! The `dateline` command: parses the command line and hands over to `cli`.

fn main() -> std::process::ExitCode {
    dateline::cli::main()
}
