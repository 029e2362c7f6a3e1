//! A hand-rolled streaming JSON tokenizer for the three shapes a heap snapshot needs: big arrays
//! of non-negative integers (decoded straight into columns, no DOM), arrays of strings, and any
//! other value (skipped, or captured as raw bytes for serde_json when it is small).
//!
//! Nothing here recurses: nesting is tracked with an explicit stack, so hostile input cannot
//! overflow the native stack.

use super::input::Input;
use crate::error::{Error, Result};

/// Hint attached to errors about truncated input.
pub const HINT_TRUNCATED: &str = "The file is truncated (was the snapshot still being written?)";
/// Hint attached to errors about malformed content.
pub const HINT_NOT_SNAPSHOT: &str = "This does not look like a V8 heap snapshot (.heapsnapshot JSON)";

/// Consumes `want` (after optional whitespace) or fails naming `what` was expected.
pub fn expect(inp: &mut Input, want: u8, what: &str) -> Result<()> {
    match inp.skip_ws()? {
        Some(b) if b == want => {
            inp.bump();
            Ok(())
        }
        Some(b) => Err(inp.error(format!("expected {what} but found {}", show(b)), HINT_NOT_SNAPSHOT)),
        None => Err(inp.error(format!("unexpected end of input, expected {what}"), HINT_TRUNCATED)),
    }
}

/// A byte as it should appear in an error message.
pub fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn hex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Reads a JSON string (the input is at its opening quote) and appends its UTF-8 bytes to `out`.
/// Invalid UTF-8 is kept as-is here; callers validate once per string.
pub fn read_string(inp: &mut Input, out: &mut Vec<u8>) -> Result<()> {
    let start = inp.offset();
    inp.bump(); // the opening quote
    let mut pending_high: Option<u32> = None;
    loop {
        if !inp.fill()? {
            return Err(inp.error_at(start, "unterminated string", HINT_TRUNCATED));
        }
        // Fast path: copy the run up to the next quote or backslash in one go.
        let chunk = &inp.buf[inp.pos..];
        let run = chunk.iter().position(|&b| b == b'"' || b == b'\\').unwrap_or(chunk.len());
        if run > 0 {
            if let Some(h) = pending_high.take() {
                push_char(out, h);
            }
            out.extend_from_slice(&chunk[..run]);
            inp.pos += run;
            continue;
        }
        let b = chunk[0];
        inp.bump();
        if b == b'"' {
            if let Some(h) = pending_high.take() {
                push_char(out, h);
            }
            return Ok(());
        }
        // An escape sequence.
        let esc = match inp.peek()? {
            Some(e) => e,
            None => return Err(inp.error("unterminated escape in string", HINT_TRUNCATED)),
        };
        inp.bump();
        let simple = match esc {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            other => return Err(inp.error(format!("invalid escape \\{} in string", other as char), HINT_NOT_SNAPSHOT)),
        };
        if let Some(c) = simple {
            if let Some(h) = pending_high.take() {
                push_char(out, h);
            }
            out.push(c);
            continue;
        }
        let mut cp = 0u32;
        for _ in 0..4 {
            let d = match inp.peek()? {
                Some(d) => d,
                None => return Err(inp.error("unterminated \\u escape in string", HINT_TRUNCATED)),
            };
            let v = hex(d).ok_or_else(|| inp.error("invalid \\u escape in string", HINT_NOT_SNAPSHOT))?;
            inp.bump();
            cp = cp * 16 + v;
        }
        match (pending_high.take(), cp) {
            (Some(h), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((h - 0xD800) << 10) + (cp - 0xDC00);
                push_char(out, c);
            }
            (h, 0xD800..=0xDBFF) => {
                if let Some(h) = h {
                    push_char(out, h);
                }
                pending_high = Some(cp);
            }
            (h, c) => {
                if let Some(h) = h {
                    push_char(out, h);
                }
                push_char(out, c);
            }
        }
    }
}

/// Appends a code point; lone surrogates (legal in JSON, not in UTF-8) become U+FFFD.
fn push_char(out: &mut Vec<u8>, cp: u32) {
    let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
    let mut b = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
}

/// Skips one JSON value of any shape; with `capture`, appends its raw bytes there (limited to
/// `limit` bytes, beyond which it is an error: captured values are headers, never data arrays).
pub fn skip_value(inp: &mut Input, mut capture: Option<&mut Vec<u8>>, limit: usize) -> Result<()> {
    let start = inp.offset();
    match inp.skip_ws()? {
        None => return Err(inp.error("unexpected end of input, expected a value", HINT_TRUNCATED)),
        Some(b'"') => {
            let mut tmp = Vec::new();
            let from = inp.offset();
            read_string(inp, &mut tmp)?;
            if let Some(c) = capture.as_deref_mut() {
                // Re-encode through serde_json so the captured text stays valid JSON.
                let s = String::from_utf8_lossy(&tmp);
                c.extend_from_slice(serde_json::to_string(&*s).unwrap_or_default().as_bytes());
                let _ = from;
            }
            return Ok(());
        }
        Some(b'[') | Some(b'{') => {}
        Some(b) if b == b'-' || b.is_ascii_alphanumeric() => {
            // A number or a literal: consume the token.
            loop {
                match inp.peek()? {
                    Some(c) if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_alphanumeric() => {
                        if let Some(cap) = capture.as_deref_mut() {
                            cap.push(c);
                        }
                        inp.bump();
                    }
                    _ => return Ok(()),
                }
            }
        }
        Some(b) => return Err(inp.error(format!("expected a value but found {}", show(b)), HINT_NOT_SNAPSHOT)),
    }
    // An array or object: walk bytes, tracking strings and bracket nesting without recursion.
    let mut stack: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    loop {
        if !inp.fill()? {
            return Err(inp.error_at(start, "unterminated array or object", HINT_TRUNCATED));
        }
        let chunk = &inp.buf[inp.pos..];
        let mut i = 0;
        let mut done = false;
        while i < chunk.len() {
            let b = chunk[i];
            i += 1;
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'[' => stack.push(b']'),
                b'{' => stack.push(b'}'),
                b']' | b'}' => {
                    if stack.pop() != Some(b) {
                        let off = inp.offset() + i as u64 - 1;
                        return Err(inp.error_at(off, format!("mismatched {}", show(b)), HINT_NOT_SNAPSHOT));
                    }
                    if stack.is_empty() {
                        done = true;
                        break;
                    }
                }
                _ => {}
            }
        }
        if let Some(c) = capture.as_deref_mut() {
            c.extend_from_slice(&chunk[..i]);
            if c.len() > limit {
                return Err(inp.error("snapshot header is too large", HINT_NOT_SNAPSHOT));
            }
        }
        inp.pos += i;
        if done {
            return Ok(());
        }
    }
}

/// Bytes [`fast_number`] may look at: two words of digits and a two-byte separator.
const FAST_LOOKAHEAD: usize = 24;

/// Bytes classified at once on the block path of [`read_uint_records`].
const BLOCK: usize = 64;

/// Masks of the digits, commas and newlines among 64 bytes (bit k for byte k).
#[inline(always)]
fn classify(b: &[u8; BLOCK]) -> (u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let (mut d, mut c, mut l) = (0u64, 0u64, 0u64);
        // SAFETY: SSE2 is part of every x86_64 CPU; each load reads 16 bytes inside `b`.
        unsafe {
            let below = _mm_set1_epi8(b'0' as i8 - 1);
            let above = _mm_set1_epi8(b'9' as i8 + 1);
            let comma = _mm_set1_epi8(b',' as i8);
            let newline = _mm_set1_epi8(b'\n' as i8);
            for k in 0..BLOCK / 16 {
                let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast());
                // Signed compares: bytes from 0x80 up are negative, so never digits.
                let digit = _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above));
                let mask = |m: __m128i| (_mm_movemask_epi8(m) as u32 as u64) << (16 * k);
                d |= mask(digit);
                c |= mask(_mm_cmpeq_epi8(v, comma));
                l |= mask(_mm_cmpeq_epi8(v, newline));
            }
        }
        (d, c, l)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let (mut d, mut c, mut l) = (0u64, 0u64, 0u64);
        for (k, &x) in b.iter().enumerate() {
            d |= ((x.wrapping_sub(b'0') < 10) as u64) << k;
            c |= ((x == b',') as u64) << k;
            l |= ((x == b'\n') as u64) << k;
        }
        (d, c, l)
    }
}

/// The value of the `len` (1 to 16) digits at the start of `b` (16 bytes).
#[inline(always)]
fn digits_at(b: &[u8], len: usize) -> u64 {
    let word = |at: usize| u64::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7]]);
    if len <= 8 {
        digits_value(word(0), len)
    } else {
        digits_value(word(0), 8) * POW10[len - 8] + digits_value(word(8), len - 8)
    }
}

const POW10: [u64; 9] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/// Number of ASCII digits at the start of `w` (bytes in memory order), 0 to 8.
#[inline(always)]
fn digit_run(w: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // A byte is a digit when its high nibble is 3 both as is and after adding 6 (0x3A..0x3F
    // carry into 4). A carry out of a byte only reaches bytes after a non-digit, which do not
    // count.
    let hi = (w & (0xF0 * ONES)) ^ (0x30 * ONES);
    let lo = (w.wrapping_add(0x06 * ONES) & (0xF0 * ONES)) ^ (0x30 * ONES);
    ((hi | lo).trailing_zeros() / 8) as usize
}

/// The value of the first `len` (1 to 8) digits of `w`: the SWAR pairwise combine.
#[inline(always)]
fn digits_value(w: u64, len: usize) -> u64 {
    // Shifting the digits to the top puts zeros (leading zeros, so no change) before them.
    let v = (w & 0x0F0F_0F0F_0F0F_0F0F) << (8 * (8 - len));
    let v = (v.wrapping_mul(10).wrapping_add(v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(100).wrapping_add(v >> 16)) & 0x0000_FFFF_0000_FFFF;
    (v.wrapping_mul(10_000).wrapping_add(v >> 32)) & 0xFFFF_FFFF
}

/// Parses `digits,` or `digits\n,` at the start of `b`:
/// the value, the digit count and the separator length; `None` for any other shape (no digit,
/// more than 16 digits, another separator).
#[inline(always)]
fn fast_number(b: &[u8; FAST_LOOKAHEAD]) -> Option<(u64, usize, usize)> {
    let word = |at: usize| u64::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7]]);
    let w = word(0);
    let len = digit_run(w);
    let (value, len) = match len {
        0 => return None,
        1..=7 => (digits_value(w, len), len),
        _ => {
            let w2 = word(8);
            match digit_run(w2) {
                0 => (digits_value(w, 8), 8),
                8 => return None,
                l2 => (digits_value(w, 8) * POW10[l2] + digits_value(w2, l2), 8 + l2),
            }
        }
    };
    let skip = match (b[len], b[len + 1]) {
        (b',', _) => 1,
        (b'\n', b',') => 2,
        _ => return None,
    };
    Some((value, len, skip))
}

/// Why a number in an integer array was refused; becomes a parse error at that number.
pub type Reject = (&'static str, &'static str);

/// Reads `[n, n, ...]` of non-negative integers (the input is at `[`), calling `f` with each
/// value in order. This is the hot loop of the whole analyzer: it works on the chunk in place.
#[cfg(test)]
pub fn read_uint_array<F>(inp: &mut Input, what: &str, mut f: F) -> Result<u64>
where
    F: FnMut(u64) -> std::result::Result<(), Reject>,
{
    read_uint_records(inp, what, 1, |r| f(r[0]))
}

/// Longest record [`read_uint_records`] hands over; further fields of a wider record are read
/// and dropped.
pub const MAX_RECORD: usize = 16;

/// Collects numbers into records of `width` and hands each complete one to `f`, so that the
/// per-number work stays inside the parsing loop.
struct Records<F> {
    rec: [u64; MAX_RECORD],
    pos: usize,
    width: usize,
    f: F,
}

impl<F: FnMut(&[u64]) -> std::result::Result<(), Reject>> Records<F> {
    #[inline(always)]
    fn take(&mut self, v: u64) -> std::result::Result<(), Reject> {
        if self.pos < MAX_RECORD {
            self.rec[self.pos] = v;
        }
        self.pos += 1;
        if self.pos == self.width {
            self.pos = 0;
            return (self.f)(&self.rec[..self.width.min(MAX_RECORD)]);
        }
        Ok(())
    }
}

/// A 64-byte block of V8's shape (digits, `,` and `\n,`) up to its last comma, whose numbers
/// are handed out by their start bits with no byte-by-byte walk.
#[derive(Default)]
struct Block {
    /// Start bits of the numbers still to hand out.
    starts: u64,
    /// Digit bits of the whole block.
    digits: u64,
    /// The block's offset in the chunk.
    at: usize,
    /// Where reading goes on once the block is done.
    end: usize,
}

/// The next number of a [`Block`].
enum BlockNumber {
    /// Its value and its offset in the chunk.
    Value(u64, usize),
    /// Too long for the fast paths: the byte loop reads it from this offset in the chunk.
    Long(usize),
}

impl Block {
    /// The block at `chunk[i..]` when it has V8's shape; `None` sends the caller to the slower paths.
    #[inline(always)]
    fn classify(chunk: &[u8], i: usize) -> Option<Block> {
        let block: &[u8; BLOCK] = chunk[i..i + BLOCK].try_into().unwrap_or(&[0; BLOCK]);
        let (d, c, l) = classify(block);
        if d | c | l != u64::MAX || d & 1 == 0 || c == 0 {
            return None;
        }
        // Up to and including the last comma.
        let q = BLOCK - c.leading_zeros() as usize;
        let keep = u64::MAX >> (BLOCK - q);
        // A comma is followed by a digit and a newline by a comma (the last comma's digit is
        // checked by whoever reads on from it).
        let ok = (c & (keep >> 1)) << 1 & !d == 0 && (l & keep) << 1 & !c == 0;
        ok.then(|| Block { starts: d & !(d << 1) & keep, digits: d, at: i, end: i + q })
    }

    /// Whether numbers are left to hand out.
    #[inline(always)]
    fn pending(&self) -> bool {
        self.starts != 0
    }

    #[inline(always)]
    fn next(&mut self, chunk: &[u8]) -> BlockNumber {
        let s = self.starts.trailing_zeros() as usize;
        self.starts &= self.starts - 1;
        let len = (!(self.digits >> s)).trailing_zeros() as usize;
        if len <= 16 {
            return BlockNumber::Value(digits_at(&chunk[self.at + s..self.at + s + 16], len), self.at + s);
        }
        self.starts = 0;
        BlockNumber::Long(self.at + s)
    }
}

/// A number read byte by byte (at the end of a chunk, or in shapes the fast paths refuse).
#[derive(Default)]
struct SlowNumber {
    /// Inside a number.
    active: bool,
    value: u64,
    digits: usize,
    /// Offset of its first digit in the input.
    start: u64,
}

impl SlowNumber {
    fn begin(&mut self, at: u64) {
        *self = SlowNumber { active: true, value: 0, digits: 0, start: at };
    }

    /// Adds the digits at `chunk[i..]`; returns where they end. u64 holds any 19-digit number and
    /// V8 never writes longer ones, so a longer one is refused instead of checked (`false`).
    #[inline]
    fn extend(&mut self, chunk: &[u8], i: usize) -> (usize, bool) {
        let mut j = i;
        while j < chunk.len() {
            let d = chunk[j].wrapping_sub(b'0');
            if d >= 10 {
                break;
            }
            self.value = self.value.wrapping_mul(10).wrapping_add(d as u64);
            j += 1;
        }
        self.digits += j - i;
        (j, self.digits <= 19)
    }
}

/// The message for byte `b` where a number or a separator was expected.
fn separator_error(what: &str, b: u8, expect_value: bool) -> String {
    if b == b'-' {
        format!("negative number in '{what}'")
    } else if expect_value {
        format!("expected a number in '{what}' but found {}", show(b))
    } else {
        format!("expected ',' or ']' in '{what}' but found {}", show(b))
    }
}

/// [`read_uint_array`] for an array of `width`-number records: `f` gets each complete record
/// (its first [`MAX_RECORD`] fields), once per record rather than once per number, which keeps
/// the per-number work inside this loop. A rejected record is reported at its last number.
/// Returns the count of numbers (a trailing partial record is not handed over).
pub fn read_uint_records<F>(inp: &mut Input, what: &str, width: usize, f: F) -> Result<u64>
where
    F: FnMut(&[u64]) -> std::result::Result<(), Reject>,
{
    let width = width.max(1);
    let mut records = Records { rec: [0; MAX_RECORD], pos: 0, width, f };
    let start = inp.offset();
    inp.bump(); // '['
    let mut count: u64 = 0;
    let mut expect_value = true;
    let mut slow = SlowNumber::default();
    loop {
        if !inp.fill()? {
            return Err(inp.error_at(start, format!("unexpected end of input inside the '{what}' array"), HINT_TRUNCATED));
        }
        let base = inp.offset();
        let chunk = &inp.buf[inp.pos..];
        let n = chunk.len();
        let mut i = 0;
        let mut block = Block::default();
        'bytes: while i < n {
            // Each turn either completes a number (handed over at the one call site below, so
            // it is inlined) or moves over digits or a separator. The paths, fastest first: a
            // block's numbers; a new block; one number and its comma at once; byte by byte.
            let (value, at) = 'number: {
                if block.pending() {
                    match block.next(chunk) {
                        BlockNumber::Value(value, s) => {
                            if !block.pending() {
                                i = block.end;
                            }
                            break 'number (value, base + s as u64);
                        }
                        BlockNumber::Long(s) => {
                            i = s;
                            slow.begin(base + i as u64);
                            continue 'bytes;
                        }
                    }
                }
                if expect_value && !slow.active && i + BLOCK + 16 <= n {
                    if let Some(b) = Block::classify(chunk, i) {
                        block = b;
                        continue 'bytes;
                    }
                }
                // A whole number and its comma at once, eight digits per step: only the common
                // shapes (`123,` and `123\n,`); anything else, and the end of a chunk, goes
                // through the byte-by-byte path below, which owns every error.
                if expect_value && !slow.active && i + FAST_LOOKAHEAD <= n {
                    let ahead: &[u8; FAST_LOOKAHEAD] = chunk[i..i + FAST_LOOKAHEAD].try_into().unwrap_or(&[0; FAST_LOOKAHEAD]);
                    if let Some((value, len, skip)) = fast_number(ahead) {
                        let at = base + i as u64;
                        i += len + skip;
                        break 'number (value, at);
                    }
                }
                let b = chunk[i];
                if b.wrapping_sub(b'0') < 10 {
                    if !slow.active {
                        if !expect_value {
                            return Err(err_at(inp, base + i as u64, separator_error(what, b, false), HINT_NOT_SNAPSHOT));
                        }
                        slow.begin(base + i as u64);
                    }
                    let (j, fits) = slow.extend(chunk, i);
                    if !fits {
                        return Err(err_at(inp, slow.start, format!("number too large in '{what}'"), HINT_NOT_SNAPSHOT));
                    }
                    i = j;
                    continue 'bytes;
                }
                if slow.active {
                    // The number ends here; `b` is looked at again on the next turn.
                    slow.active = false;
                    if b == b'.' || b == b'e' || b == b'E' {
                        return Err(err_at(inp, slow.start, format!("expected an integer in '{what}'"), HINT_NOT_SNAPSHOT));
                    }
                    expect_value = false;
                    break 'number (slow.value, slow.start);
                }
                match b {
                    b' ' | b'\n' | b'\r' | b'\t' => {}
                    b',' if !expect_value => expect_value = true,
                    b']' if !expect_value || count == 0 => {
                        inp.pos += i + 1;
                        return Ok(count);
                    }
                    _ => return Err(err_at(inp, base + i as u64, separator_error(what, b, expect_value), HINT_NOT_SNAPSHOT)),
                }
                i += 1;
                continue 'bytes;
            };
            if let Err((msg, hint)) = records.take(value) {
                return Err(err_at(inp, at, format!("{msg} in '{what}'"), hint));
            }
            count += 1;
        }
        inp.pos += n;
    }
}

fn err_at(inp: &Input, off: u64, msg: String, hint: &str) -> Error {
    inp.error_at(off, msg, hint)
}

/// Reads `["a", "b", ...]` (the input is at `[`), calling `f` with each string's UTF-8 bytes.
pub fn read_string_array<F>(inp: &mut Input, what: &str, mut f: F) -> Result<u64>
where
    F: FnMut(&[u8]),
{
    inp.bump(); // '['
    let mut count = 0u64;
    let mut scratch = Vec::with_capacity(256);
    if inp.skip_ws()? == Some(b']') {
        inp.bump();
        return Ok(0);
    }
    loop {
        match inp.skip_ws()? {
            Some(b'"') => {
                scratch.clear();
                read_string(inp, &mut scratch)?;
                f(&scratch);
                count += 1;
            }
            Some(b) => return Err(inp.error(format!("expected a string in '{what}' but found {}", show(b)), HINT_NOT_SNAPSHOT)),
            None => return Err(inp.error(format!("unexpected end of input inside the '{what}' array"), HINT_TRUNCATED)),
        }
        match inp.skip_ws()? {
            Some(b',') => inp.bump(),
            Some(b']') => {
                inp.bump();
                return Ok(count);
            }
            Some(b) => return Err(inp.error(format!("expected ',' or ']' in '{what}' but found {}", show(b)), HINT_NOT_SNAPSHOT)),
            None => return Err(inp.error(format!("unexpected end of input inside the '{what}' array"), HINT_TRUNCATED)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn input(s: &str) -> Input<'static> {
        Input::from_bytes(s.as_bytes().to_vec())
    }

    #[test]
    fn integer_arrays() {
        let mut inp = input(" [1, 22 ,333,\n4]x");
        assert_eq!(inp.skip_ws().unwrap(), Some(b'['));
        let mut v = Vec::new();
        let n = read_uint_array(&mut inp, "t", |x| {
            v.push(x);
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 4);
        assert_eq!(v, vec![1, 22, 333, 4]);
        assert_eq!(inp.peek().unwrap(), Some(b'x'));
    }

    #[test]
    fn integer_array_errors_name_offsets() {
        for (text, off, needle) in [
            ("[1,,2]", 3, "expected a number"),
            ("[1,-2]", 3, "negative"),
            ("[1.5]", 1, "integer"),
            ("[1,2", 0, "end of input"),
            ("[1,]", 3, "expected a number"),
            ("[99999999999999999999999]", 1, "too large"),
        ] {
            let mut inp = input(text);
            inp.skip_ws().unwrap();
            let e = read_uint_array(&mut inp, "t", |_| Ok(())).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Parse);
            assert_eq!(e.offset, Some(off), "{text}: {}", e.message);
            assert!(e.message.contains(needle), "{text}: {}", e.message);
        }
    }

    #[test]
    fn fast_path_agrees_with_the_byte_loop() {
        // Every digit count from 1 to 19 (the fast path takes up to 16), every separator shape
        // V8 writes and some it does not, long enough for the fast path to engage.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 11
        };
        let seps = [",", "\n,", ", ", " ,", ",\n", "\r\n,\t"];
        let mut want = Vec::new();
        let mut text = String::from("[");
        for i in 0..4000 {
            let digits = 1 + (i % 19) as u32;
            let v = if digits == 1 { next() % 10 } else { 10u64.pow(digits - 1) + next() % (9 * 10u64.pow(digits - 1)) };
            if i > 0 {
                text.push_str(seps[(next() % seps.len() as u64) as usize]);
            }
            text.push_str(&v.to_string());
            want.push(v);
        }
        text.push_str("]x");
        let mut inp = input(&text);
        inp.skip_ws().unwrap();
        let mut got = Vec::new();
        let n = read_uint_array(&mut inp, "t", |x| {
            got.push(x);
            Ok(())
        })
        .unwrap();
        assert_eq!(n, want.len() as u64);
        assert_eq!(got, want);
        assert_eq!(inp.peek().unwrap(), Some(b'x'));
    }

    #[test]
    fn block_path_reads_v8_shaped_arrays() {
        // Only V8's separators, so whole 64-byte blocks qualify; every digit count from 1 to 19
        // (the block path takes up to 16), across many input chunks.
        let mut want = Vec::new();
        let mut text = String::from("[");
        let mut x = 12345u64;
        for i in 0..60_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let digits = 1 + ((x >> 40) % 19) as u32;
            let v = (x >> 3) % 10u64.pow(digits);
            if i > 0 {
                text.push_str(if i % 7 == 0 { "\n," } else { "," });
            }
            text.push_str(&v.to_string());
            want.push(v);
        }
        text.push(']');
        let mut inp = input(&text);
        inp.skip_ws().unwrap();
        let mut got = Vec::new();
        read_uint_records(&mut inp, "t", 7, |r| {
            got.extend_from_slice(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(got.len(), want.len() / 7 * 7);
        assert_eq!(got[..], want[..got.len()]);

        // A value refused in the middle of a block is reported at its own offset.
        let target = want[30_001];
        let at = {
            let mut off = 1;
            for (k, v) in want.iter().enumerate().take(30_001) {
                off += v.to_string().len() + if (k + 1) % 7 == 0 { 2 } else { 1 };
            }
            off as u64
        };
        let mut inp = input(&text);
        inp.skip_ws().unwrap();
        let mut seen = 0usize;
        let e = read_uint_array(&mut inp, "t", |v| {
            seen += 1;
            if seen == 30_002 {
                assert_eq!(v, target);
                return Err(("refused", "hint"));
            }
            Ok(())
        })
        .unwrap_err();
        assert_eq!(e.offset, Some(at), "{}", e.message);

        // Broken shapes inside blocks are the byte loop's errors, at the right byte.
        let pad = "1234567,".repeat(40);
        for (bad, rel, needle) in
            [(",,", 2, "expected a number"), ("\n", 2, "expected ','"), (".5,", 0, "integer"), (",\n\n,", 4, "expected a number"), ("-", 1, "negative")]
        {
            let text = format!("[{pad}1{bad}2,{pad}1]");
            let mut inp = input(&text);
            inp.skip_ws().unwrap();
            let e = read_uint_array(&mut inp, "t", |_| Ok(())).unwrap_err();
            assert!(e.message.contains(needle), "{bad:?}: {}", e.message);
            assert_eq!(e.offset, Some((1 + pad.len() + rel) as u64), "{bad:?}: {}", e.message);
        }
    }

    #[test]
    fn fast_path_leaves_errors_to_the_byte_loop() {
        // The bad number sits where the fast path looks (24+ bytes before the end).
        let pad = ",1".repeat(20);
        for (bad, needle) in [("1.5", "integer"), ("12e3", "integer"), ("-3", "negative"), ("7,,", "expected a number"), ("99999999999999999999", "too large")]
        {
            let text = format!("[1,{bad}{pad}]");
            let mut inp = input(&text);
            inp.skip_ws().unwrap();
            let e = read_uint_array(&mut inp, "t", |_| Ok(())).unwrap_err();
            assert!(e.message.contains(needle), "{text}: {}", e.message);
        }
        // A rejected value is reported at its own offset.
        let text = format!("[1,22,333{pad}]");
        let mut inp = input(&text);
        inp.skip_ws().unwrap();
        let e = read_uint_array(&mut inp, "t", |v| if v == 333 { Err(("no", "hint")) } else { Ok(()) }).unwrap_err();
        assert_eq!(e.offset, Some(6));
    }

    #[test]
    fn strings_with_escapes() {
        let mut inp = input(r#"["a\"b", "\u00e9\ud83d\ude00", "\ud800x", ""]"#);
        inp.skip_ws().unwrap();
        let mut v = Vec::new();
        read_string_array(&mut inp, "strings", |s| v.push(String::from_utf8(s.to_vec()).unwrap())).unwrap();
        assert_eq!(v, vec!["a\"b".to_string(), "é😀".into(), "\u{FFFD}x".into(), "".into()]);
    }

    #[test]
    fn skip_nested_and_capture() {
        let mut inp = input(r#"{"a":[1,{"b":"]}"}],"c":null} rest"#);
        let mut cap = Vec::new();
        skip_value(&mut inp, Some(&mut cap), 1 << 20).unwrap();
        assert_eq!(std::str::from_utf8(&cap).unwrap(), r#"{"a":[1,{"b":"]}"}],"c":null}"#);
        assert_eq!(inp.skip_ws().unwrap(), Some(b'r'));
        let mut inp = input("[[[[}");
        assert!(skip_value(&mut inp, None, 0).is_err());
    }
}
