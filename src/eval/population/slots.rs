//! Every record's item slots in one block of memory: a record's items are a
//! fixed-length row of it, rather than a vector of their own, and its inputs are read
//! where the record holds them, so a population of a million members costs its item
//! values and nothing per member besides.

use std::ops::{Index, IndexMut};

use rayon::prelude::*;

use crate::eval::{Row, Value};
use crate::input::Record;

/// The item slots of each record of a population, row by row.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slots {
    /// Slots per record: the program's items.
    width: usize,
    values: Vec<Value>,
}

impl Slots {
    /// `records` rows of `width` slots, each missing.
    pub(crate) fn new(records: usize, width: usize) -> Slots {
        // Written by every thread: first touching this much memory is most of the
        // cost of filling it.
        let mut values = Vec::new();
        (0..records.saturating_mul(width))
            .into_par_iter()
            .map(|_| Value::Missing)
            .collect_into_vec(&mut values);
        Slots { width, values }
    }

    /// Record `r` of `records` with its items, to read its slots.
    pub(crate) fn row<'a>(&'a self, records: &'a [Record], r: usize) -> Row<'a, &'a [Value]> {
        Row {
            record: &records[r],
            items: &self[r],
        }
    }

    /// The item slots of `record`, if there is one.
    pub(crate) fn get(&self, record: usize) -> Option<&[Value]> {
        let start = record.checked_mul(self.width)?;
        self.values.get(start..start.checked_add(self.width)?)
    }

    /// The item slots of `count` records from record `first`, row after row.
    pub(crate) fn rows(&self, first: usize, count: usize) -> &[Value] {
        let start = (first * self.width).min(self.values.len());
        let end = ((first + count) * self.width).min(self.values.len());
        &self.values[start..end]
    }

    /// Slots per record.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The items of every `records` records in turn, to be written in parallel.
    pub(crate) fn batches_mut(&mut self, records: usize) -> rayon::slice::ChunksMut<'_, Value> {
        self.values.par_chunks_mut((self.width * records).max(1))
    }

    /// Every record's items, to be written in parallel (only a program with items
    /// writes any: with none, there are no rows).
    pub(crate) fn rows_mut(&mut self) -> rayon::slice::ChunksMut<'_, Value> {
        self.batches_mut(1)
    }
}

impl Index<usize> for Slots {
    type Output = [Value];

    fn index(&self, record: usize) -> &[Value] {
        &self.values[record * self.width..(record + 1) * self.width]
    }
}

impl IndexMut<usize> for Slots {
    fn index_mut(&mut self, record: usize) -> &mut [Value] {
        &mut self.values[record * self.width..(record + 1) * self.width]
    }
}
