//! The snapshot's string table in one arena (millions of short strings; one allocation each
//! would double the memory), appendable because DevTools adds derived names to the same table.

/// Interned strings addressed by index, as in the snapshot's `strings` array.
#[derive(Default, Debug, Clone)]
pub struct Strings {
    text: String,
    ends: Vec<u64>,
}

impl Strings {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Appends a string and returns its index.
    pub fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u64);
        (self.ends.len() - 1) as u32
    }

    /// Appends raw bytes from the file; invalid UTF-8 is replaced rather than rejected, since a
    /// name with a broken byte should not make the whole snapshot unreadable.
    pub fn push_bytes(&mut self, b: &[u8]) -> u32 {
        match std::str::from_utf8(b) {
            Ok(s) => self.push(s),
            Err(_) => self.push(&String::from_utf8_lossy(b)),
        }
    }

    /// The string at `i`; empty for an index out of range (validated at load time, so only a
    /// caller bug gets here, and a wrong name is better than a crash).
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        if i >= self.ends.len() {
            return "";
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..self.ends[i] as usize).unwrap_or("")
    }
}

/// Strings to be appended to a table later, numbered as if they already were: lets a step that
/// derives names run while another thread still reads the graph.
#[derive(Debug, Default)]
pub struct Added {
    base: u32,
    strings: Vec<String>,
}

impl Added {
    /// New strings numbered from `table.len()`.
    pub fn after(table: &Strings) -> Self {
        Added { base: table.len() as u32, strings: Vec::new() }
    }

    /// Adds a string (no deduplication, as DevTools' `addString`) and returns its future index.
    pub fn push(&mut self, s: &str) -> u32 {
        self.strings.push(s.to_owned());
        self.base + self.strings.len() as u32 - 1
    }

    /// The index the next added string will get: the table's length once they are appended.
    pub fn end(&self) -> u32 {
        self.base + self.strings.len() as u32
    }

    /// The string at `i`, from the table or from the added ones.
    pub fn get<'a>(&'a self, table: &'a Strings, i: u32) -> &'a str {
        if i < self.base {
            table.get(i)
        } else {
            self.strings.get((i - self.base) as usize).map_or("", |s| s.as_str())
        }
    }

    /// Appends the added strings to `table` (which must not have grown meanwhile).
    pub fn append_to(self, table: &mut Strings) {
        debug_assert_eq!(table.len() as u32, self.base);
        for s in &self.strings {
            table.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_and_get() {
        let mut s = Strings::new();
        assert_eq!(s.push("a"), 0);
        assert_eq!(s.push(""), 1);
        assert_eq!(s.push_bytes(b"b\xffc"), 2);
        assert_eq!(s.get(0), "a");
        assert_eq!(s.get(1), "");
        assert_eq!(s.get(2), "b\u{FFFD}c");
        assert_eq!(s.get(99), "");
        assert_eq!(s.len(), 3);
    }
}
