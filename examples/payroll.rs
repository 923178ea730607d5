//! A payroll system embedding kpi: compile the ruleset once, score a month's batch,
//! keep going past bad records, and report the total to pay.
//!
//! Run it with
//! `cargo run --example payroll -- rulesets/agent_monthly.kpi examples/agent_metrics.csv`.

use std::fs::File;
use std::process::ExitCode;

use kpi::{OutputValue, Ruleset, SourceFile};
use rust_decimal::Decimal;

/// What one payroll run produced.
#[derive(Debug, Default)]
pub struct PayrollRun {
    /// (agent, payout) for every record scored.
    pub paid: Vec<(String, Decimal)>,
    /// One message per record that could not be scored.
    pub rejected: Vec<String>,
}

impl PayrollRun {
    /// The sum of every payout, exact.
    pub fn total(&self) -> Decimal {
        self.paid.iter().map(|(_, amount)| *amount).sum()
    }
}

/// Scores every record of `data` under the ruleset in `rules`.
pub fn run(rules: &str, data: &str) -> Result<PayrollRun, String> {
    let text = std::fs::read_to_string(rules).map_err(|e| format!("{rules}: {e}"))?;
    // Compile once; the ruleset is immutable and could be shared across threads.
    let ruleset = Ruleset::compile_source(SourceFile::new(rules, text))
        .map_err(|diagnostics| diagnostics.render())?;
    let file = File::open(data).map_err(|e| format!("{data}: {e}"))?;
    let mut run = PayrollRun::default();
    for loaded in ruleset.read_csv(file).map_err(|e| format!("{data}: {e}"))? {
        let record = match loaded {
            Ok(record) => record,
            Err(problems) => {
                // A bad record is reported and skipped; the rest are still paid.
                run.rejected
                    .extend(problems.iter().map(|p| format!("{data}: {p}")));
                continue;
            }
        };
        match ruleset.evaluate(&record) {
            Ok(outcome) => match outcome.get("payout") {
                Some(OutputValue::Money(amount)) | Some(OutputValue::Number(amount)) => {
                    run.paid.push((record.key().to_string(), *amount))
                }
                other => run.rejected.push(format!("no payout amount: {other:?}")),
            },
            Err(error) => run.rejected.push(error.to_string()),
        }
    }
    Ok(run)
}

#[allow(dead_code)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rules, data] = args.as_slice() else {
        eprintln!("usage: payroll RULESET.kpi DATA.csv");
        return ExitCode::from(2);
    };
    match run(rules, data) {
        Ok(run) => {
            for problem in &run.rejected {
                eprintln!("{problem}");
            }
            println!(
                "paid {} agents, {} CNY in total; {} records rejected",
                run.paid.len(),
                run.total(),
                run.rejected.len()
            );
            ExitCode::from(if run.rejected.is_empty() { 0 } else { 1 })
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}
