//! The memory a compact key ledger takes for ten million keys, counted by the
//! allocator: a run's memory must not grow with its records.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use kpi::{KeyLedger, Location};

/// The system allocator, counting the bytes held now and at most.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only counts are
// kept beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(held, Ordering::Relaxed);
        // SAFETY: as the caller promised for this call.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as the caller promised for this call.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes a compact ledger held while it was given `count` keys written by
/// `key`, each new; after them, each one again is found repeated.
fn peak_bytes(count: u64, key: impl Fn(&mut String, u64)) -> usize {
    let mut text = String::new();
    let before = HELD.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let mut ledger = KeyLedger::compact();
    for n in 0..count {
        text.clear();
        key(&mut text, n);
        let repeated = ledger.repeated_among(&text, &Location::Line(n + 2), |_| {});
        assert!(repeated.is_none(), "{text} is new");
    }
    let peak = PEAK.load(Ordering::Relaxed) - before;
    for n in [0, count / 2, count - 1] {
        text.clear();
        key(&mut text, n);
        let repeated = ledger.repeated_among(&text, &Location::Line(count + 2), |_| {});
        assert!(repeated.is_some(), "{text} is repeated");
    }
    peak
}

/// What the ledger may hold for ten million keys: a run of `kpi eval` over them stays
/// under 64 MiB with room to spare.
const BOUND: usize = 8 << 20;

// One test, since the allocator's counts are the whole process's.
#[test]
fn ten_million_keys_take_a_few_bits_each() {
    let ids = peak_bytes(10_000_000, |text, n| {
        write!(text, "G{:08}", n + 1).expect("in memory")
    });
    assert!(ids < BOUND, "{ids} bytes for ten million agent IDs");
    // 833,334 agents, each in twelve months, month by month.
    let months = peak_bytes(10_000_000, |text, n| {
        let (month, agent) = (n / 833_334, n % 833_334);
        write!(text, "E{agent:06},2026-{:02}", month + 1).expect("in memory")
    });
    assert!(
        months < BOUND,
        "{months} bytes for ten million agent months"
    );
    eprintln!("ten million keys: {ids} bytes (IDs), {months} bytes (agent months)");
}
