//! A fixed-size bit set: per-node and per-edge flags at one bit each, since the graphs have tens
//! of millions of edges.

/// Fixed-size set of bit flags.
#[derive(Clone, Debug)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// `len` bits, all clear.
    pub fn new(len: usize) -> Self {
        Bits { words: vec![0; len.div_ceil(64)] }
    }

    /// Reads bit `i` (false when out of range).
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.words.get(i >> 6).is_some_and(|w| w >> (i & 63) & 1 == 1)
    }

    /// Sets bit `i` (ignored when out of range).
    #[inline]
    pub fn set(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i >> 6) {
            *w |= 1 << (i & 63);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_get() {
        let mut b = Bits::new(130);
        assert!(!b.get(129));
        b.set(129);
        b.set(0);
        b.set(500);
        assert!(b.get(129) && b.get(0) && !b.get(128) && !b.get(500));
    }
}
