//! The stack a compilation needs, and where it runs.
//!
//! Every stage recurses once per level of an expression, and the limits in
//! [`super::limits`] bound those levels before any stage recurses: deeper input is
//! refused with E0102 (too deep), the same way on every platform and whatever stack
//! the caller has, so a file `kpi check` accepts is accepted everywhere. Each stage
//! keeps the frame it repeats per level small, so the deepest file accepted needs a
//! bounded stack, measured at the limits: at most 0.85 MiB unoptimised (most of it
//! pest's, which also keeps 64 KiB in reserve and reports a syntax error rather than
//! overflow when it would be crossed), 0.2 MiB optimised, and 0.15 MiB of a wasm
//! module's stack.
//!
//! On wasm32 compiling runs in place: the 1 MiB stack a module is linked with holds
//! it, and so did an eighth of V8's own stack, which runs the module's frames; and
//! there is no way to read how much of either is left. A native caller may run on
//! less (a small thread, say); there, when less than `NEEDED` (1 MiB) is left,
//! compiling runs on a fresh stack segment instead, as rustc does with the same
//! crate (`stacker`): memory mapped for the call and unmapped after it, no thread.

/// The stack that compiling the deepest file accepted may use, with a margin.
#[cfg(not(target_family = "wasm"))]
pub const NEEDED: usize = 1 << 20;

/// The stack segment a native caller short of [`NEEDED`] compiles on.
#[cfg(not(target_family = "wasm"))]
const SEGMENT: usize = 4 << 20;

/// Runs `compile` where at least `NEEDED` bytes of stack are free.
#[cfg(not(target_family = "wasm"))]
pub fn with_enough<R>(compile: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(NEEDED, SEGMENT, compile)
}

/// Runs `compile` in place: a module's stack holds it.
#[cfg(target_family = "wasm")]
pub fn with_enough<R>(compile: impl FnOnce() -> R) -> R {
    compile()
}
