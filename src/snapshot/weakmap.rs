//! Recognizes V8's WeakMap ephemeron edge names, which DevTools treats specially for dominators
//! and distances. The rule is DevTools' regular expression
//! `^\d+(?<dup> / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<table>\d+)\))$`
//! matched by hand (no regex crate for one pattern).

/// The two parts of an ephemeron edge name DevTools uses.
#[derive(Debug, PartialEq, Eq)]
pub struct Ephemeron<'a> {
    /// Everything after the leading index: identical for the key→value and table→value edges.
    pub duplicated_part: &'a str,
    /// The id of the WeakMap's table, as digits.
    pub table_id: &'a str,
}

fn digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// Parses `name` as an ephemeron edge name, or None.
pub fn parse(name: &str) -> Option<Ephemeron<'_>> {
    // JavaScript's `.` does not match line terminators; the literal parts contain none.
    if name.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return None;
    }
    let d = digits(name);
    if d == 0 {
        return None;
    }
    let dup = &name[d..];
    let rest = dup.strip_prefix(" / part of key (")?;
    let rest = rest.strip_suffix(')')?;
    // The table id: the digits at the very end, after " pair in WeakMap (table @".
    let td = rest.bytes().rev().take_while(u8::is_ascii_digit).count();
    if td == 0 {
        return None;
    }
    let table_id = &rest[rest.len() - td..];
    let rest = rest[..rest.len() - td].strip_suffix(") pair in WeakMap (table @")?;
    // `rest` is now `<key> @<digits>) -> value (<value> @<digits>`.
    let vd = rest.bytes().rev().take_while(u8::is_ascii_digit).count();
    if vd == 0 {
        return None;
    }
    let rest = rest[..rest.len() - vd].strip_suffix(" @")?;
    // Some occurrence of ` @<digits>) -> value (` must split `rest` into key and value parts.
    let marker = ") -> value (";
    let mut from = 0;
    while let Some(i) = rest[from..].find(marker) {
        let at = from + i;
        let before = &rest[..at];
        let kd = before.bytes().rev().take_while(u8::is_ascii_digit).count();
        if kd > 0 && before[..before.len() - kd].ends_with(" @") {
            return Some(Ephemeron { duplicated_part: dup, table_id });
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_v8_ephemeron_names() {
        let n = "1 / part of key (Object @12345) -> value (Leak @678) pair in WeakMap (table @999)";
        let e = parse(n).unwrap();
        assert_eq!(e.table_id, "999");
        assert_eq!(e.duplicated_part, &n[1..]);
        // Names inside the parentheses may contain anything but line breaks.
        assert!(parse("7 / part of key (a @b) @1) -> value (x) -> value (y @2) pair in WeakMap (table @3)").is_some());
        assert!(parse("elements").is_none());
        assert!(parse(" / part of key (a @1) -> value (b @2) pair in WeakMap (table @3)").is_none());
        assert!(parse("1 / part of key (a @1) -> value (b @2) pair in WeakMap (table @)").is_none());
        assert!(parse("1 / part of key (a\n @1) -> value (b @2) pair in WeakMap (table @3)").is_none());
        assert!(parse("1 / part of key (a @x) -> value (b @2) pair in WeakMap (table @3)").is_none());
    }
}
