//! A key belongs to one record: a key given again in a data file is reported with
//! both places, and the later record is not scored, rather than paying one agent
//! twice or letting two records count in one team's totals.
//!
//! Real keys are nearly always a fixed text around runs of digits (`G00000001`,
//! `E01,2026-11`). Such a key is held as its pattern (the text with each run of digits
//! replaced by the run's width) and its number (the digits read together), in a
//! compressed bitmap of the pattern's numbers: exact, and about a bit a key when the
//! numbers are dense. Any other key is held as a 64-bit digest.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::ops::ControlFlow;

use roaring::RoaringTreemap;

use crate::input::{DataError, DataErrorKind, Location, Record};

/// The keys of the records seen so far, and where each was first given: feed it
/// records as they stream by, and it names each one whose key came before.
///
/// A ledger from [`KeyLedger::default`] remembers where every key was first given,
/// two words a key. One from [`KeyLedger::compact`] keeps only which keys it has seen,
/// which for numbered keys is about a bit a key, and asks for the records it was
/// given again when a key first repeats, to find where that key came first.
pub struct KeyLedger {
    /// Which keys were seen, exactly; `None` for a ledger that remembers every place,
    /// whose places then say which keys were seen.
    seen: Option<KeySet>,
    /// A 64-bit digest of each key and the number of its line, record or row: kept
    /// from the start by a ledger that remembers, and from the first repeat on by a
    /// compact one. Two keys sharing a digest (about one chance in 10^7 for ten million
    /// records) would be reported, never scored wrongly.
    places: Option<Places>,
    /// How many records the ledger was given.
    given: u64,
}

/// The number of the line, record or row of each key, by the key's digest.
type Places = HashMap<u64, u64, BuildHasherDefault<Digest>>;

/// What a compact ledger asks for when a key first repeats: a call of the function it
/// is given for each record it was given before, in the same order, with the record's
/// key and place, for as long as the function returns [`ControlFlow::Continue`].
pub type Earlier<'a> = &'a mut dyn FnMut(&str, &Location) -> ControlFlow<()>;

impl Default for KeyLedger {
    /// A ledger that remembers where every key was first given.
    fn default() -> KeyLedger {
        KeyLedger {
            seen: None,
            places: Some(Places::default()),
            given: 0,
        }
    }
}

impl KeyLedger {
    /// A ledger that keeps only which keys it has seen: about a bit a key for keys
    /// numbered as `G00000001` or `E01,2026-11` are, eight bytes for other keys. The
    /// first time a key repeats, [`KeyLedger::repeated_among`] asks for the records it
    /// was given before, and from then on remembers where each key came first.
    pub fn compact() -> KeyLedger {
        KeyLedger {
            seen: Some(KeySet::default()),
            places: None,
            given: 0,
        }
    }

    /// Notes `record`'s key; the problem to report when it was given before. For a
    /// compact ledger, use [`KeyLedger::repeated_among`], which can find where the
    /// key came first.
    pub fn repeated(&mut self, record: &Record) -> Option<DataError> {
        self.repeated_among(record.key(), record.location(), |_| {})
    }

    /// Notes that `key` is given at `here`; the problem to report when it was given
    /// before. A compact ledger that has not seen a key repeat yet calls `earlier` for
    /// the records it was given before this one (see [`Earlier`]), once in its life.
    pub fn repeated_among(
        &mut self,
        key: &str,
        here: &Location,
        earlier: impl FnOnce(Earlier<'_>),
    ) -> Option<DataError> {
        let given = self.given;
        self.given += 1;
        let new = match &mut self.seen {
            Some(seen) => seen.insert(key),
            None => !self
                .places
                .as_ref()
                .is_some_and(|p| p.contains_key(&digest(key))),
        };
        if new {
            if let Some(places) = &mut self.places {
                places.insert(digest(key), number(here));
            }
            return None;
        }
        let places = self
            .places
            .get_or_insert_with(|| places_among(given, earlier));
        let first = match places.get(&digest(key)) {
            Some(&n) => format!(", at {}", renumbered(here, n)),
            // The records given back were not those given first.
            None => String::new(),
        };
        Some(
            DataError::new(
                DataErrorKind::RepeatedKey,
                here.clone(),
                format!(
                    "the key was given before{first}; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)"
                ),
            )
            .with_key(Some(key.to_string())),
        )
    }
}

/// Where each key of the first `given` records that `earlier` gives back came first.
fn places_among(given: u64, earlier: impl FnOnce(Earlier<'_>)) -> Places {
    let mut places = Places::default();
    let mut left = given;
    if left > 0 {
        earlier(&mut |key, place| {
            places.entry(digest(key)).or_insert_with(|| number(place));
            left -= 1;
            match left {
                0 => ControlFlow::Break(()),
                _ => ControlFlow::Continue(()),
            }
        });
    }
    places
}

/// A 64-bit digest of a key.
fn digest(key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
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

/// The most patterns held with their numbers; keys of other patterns are held by
/// digest. Keys that share no pattern (names, e-mail addresses with digits) would
/// otherwise each cost a pattern and a bitmap.
const MAX_PATTERNS: usize = 4096;

/// The most digits of a numbered key: its number fits in 64 bits.
const MAX_DIGITS: u32 = 19;

/// In a pattern, where a run of digits was; the run's width follows. No UTF-8 text
/// holds this byte.
const RUN: u8 = 0xFF;

/// A set of keys: numbered keys by pattern and number, others by digest.
#[derive(Default)]
struct KeySet {
    /// Each pattern's place in `numbers`.
    patterns: HashMap<Box<[u8]>, usize, foldhash::fast::RandomState>,
    /// The numbers of the numbered keys of each pattern.
    numbers: Vec<RoaringTreemap>,
    /// The pattern of the last numbered key and its place: keys of one pattern
    /// usually follow each other, and then need no look-up.
    last: (Vec<u8>, usize),
    /// The digests of the other keys.
    digests: HashSet<u64, BuildHasherDefault<Digest>>,
    /// The pattern of the key being noted, kept to reuse its memory.
    pattern: Vec<u8>,
}

impl KeySet {
    /// Adds `key`; whether it was new.
    fn insert(&mut self, key: &str) -> bool {
        if let Some(number) = split(key, &mut self.pattern) {
            if self.last.0 == self.pattern
                && let Some(numbers) = self.numbers.get_mut(self.last.1)
            {
                return numbers.insert(number);
            }
            let at = match self.patterns.get(self.pattern.as_slice()) {
                Some(&at) => Some(at),
                None if self.patterns.len() < MAX_PATTERNS => {
                    self.numbers.push(RoaringTreemap::new());
                    let at = self.numbers.len() - 1;
                    self.patterns.insert(self.pattern.as_slice().into(), at);
                    Some(at)
                }
                None => None,
            };
            if let Some(at) = at {
                self.last.0.clone_from(&self.pattern);
                self.last.1 = at;
                if let Some(numbers) = self.numbers.get_mut(at) {
                    return numbers.insert(number);
                }
            }
        }
        self.digests.insert(digest(key))
    }
}

/// The number of `key`, with its pattern written into `pattern`: each run of digits
/// replaced by [`RUN`] and the run's width. Two keys are the same if and only if their
/// patterns and numbers are, since the widths fix where each digit goes (`007` and `7`
/// differ in pattern). `None` for a key with no digit or more than [`MAX_DIGITS`].
///
/// The number is the runs' digits read together, the widest run last (the first of
/// the widest): it is the one that varies from record to record (the agent's number
/// in `E000001,2026-11`), so the numbers of one month lie together, as a bitmap holds
/// them best.
fn split(key: &str, pattern: &mut Vec<u8>) -> Option<u64> {
    pattern.clear();
    // Each run's value and width, in the order of the key.
    let mut runs = [(0u64, 0u8); MAX_DIGITS as usize];
    let (mut count, mut digits) = (0, 0);
    let mut in_run = false;
    for &b in key.as_bytes() {
        if b.is_ascii_digit() {
            digits += 1;
            if digits > MAX_DIGITS {
                return None;
            }
            if !in_run {
                count += 1;
                in_run = true;
            }
            let (value, width) = &mut runs[count - 1];
            *value = *value * 10 + u64::from(b - b'0');
            *width += 1;
            continue;
        }
        if in_run {
            pattern.extend([RUN, runs[count - 1].1]);
            in_run = false;
        }
        pattern.push(b);
    }
    if in_run {
        pattern.extend([RUN, runs[count - 1].1]);
    }
    if count == 1 {
        return Some(runs[0].0);
    }
    let runs = &mut runs[..count];
    // Narrowest first, and of runs as wide, the later first: the widest and first
    // comes last, in the lowest digits.
    runs.reverse();
    runs.sort_by_key(|&(_, width)| width);
    let number = runs.iter().fold(0, |n, &(value, width)| {
        n * 10u64.pow(u32::from(width)) + value
    });
    (digits > 0).then_some(number)
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
    let mut ledger = KeyLedger::compact();
    let mut repeated = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let earlier = |feed: Earlier<'_>| {
            for r in &records[..i] {
                if feed(r.key(), r.location()).is_break() {
                    break;
                }
            }
        };
        if let Some(e) = ledger.repeated_among(record.key(), record.location(), earlier) {
            repeated.push((i, e));
        }
    }
    repeated
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message of each repeat among `keys`, given on lines 2, 3, ….
    fn repeats(mut ledger: KeyLedger, keys: &[&str]) -> Vec<String> {
        let placed: Vec<(&str, Location)> = (keys.iter())
            .enumerate()
            .map(|(i, &k)| (k, Location::Line(i as u64 + 2)))
            .collect();
        let mut found = Vec::new();
        for (i, (key, here)) in placed.iter().enumerate() {
            let earlier = |feed: Earlier<'_>| {
                for (k, place) in &placed[..i] {
                    if feed(k, place).is_break() {
                        break;
                    }
                }
            };
            if let Some(e) = ledger.repeated_among(key, here, earlier) {
                found.push(e.to_string());
            }
        }
        found
    }

    fn said(line: u64, key: &str, first: u64) -> String {
        format!(
            "line {line} ({key}): the key was given before, at line {first}; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)"
        )
    }

    #[test]
    fn a_repeat_names_the_first_place_whichever_way_keys_are_held() {
        let keys = [
            "G00000001",
            "G00000002",
            "alice",
            "E01,2026-11",
            "E01,2026-12",
            "G00000002",
            "alice",
            "G00000001",
            "E01,2026-11",
            "007",
            "7",
            "7",
            "G00000001",
        ];
        let expected = [
            said(7, "G00000002", 3),
            said(8, "alice", 4),
            said(9, "G00000001", 2),
            said(10, "E01,2026-11", 5),
            said(13, "7", 12),
            said(14, "G00000001", 2),
        ];
        assert_eq!(repeats(KeyLedger::compact(), &keys), expected);
        assert_eq!(repeats(KeyLedger::default(), &keys), expected);
    }

    #[test]
    fn keys_differ_by_every_digit_and_its_place() {
        let mut set = KeySet::default();
        let keys = [
            "A1B2",
            "A12B",
            "A1B02",
            "A01B2",
            "12",
            "012",
            "1,2",
            "12,",
            "",
            "x",
            "x1",
            "1234567890123456789",
            "12345678901234567890",
            "123456789012345678901",
        ];
        for key in keys {
            assert!(set.insert(key), "{key} is new");
        }
        for key in keys {
            assert!(!set.insert(key), "{key} is seen");
        }
        assert_eq!(
            set.digests.len(),
            4,
            "'', x and the keys of 20 digits or more"
        );
    }

    #[test]
    // The number's digits grouped as the key's runs.
    #[allow(clippy::inconsistent_digit_grouping)]
    fn the_widest_run_of_digits_is_the_lowest_in_the_number() {
        let mut pattern = Vec::new();
        assert_eq!(split("E000123,2026-11", &mut pattern), Some(11_2026_000123));
        assert_eq!(pattern, b"E\xff\x06,\xff\x04-\xff\x02");
        assert_eq!(split("2026-11,E0042", &mut pattern), Some(11_0042_2026));
        assert_eq!(split("G00000001", &mut pattern), Some(1));
        assert_eq!(pattern, b"G\xff\x08");
        assert_eq!(
            split("9999999999999999999", &mut pattern),
            Some(u64::pow(10, 19) - 1)
        );
        assert_eq!(split("no digits", &mut pattern), None);
    }

    #[test]
    fn patterns_past_the_limit_are_held_by_digest() {
        let mut set = KeySet::default();
        for n in 0..MAX_PATTERNS + 10 {
            assert!(set.insert(&format!("{}1", "a".repeat(n + 1))));
        }
        assert_eq!(set.patterns.len(), MAX_PATTERNS);
        assert_eq!(set.digests.len(), 10);
        assert!(!set.insert(&format!("{}1", "a".repeat(MAX_PATTERNS + 5))));
        assert!(set.insert(&format!("{}2", "a".repeat(MAX_PATTERNS + 5))));
    }

    #[test]
    fn records_given_back_otherwise_leave_the_first_place_unsaid() {
        let mut ledger = KeyLedger::compact();
        let here = |n| Location::Line(n);
        assert!(ledger.repeated_among("E1", &here(2), |_| {}).is_none());
        let e = ledger.repeated_among("E1", &here(3), |_| {}).unwrap();
        assert_eq!(
            e.to_string(),
            "line 3 (E1): the key was given before; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)"
        );
        // From the first repeat on, the ledger keeps every place itself.
        assert!(ledger.repeated_among("E2", &here(4), |_| {}).is_none());
        let e = ledger.repeated_among("E2", &here(5), |_| {}).unwrap();
        assert_eq!(e.to_string(), said(5, "E2", 4));
    }

    #[test]
    fn only_the_records_given_before_are_asked_for() {
        let mut ledger = KeyLedger::compact();
        for (n, key) in ["E1", "E2"].iter().enumerate() {
            assert!(
                ledger
                    .repeated_among(key, &Location::Line(n as u64 + 2), |_| {})
                    .is_none()
            );
        }
        let mut asked = 0;
        let e = ledger.repeated_among("E2", &Location::Line(9), |feed| {
            // A caller that gives back more than it gave: the third is not taken.
            for (key, line) in [("E1", 2), ("E2", 3), ("E2", 9)] {
                asked += 1;
                if feed(key, &Location::Line(line)).is_break() {
                    break;
                }
            }
        });
        assert_eq!(asked, 2);
        assert_eq!(e.unwrap().to_string(), said(9, "E2", 3));
    }
}
