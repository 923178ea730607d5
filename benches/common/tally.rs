//! What criterion measured, kept so a benchmark can print ratios between the
//! implementations it ran in the same process.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Time and items (records, compiles) measured for one implementation, summed over
/// criterion's runs.
#[derive(Default)]
pub struct Tally {
    elapsed: Cell<Duration>,
    items: Cell<u64>,
}

impl Tally {
    /// Runs `work` `iters` times for `iter_custom`, counting `items` per run, and
    /// returns the time taken.
    pub fn time(&self, iters: u64, items: u64, mut work: impl FnMut()) -> Duration {
        let start = Instant::now();
        for _ in 0..iters {
            work();
        }
        let elapsed = start.elapsed();
        self.elapsed.set(self.elapsed.get() + elapsed);
        self.items.set(self.items.get() + iters * items);
        elapsed
    }

    /// Mean nanoseconds per item.
    pub fn ns_per_item(&self) -> f64 {
        self.elapsed.get().as_nanos() as f64 / self.items.get().max(1) as f64
    }
}
