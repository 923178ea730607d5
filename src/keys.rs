//! A key belongs to one record: a key given again in a data file is reported with
//! both places, and the later record is not scored, rather than paying one agent
//! twice or letting two records count in one team's totals.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

use crate::input::{DataError, DataErrorKind, Location, Record};

/// The keys of the records seen so far, each with where it was first given: feed it
/// records as they stream by, and it names each one whose key came before.
#[derive(Default)]
pub struct KeyLedger {
    /// A 64-bit digest of each key and the number of its line, record or row: two
    /// words a record rather than the key and its place. Two keys sharing a digest
    /// (about one chance in 10^7 for ten million records) would be reported, never
    /// scored wrongly.
    seen: HashMap<u64, u64, BuildHasherDefault<Digest>>,
}

/// The hasher of a map whose keys are digests already: it passes them through.
#[derive(Default)]
struct Digest(u64);

impl Hasher for Digest {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; any other write folds its bytes in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl KeyLedger {
    /// Notes `record`'s key; the problem to report when it was given before.
    pub fn repeated(&mut self, record: &Record) -> Option<DataError> {
        let mut hasher = DefaultHasher::new();
        record.key().hash(&mut hasher);
        let here = record.location();
        match self.seen.entry(hasher.finish()) {
            std::collections::hash_map::Entry::Vacant(place) => {
                place.insert(number(here));
                None
            }
            std::collections::hash_map::Entry::Occupied(first) => Some(
                DataError::new(
                    DataErrorKind::RepeatedKey,
                    here.clone(),
                    format!(
                        "the key was given before, at {}; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)",
                        renumbered(here, *first.get())
                    ),
                )
                .with_key(Some(record.key().to_string())),
            ),
        }
    }
}

/// The number of a line, record or row.
fn number(location: &Location) -> u64 {
    match location {
        Location::Line(n) => *n,
        Location::Record(n) => *n as u64,
        Location::Cell { row, .. } => u64::from(*row),
        Location::Given | Location::File => 0,
    }
}

/// A place of the same file as `like`, numbered `n`: every record of one file is
/// placed the same way.
fn renumbered(like: &Location, n: u64) -> Location {
    match like {
        Location::Line(_) => Location::Line(n),
        Location::Record(_) => Location::Record(usize::try_from(n).unwrap_or(usize::MAX)),
        Location::Cell { sheet, .. } => Location::Cell {
            sheet: sheet.clone(),
            row: u32::try_from(n).unwrap_or(u32::MAX),
        },
        other => other.clone(),
    }
}

/// The problems of every record in `records` whose key an earlier one has, by
/// position: the records a run must not score.
pub fn repeated_keys(records: &[Record]) -> Vec<(usize, DataError)> {
    let mut ledger = KeyLedger::default();
    records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| ledger.repeated(r).map(|e| (i, e)))
        .collect()
}
