//! Renders collapsed stacks as a self-contained, interactive flame graph SVG in the manner of
//! flamegraph.pl: root at the bottom, frame widths proportional to weight, names and percentages
//! on hover, click to zoom into a frame, "Reset Zoom" to go back.
//!
//! It reads only [`Folded`], so any folded file can be rendered, not just our own profiles.
//! Why self-written rather than the `inferno` crate: what is needed here is ~300 lines, while
//! inferno brings a dozen dependencies (quick-xml, clap, rgb, …) into a Node addon for one view.

use std::collections::HashMap;
use std::fmt::Write;

use super::fold::Folded;
use super::model::Category;

/// How the graph looks.
#[derive(Debug, Clone)]
pub struct Options {
    /// Title at the top.
    pub title: String,
    /// Unit of the weights in tooltips: "samples", "µs", "bytes".
    pub unit: String,
    /// Image width in pixels.
    pub width: u32,
    /// Height of one frame row in pixels.
    pub frame_height: u32,
    /// Frames narrower than this many pixels are left out (they could not be seen or clicked).
    pub min_width: f64,
    /// Differential graph: swap the hues (red for what shrank, blue for what grew).
    pub negate: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { title: "Flame Graph".into(), unit: "samples".into(), width: 1200, frame_height: 16, min_width: 0.1, negate: false }
    }
}

/// One box of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    /// Label index into [`Folded::labels`], or `u32::MAX` for the "all" base frame.
    pub label: u32,
    /// Row: 0 is the "all" base, 1 the first stack frame.
    pub depth: u32,
    /// Offset in weight units from the left.
    pub start: u64,
    /// Width in weight units.
    pub width: u64,
}

/// Lays out the boxes: stacks are sorted, so frames shared by neighbouring stacks merge into one
/// box; a box closes when the next stack leaves its prefix. One pass, no recursion.
#[cfg(test)]
pub fn layout(f: &Folded) -> Vec<Rect> {
    layout_with(f, None).into_iter().map(|(r, _)| r).collect()
}

/// The stacks of a baseline profile as a trie of frame labels, with each path's self weight:
/// what a differential graph compares each box of the other profile with.
pub struct Baseline<'a> {
    index: HashMap<(u32, &'a str), u32>,
    self_weight: Vec<f64>,
}

/// No node of the baseline trie.
const NONE: u32 = u32::MAX;

impl<'a> Baseline<'a> {
    /// The trie of `f`'s stacks, weights multiplied by `scale`.
    pub fn new(f: &'a Folded, scale: f64) -> Self {
        let mut b = Baseline { index: HashMap::new(), self_weight: vec![0.0] };
        for s in &f.stacks {
            let mut cur = 0u32;
            for &fr in &s.frames {
                let next = b.self_weight.len() as u32;
                cur = *b.index.entry((cur, f.labels[fr as usize].as_str())).or_insert(next);
                if cur == next {
                    b.self_weight.push(0.0);
                }
            }
            b.self_weight[cur as usize] += s.weight as f64 * scale;
        }
        b
    }

    fn child(&self, node: u32, label: &str) -> u32 {
        if node == NONE {
            return NONE;
        }
        self.index.get(&(node, label)).copied().unwrap_or(NONE)
    }

    fn self_of(&self, node: u32) -> f64 {
        if node == NONE {
            0.0
        } else {
            self.self_weight[node as usize]
        }
    }
}

/// The boxes, each with its self weight and, given a baseline, the baseline's self weight of the
/// same path: `(rect, (self, baseline self))`.
fn layout_with(f: &Folded, base: Option<&Baseline<'_>>) -> Vec<(Rect, (u64, f64))> {
    let total = f.total();
    let mut rects = vec![(Rect { label: u32::MAX, depth: 0, start: 0, width: total }, (0, 0.0))];
    // Open boxes: (label, start, baseline node, self weight).
    let mut open: Vec<(u32, u64, u32, u64)> = Vec::new();
    let mut x = 0u64;
    let close = |open: &mut Vec<(u32, u64, u32, u64)>, rects: &mut Vec<(Rect, (u64, f64))>, x: u64| {
        let (label, start, node, own) = open.pop().expect("an open box");
        let before = base.map_or(0.0, |b| b.self_of(node));
        rects.push((Rect { label, depth: open.len() as u32 + 1, start, width: x - start }, (own, before)));
    };
    for s in &f.stacks {
        let common = open.iter().zip(&s.frames).take_while(|((l, _, _, _), fr)| l == *fr).count();
        while open.len() > common {
            close(&mut open, &mut rects, x);
        }
        for &fr in &s.frames[common..] {
            let parent = open.last().map_or(0, |o| o.2);
            let node = base.map_or(NONE, |b| b.child(parent, &f.labels[fr as usize]));
            open.push((fr, x, node, 0));
        }
        if let Some(top) = open.last_mut() {
            top.3 += s.weight;
        }
        x += s.weight;
    }
    while !open.is_empty() {
        close(&mut open, &mut rects, x);
    }
    rects
}

const PAD_X: f64 = 10.0;
const PAD_TOP: f64 = 40.0;
const PAD_BOTTOM: f64 = 30.0;
const FONT_SIZE: f64 = 12.0;
/// Average glyph width of the font at FONT_SIZE, as flamegraph.pl estimates it (0.59 em).
const CHAR_WIDTH: f64 = FONT_SIZE * 0.59;

/// The SVG document for `f`.
pub fn render(f: &Folded, opts: &Options) -> String {
    render_with(f, opts, None)
}

/// A differential flame graph: the boxes of `f` (the later profile), each coloured by how its
/// self weight changed from `base` (the earlier one, already normalized to `f`'s scale): red
/// grew, blue shrank, saturation by the size of the change relative to the largest; `negate`
/// swaps the hues.
pub fn render_diff(f: &Folded, base: &Baseline<'_>, opts: &Options) -> String {
    render_with(f, opts, Some(base))
}

fn render_with(f: &Folded, opts: &Options, base: Option<&Baseline<'_>>) -> String {
    let total = f.total();
    let rects = layout_with(f, base);
    let width = f64::from(opts.width.max(200));
    let inner = width - 2.0 * PAD_X;
    let scale = if total > 0 { inner / total as f64 } else { 0.0 };
    let fh = f64::from(opts.frame_height.max(8));
    let visible: Vec<&(Rect, (u64, f64))> = rects.iter().filter(|(r, _)| r.depth == 0 || r.width as f64 * scale >= opts.min_width).collect();
    let max_depth = visible.iter().map(|(r, _)| r.depth).max().unwrap_or(0);
    let height = PAD_TOP + f64::from(max_depth + 1) * fh + PAD_BOTTOM;
    // The largest change of a box's self weight: the full saturation of a differential graph.
    let max_delta = rects.iter().skip(1).map(|(_, (own, before))| (*own as f64 - before).abs()).fold(0.0, f64::max);

    let mut out = String::with_capacity(4096 + visible.len() * 260);
    let _ = write!(
        out,
        r##"<?xml version="1.0" standalone="no"?>
<svg version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" onload="init(evt)">
<style type="text/css">
text {{ font-family: Verdana, "DejaVu Sans", sans-serif; font-size: {fs}px; fill: #000; }}
#frames > g {{ cursor: pointer; }}
#frames > g:hover > rect {{ stroke: #000; stroke-width: 0.5; }}
#frames > g.zoomed-parent > rect {{ opacity: 0.5; }}
#frames text {{ pointer-events: none; }}
.hide {{ display: none; }}
#unzoom, #search {{ cursor: pointer; }}
#frames > g.match > rect {{ fill: rgb(230,0,230); }}
</style>
<script type="text/ecmascript"><![CDATA[
{script}
]]></script>
<rect x="0" y="0" width="{w}" height="{h}" fill="#f8f8f0"/>
<text id="title" x="{cx}" y="24" text-anchor="middle" style="font-size:17px">{title}</text>
<text id="unzoom" class="hide" x="{px}" y="24">Reset Zoom</text>
<text id="search" x="{sx}" y="24" text-anchor="end">Search</text>
<text id="details" x="{px}" y="{dy}"> </text>
<text id="matched" x="{sx}" y="{dy}" text-anchor="end"> </text>
<g id="frames" data-total="{total}" data-width="{w}" data-unit="{unit}">
"##,
        w = opts.width.max(200),
        h = height,
        fs = FONT_SIZE,
        script = SCRIPT,
        cx = width / 2.0,
        px = PAD_X,
        sx = width - PAD_X,
        dy = height - 10.0,
        title = xml(&opts.title),
        total = total,
        unit = xml(&opts.unit),
    );
    let base_label = format!("all ({} {}, 100%)", group(total), opts.unit);
    for (r, (own, before)) in visible {
        let label: &str = if r.label == u32::MAX { "all" } else { &f.labels[r.label as usize] };
        let x = PAD_X + r.start as f64 * scale;
        let w = r.width as f64 * scale;
        let y = height - PAD_BOTTOM - f64::from(r.depth + 1) * fh;
        let pct = if total > 0 { r.width as f64 * 100.0 / total as f64 } else { 0.0 };
        let mut tip = if r.label == u32::MAX { base_label.clone() } else { format!("{label}\n({} {}, {pct:.2}%", group(r.width), opts.unit) };
        if r.label != u32::MAX {
            if base.is_some() {
                let _ = write!(tip, "; self {} \u{2192} {} {}, {}", group(before.round() as u64), group(*own), opts.unit, change(*before, *own as f64));
            }
            tip.push(')');
        }
        let fill = match base {
            Some(_) if r.label != u32::MAX => diff_color(*own as f64 - before, max_delta, opts.negate),
            _ => color(label, r.label == u32::MAX),
        };
        let _ = writeln!(
            out,
            r#"<g data-x="{}" data-w="{}" data-d="{}"><title>{}</title><rect x="{x:.2}" y="{y}" width="{w:.2}" height="{}" rx="2" ry="2" fill="{}"/><text x="{:.2}" y="{:.1}">{}</text></g>"#,
            r.start,
            r.width,
            r.depth,
            xml(&tip),
            fh - 1.0,
            fill,
            x + 3.0,
            y + fh - 4.5,
            xml(&fit(label, w)),
        );
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// The label shortened to what fits in `width` pixels ("" when not even 3 characters fit).
fn fit(label: &str, width: f64) -> String {
    let chars = ((width - 6.0) / CHAR_WIDTH).floor();
    if chars < 3.0 {
        return String::new();
    }
    let chars = chars as usize;
    if label.chars().count() <= chars {
        return label.to_owned();
    }
    let mut s: String = label.chars().take(chars - 2).collect();
    s.push_str("..");
    s
}

/// XML text/attribute escaping; characters XML 1.0 forbids become U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// 1234567 → "1,234,567".
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `+12.5%`, `−40.0%`, `new`, `gone` or `±0%`: a box's change of self weight.
fn change(before: f64, after: f64) -> String {
    if before > 0.0 {
        let p = (after - before) * 100.0 / before;
        if p > 0.0 {
            format!("+{p:.1}%")
        } else if p < 0.0 {
            format!("\u{2212}{:.1}%", -p)
        } else {
            "\u{b1}0%".to_owned()
        }
    } else if after > 0.0 {
        "new".to_owned()
    } else {
        "\u{b1}0%".to_owned()
    }
}

/// A differential box's colour: red when its self weight grew, blue when it shrank (swapped with
/// `negate`), from near white to full saturation at the largest change; grey when unchanged.
fn diff_color(delta: f64, max: f64, negate: bool) -> String {
    if delta == 0.0 || max <= 0.0 {
        return "rgb(235,235,235)".into();
    }
    let v = (220.0 * (1.0 - (delta.abs() / max).min(1.0))).round() as u32;
    if (delta > 0.0) != negate {
        format!("rgb(255,{v},{v})")
    } else {
        format!("rgb({v},{v},255)")
    }
}

/// A stable colour per frame: warm colours for JavaScript (as flamegraph.pl's "hot" palette),
/// yellow-green for Node's own internals, greys and blue for V8's pseudo-frames so that they
/// stand out as not-your-code.
fn color(label: &str, base: bool) -> String {
    if base {
        return "rgb(220,220,220)".into();
    }
    // Pseudo-frames have no URL, so their label is exactly their name ("(garbage collector)"
    // has a space in it: the label must not be split first).
    let name = label.split(' ').next().unwrap_or(label);
    match Category::of(label) {
        Category::Idle => return "rgb(205,205,205)".into(),
        Category::Program => return "rgb(175,175,190)".into(),
        Category::Gc => return "rgb(120,165,235)".into(),
        Category::Root => return "rgb(220,220,220)".into(),
        Category::Js => {}
    }
    // FNV-1a of the function name only, so one function keeps its colour at every location.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let v1 = (h & 0xff) as f64 / 255.0;
    let v2 = ((h >> 8) & 0xff) as f64 / 255.0;
    let v3 = ((h >> 16) & 0xff) as f64 / 255.0;
    if label.contains(" node:") {
        return format!("rgb({},{},{})", 195 + (40.0 * v1) as u32, 195 + (40.0 * v2) as u32, 40 + (50.0 * v3) as u32);
    }
    format!("rgb({},{},{})", 205 + (50.0 * v3) as u32, (230.0 * v1) as u32, (55.0 * v2) as u32)
}

/// The interactive part: hover details, click to zoom, reset; search (the Search button or
/// Ctrl-F: a regular expression) highlights matching frames and shows the share of the total
/// they cover, each sample counted once however many matching frames its stack has (the union
/// of the matches' spans, as flamegraph.pl computes it). Plain ES5 so old viewers cope.
const SCRIPT: &str = r#"
var PAD = 10, CHAR_W = 12 * 0.59, frames, details, unzoomBtn, searchBtn, matchedText, W, TOTAL, UNIT, searching = null;
function init(evt) {
  frames = document.getElementById('frames');
  details = document.getElementById('details').firstChild;
  unzoomBtn = document.getElementById('unzoom');
  searchBtn = document.getElementById('search');
  matched = document.getElementById('matched').firstChild;
  W = +frames.getAttribute('data-width');
  TOTAL = +frames.getAttribute('data-total');
  UNIT = frames.getAttribute('data-unit');
  frames.addEventListener('mouseover', function (e) {
    var g = find(e.target); if (g) details.nodeValue = info(g);
  });
  frames.addEventListener('mouseout', function () { details.nodeValue = ' '; });
  frames.addEventListener('click', function (e) { var g = find(e.target); if (g) zoom(g); });
  unzoomBtn.addEventListener('click', unzoom);
  searchBtn = document.getElementById('search');
  matchedText = document.getElementById('matched').firstChild;
  searchBtn.addEventListener('click', function () {
    if (searching !== null) return search(null);
    var term = prompt('Search for (a regular expression):', '');
    if (term) search(term);
  });
  window.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && e.keyCode === 70) { e.preventDefault(); searchBtn.dispatchEvent(new MouseEvent('click')); }
    else if (e.keyCode === 27 && searching !== null) search(null);
  });
}
// Highlights the frames whose name matches `term` (null clears); returns the matched share in %.
function search(term) {
  var gs = frames.children, re = null, spans = [], i;
  if (term !== null) { try { re = new RegExp(term); } catch (err) { re = new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')); } }
  for (i = 0; i < gs.length; i++) {
    var g = gs[i], hit = re !== null && g.getAttribute('data-d') !== '0' && re.test(label(g));
    g.classList.toggle('match', hit);
    if (hit) spans.push([+g.getAttribute('data-x'), +g.getAttribute('data-w')]);
  }
  spans.sort(function (a, b) { return a[0] - b[0]; });
  var covered = 0, end = -1;
  for (i = 0; i < spans.length; i++) {
    var s = spans[i][0], e = s + spans[i][1];
    if (e <= end) continue;
    covered += e - Math.max(s, end);
    end = e;
  }
  var pct = TOTAL > 0 ? (100 * covered) / TOTAL : 0;
  searching = term;
  frames.setAttribute('data-matched', covered);
  searchBtn.textContent = term === null ? 'Search' : 'Reset Search';
  matchedText.nodeValue = term === null ? ' ' : 'Matched: ' + pct.toFixed(2) + '% (' + spans.length + ' frames)';
  return pct;
}
function find(n) {
  while (n && n !== frames) { if (n.getAttribute && n.getAttribute('data-w') !== null) return n; n = n.parentNode; }
  return null;
}
function label(g) {
  // The base frame's title carries its totals on the first line; every other title is 'name\n(stats)'.
  return g.getAttribute('data-d') === '0' ? 'all' : g.getElementsByTagName('title')[0].textContent.split('\n')[0];
}
function info(g) {
  var t = g.getElementsByTagName('title')[0].textContent.split('\n');
  return 'Function: ' + t[0] + (t[1] ? ' ' + t[1] : '');
}
function place(g, x, w) {
  var r = g.getElementsByTagName('rect')[0], t = g.getElementsByTagName('text')[0];
  r.setAttribute('x', x.toFixed(2)); r.setAttribute('width', w.toFixed(2));
  t.setAttribute('x', (x + 3).toFixed(2));
  var name = label(g), n = Math.floor((w - 6) / CHAR_W);
  t.textContent = n < 3 ? '' : name.length <= n ? name : name.slice(0, n - 2) + '..';
}
function zoom(z) {
  var s = +z.getAttribute('data-x'), w = +z.getAttribute('data-w'), d = +z.getAttribute('data-d');
  if (!w) return;
  var scale = (W - 2 * PAD) / w, gs = frames.children;
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i], x = +g.getAttribute('data-x'), gw = +g.getAttribute('data-w'), gd = +g.getAttribute('data-d');
    g.classList.remove('hide'); g.classList.remove('zoomed-parent');
    if (gd < d && x <= s && x + gw >= s + w) { g.classList.add('zoomed-parent'); place(g, PAD, W - 2 * PAD); }
    else if (gd >= d && x >= s && x + gw <= s + w && gw * scale >= 0.1) { place(g, PAD + (x - s) * scale, gw * scale); }
    else g.classList.add('hide');
  }
  unzoomBtn.classList.remove('hide');
}
function unzoom() {
  var gs = frames.children, scale = (W - 2 * PAD) / TOTAL;
  for (var i = 0; i < gs.length; i++) {
    var g = gs[i];
    g.classList.remove('hide'); g.classList.remove('zoomed-parent');
    place(g, PAD + (+g.getAttribute('data-x')) * scale, (+g.getAttribute('data-w')) * scale);
  }
  unzoomBtn.classList.add('hide');
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_frames_get_their_own_colours() {
        assert_eq!(color("(garbage collector)", false), "rgb(120,165,235)");
        assert_eq!(color("(idle)", false), "rgb(205,205,205)");
        assert_eq!(color("(program)", false), "rgb(175,175,190)");
        // One function keeps one colour wherever it is.
        assert_eq!(color("f file:///a.js:1:1", false), color("f file:///b.js:9:9", false));
        assert!(color("f file:///a.js:1:1", false).starts_with("rgb(2"));
    }

    #[test]
    fn differential_boxes_are_coloured_by_their_change_of_self_weight() {
        let before = super::super::fold::parse_text("main;hot 40\nmain;cold 10\nmain 5\n").unwrap();
        let after = super::super::fold::parse_text("main;hot 10\nmain;cold 10\nmain;new 3\nmain 5\n").unwrap();
        let base = Baseline::new(&before, 1.0);
        let rects = layout_with(&after, Some(&base));
        let by = |name: &str| rects.iter().find(|(r, _)| r.label != u32::MAX && after.labels[r.label as usize] == name).unwrap().1;
        assert_eq!(by("hot"), (10, 40.0));
        assert_eq!(by("cold"), (10, 10.0));
        assert_eq!(by("new"), (3, 0.0));
        assert_eq!(by("main"), (5, 5.0), "self only: its callees' change is theirs");
        assert_eq!(diff_color(-30.0, 30.0, false), "rgb(0,0,255)");
        assert_eq!(diff_color(3.0, 30.0, false), "rgb(255,198,198)");
        assert_eq!(diff_color(3.0, 30.0, true), "rgb(198,198,255)");
        assert_eq!(diff_color(0.0, 30.0, false), "rgb(235,235,235)");
        let svg = render_diff(&after, &base, &Options::default());
        assert!(svg.contains("rgb(0,0,255)") && svg.contains("self 40 \u{2192} 10 samples, \u{2212}75.0%"), "{svg}");
        assert!(svg.contains("new ") && svg.contains("self 0 \u{2192} 3 samples, new"));
    }

    #[test]
    fn labels_are_cut_to_fit() {
        assert_eq!(fit("abcdef", 1000.0), "abcdef");
        assert_eq!(fit("abcdefghijklmnop", 6.0 + 5.0 * CHAR_WIDTH), "abc..");
        assert_eq!(fit("abcdef", 10.0), "");
        assert_eq!(xml("a<b>&\"'\u{1}\n"), "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}&#10;");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(group(12), "12");
    }
}
