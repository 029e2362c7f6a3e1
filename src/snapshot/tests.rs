//! Tests of the analyzer on hand-built snapshots.
