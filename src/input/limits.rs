//! Limits on what one data or rule file may hold, so that endless or runaway input
//! (`/dev/zero` named `data.csv`, a quote never closed) is refused with a message
//! instead of growing memory until the process is killed. Each is far above what a
//! real HR file holds.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// The most one CSV field or one JSON value may hold, in bytes (64 KiB).
pub const MAX_FIELD: usize = 64 << 10;

/// The most one CSV row (line breaks inside quotes included), one JSON Lines line or
/// one record of a JSON array may hold, in bytes (1 MiB).
pub const MAX_RECORD: usize = 1 << 20;

/// The most lines one quoted CSV field may run across. A quote left open takes in
/// the rows after it; no real field holds this many lines.
pub const MAX_FIELD_LINES: usize = 100;

/// The most a JSON array file (`.json`), or a CSV file decoded from GB18030 (which is
/// read whole), may hold, in bytes (1 GiB). JSON Lines and UTF-8 CSV files are read a
/// record at a time and have no limit on their size.
pub const MAX_FILE: u64 = 1 << 30;

/// The most a rule file may hold, in bytes (16 MiB).
pub const MAX_RULE_FILE: u64 = 16 << 20;

/// A byte count as the limits are written: `64 KiB`, `1 MiB`, `1 GiB`.
pub fn shown_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Which limit a [`Bounded`] reader ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// The record being read ran past [`MAX_RECORD`] (plus the reader's slack).
    Record,
    /// The file ran past its limit.
    File,
}

/// How far a [`Bounded`] reader has read, shared with whoever reads through it so
/// that they can mark where each record starts.
#[derive(Debug, Default)]
pub(crate) struct Meter {
    read: Cell<u64>,
    start: Cell<u64>,
    exceeded: Cell<Option<Exceeded>>,
}

impl Meter {
    /// The bytes read so far.
    pub fn read(&self) -> u64 {
        self.read.get()
    }

    /// Marks `at` as the start of the next record.
    pub fn start_record(&self, at: u64) {
        self.start.set(at);
    }

    /// The limit the reader ran into, if any.
    pub fn exceeded(&self) -> Option<Exceeded> {
        self.exceeded.get()
    }
}

/// A reader that fails, rather than going on, once a record runs past [`MAX_RECORD`]
/// bytes (plus `slack`, for a reader above it that reads ahead) from where it was
/// marked to start, or the file past `file` bytes.
pub(crate) struct Bounded<R> {
    inner: R,
    meter: Rc<Meter>,
    slack: u64,
    file: u64,
}

impl<R: Read> Bounded<R> {
    /// `inner`, bounded; the meter tells how far it has read.
    pub fn new(inner: R, slack: u64, file: u64) -> (Bounded<R>, Rc<Meter>) {
        let meter = Rc::new(Meter::default());
        let bounded = Bounded {
            inner,
            meter: Rc::clone(&meter),
            slack,
            file,
        };
        (bounded, meter)
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.meter.read.get();
        let record_end = self.meter.start.get() + MAX_RECORD as u64 + self.slack;
        let room = record_end
            .min(self.file.saturating_add(1))
            .saturating_sub(read);
        if room == 0 || buf.is_empty() {
            if buf.is_empty() {
                return Ok(0);
            }
            let exceeded = if read > self.file {
                Exceeded::File
            } else {
                Exceeded::Record
            };
            self.meter.exceeded.set(Some(exceeded));
            return Err(io::Error::other("a limit on the size of input was reached"));
        }
        let wanted = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..wanted])?;
        self.meter.read.set(read + n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_in_their_unit() {
        assert_eq!(shown_size(MAX_FIELD as u64), "64 KiB");
        assert_eq!(shown_size(MAX_RECORD as u64), "1 MiB");
        assert_eq!(shown_size(MAX_FILE), "1 GiB");
        assert_eq!(shown_size(MAX_RULE_FILE), "16 MiB");
        assert_eq!(shown_size(1000), "1000 bytes");
    }

    #[test]
    fn a_bounded_reader_stops_a_record_at_its_limit_and_goes_on_after_a_mark() {
        let endless = io::repeat(b'x');
        let (mut reader, meter) = Bounded::new(endless, 0, u64::MAX);
        let mut sink = vec![0; MAX_RECORD + 10];
        let error = reader.read_exact(&mut sink).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::Other);
        assert_eq!(meter.exceeded(), Some(Exceeded::Record));
        assert_eq!(meter.read(), MAX_RECORD as u64);
        meter.start_record(meter.read());
        let mut more = [0; 10];
        reader.read_exact(&mut more).unwrap();
    }

    #[test]
    fn a_bounded_reader_stops_a_file_at_its_limit() {
        let (mut reader, meter) = Bounded::new(io::repeat(b' '), 0, 100);
        let mut sink = Vec::new();
        assert!(reader.read_to_end(&mut sink).is_err());
        assert_eq!(meter.exceeded(), Some(Exceeded::File));
        assert_eq!(sink.len(), 101);
    }
}
