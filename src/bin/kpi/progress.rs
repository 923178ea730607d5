//! The progress bar of a long `kpi eval`: drawn on standard error only when that is a
//! terminal, and only once the run has taken long enough for one to help. Otherwise
//! standard error carries errors and nothing else.

use std::cell::Cell;
use std::io::{IsTerminal, Read};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its progress is shown.
const LONG_RUN: Duration = Duration::from_secs(1);

/// Progress through a data file, by bytes read.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    terminal: bool,
    shown: Cell<bool>,
}

impl Progress {
    /// Progress through a file of `bytes` bytes; hidden until [`Progress::tick`]
    /// finds the run long.
    pub fn new(bytes: u64) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes}  {bytes_per_sec}  {elapsed} (about {eta} left)",
        );
        if let Ok(style) = style {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            shown: Cell::new(false),
        }
    }

    /// `reader`, counting the bytes read from it.
    pub fn reader<R: Read>(&self, reader: R) -> impl Read + use<R> {
        self.bar.wrap_read(reader)
    }

    /// Shows the bar once the run is long, if standard error is a terminal.
    pub fn tick(&self) {
        if !self.shown.get() && worth_showing(self.terminal, self.started.elapsed()) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
    }

    /// Runs `print` (which writes to standard error) with the bar out of the way.
    pub fn suspend<T>(&self, print: impl FnOnce() -> T) -> T {
        self.bar.suspend(print)
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Whether a run that has taken `elapsed` so far should show its progress.
fn worth_showing(terminal: bool, elapsed: Duration) -> bool {
    terminal && elapsed >= LONG_RUN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_shown_only_on_a_terminal_and_only_for_a_long_run() {
        assert!(worth_showing(true, Duration::from_millis(1500)));
        assert!(!worth_showing(true, Duration::from_millis(200)));
        assert!(!worth_showing(false, Duration::from_secs(60)));
    }
}
