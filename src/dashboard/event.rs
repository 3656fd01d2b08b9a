//! One event as the issue page shows it (a sample, or the latest stored event): its frames
//! structured when the client sent them so (Sentry SDKs), else its text stack, read as frames
//! when [`stackparse`] knows the format; its breadcrumbs;
//! its fields and metadata. Also the issue's tags breakdown. Every value is event text, so it
//! only ever reaches the page through maud's escaping; nothing here touches the store.

use maud::{html, Markup};
use serde_json::Value;

use super::charts::share_bar;
use super::pages::utc;
use crate::fingerprint::{is_framework_frame, is_framework_structured_frame};
use crate::stackparse::{self, Part};
use crate::store::issues::TagBreakdown;
use crate::store::llm_usage::thousands;
use crate::timefmt::parse_rfc3339_ms;

/// Breadcrumbs shown at most (the newest): Sentry ingest keeps 20, bloop metadata could hold more.
const MAX_CRUMBS: usize = 100;
/// A breadcrumb's `data` shown as its message is cut here.
const MAX_CRUMB_DATA: usize = 300;

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// One event: frames (or the text stack), breadcrumbs, the other fields, the rest of the
/// metadata.
pub(super) fn render(ev: &Value) -> Markup {
    let stack = text(ev.get("stack")).unwrap_or_default();
    let frames = ev
        .get("frames")
        .and_then(Value::as_array)
        .filter(|f| !f.is_empty());
    let meta = ev.get("metadata").filter(|m| !m.is_null());
    let crumbs = meta
        .and_then(|m| m.get("breadcrumbs"))
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty());
    html! {
        @if let Some(f) = frames {
            (frame_list(f))
        } @else if !stack.is_empty() {
            (text_stack(stack))
        }
        @if let Some(c) = crumbs {
            (breadcrumbs(c))
        }
        dl.kv {
            @if let Some(obj) = ev.as_object() {
                @for (k, v) in obj {
                    @if !matches!(k.as_str(), "stack" | "metadata" | "frames") && !v.is_null() {
                        dt { (k) }
                        dd {
                            @if let Some(s) = v.as_str() { (s) }
                            @else if k == "timestamp" { (client_time(v)) }
                            @else { (v.to_string()) }
                        }
                    }
                }
            }
        }
        @if let Some(m) = meta {
            @let rest = without_breadcrumbs(m, crumbs.is_some());
            @if !rest.as_object().is_some_and(|o| o.is_empty()) {
                h2 { "Metadata" }
                pre.metadata { (serde_json::to_string_pretty(&rest).unwrap_or_default()) }
            }
        }
    }
}

/// A text stack: read as frames when bloop knows its format (the lines that are not frames,
/// such as `TypeError: boom` and `Caused by: …`, shown where they were printed), the text
/// itself behind "Raw stack"; else the text, framework lines dimmed.
fn text_stack(stack: &str) -> Markup {
    match stackparse::parse(stack).filter(stackparse::Parsed::is_mostly_parsed) {
        Some(parsed) => html! {
            div.parsed-stack data-platform=(parsed.platform) {
                @for part in &parsed.parts {
                    @match part {
                        Part::Text(text) => { pre.stack-text { (text) } }
                        Part::Frames(frames) => { (frame_list(&stackparse::to_json(frames))) }
                    }
                }
            }
            details.raw-stack {
                summary { "Raw stack" }
                (raw_stack(stack))
            }
        },
        None => raw_stack(stack),
    }
}

/// The stack as sent, each line dimmed when it is a runtime or framework frame.
fn raw_stack(stack: &str) -> Markup {
    html! {
        pre.stack {
            @for line in stack.lines() {
                span class={ "frame" @if is_framework_frame(line) { " framework" } } { (line) "\n" }
            }
        }
    }
}

/// The metadata without its breadcrumbs when they are shown as a table.
fn without_breadcrumbs(m: &Value, shown: bool) -> Value {
    let mut m = m.clone();
    if shown {
        if let Some(o) = m.as_object_mut() {
            o.remove("breadcrumbs");
        }
    }
    m
}

/// A sample's client timestamp (epoch ms) as a readable UTC time, keeping the number.
fn client_time(v: &Value) -> String {
    match v.as_i64().and_then(utc) {
        Some(at) => format!("{at} ({v})"),
        None => v.to_string(),
    }
}

/// One structured frame, read from its JSON.
struct Frame<'a> {
    function: &'a str,
    /// What is shown: the file name as the SDK gave it, else the absolute path, else the module.
    file: &'a str,
    /// The absolute path, as a tooltip when it differs from `file`.
    abs_path: Option<&'a str>,
    module: &'a str,
    line: Option<u64>,
    col: Option<u64>,
    framework: bool,
    /// Where a source-mapped frame was in the minified bundle.
    minified: Option<&'a Value>,
    /// The source line (Python prints it under the frame).
    context: Option<&'a str>,
}

impl<'a> Frame<'a> {
    fn read(f: &'a Value) -> Self {
        let abs_path = text(f.get("abs_path"));
        let module = text(f.get("module")).unwrap_or_default();
        let file = text(f.get("filename")).or(abs_path).unwrap_or(module);
        let function = text(f.get("function")).unwrap_or_default();
        let in_app = f.get("in_app").and_then(Value::as_bool);
        Frame {
            function,
            file,
            abs_path: abs_path.filter(|p| *p != file),
            module,
            line: f.get("lineno").and_then(Value::as_u64),
            col: f.get("colno").and_then(Value::as_u64),
            framework: is_framework_structured_frame(
                in_app,
                abs_path.unwrap_or(file),
                function,
                module,
            ),
            minified: f.get("minified").filter(|m| m.is_object()),
            context: text(f.get("context_line")),
        }
    }
}

/// `file:line:col` (the parts there are).
fn location(file: &str, line: Option<u64>, col: Option<u64>) -> String {
    let mut s = file.to_string();
    if let Some(l) = line {
        s.push_str(&format!(":{l}"));
        if let Some(c) = col {
            s.push_str(&format!(":{c}"));
        }
    }
    s
}

fn frame_markup(f: &Frame<'_>) -> Markup {
    html! {
        div class={ "frame " @if f.framework { "framework" } @else { "in-app" } } {
            span.fn { @if f.function.is_empty() { "?" } @else { (f.function) } }
            " "
            span.loc title=[f.abs_path] { (location(f.file, f.line, f.col)) }
            @if !f.module.is_empty() && f.module != f.file {
                " " span.module { (f.module) }
            }
            @if let Some(c) = f.context {
                div.context { (c) }
            }
            @if let Some(m) = f.minified {
                @let file = text(m.get("filename")).or_else(|| text(m.get("abs_path"))).unwrap_or("?");
                div.minified {
                    "minified: " (location(file, m.get("lineno").and_then(Value::as_u64), m.get("colno").and_then(Value::as_u64)))
                    @if let Some(func) = text(m.get("function")) { " in " (func) }
                }
            }
        }
    }
}

/// The frames, the crashing one first (they are stored oldest first). Each run of consecutive
/// framework frames is folded behind "show N framework frames"; when no frame is the app's,
/// nothing is folded (there would be nothing else to see).
fn frame_list(frames: &[Value]) -> Markup {
    let frames: Vec<Frame<'_>> = frames.iter().rev().map(Frame::read).collect();
    let fold = frames.iter().any(|f| !f.framework);
    let mut runs: Vec<&[Frame<'_>]> = Vec::new();
    let mut start = 0;
    for k in 1..=frames.len() {
        if k == frames.len() || frames[k].framework != frames[start].framework {
            runs.push(&frames[start..k]);
            start = k;
        }
    }
    html! {
        div.frames {
            @for run in runs {
                @if fold && run[0].framework {
                    details.framework-frames {
                        summary { "show " (run.len()) " framework frame" @if run.len() != 1 { "s" } }
                        @for f in run { (frame_markup(f)) }
                    }
                } @else {
                    @for f in run { (frame_markup(f)) }
                }
            }
        }
    }
}

/// A breadcrumb's time: ISO 8601 text or epoch seconds (a float), as epoch ms.
fn crumb_time(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::String(s) => parse_rfc3339_ms(s),
        Value::Number(n) => crate::event::normalize_timestamp(n.as_f64()?),
        _ => None,
    }
}

/// `HH:MM:SS.mmm` (UTC) of epoch ms.
fn time_of_day(ms: i64) -> String {
    let day_ms = ms.rem_euclid(86_400_000);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        day_ms / 3_600_000,
        day_ms / 60_000 % 60,
        day_ms / 1000 % 60,
        day_ms % 1000
    )
}

/// The breadcrumbs as a table, oldest first and the newest last (as Sentry SDKs send them;
/// sorted by time when every one has a time).
fn breadcrumbs(crumbs: &[Value]) -> Markup {
    let mut rows: Vec<(Option<i64>, &Value)> = crumbs[crumbs.len().saturating_sub(MAX_CRUMBS)..]
        .iter()
        .filter(|c| c.is_object())
        .map(|c| (crumb_time(c.get("timestamp")), c))
        .collect();
    if rows.iter().all(|(t, _)| t.is_some()) {
        rows.sort_by_key(|(t, _)| *t);
    }
    html! {
        h2 { "Breadcrumbs" }
        div.table-wrap {
            table.breadcrumbs {
                thead { tr { th { "Time" } th { "Category" } th { "Level" } th { "Message" } } }
                tbody {
                    @for (t, c) in &rows {
                        tr {
                            td.crumb-time {
                                @match t {
                                    Some(ms) => time title=(utc(*ms).unwrap_or_default()) { (time_of_day(*ms)) },
                                    None => (text(c.get("timestamp")).unwrap_or_default()),
                                }
                            }
                            td { (text(c.get("category")).or_else(|| text(c.get("type"))).unwrap_or_default()) }
                            td { (text(c.get("level")).unwrap_or_default()) }
                            td.crumb-message { (crumb_message(c)) }
                        }
                    }
                }
            }
        }
    }
}

/// The message, else the data (compact JSON, cut).
fn crumb_message(c: &Value) -> String {
    if let Some(m) = text(c.get("message")) {
        return m.to_string();
    }
    match c.get("data").filter(|d| !d.is_null()) {
        Some(d) => {
            let s = d.to_string();
            if s.len() > MAX_CRUMB_DATA {
                let mut end = MAX_CRUMB_DATA;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}…", &s[..end])
            } else {
                s
            }
        }
        None => String::new(),
    }
}

/// `count` as a share of `of`, for people: "42%", "4.2%", "<0.1%".
fn share(count: i64, of: i64) -> String {
    let p = count as f64 * 100.0 / of.max(1) as f64;
    if p >= 10.0 {
        format!("{p:.0}%")
    } else if p >= 0.1 {
        format!("{p:.1}%")
    } else {
        "<0.1%".into()
    }
}

/// The tags panel: per tag, its top values with their count and share of the counted events.
pub(super) fn tags_panel(t: &TagBreakdown) -> Markup {
    html! {
        section.panel #tags {
            h2 { "Tags" }
            @if t.tags.is_empty() {
                p.muted { "No stored events to count (raw events are pruned after the retention window)." }
            } @else {
                p.muted {
                    @if t.capped { "From the latest " (thousands(t.events)) " events." }
                    @else { "From " @if t.events == 1 { "the one stored event." } @else { "all " (thousands(t.events)) " stored events." } }
                }
                div.grid2 {
                    @for tag in &t.tags {
                        div.tag-counts data-tag=(tag.key) {
                            h3 {
                                (tag.key)
                                @if tag.distinct > tag.values.len() as i64 {
                                    " " span.muted { "top " (tag.values.len()) " of " (thousands(tag.distinct)) }
                                }
                            }
                            div.bars {
                                @for v in &tag.values {
                                    div.bar {
                                        span.tag-value title=(v.value) { (v.value) }
                                        (share_bar(v.count, t.events))
                                        span.muted { (thousands(v.count)) " · " (share(v.count, t.events)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn framework_runs_fold_crashing_frame_first() {
        let frames = json!([
            {"filename": "threading.py", "function": "run", "in_app": false},
            {"filename": "app/a.py", "function": "outer", "lineno": 1, "in_app": true},
            {"filename": "lib/x.py", "function": "x1", "in_app": false},
            {"filename": "lib/y.py", "function": "x2", "in_app": false},
            {"filename": "app/b.py", "function": "inner", "lineno": 9, "colno": 4, "in_app": true}
        ]);
        let html = frame_list(frames.as_array().unwrap()).into_string();
        let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} in {html}"));
        assert!(at("inner") < at("x2") && at("x2") < at("x1") && at("x1") < at("outer"));
        assert!(at("outer") < at(">run<"));
        assert!(html.contains("app/b.py:9:4"));
        assert!(html.contains("show 2 framework frames"));
        assert!(html.contains("show 1 framework frame<"));
        assert_eq!(html.matches("<details").count(), 2);
    }

    #[test]
    fn all_framework_frames_are_not_folded() {
        let frames = json!([{"filename": "node_modules/a.js", "function": "f"}]);
        let html = frame_list(frames.as_array().unwrap()).into_string();
        assert!(!html.contains("<details"));
        assert!(html.contains(r#"class="frame framework""#));
    }

    #[test]
    fn minified_position_is_shown_beside_the_original() {
        let frames = json!([{"filename": "src/cart.ts", "function": "total", "lineno": 12, "in_app": true,
            "minified": {"filename": "app.min.js", "function": "a", "lineno": 1, "colno": 2345}}]);
        let html = frame_list(frames.as_array().unwrap()).into_string();
        assert!(html.contains("minified: app.min.js:1:2345 in a"), "{html}");
    }

    #[test]
    fn text_stacks_in_a_known_format_are_shown_as_frames_with_the_raw_text() {
        let stack = "TypeError: boom <b>\n    at <img src=x> (/app/src/a.js:1:2)\n    at run (/app/node_modules/x/i.js:3:4)\n    at Server.emit (node:events:517:28)\n    at main (/app/src/index.js:9:1)";
        let html = text_stack(stack).into_string();
        assert!(
            html.contains(r#"<div class="parsed-stack" data-platform="javascript">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<pre class="stack-text">TypeError: boom &lt;b&gt;</pre>"#),
            "{html}"
        );
        assert!(html.contains(r#"<div class="frame in-app"><span class="fn">&lt;img src=x&gt;</span> <span class="loc">/app/src/a.js:1:2</span>"#), "{html}");
        assert!(html.contains("show 2 framework frames"), "{html}");
        assert!(html.find(">main<") > html.find("show 2 framework frames"));
        assert!(html.contains(
            r#"<details class="raw-stack"><summary>Raw stack</summary><pre class="stack">"#
        ));
        assert!(!html.contains("<img") && !html.contains("<b>"));

        // Python's source line is shown under its frame.
        let py = "Traceback (most recent call last):\n  File \"/app/m.py\", line 3, in h\n    x = 1 / 0\nZeroDivisionError: division by zero";
        let html = text_stack(py).into_string();
        assert!(
            html.contains(r#"<div class="context">x = 1 / 0</div>"#),
            "{html}"
        );

        // Prose, or a stack mostly not understood, stays text.
        for raw in ["something broke", "at f (/app/a.js:1:2)\nwhat\nis\nthis"] {
            let html = text_stack(raw).into_string();
            assert!(
                !html.contains("parsed-stack") && html.starts_with(r#"<pre class="stack">"#),
                "{html}"
            );
        }
    }

    #[test]
    fn breadcrumb_times_read_iso_and_seconds_and_sort_newest_last() {
        let crumbs = json!([
            {"timestamp": 1_700_000_002.5, "category": "http", "message": "second"},
            {"timestamp": "2023-11-14T22:13:21.000Z", "category": "ui", "level": "info", "message": "first"}
        ]);
        let html = breadcrumbs(crumbs.as_array().unwrap()).into_string();
        assert!(html.find("first").unwrap() < html.find("second").unwrap());
        assert!(html.contains("22:13:22.500"), "{html}");
        assert!(html.contains("22:13:21.000"), "{html}");
    }

    #[test]
    fn shares_read_well() {
        assert_eq!(share(1, 2), "50%");
        assert_eq!(share(1, 30), "3.3%");
        assert_eq!(share(1, 5000), "<0.1%");
    }
}
