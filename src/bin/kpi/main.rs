//! The `kpi` command line: a thin front end over the library.

// `print!` and `eprint!` panic when their stream is a closed pipe: every message goes
// through `output` instead.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod amounts;
mod cases;
mod coverage;
mod data;
mod diff;
mod diff_report;
mod diff_xlsx;
mod eval;
mod expected;
mod explain;
mod fmt;
mod generate;
mod index;
mod lsp;
mod output;
mod period;
mod problems;
mod progress;
mod report;
mod scoring;
mod serve;
mod source;
mod spreadsheet;
mod workbook;
mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kpi::{Ruleset, SourceFile};
pub use output::say;

/// Exact, explainable bonus and performance scoring from plain-text rule files.
#[derive(Parser)]
#[command(name = "kpi", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How problems are written on standard error: `text`, or `json` for one object a
    /// line with a stable code, file, line, column, message and hint.
    #[arg(long, value_enum, global = true, default_value_t = problems::ErrorFormat::Text)]
    error_format: problems::ErrorFormat,
}

#[derive(Subcommand)]
enum Command {
    /// Check a rule file and report every problem in it.
    Check {
        /// The rule file.
        ruleset: PathBuf,
    },
    /// Score every record of a data file.
    Eval {
        /// The rule file.
        ruleset: PathBuf,
        /// Records: .csv, .json (an array of objects) or .jsonl (one object per line).
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Threads to score with; 0 (the default) uses every core, and more threads
        /// than cores are not started. Rows come out in the order of the data file
        /// either way.
        #[arg(short, long, default_value_t = 0)]
        jobs: usize,
        #[command(flatten)]
        period: period::PeriodArgs,
        #[command(flatten)]
        source: source::SourceArgs,
        #[command(flatten)]
        cells: spreadsheet::TextCells,
    },
    /// Show how one record's values arose, or every record's with --all.
    Explain(explain::Args),
    /// Count the records that reach each tier row, grade band and veto; the rows no
    /// record reaches are listed first.
    Coverage {
        /// The rule file.
        ruleset: PathBuf,
        /// Records: .csv, .json, .jsonl or a workbook.
        data: PathBuf,
        #[command(flatten)]
        period: period::PeriodArgs,
        #[command(flatten)]
        source: source::SourceArgs,
    },
    /// Score one data file with a rule file as it is and as it would be: who gains, who loses.
    ///
    /// Each record's outputs before and after, the totals of every numeric output, the
    /// same by grade and by a column, and the largest changes.
    Diff(diff::Args),
    /// Write the report HR opens first, as a workbook or an HTML page: results, a
    /// summary by grade and by a column with charts, a payout histogram, and the
    /// records that could not be scored.
    Report(report::Args),
    /// Recompute a saved JSON explanation and confirm its fingerprints and values.
    Verify {
        /// The rule file.
        ruleset: PathBuf,
        /// An explanation saved with `kpi explain --format json`.
        explanation: PathBuf,
        /// The data file the record was scored from, for a ruleset that scores
        /// records together.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Answer JSON requests over HTTP on 127.0.0.1 (or JSON Lines with --stdio):
    /// POST /evaluate, POST /explain, GET /ruleset, GET /health.
    Serve(serve::Args),
    /// Serve editors as a language server over standard input and output:
    /// diagnostics, hover, definitions, references, completion, formatting, quick fixes.
    Lsp,
    /// Rewrite rule files in the canonical layout, comments kept in place.
    Fmt {
        /// The rule files.
        #[arg(required = true)]
        rulesets: Vec<PathBuf>,
        /// Change nothing: print a diff for each file that is not formatted, exit 1.
        #[arg(long)]
        check: bool,
    },
    /// Write realistic records for a ruleset as CSV, the same for the same seed.
    Generate {
        /// The rule file.
        ruleset: PathBuf,
        /// How many records.
        #[arg(short = 'n', long, default_value_t = 1000)]
        count: u64,
        /// The seed; the same seed gives the same records.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Run the test cases written in a rule file, or check a data file's results
    /// against those expected of it.
    Test {
        /// The rule file.
        ruleset: PathBuf,
        /// The language of failure explanations.
        #[arg(long, value_enum, default_value_t = explain::LangArg::Zh)]
        lang: explain::LangArg,
        #[command(flatten)]
        against: expected::Args,
    },
}

/// Output formats of `kpi eval`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Exit status for rule or data errors.
pub const FAILED: u8 = 1;
/// Exit status for usage errors (bad arguments, unreadable files).
const USAGE: u8 = 2;

/// A reason to stop early, with its exit status.
pub struct Failure {
    code: u8,
    message: String,
    /// The exact problem, when a data file's own error stopped the run.
    problem: Option<Box<kpi::Problem>>,
}

impl Failure {
    /// A usage error: a file that cannot be read or written, an unknown format.
    pub fn usage(message: String) -> Failure {
        Failure {
            code: USAGE,
            message,
            problem: None,
        }
    }

    /// A data error that spoils a whole file, such as a missing column.
    pub fn data(message: String) -> Failure {
        Failure {
            code: FAILED,
            message,
            problem: None,
        }
    }

    /// A data error in `path` that spoils the whole file.
    pub fn data_error(path: &Path, error: &kpi::DataError) -> Failure {
        Failure {
            problem: Some(Box::new(kpi::Problem::from_data(
                error,
                Some(&path.display().to_string()),
            ))),
            ..Failure::data(format!("{}: {error}", path.display()))
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::usage(message)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    problems::set_format(cli.error_format);
    let result = match cli.command {
        Command::Check { ruleset } => check(&ruleset),
        Command::Eval {
            ruleset,
            data,
            format,
            output,
            jobs,
            period,
            source,
            cells,
        } => {
            source::set(source);
            let output = eval::Output {
                format,
                path: output.as_deref(),
                cells,
            };
            eval::eval(&ruleset, &data, output, jobs, &period)
        }
        Command::Coverage {
            ruleset,
            data,
            period,
            source,
        } => {
            source::set(source);
            coverage::run(&ruleset, &data, &period)
        }
        Command::Explain(args) => {
            source::set(args.source.clone());
            explain::explain(&args)
        }
        Command::Report(args) => {
            source::set(args.source.clone());
            report::report(&args)
        }
        Command::Diff(args) => {
            source::set(args.source.clone());
            diff::diff(&args)
        }
        Command::Verify {
            ruleset,
            explanation,
            data,
        } => explain::verify(&ruleset, &explanation, data.as_deref()),
        Command::Generate {
            ruleset,
            count,
            seed,
            output,
        } => generate::generate(&ruleset, count, seed, output.as_deref()),
        Command::Fmt { rulesets, check } => fmt::fmt(&rulesets, check),
        Command::Serve(args) => serve::serve(&args),
        Command::Lsp => lsp::serve(),
        Command::Test {
            ruleset,
            lang,
            against,
        } => match (&against.data, &against.expected) {
            (Some(data), Some(expected)) => {
                source::set(against.source.clone());
                expected::test(&ruleset, data, expected, &against, lang.into())
            }
            _ => cases::test(&ruleset, lang.into()),
        },
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            // A closed standard output ends a command with no message.
            if !failure.message.is_empty() {
                let code = match failure.code {
                    USAGE => "U0001",
                    _ => "U0002",
                };
                problems::failure(code, &failure.message, failure.problem.as_deref());
            }
            ExitCode::from(failure.code)
        }
    }
}

/// Reads a rule file: a usage error if it cannot be read (or is a directory, or
/// larger than [`kpi::limits::MAX_RULE_FILE`]), a data error if it is not UTF-8 text.
pub fn read_rule_file(path: &Path) -> Result<SourceFile, Failure> {
    use std::io::Read;
    let unreadable =
        |e: std::io::Error| Failure::usage(format!("cannot read {}: {e}", path.display()));
    if path.is_dir() {
        return Err(Failure::usage(format!(
            "{} is a directory; give the rule file (.kpi)",
            path.display()
        )));
    }
    let limit = kpi::limits::MAX_RULE_FILE;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(Failure::usage(format!(
            "{}: the file is larger than {}, the most a rule file may hold; is it a rule file?",
            path.display(),
            kpi::limits::shown_size(limit)
        )));
    }
    SourceFile::from_bytes(path.display().to_string(), bytes).map_err(Failure::data)
}

/// Reads and compiles a rule file, printing its diagnostics on stderr.
pub fn load(path: &Path) -> Result<Option<Ruleset>, Failure> {
    match Ruleset::compile_source(read_rule_file(path)?) {
        Ok(ruleset) => {
            problems::diagnostics(&ruleset.warnings());
            Ok(Some(ruleset))
        }
        Err(diagnostics) => {
            problems::diagnostics(&diagnostics);
            let errors = diagnostics.errors().count();
            problems::summary(&format!(
                "{}: {errors} error{}",
                path.display(),
                if errors == 1 { "" } else { "s" }
            ));
            Ok(None)
        }
    }
}

fn check(path: &Path) -> Result<u8, Failure> {
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let plural = |n: usize, word: &str| match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    };
    say(&format!(
        "{}: ok ({}, {}, {})\n",
        path.display(),
        plural(ruleset.inputs().len(), "input"),
        plural(ruleset.output_names().len(), "output"),
        plural(ruleset.test_count(), "test case"),
    ))?;
    Ok(0)
}
