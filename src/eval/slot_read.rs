//! Where evaluation reads a record's slots and writes its items: a vector of its
//! own on the one-record path; in a population, the record's inputs where the record
//! holds them and its items in one row of the population's block, so that a million
//! members do not each hold a second copy of their inputs.

use super::{Value, input_value};
use crate::input::Record;

/// A record's slots, read one at a time.
pub(crate) trait SlotRead {
    /// The value in slot `slot`; `None` past the last.
    fn slot(&self, slot: usize) -> Option<Value>;

    /// `f` of the value in slot `slot`, without a copy where the value is held as it
    /// is; `None` past the last.
    fn with_slot<R>(&self, slot: usize, f: impl FnOnce(&Value) -> R) -> Option<R> {
        self.slot(slot).map(|v| f(&v))
    }
}

/// A record's slots, whose items can be written.
pub(crate) trait SlotWrite: SlotRead {
    /// Writes item slot `slot`; `false` past the last.
    fn set(&mut self, slot: usize, value: Value) -> bool;
}

impl SlotRead for [Value] {
    #[inline]
    fn slot(&self, slot: usize) -> Option<Value> {
        self.get(slot).cloned()
    }

    #[inline]
    fn with_slot<R>(&self, slot: usize, f: impl FnOnce(&Value) -> R) -> Option<R> {
        self.get(slot).map(f)
    }
}

impl SlotRead for Vec<Value> {
    #[inline]
    fn slot(&self, slot: usize) -> Option<Value> {
        self.as_slice().slot(slot)
    }

    #[inline]
    fn with_slot<R>(&self, slot: usize, f: impl FnOnce(&Value) -> R) -> Option<R> {
        self.as_slice().with_slot(slot, f)
    }
}

impl SlotWrite for [Value] {
    #[inline]
    fn set(&mut self, slot: usize, value: Value) -> bool {
        match self.get_mut(slot) {
            Some(to) => {
                *to = value;
                true
            }
            None => false,
        }
    }
}

/// A record of a population: its inputs as the record holds them, then its items.
pub(crate) struct Row<'a, Items: ?Sized> {
    /// The record, whose values are the first slots.
    pub record: &'a Record,
    /// The item slots, after the inputs.
    pub items: Items,
}

impl<Items: std::ops::Deref<Target = [Value]>> SlotRead for Row<'_, Items> {
    #[inline]
    fn slot(&self, slot: usize) -> Option<Value> {
        match self.record.values.get(slot) {
            Some(value) => Some(input_value(slot, value)),
            None => self.items.get(slot - self.record.values.len()).cloned(),
        }
    }

    #[inline]
    fn with_slot<R>(&self, slot: usize, f: impl FnOnce(&Value) -> R) -> Option<R> {
        match self.record.values.get(slot) {
            Some(value) => Some(f(&input_value(slot, value))),
            None => self.items.get(slot - self.record.values.len()).map(f),
        }
    }
}

impl<Items: std::ops::DerefMut<Target = [Value]>> SlotWrite for Row<'_, Items> {
    #[inline]
    fn set(&mut self, slot: usize, value: Value) -> bool {
        let Some(item) = slot.checked_sub(self.record.values.len()) else {
            return false;
        };
        self.items.set(item, value)
    }
}
