//! Renders collapsed stacks as a self-contained, interactive flame graph SVG in the manner of
//! flamegraph.pl: root at the bottom, frame widths proportional to weight, names and percentages
//! on hover, click to zoom into a frame, "Reset Zoom" to go back.
//!
//! It reads only [`Folded`], so any folded file can be rendered, not just our own profiles.
//! Why self-written rather than the `inferno` crate: what is needed here is ~300 lines, while
//! inferno brings a dozen dependencies (quick-xml, clap, rgb, …) into a Node addon for one view.

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
}

impl Default for Options {
    fn default() -> Self {
        Options { title: "Flame Graph".into(), unit: "samples".into(), width: 1200, frame_height: 16, min_width: 0.1 }
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
pub fn layout(f: &Folded) -> Vec<Rect> {
    let total = f.total();
    let mut rects = vec![Rect { label: u32::MAX, depth: 0, start: 0, width: total }];
    let mut open: Vec<(u32, u64)> = Vec::new();
    let mut x = 0u64;
    for s in &f.stacks {
        let common = open.iter().zip(&s.frames).take_while(|((l, _), fr)| l == *fr).count();
        while open.len() > common {
            let (label, start) = open.pop().expect("len > common >= 0");
            rects.push(Rect { label, depth: open.len() as u32 + 1, start, width: x - start });
        }
        for &fr in &s.frames[common..] {
            open.push((fr, x));
        }
        x += s.weight;
    }
    while let Some((label, start)) = open.pop() {
        rects.push(Rect { label, depth: open.len() as u32 + 1, start, width: x - start });
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
    let total = f.total();
    let rects = layout(f);
    let width = f64::from(opts.width.max(200));
    let inner = width - 2.0 * PAD_X;
    let scale = if total > 0 { inner / total as f64 } else { 0.0 };
    let fh = f64::from(opts.frame_height.max(8));
    let visible: Vec<&Rect> = rects.iter().filter(|r| r.depth == 0 || r.width as f64 * scale >= opts.min_width).collect();
    let max_depth = visible.iter().map(|r| r.depth).max().unwrap_or(0);
    let height = PAD_TOP + f64::from(max_depth + 1) * fh + PAD_BOTTOM;

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
    for r in visible {
        let label: &str = if r.label == u32::MAX { "all" } else { &f.labels[r.label as usize] };
        let x = PAD_X + r.start as f64 * scale;
        let w = r.width as f64 * scale;
        let y = height - PAD_BOTTOM - f64::from(r.depth + 1) * fh;
        let pct = if total > 0 { r.width as f64 * 100.0 / total as f64 } else { 0.0 };
        let tip = if r.label == u32::MAX { base_label.clone() } else { format!("{label}\n({} {}, {pct:.2}%)", group(r.width), opts.unit) };
        let _ = writeln!(
            out,
            r#"<g data-x="{}" data-w="{}" data-d="{}"><title>{}</title><rect x="{x:.2}" y="{y}" width="{w:.2}" height="{}" rx="2" ry="2" fill="{}"/><text x="{:.2}" y="{:.1}">{}</text></g>"#,
            r.start,
            r.width,
            r.depth,
            xml(&tip),
            fh - 1.0,
            color(label, r.label == u32::MAX),
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
    fn labels_are_cut_to_fit() {
        assert_eq!(fit("abcdef", 1000.0), "abcdef");
        assert_eq!(fit("abcdefghijklmnop", 6.0 + 5.0 * CHAR_WIDTH), "abc..");
        assert_eq!(fit("abcdef", 10.0), "");
        assert_eq!(xml("a<b>&\"'\u{1}\n"), "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}&#10;");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(group(12), "12");
    }
}
