//! `kpi serve`: the engine as a service, answering JSON over HTTP on the loopback
//! interface, or over JSON Lines on standard input and output.

mod http;
mod service;
mod stdio;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::output::note;
use crate::{FAILED, Failure, load, problems};
use service::{Reloaded, Service};

/// Arguments of `kpi serve`.
#[derive(clap::Args)]
pub struct Args {
    /// The rule file. SIGHUP reloads it, if it compiles.
    ruleset: PathBuf,
    /// The port on 127.0.0.1; 0 picks a free one (the port is printed on stderr).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Answer JSON Lines on standard input and output instead of HTTP.
    #[arg(long)]
    stdio: bool,
    /// The most bytes a request body (or a line of --stdio) may hold.
    #[arg(long, default_value_t = 16 << 20)]
    max_body: usize,
    /// The most seconds a request may take, from its first byte to its answer.
    #[arg(long, default_value_t = http::TIMEOUT.as_secs())]
    timeout: u64,
}

/// The limits every request is held to.
#[derive(Clone, Copy)]
pub struct Limits {
    max_body: usize,
    timeout: Duration,
}

/// Runs the service until it is stopped, or its input ends.
pub fn serve(args: &Args) -> Result<u8, Failure> {
    let Some(ruleset) = load(&args.ruleset)? else {
        return Ok(FAILED);
    };
    let limits = Limits {
        max_body: args.max_body,
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let service = Arc::new(Service::new(args.ruleset.clone(), ruleset));
    match args.stdio {
        true => stdio::serve(&service, limits),
        false => http::serve(service, args.port, limits),
    }
}

/// Reloads the rule file and says what happened on stderr.
fn report_reload(service: &Service) {
    match service.reload() {
        Ok(fingerprint) => note!("kpi serve: reloaded the rule file ({fingerprint})"),
        Err(Reloaded::Unread(message)) => {
            note!("kpi serve: {message}; the rules in force are kept");
        }
        Err(Reloaded::Invalid(diagnostics)) => {
            problems::diagnostics(&diagnostics);
            note!("kpi serve: the rule file does not compile; the rules in force are kept");
        }
    }
}
