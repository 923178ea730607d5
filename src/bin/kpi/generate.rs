//! `kpi generate`: realistic records for a ruleset, reproducible from a seed.

use std::path::Path;

use kpi::generate::Generator;

use crate::output::{Inputs, Sink};
use crate::{FAILED, Failure, load};

/// Writes `count` records as CSV, a header row first, to `output` or stdout.
pub fn generate(path: &Path, count: u64, seed: u64, output: Option<&Path>) -> Result<u8, Failure> {
    if let Some(file) = output {
        Inputs::new(&[("the rule file", path)]).refuse(file)?;
    }
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let mut writer = csv::Writer::from_writer(Sink::open(output)?);
    let header = ruleset.inputs().map(|i| i.name());
    let mut generator = Generator::new(&ruleset, seed);
    let written = writer
        .write_record(header)
        .and_then(|()| (0..count).try_for_each(|_| writer.write_record(generator.record())))
        .and_then(|()| writer.flush().map_err(csv::Error::from));
    if let Err(e) = written {
        return Err(failure(writer.get_ref(), e));
    }
    match writer.into_inner() {
        Ok(sink) => sink.finish()?,
        Err(e) => {
            let error = std::io::Error::new(e.error().kind(), e.error().to_string());
            return Err(e.into_inner().get_ref().failure(error));
        }
    }
    Ok(0)
}

/// What a failure of the CSV writer means: a failure to write the sink names it.
fn failure(sink: &Sink, e: csv::Error) -> Failure {
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => sink.failure(io),
        _ => Failure::usage(format!("cannot write the records: {message}")),
    }
}
