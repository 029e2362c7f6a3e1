//! A small pull reader for JSON held in memory.
//!
//! Why not `serde_json::Value`: a `.heapprofile` nests one object per stack frame, so a deep
//! recursion in the profiled program becomes JSON nested tens of thousands of levels deep.
//! serde_json stops at 128 levels (and its `Value` drops recursively); this reader keeps no
//! stack of its own at all: the caller drives it one token at a time and keeps whatever stack
//! it needs on the heap. Every error carries the byte offset where the input went wrong.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// A cursor over one JSON document.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

const TRUNCATED: &str = "the file looks truncated; was the profile still being written?";

impl<'a> Reader<'a> {
    /// A reader positioned at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Byte offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.pos as u64
    }

    /// Byte offset where the next value starts (after whitespace): where an error about it points.
    pub fn offset_of_value(&mut self) -> u64 {
        self.ws();
        self.pos as u64
    }

    /// The unread input, after whitespace: for looking ahead with a second reader.
    pub fn rest(&mut self) -> &'a [u8] {
        self.ws();
        &self.buf[self.pos..]
    }

    fn ws(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.buf.get(self.pos).copied()
    }

    fn err_here(&self, what: &str) -> Error {
        if self.pos >= self.buf.len() {
            Error::parse(self.pos as u64, "unexpected end of input", TRUNCATED)
        } else {
            Error::parse(self.pos as u64, format!("{what}, found {}", describe(self.buf[self.pos])), "")
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err_here(what))
        }
    }

    /// Consumes `{`.
    pub fn begin_object(&mut self) -> Result<()> {
        self.expect(b'{', "expected an object")
    }

    /// Consumes `[`.
    pub fn begin_array(&mut self) -> Result<()> {
        self.expect(b'[', "expected an array")
    }

    /// Whether the next value is an object (`{`), without consuming it.
    pub fn at_object(&mut self) -> bool {
        self.peek() == Some(b'{')
    }

    /// Inside an object: the next key (consuming its `:`), or `None` after consuming `}`.
    /// `first` says whether this is the first key (no comma before it).
    pub fn next_key(&mut self, first: bool) -> Result<Option<Cow<'a, str>>> {
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                return Ok(None);
            }
            Some(b',') if !first => self.pos += 1,
            _ if first => {}
            _ => return Err(self.err_here("expected ',' or '}' in an object")),
        }
        let key = self.string()?;
        self.expect(b':', "expected ':' after an object key")?;
        Ok(Some(key))
    }

    /// Inside an array: whether another element follows (consuming its comma), or `false` after
    /// consuming `]`. `first` says whether no element has been read yet.
    pub fn next_element(&mut self, first: bool) -> Result<bool> {
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) if first => Ok(true),
            _ => Err(self.err_here("expected ',' or ']' in an array")),
        }
    }

    /// A string value, unescaped; borrowed from the input when it has no escapes.
    pub fn string(&mut self) -> Result<Cow<'a, str>> {
        self.expect(b'"', "expected a string")?;
        let start = self.pos;
        let buf: &'a [u8] = self.buf;
        // Fast path: no escapes, which is nearly every string in a profile.
        while let Some(&b) = buf.get(self.pos) {
            match b {
                b'"' => {
                    let s = utf8(&buf[start..self.pos], start)?;
                    self.pos += 1;
                    return Ok(Cow::Borrowed(s));
                }
                b'\\' => break,
                _ => self.pos += 1,
            }
        }
        let mut out: Vec<u8> = buf[start..self.pos].to_vec();
        loop {
            let Some(&b) = buf.get(self.pos) else { return Err(self.err_here("unterminated string")) };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = buf.get(self.pos) else { return Err(self.err_here("unterminated string")) };
                    self.pos += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut c = self.hex4()?;
                            if (0xD800..0xDC00).contains(&c) && buf[self.pos..].starts_with(b"\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                                } else {
                                    self.pos = save;
                                }
                            }
                            // A lone surrogate (legal JSON, not legal UTF-8) becomes U+FFFD.
                            let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
                            let mut tmp = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.err_here("invalid escape in a string"));
                        }
                    }
                }
                _ => out.push(b),
            }
        }
        match String::from_utf8(out) {
            Ok(s) => Ok(Cow::Owned(s)),
            Err(_) => Err(Error::parse(start as u64, "string is not valid UTF-8", "")),
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let Some(h) = self.buf.get(self.pos..self.pos + 4) else { return Err(self.err_here("truncated \\u escape")) };
        let s = std::str::from_utf8(h).ok().and_then(|s| u32::from_str_radix(s, 16).ok());
        match s {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.err_here("invalid \\u escape")),
        }
    }

    /// A number value as `f64`.
    pub fn number(&mut self) -> Result<f64> {
        self.ws();
        let start = self.pos;
        while let Some(&b) = self.buf.get(self.pos) {
            if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&self.buf[start..self.pos]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(v) if !text.is_empty() && v.is_finite() => Ok(v),
            _ => {
                self.pos = start;
                Err(self.err_here("expected a number"))
            }
        }
    }

    /// A number value that must be a whole number (ids, counts, sizes).
    pub fn integer(&mut self) -> Result<i64> {
        let at = self.offset();
        let v = self.number()?;
        if v.fract() != 0.0 || v.abs() > 9.007_199_254_740_992e15 {
            return Err(Error::parse(at, format!("expected a whole number, found {v}"), ""));
        }
        Ok(v as i64)
    }

    /// Skips one value of any kind, however deeply nested, without recursion.
    pub fn skip_value(&mut self) -> Result<()> {
        let mut depth: usize = 0;
        loop {
            match self.peek() {
                None => return Err(self.err_here("expected a value")),
                Some(b'{') | Some(b'[') => {
                    self.pos += 1;
                    depth += 1;
                    continue;
                }
                Some(b'}') | Some(b']') if depth > 0 => {
                    self.pos += 1;
                    depth -= 1;
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b't') if self.buf[self.pos..].starts_with(b"true") => self.pos += 4,
                Some(b'f') if self.buf[self.pos..].starts_with(b"false") => self.pos += 5,
                Some(b'n') if self.buf[self.pos..].starts_with(b"null") => self.pos += 4,
                Some(b) if b == b'-' || b.is_ascii_digit() => {
                    self.number()?;
                }
                Some(_) => return Err(self.err_here("expected a value")),
            }
            if depth == 0 {
                return Ok(());
            }
            // Inside a container: a key's ':' or an element's ',' may follow; skipping them is
            // safe because only structure, not meaning, matters here.
            match self.peek() {
                Some(b':') | Some(b',') => self.pos += 1,
                _ => {}
            }
        }
    }

    /// Fails unless only whitespace is left.
    pub fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.err_here("unexpected data after the end of the JSON document")),
        }
    }
}

fn utf8(b: &[u8], at: usize) -> Result<&str> {
    std::str::from_utf8(b).map_err(|e| Error::parse((at + e.valid_up_to()) as u64, "string is not valid UTF-8", ""))
}

fn describe(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn reads_objects_arrays_and_escapes() {
        let mut r = Reader::new(br#" {"a": [1, -2.5e1], "b\u00e9\"": "x\\y\ud83d\ude00", "c": {"d": [[]]}} "#);
        r.begin_object().unwrap();
        assert_eq!(r.next_key(true).unwrap().as_deref(), Some("a"));
        r.begin_array().unwrap();
        assert!(r.next_element(true).unwrap());
        assert_eq!(r.integer().unwrap(), 1);
        assert!(r.next_element(false).unwrap());
        assert_eq!(r.number().unwrap(), -25.0);
        assert!(!r.next_element(false).unwrap());
        assert_eq!(r.next_key(false).unwrap().as_deref(), Some("bé\""));
        assert_eq!(r.string().unwrap(), "x\\y😀");
        assert_eq!(r.next_key(false).unwrap().as_deref(), Some("c"));
        r.skip_value().unwrap();
        assert_eq!(r.next_key(false).unwrap(), None);
        r.end().unwrap();
    }

    #[test]
    fn truncation_is_reported_with_offset() {
        let mut r = Reader::new(br#"{"a": [1, 2"#);
        r.begin_object().unwrap();
        r.next_key(true).unwrap();
        let e = r.skip_value().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Parse);
        assert_eq!(e.offset, Some(11));
        assert!(e.message.contains("truncated"), "{}", e.message);
    }

    #[test]
    fn skips_very_deep_nesting_without_recursion() {
        let depth = 200_000;
        let mut doc = Vec::new();
        for _ in 0..depth {
            doc.extend_from_slice(b"{\"k\":[");
        }
        for _ in 0..depth {
            doc.extend_from_slice(b"]}");
        }
        let mut r = Reader::new(&doc);
        r.skip_value().unwrap();
        r.end().unwrap();
    }

    #[test]
    fn rejects_fractional_ids_and_garbage() {
        assert!(Reader::new(b"1.5").integer().is_err());
        assert_eq!(Reader::new(b"x").number().unwrap_err().offset, Some(0));
        assert!(Reader::new(b"\"a\\q\"").string().is_err());
    }
}
