//! `kpi generate`: realistic records for a ruleset, reproducible from a seed.

use std::io::Write;
use std::path::Path;

use kpi::generate::Generator;

use crate::{FAILED, Failure, load};

/// Writes `count` records as CSV, a header row first, to `output` or stdout.
pub fn generate(path: &Path, count: u64, seed: u64, output: Option<&Path>) -> Result<u8, Failure> {
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let sink: Box<dyn Write> = match output {
        Some(file) => Box::new(
            std::fs::File::create(file)
                .map_err(|e| Failure::usage(format!("cannot write {}: {e}", file.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(sink));
    let fail = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe => None,
        _ => Some(Failure::usage(format!("cannot write the records: {e}"))),
    };
    let header = ruleset.inputs().map(|i| i.name());
    let mut generator = Generator::new(&ruleset, seed);
    let written = writer
        .write_record(header)
        .and_then(|()| (0..count).try_for_each(|_| writer.write_record(generator.record())));
    match written.and_then(|()| writer.flush().map_err(csv::Error::from)) {
        Err(e) => fail(e).map_or(Ok(0), Err),
        Ok(()) => Ok(0),
    }
}
