//! Text stack traces read as frames, for the issue page: the formats bloop's clients send
//! (JavaScript in V8's and Firefox/Safari's forms, Python, Java/Kotlin/Android, .NET,
//! Swift/Objective-C crash reports, Go, Rust's backtraces, Ruby), each frame with its function,
//! file, line, column and module where the format has them.
//!
//! Which frames are a runtime's or a framework's is not decided here: it is
//! [`fingerprint::classify_lines`]'s role for the frame's first line, the rule grouping uses to
//! pass over frames, so the page folds exactly the frames grouping skipped. This module does not
//! render (the dashboard does) and never changes the text: every frame keeps its raw lines, and
//! the lines that are not frames (exception headers, `Caused by: …`, `... 12 more`) stay in
//! [`Parsed::parts`] in the order printed.
//!
//! Each format is tried on the whole text and the one that reads the most frames wins: eight
//! passes, each one left to right over the lines (a frame's extra lines are taken with it and
//! not looked at again), no regexes. It runs per page view on a few stored events.

use serde_json::{Map, Value};

use crate::fingerprint::{self, LineRole};

/// One frame of a text stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    pub function: Option<&'a str>,
    /// The path or URL as printed (Java and .NET print a file name).
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The class (Java, .NET), package (Go) or binary image (Swift/Objective-C).
    pub module: Option<&'a str>,
    /// Python's source line printed under the frame.
    pub source: Option<&'a str>,
    /// The frame's lines in the stack, as printed (two or more for Python, Go and Rust).
    pub raw: &'a str,
    /// A runtime or framework frame, as grouping judges it.
    pub framework: bool,
}

/// A stretch of the stack as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    /// Lines that are not frames (an exception header, `Caused by: …`, `goroutine 7 [running]:`),
    /// as printed, without the blank lines around them.
    Text(&'a str),
    /// Consecutive frames, oldest first (the crashing frame last), whatever order the format
    /// prints them in.
    Frames(Vec<Frame<'a>>),
}

/// A text stack read as frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<'a> {
    /// `javascript`, `python`, `java`, `csharp`, `cocoa`, `go`, `rust` or `ruby` (Sentry's
    /// platform names).
    pub platform: &'static str,
    /// The stack in the order printed: runs of frames and the text between them. A chained
    /// exception (`Caused by:`, Python's "During handling of the above exception") or another
    /// goroutine starts a new run.
    pub parts: Vec<Part<'a>>,
    /// Non-blank lines after the first frame that are neither frames nor headers: what this
    /// parser did not understand. (Lines before the first frame are the message.)
    pub unparsed_lines: usize,
}

impl<'a> Parsed<'a> {
    /// Every frame, run by run, each run oldest first.
    pub fn frames(&self) -> impl Iterator<Item = &Frame<'a>> {
        self.parts.iter().flat_map(|p| match p {
            Part::Frames(f) => f.as_slice(),
            Part::Text(_) => &[],
        })
    }

    /// True when little enough was left unparsed that the frames can stand for the stack: at
    /// most one line in five beside the frames.
    pub fn is_mostly_parsed(&self) -> bool {
        self.unparsed_lines * 5 <= self.frames().count()
    }
}

/// The stack read as frames, in the format that reads the most of them; `None` when no format
/// reads a frame, or when more lines are left over than read as frames (prose that happens to
/// hold a frame-like line).
pub fn parse(stack: &str) -> Option<Parsed<'_>> {
    let lines: Vec<&str> = stack.lines().collect();
    let framework: Vec<bool> = fingerprint::classify_lines(stack)
        .map(|(_, role)| matches!(role, LineRole::Framework { .. }))
        .collect();
    let mut best: Option<(usize, Parsed<'_>)> = None;
    for platform in Platform::ALL {
        let parsed = parse_as(platform, stack, &lines, &framework);
        let n = parsed.frames().count();
        let better = match &best {
            None => n > 0,
            Some((m, b)) => n > *m || (n == *m && parsed.unparsed_lines < b.unparsed_lines),
        };
        if better {
            best = Some((n, parsed));
        }
    }
    best.filter(|(n, p)| p.unparsed_lines <= *n).map(|(_, p)| p)
}

/// Sentry-shaped frame objects (`filename`, `function`, `lineno`, `colno`, `module`,
/// `context_line`, `in_app`), in the order given, for the renderer of structured frames.
pub fn to_json(frames: &[Frame<'_>]) -> Vec<Value> {
    frames
        .iter()
        .map(|f| {
            let mut o = Map::new();
            let mut text = |k: &str, v: Option<&str>| {
                if let Some(v) = v {
                    o.insert(k.into(), Value::from(v));
                }
            };
            text("filename", f.file);
            text("function", f.function);
            text("module", f.module);
            text("context_line", f.source);
            if let Some(l) = f.line {
                o.insert("lineno".into(), l.into());
            }
            if let Some(c) = f.column {
                o.insert("colno".into(), c.into());
            }
            o.insert("in_app".into(), (!f.framework).into());
            Value::Object(o)
        })
        .collect()
}

/// A frame's fields, before its raw text and framework flag are known.
#[derive(Default)]
struct Fields<'a> {
    function: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    module: Option<&'a str>,
    source: Option<&'a str>,
    /// An exception's message printed on its first frame's line (Ruby's
    /// `…:in 'save': boom (RuntimeError)`): it starts a new run, after this text.
    message: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    JavaScript,
    Python,
    Java,
    DotNet,
    Cocoa,
    Go,
    Rust,
    Ruby,
}

impl Platform {
    /// In the order ties are broken.
    const ALL: [Platform; 8] = [
        Platform::JavaScript,
        Platform::Python,
        Platform::Java,
        Platform::DotNet,
        Platform::Cocoa,
        Platform::Go,
        Platform::Rust,
        Platform::Ruby,
    ];

    fn name(self) -> &'static str {
        match self {
            Platform::JavaScript => "javascript",
            Platform::Python => "python",
            Platform::Java => "java",
            Platform::DotNet => "csharp",
            Platform::Cocoa => "cocoa",
            Platform::Go => "go",
            Platform::Rust => "rust",
            Platform::Ruby => "ruby",
        }
    }

    /// Python prints the oldest frame first; every other format the crashing one.
    fn crashing_first(self) -> bool {
        self != Platform::Python
    }

    /// The frame starting at `lines[i]` and how many lines it takes; `after_frame` when the
    /// line above ended a frame.
    fn frame_at<'a>(
        self,
        lines: &[&'a str],
        i: usize,
        after_frame: bool,
    ) -> Option<(Fields<'a>, usize)> {
        let line = lines[i];
        let one = |f: Option<Fields<'a>>| f.map(|f| (f, 1));
        match self {
            Platform::JavaScript => one(javascript(line)),
            Platform::Python => python(lines, i),
            Platform::Java => one(java(line)),
            Platform::DotNet => one(dotnet(line)),
            Platform::Cocoa => one(cocoa(line)),
            Platform::Go => go(lines, i),
            Platform::Rust => rust(lines, i, after_frame),
            Platform::Ruby => one(ruby(line)),
        }
    }
}

/// `stack` read as `platform`'s format. `framework[k]` is grouping's verdict on line `k`.
fn parse_as<'a>(
    platform: Platform,
    stack: &'a str,
    lines: &[&'a str],
    framework: &[bool],
) -> Parsed<'a> {
    let mut parts = Vec::new();
    let mut run: Vec<Frame<'a>> = Vec::new();
    // The first and last non-blank line of the text since the last frame.
    let mut text: Option<(usize, usize)> = None;
    let mut seen_frame = false;
    let mut unparsed_lines = 0;
    let mut i = 0;
    while i < lines.len() {
        if let Some((f, n)) = platform.frame_at(lines, i, !run.is_empty()) {
            if f.message.is_some() {
                end_run(&mut run, &mut parts, platform);
            }
            if let Some((a, b)) = text.take() {
                parts.push(Part::Text(span(stack, lines[a], lines[b])));
            }
            if let Some(m) = f.message {
                parts.push(Part::Text(m));
            }
            run.push(Frame {
                function: f.function,
                file: f.file,
                line: f.line,
                column: f.column,
                module: f.module,
                source: f.source,
                raw: span(stack, lines[i], lines[i + n - 1]),
                framework: framework.get(i).copied().unwrap_or(false),
            });
            seen_frame = true;
            i += n;
            continue;
        }
        end_run(&mut run, &mut parts, platform);
        let t = lines[i].trim();
        if !t.is_empty() {
            if seen_frame && !is_note(t) {
                unparsed_lines += 1;
            }
            text = Some((text.map_or(i, |(a, _)| a), i));
        }
        i += 1;
    }
    end_run(&mut run, &mut parts, platform);
    if let Some((a, b)) = text {
        parts.push(Part::Text(span(stack, lines[a], lines[b])));
    }
    Parsed {
        platform: platform.name(),
        parts,
        unparsed_lines,
    }
}

/// Moves the frames read so far into `parts`, oldest first.
fn end_run<'a>(run: &mut Vec<Frame<'a>>, parts: &mut Vec<Part<'a>>, platform: Platform) {
    if run.is_empty() {
        return;
    }
    let mut frames = std::mem::take(run);
    if platform.crashing_first() {
        frames.reverse();
    }
    parts.push(Part::Frames(frames));
}

/// The text of `stack` from the start of line `first` to the end of line `last` (both
/// sub-slices of `stack`, as `str::lines` gives them).
fn span<'a>(stack: &'a str, first: &'a str, last: &'a str) -> &'a str {
    let offset = |s: &str| (s.as_ptr() as usize).saturating_sub(stack.as_ptr() as usize);
    let start = offset(first);
    let end = offset(last) + last.len();
    stack.get(start..end).unwrap_or(first)
}

/// A non-frame line that belongs in a stack: a header as grouping knows them (`Caused by: …`,
/// `... 12 more`, `TypeError: boom`, `goroutine 7 [running]:`), Python's note on recursion, or
/// what Node prints around an error's properties and cause (`[cause]: Error: …`, `}`).
fn is_note(line: &str) -> bool {
    fingerprint::is_header_line(line)
        || line.starts_with("[Previous line repeated")
        || line.starts_with("[cause]: ")
        || line == "}"
}

/// The number if `s` is 1 to 9 ASCII digits.
fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `file:line:col`, `file:line` or `file` split into its parts.
fn split_location(s: &str) -> (&str, Option<u32>, Option<u32>) {
    let Some((head, last)) = s.rsplit_once(':') else {
        return (s, None, None);
    };
    let Some(n) = number(last) else {
        return (s, None, None);
    };
    match head.rsplit_once(':') {
        Some((file, line)) if !file.is_empty() => match number(line) {
            Some(line) => (file, Some(line), Some(n)),
            None => (head, Some(n), None),
        },
        _ => (head, Some(n), None),
    }
}

/// The index of the `(` matching the `)` that ends `s`.
fn matching_open(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in s.bytes().enumerate().rev() {
        match c {
            b')' => depth += 1,
            b'(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// True if `s` has whitespace outside `<…>` (Rust's `<T as Trait>`, `<fn() -> T as Fn>`).
fn has_space_outside_angles(s: &str) -> bool {
    let mut depth = 0usize;
    let mut prev = 0;
    s.bytes().any(|c| {
        match c {
            b'<' => depth += 1,
            b'>' if prev != b'-' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
        depth == 0 && c.is_ascii_whitespace()
    })
}

/// V8: `at fn (file:1:2)`, `at file:1:2`, `at async fn (…)`, `at new Foo (…)`,
/// `at fn (<anonymous>)`; Firefox and Safari: `fn@file:1:2`, `@file:1:2`,
/// `global code@file:1:2`, `fn@[native code]`.
fn javascript(line: &str) -> Option<Fields<'_>> {
    // Node opens the error's properties after its last frame: `    at main (/app/x.js:1:2) {`.
    let t = line.trim();
    let t = t.strip_suffix(" {").unwrap_or(t);
    if let Some(rest) = t.strip_prefix("at ") {
        let rest = rest.trim_start();
        if rest.ends_with(')') {
            let open = matching_open(rest)?;
            let function = rest[..open].strip_suffix(' ')?.trim_end();
            // `eval at f (file:1:2), <anonymous>:3:4`: where the eval'd code ran.
            let loc = rest[open + 1..rest.len() - 1].rsplit(", ").next()?;
            let (file, line, column) = split_location(loc);
            let known = matches!(file, "<anonymous>" | "native" | "native code")
                || file.starts_with("index ");
            if function.is_empty() || file.is_empty() || (line.is_none() && !known) {
                return None;
            }
            return Some(Fields {
                function: Some(function.strip_prefix("async ").unwrap_or(function)),
                file: Some(file),
                line,
                column,
                ..Fields::default()
            });
        }
        let rest = rest.strip_prefix("async ").unwrap_or(rest);
        let (file, line, column) = split_location(rest);
        if line.is_none() || file.is_empty() || file.contains(char::is_whitespace) {
            return None;
        }
        return Some(Fields {
            file: Some(file),
            line,
            column,
            ..Fields::default()
        });
    }
    let (function, loc) = t.split_once('@')?;
    // Firefox marks async boundaries: `async*load@…`, `promise callback*load@…`.
    let function = function.rsplit_once('*').map_or(function, |(_, f)| f);
    if function.contains(char::is_whitespace) && !function.ends_with(" code") {
        return None;
    }
    let (file, line, column) = split_location(loc);
    if file.is_empty() || file.contains(char::is_whitespace) && file != "[native code]" {
        return None;
    }
    if line.is_none() && file != "[native code]" {
        return None;
    }
    Some(Fields {
        function: (!function.is_empty()).then_some(function),
        file: Some(file),
        line,
        column,
        ..Fields::default()
    })
}

/// `File "/app/main.py", line 42, in handler`, then the source line (and Python 3.11's
/// `^^^^` markers), indented deeper.
fn python<'a>(lines: &[&'a str], i: usize) -> Option<(Fields<'a>, usize)> {
    let raw = lines[i];
    let t = raw.trim_start();
    let rest = t.strip_prefix("File \"")?;
    let (file, rest) = rest.split_once("\", line ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let line = number(&rest[..digits])?;
    let rest = rest[digits..].trim_end();
    let function = match rest.strip_prefix(", in ") {
        Some(f) if !f.is_empty() => Some(f),
        None if rest.is_empty() => None,
        _ => return None,
    };
    let indent = raw.len() - t.len();
    let mut n = 1;
    let mut source = None;
    while let Some(next) = lines.get(i + n) {
        let nt = next.trim_start();
        if nt.is_empty() || next.len() - nt.len() <= indent || nt.starts_with("File \"") {
            break;
        }
        source = source.or(Some(nt.trim_end()));
        n += 1;
    }
    Some((
        Fields {
            function,
            file: Some(file),
            line: Some(line),
            source,
            ..Fields::default()
        },
        n,
    ))
}

/// `at com.example.Foo.bar(Foo.kt:42)`, `(Native Method)`, `(Unknown Source)`,
/// `(Unknown Source:4)`, with a module (`java.base/`) or class loader (`app//`) before the
/// class and a logger's ` ~[app.jar:1.0]` after.
fn java(line: &str) -> Option<Fields<'_>> {
    let rest = line.trim().strip_prefix("at ")?;
    let rest = match rest.find(") ") {
        Some(k) if rest[k + 2..].trim_start().starts_with(['[', '~']) => &rest[..=k],
        _ => rest,
    };
    let (name, inside) = rest.strip_suffix(')')?.split_once('(')?;
    if name.contains(char::is_whitespace) {
        return None;
    }
    let name = name.rsplit_once('/').map_or(name, |(_, n)| n);
    let (class, method) = name.rsplit_once('.')?;
    if class.is_empty() || method.is_empty() {
        return None;
    }
    let (file, line) = match inside {
        "Native Method" | "Unknown Source" => (inside, None),
        _ => match inside.rsplit_once(':') {
            Some((file, line)) => (file, Some(number(line)?)),
            None => (inside, None),
        },
    };
    let spaced = file.contains(char::is_whitespace);
    if file.is_empty() || spaced && !matches!(file, "Native Method" | "Unknown Source") {
        return None;
    }
    Some(Fields {
        function: Some(method),
        file: Some(file),
        line,
        module: Some(class),
        ..Fields::default()
    })
}

/// `at App.Service.Get(Int32 id) in C:\src\Service.cs:line 42`, and without ` in …` when there
/// are no symbols.
fn dotnet(line: &str) -> Option<Fields<'_>> {
    let rest = line.trim().strip_prefix("at ")?;
    let (call, location) = match rest.find(") in ") {
        Some(k) => (&rest[..=k], Some(&rest[k + 5..])),
        None => (rest, None),
    };
    let call = call.strip_suffix(')')?;
    let open = call.find('(')?;
    let (name, params) = (&call[..open], &call[open + 1..]);
    // Parameters are `Type name` pairs: a parenthesis without a space is Java's file name.
    let params_ok = params.is_empty()
        || params.contains(' ')
            && !params.starts_with("Native Method")
            && !params.starts_with("Unknown Source");
    if name.is_empty() || name.contains(char::is_whitespace) || !params_ok {
        return None;
    }
    // The method is after the last `.` outside `<…>` and `[…]` (`<Main>b__0_0`, `Get[T]`).
    let mut depth = 0usize;
    let mut dot = None;
    for (k, c) in name.bytes().enumerate() {
        match c {
            b'<' | b'[' => depth += 1,
            b'>' | b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 => dot = Some(k),
            _ => {}
        }
    }
    let (module, function) = match dot {
        Some(k) if k > 0 && k + 1 < name.len() => (Some(&name[..k]), &name[k + 1..]),
        _ => (None, name),
    };
    let (file, line) = match location.map(|l| l.rsplit_once(":line ")) {
        Some(Some((file, line))) => (Some(file), number(line.trim_end())),
        Some(None) => (location, None),
        None => (None, None),
    };
    Some(Fields {
        function: Some(function),
        file,
        line,
        module,
        ..Fields::default()
    })
}

/// A crash report's or `callStackSymbols`' line: index, binary image, address, symbol and
/// offset, and the file when symbolicated:
/// `3   MyApp   0x0000000100a1b2c3 MyApp.ViewController.load() + 52 (ViewController.swift:42)`.
fn cocoa(line: &str) -> Option<Fields<'_>> {
    let t = line.trim();
    let (index, rest) = t.split_once(char::is_whitespace)?;
    number(index)?;
    let rest = rest.trim_start();
    // The image name may hold spaces (`My App`): it ends where the address starts.
    let at = rest
        .match_indices("0x")
        .map(|(k, _)| k)
        .find(|&k| k > 0 && rest.as_bytes()[k - 1].is_ascii_whitespace())?;
    let image = rest[..at].trim_end();
    let (address, symbol) = rest[at..].split_once(char::is_whitespace)?;
    if image.is_empty() || address.len() < 3 || !address[2..].bytes().all(|c| c.is_ascii_hexdigit())
    {
        return None;
    }
    let mut symbol = symbol.trim();
    let (mut file, mut line_no, mut column) = (None, None, None);
    if let Some(open) = symbol.strip_suffix(')').and_then(|s| s.rfind(" (")) {
        let (f, l, c) = split_location(&symbol[open + 2..symbol.len() - 1]);
        if l.is_some() && !f.is_empty() && !f.contains(char::is_whitespace) {
            (file, line_no, column) = (Some(f), l, c);
            symbol = symbol[..open].trim_end();
        }
    }
    if let Some((s, offset)) = symbol.rsplit_once(" + ") {
        if number(offset).is_some() {
            symbol = s;
        }
    }
    if symbol.is_empty() {
        return None;
    }
    Some(Fields {
        function: Some(symbol),
        file,
        line: line_no,
        column,
        module: Some(image),
        ..Fields::default()
    })
}

/// `main.(*Server).handle(0xc000010000, {0x0, 0x0})` or `created by main.serve in goroutine 7`,
/// then `\t/app/main.go:42 +0x1d` (see [`fingerprint::frame_location`]). The package is the
/// module: `github.com/gin-gonic/gin` of `github.com/gin-gonic/gin.(*Context).Next(...)`.
fn go<'a>(lines: &[&'a str], i: usize) -> Option<(Fields<'a>, usize)> {
    let head = lines[i].trim();
    let loc = fingerprint::frame_location(head, lines.get(i + 1)?)?;
    let name = match head.strip_prefix("created by ") {
        Some(rest) => rest.split(" in goroutine ").next()?,
        None => &head[..matching_open(head)?],
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let slash = name.rfind('/').map_or(0, |k| k + 1);
    let (module, function) = match name[slash..].find('.') {
        Some(k) => (Some(&name[..slash + k]), &name[slash + k + 1..]),
        None => (None, name),
    };
    let (file, line) = loc.rsplit_once(':')?;
    Some((
        Fields {
            function: Some(function),
            file: Some(file),
            line: number(line),
            module,
            ..Fields::default()
        },
        2,
    ))
}

/// `  12: app::handler` (or the full format's `12:     0x55d1… - app::handler::h1234…`), then
/// perhaps `             at ./src/main.rs:42:5`. Without a location line, a bare name
/// (`main`, `__libc_start_main`) counts only right after another frame, so that a numbered
/// list (`1: Introduction`) is not a backtrace.
fn rust<'a>(lines: &[&'a str], i: usize, after_frame: bool) -> Option<(Fields<'a>, usize)> {
    let head = lines[i].trim();
    let symbol = fingerprint::rust_frame_symbol(head)?;
    if has_space_outside_angles(symbol) {
        return None;
    }
    // The full format's symbols end in a hash: `::h` and 16 hex digits.
    let symbol = match symbol.rsplit_once("::h") {
        Some((s, hash)) if hash.len() == 16 && hash.bytes().all(|c| c.is_ascii_hexdigit()) => s,
        _ => symbol,
    };
    let loc = lines
        .get(i + 1)
        .and_then(|next| fingerprint::frame_location(head, next));
    if loc.is_none() && !after_frame && !symbol.contains("::") && !symbol.starts_with('<') {
        return None;
    }
    let (file, line, column) = loc.map_or((None, None, None), |l| {
        let (f, l, c) = split_location(l);
        (Some(f), l, c)
    });
    Some((
        Fields {
            function: Some(symbol),
            file,
            line,
            column,
            ..Fields::default()
        },
        if loc.is_some() { 2 } else { 1 },
    ))
}

/// `/app/models/user.rb:42:in 'block in save'` (Ruby 3.4) or ``…:in `save'`` (before), with
/// `from ` in front as an uncaught exception prints its callers, and the message after the
/// first frame (`…:in 'save': boom (RuntimeError)`).
fn ruby(line: &str) -> Option<Fields<'_>> {
    let t = line.trim();
    let t = t.strip_prefix("from ").unwrap_or(t);
    let (loc, rest) = t.split_once(":in ")?;
    let (file, line) = loc.rsplit_once(':')?;
    let line = number(line)?;
    if file.is_empty() || file.contains(char::is_whitespace) {
        return None;
    }
    let label = rest.strip_prefix(['`', '\''])?;
    let end = label.find('\'')?;
    let message = label[end + 1..]
        .strip_prefix(": ")
        .filter(|m| !m.trim().is_empty());
    let label = &label[..end];
    Some(Fields {
        function: (!label.is_empty()).then_some(label),
        file: Some(file),
        line: Some(line),
        message,
        ..Fields::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (function, file, line, column, module, framework) of every frame, run by run.
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<u32>,
        Option<u32>,
        Option<&'a str>,
        bool,
    );

    fn rows<'a>(p: &Parsed<'a>) -> Vec<Row<'a>> {
        p.frames()
            .map(|f| (f.function, f.file, f.line, f.column, f.module, f.framework))
            .collect()
    }

    fn runs(p: &Parsed<'_>) -> Vec<Vec<String>> {
        p.parts
            .iter()
            .filter_map(|part| match part {
                Part::Frames(f) => Some(
                    f.iter()
                        .map(|f| f.function.unwrap_or("?").to_string())
                        .collect(),
                ),
                Part::Text(_) => None,
            })
            .collect()
    }

    fn texts<'a>(p: &Parsed<'a>) -> Vec<&'a str> {
        p.parts
            .iter()
            .filter_map(|part| match part {
                Part::Text(t) => Some(*t),
                Part::Frames(_) => None,
            })
            .collect()
    }

    fn parsed(stack: &str) -> Parsed<'_> {
        parse(stack).unwrap_or_else(|| panic!("not read as a stack:\n{stack}"))
    }

    const NODE: &str = "TypeError: Cannot read properties of undefined (reading 'id')
    at getUser (/app/src/users.js:10:5)
    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)
    at async Promise.all (index 0)
    at new UserService (/app/src/service.js:3:11)
    at /app/src/index.js:20:1
    at ClientRequest.emit (node:events:517:28)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {
  code: 'ERR_USER',
  [cause]: Error: db down
      at connect (/app/src/db.js:2:9)
      at Pool.acquire (/app/node_modules/pg-pool/index.js:45:11)
}";

    #[test]
    fn node_stack_with_cause_is_read_oldest_first() {
        let stack = NODE;
        let p = parsed(stack);
        assert_eq!(p.platform, "javascript");
        assert_eq!(p.unparsed_lines, 0);
        assert!(p.is_mostly_parsed());
        assert_eq!(
            rows(&p),
            [
                (
                    Some("process.processTicksAndRejections"),
                    Some("node:internal/process/task_queues"),
                    Some(95),
                    Some(5),
                    None,
                    true
                ),
                (
                    Some("ClientRequest.emit"),
                    Some("node:events"),
                    Some(517),
                    Some(28),
                    None,
                    true
                ),
                (
                    None,
                    Some("/app/src/index.js"),
                    Some(20),
                    Some(1),
                    None,
                    false
                ),
                (
                    Some("new UserService"),
                    Some("/app/src/service.js"),
                    Some(3),
                    Some(11),
                    None,
                    false
                ),
                (
                    Some("Promise.all"),
                    Some("index 0"),
                    None,
                    None,
                    None,
                    false
                ),
                (
                    Some("Layer.handle [as handle_request]"),
                    Some("/app/node_modules/express/lib/router/layer.js"),
                    Some(95),
                    Some(5),
                    None,
                    true
                ),
                (
                    Some("getUser"),
                    Some("/app/src/users.js"),
                    Some(10),
                    Some(5),
                    None,
                    false
                ),
                (
                    Some("Pool.acquire"),
                    Some("/app/node_modules/pg-pool/index.js"),
                    Some(45),
                    Some(11),
                    None,
                    true
                ),
                (
                    Some("connect"),
                    Some("/app/src/db.js"),
                    Some(2),
                    Some(9),
                    None,
                    false
                ),
            ]
        );
        assert_eq!(runs(&p).len(), 2, "the cause is a run of its own");
        let texts = texts(&p);
        assert_eq!(
            texts[0],
            "TypeError: Cannot read properties of undefined (reading 'id')"
        );
        assert!(texts[1].contains("[cause]: Error: db down"), "{texts:?}");
    }

    #[test]
    fn firefox_and_safari_stacks_are_javascript() {
        let stack = "fetchUser@https://app.example.com/static/js/main.js:10:15
promise callback*loadProfile@https://app.example.com/static/js/main.js:42:3
dispatch@https://app.example.com/node_modules/react-dom/cjs/react-dom.development.js:4200:14
@https://app.example.com/static/js/main.js:50:1
global code@https://app.example.com/:12:3
forEach@[native code]";
        let p = parsed(stack);
        assert_eq!(p.platform, "javascript");
        assert_eq!(
            rows(&p),
            [
                (Some("forEach"), Some("[native code]"), None, None, None, false),
                (Some("global code"), Some("https://app.example.com/"), Some(12), Some(3), None, false),
                (None, Some("https://app.example.com/static/js/main.js"), Some(50), Some(1), None, false),
                (Some("dispatch"), Some("https://app.example.com/node_modules/react-dom/cjs/react-dom.development.js"), Some(4200), Some(14), None, true),
                (Some("loadProfile"), Some("https://app.example.com/static/js/main.js"), Some(42), Some(3), None, false),
                (Some("fetchUser"), Some("https://app.example.com/static/js/main.js"), Some(10), Some(15), None, false),
            ]
        );
    }

    const PYTHON: &str = r#"Traceback (most recent call last):
  File "/app/db.py", line 12, in connect
    return pool.get()
  File "/usr/local/lib/python3.12/site-packages/psycopg_pool/pool.py", line 88, in get
    raise PoolTimeout()
psycopg_pool.PoolTimeout: couldn't get a connection after 30.00 sec

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 1484, in full_dispatch_request
    rv = self.dispatch_request()
  File "/app/views.py", line 7, in handler
    user = load(user_id)
           ^^^^^^^^^^^^^
  File "/app/db.py", line 14, in load
    raise DatabaseError("unavailable") from e
app.errors.DatabaseError: unavailable"#;

    #[test]
    fn python_traceback_keeps_its_order_source_lines_and_chain() {
        let p = parsed(PYTHON);
        assert_eq!(p.platform, "python");
        assert_eq!(p.unparsed_lines, 0);
        let site = "/usr/local/lib/python3.12/site-packages";
        let pool = format!("{site}/psycopg_pool/pool.py");
        let flask = format!("{site}/flask/app.py");
        assert_eq!(
            rows(&p),
            [
                (
                    Some("connect"),
                    Some("/app/db.py"),
                    Some(12),
                    None,
                    None,
                    false
                ),
                (Some("get"), Some(pool.as_str()), Some(88), None, None, true),
                (
                    Some("full_dispatch_request"),
                    Some(flask.as_str()),
                    Some(1484),
                    None,
                    None,
                    true
                ),
                (
                    Some("handler"),
                    Some("/app/views.py"),
                    Some(7),
                    None,
                    None,
                    false
                ),
                (
                    Some("load"),
                    Some("/app/db.py"),
                    Some(14),
                    None,
                    None,
                    false
                ),
            ]
        );
        let sources: Vec<_> = p.frames().map(|f| f.source).collect();
        assert_eq!(sources[3], Some("user = load(user_id)"));
        assert_eq!(
            sources[4],
            Some("raise DatabaseError(\"unavailable\") from e")
        );
        // The caret line belongs to its frame.
        assert!(p
            .frames()
            .nth(3)
            .is_some_and(|f| f.raw.ends_with("^^^^^^^^^^^^^")));
        assert_eq!(runs(&p).len(), 2);
        let texts = texts(&p);
        assert_eq!(texts.first(), Some(&"Traceback (most recent call last):"));
        assert!(texts[1].starts_with("psycopg_pool.PoolTimeout: couldn't get"));
        assert!(texts[1].contains("direct cause"));
        assert_eq!(texts.last(), Some(&"app.errors.DatabaseError: unavailable"));
    }

    const JAVA: &str =
        "Exception in thread \"main\" java.lang.IllegalStateException: could not load user 42
\tat com.example.app.UserService.load(UserService.java:42)
\tat com.example.app.MainKt.main(Main.kt:10)
\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
\tat app//com.example.app.Launcher.run(Unknown Source)
Caused by: java.io.IOException: connection reset
\tat java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)
\tat com.example.app.Db.query(Db.java:88) ~[app.jar:1.0]
\tat org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:381)
\tat com.example.app.UserService.load(UserService.java:40)
\t... 2 more";

    #[test]
    fn java_stack_with_cause_and_more_lines() {
        let stack = JAVA;
        let p = parsed(stack);
        assert_eq!(p.platform, "java");
        assert_eq!(p.unparsed_lines, 0, "{p:#?}");
        assert_eq!(
            rows(&p),
            [
                (
                    Some("run"),
                    Some("Unknown Source"),
                    None,
                    None,
                    Some("com.example.app.Launcher"),
                    false
                ),
                (
                    Some("invoke0"),
                    Some("Native Method"),
                    None,
                    None,
                    Some("jdk.internal.reflect.NativeMethodAccessorImpl"),
                    true
                ),
                (
                    Some("main"),
                    Some("Main.kt"),
                    Some(10),
                    None,
                    Some("com.example.app.MainKt"),
                    false
                ),
                (
                    Some("load"),
                    Some("UserService.java"),
                    Some(42),
                    None,
                    Some("com.example.app.UserService"),
                    false
                ),
                (
                    Some("load"),
                    Some("UserService.java"),
                    Some(40),
                    None,
                    Some("com.example.app.UserService"),
                    false
                ),
                (
                    Some("execute"),
                    Some("JdbcTemplate.java"),
                    Some(381),
                    None,
                    Some("org.springframework.jdbc.core.JdbcTemplate"),
                    true
                ),
                (
                    Some("query"),
                    Some("Db.java"),
                    Some(88),
                    None,
                    Some("com.example.app.Db"),
                    false
                ),
                (
                    Some("read0"),
                    Some("Native Method"),
                    None,
                    None,
                    Some("sun.nio.ch.SocketDispatcher"),
                    true
                ),
            ]
        );
        assert_eq!(
            texts(&p),
            [
                "Exception in thread \"main\" java.lang.IllegalStateException: could not load user 42",
                "Caused by: java.io.IOException: connection reset",
                "\t... 2 more",
            ]
        );
    }

    const ANDROID: &str = "FATAL EXCEPTION: main
Process: com.example.app, PID: 12345
kotlin.KotlinNullPointerException
\tat com.example.app.ProfileFragment.onViewCreated(ProfileFragment.kt:57)
\tat androidx.fragment.app.Fragment.performViewCreated(Fragment.java:3128)
\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:108)
\tat com.example.app.b.a(SourceFile:4)
\tat android.os.Handler.dispatchMessage(Handler.java:106)";

    #[test]
    fn android_and_kotlin_coroutine_frames() {
        let stack = ANDROID;
        let p = parsed(stack);
        assert_eq!(p.platform, "java");
        let fw: Vec<(Option<&str>, bool)> = p.frames().map(|f| (f.function, f.framework)).collect();
        assert_eq!(
            fw,
            [
                (Some("dispatchMessage"), true),
                (Some("a"), false),
                (Some("run"), true),
                (Some("performViewCreated"), true),
                (Some("onViewCreated"), false),
            ]
        );
        assert_eq!(p.frames().nth(1).and_then(|f| f.file), Some("SourceFile"));
    }

    const DOTNET: &str = r"System.InvalidOperationException: Could not load user 42
 ---> System.IO.IOException: Connection reset
   at App.Data.Db.Query(String sql) in /src/App/Data/Db.cs:line 88
   at App.Services.UserService.<LoadAsync>d__4.MoveNext() in /src/App/Services/UserService.cs:line 40
   --- End of inner exception stack trace ---
   at App.Services.UserService.LoadAsync(Int32 id) in C:\src\App\Services\UserService.cs:line 42
--- End of stack trace from previous location ---
   at System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw()
   at Microsoft.AspNetCore.Mvc.Infrastructure.ControllerActionInvoker.Next(State& next, Scope& scope, Object& state, Boolean& isCompleted)
   at App.Controllers.UsersController.Get(Int32 id)";

    #[test]
    fn dotnet_stack_with_inner_exception_and_async_boundaries() {
        let stack = DOTNET;
        let p = parsed(stack);
        assert_eq!(p.platform, "csharp");
        assert_eq!(p.unparsed_lines, 0);
        assert_eq!(
            rows(&p),
            [
                (
                    Some("MoveNext"),
                    Some("/src/App/Services/UserService.cs"),
                    Some(40),
                    None,
                    Some("App.Services.UserService.<LoadAsync>d__4"),
                    false
                ),
                (
                    Some("Query"),
                    Some("/src/App/Data/Db.cs"),
                    Some(88),
                    None,
                    Some("App.Data.Db"),
                    false
                ),
                (
                    Some("LoadAsync"),
                    Some(r"C:\src\App\Services\UserService.cs"),
                    Some(42),
                    None,
                    Some("App.Services.UserService"),
                    false
                ),
                (
                    Some("Get"),
                    None,
                    None,
                    None,
                    Some("App.Controllers.UsersController"),
                    false
                ),
                (
                    Some("Next"),
                    None,
                    None,
                    None,
                    Some("Microsoft.AspNetCore.Mvc.Infrastructure.ControllerActionInvoker"),
                    true
                ),
                (
                    Some("Throw"),
                    None,
                    None,
                    None,
                    Some("System.Runtime.ExceptionServices.ExceptionDispatchInfo"),
                    true
                ),
            ]
        );
        assert_eq!(runs(&p).len(), 3);
        assert!(texts(&p)[0].contains("---> System.IO.IOException: Connection reset"));
    }

    const IOS: &str = "Last Exception Backtrace:
0   CoreFoundation                \t0x00000001a1b2c3d4 __exceptionPreprocess + 164
1   libobjc.A.dylib               \t0x0000000199e1f2a8 objc_exception_throw + 60
2   MyApp                         \t0x0000000100a1b2c3 MyApp.ViewController.load() + 52 (ViewController.swift:42)
3   MyApp                         \t0x0000000100a1b000 closure #1 in ViewController.viewDidLoad() + 120 (ViewController.swift:30:7)
4   UIKitCore                     \t0x00000001a3b4c5d6 -[UIViewController loadViewIfRequired] + 1000
5   My App Helper                 \t0x0000000100a10000 0x100a00000 + 65536

Thread 0 Crashed:
0   libswiftCore.dylib            \t0x00000001a0a0a0a0 $ss17_assertionFailure + 1500
1   MyApp                         \t0x0000000100a1b2c3 MyApp.ProfileView.body.getter + 52 (ProfileView.swift:42)
2   dyld                          \t0x00000001c5d6e7f8 start + 2240";

    #[test]
    fn ios_crash_report_symbolicated_and_not() {
        let stack = IOS;
        let p = parsed(stack);
        assert_eq!(p.platform, "cocoa");
        assert_eq!(p.unparsed_lines, 0);
        assert_eq!(
            rows(&p),
            [
                (
                    Some("0x100a00000"),
                    None,
                    None,
                    None,
                    Some("My App Helper"),
                    false
                ),
                (
                    Some("-[UIViewController loadViewIfRequired]"),
                    None,
                    None,
                    None,
                    Some("UIKitCore"),
                    true
                ),
                (
                    Some("closure #1 in ViewController.viewDidLoad()"),
                    Some("ViewController.swift"),
                    Some(30),
                    Some(7),
                    Some("MyApp"),
                    false
                ),
                (
                    Some("MyApp.ViewController.load()"),
                    Some("ViewController.swift"),
                    Some(42),
                    None,
                    Some("MyApp"),
                    false
                ),
                (
                    Some("objc_exception_throw"),
                    None,
                    None,
                    None,
                    Some("libobjc.A.dylib"),
                    true
                ),
                (
                    Some("__exceptionPreprocess"),
                    None,
                    None,
                    None,
                    Some("CoreFoundation"),
                    true
                ),
                (Some("start"), None, None, None, Some("dyld"), true),
                (
                    Some("MyApp.ProfileView.body.getter"),
                    Some("ProfileView.swift"),
                    Some(42),
                    None,
                    Some("MyApp"),
                    false
                ),
                (
                    Some("$ss17_assertionFailure"),
                    None,
                    None,
                    None,
                    Some("libswiftCore.dylib"),
                    true
                ),
            ]
        );
        assert_eq!(
            texts(&p),
            ["Last Exception Backtrace:", "Thread 0 Crashed:"]
        );
    }

    const GO: &str = "panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]

goroutine 7 [running]:
panic({0x6a5b40?, 0x9c3f10?})
\t/usr/local/go/src/runtime/panic.go:770 +0x132
github.com/acme/shop/internal/store.(*Store).Get(0x0, {0x7c1e20, 0xc000126000}, {0xc00001a0f0, 0x2})
\t/app/internal/store/store.go:42 +0x1d
github.com/acme/shop/internal/api.handler(...)
\t/app/internal/api/api.go:88
github.com/gin-gonic/gin.(*Context).Next(...)
\t/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/context.go:174
net/http.(*conn).serve(0xc0001b2000, {0x7c5a10, 0xc0001240e0})
\t/usr/local/go/src/net/http/server.go:2039 +0x5d2
created by net/http.(*Server).Serve in goroutine 1
\t/usr/local/go/src/net/http/server.go:3285 +0x4b4

goroutine 1 [IO wait]:
main.main()
\t/app/main.go:20 +0x25";

    #[test]
    fn go_two_line_frames_and_goroutines() {
        let p = parsed(GO);
        assert_eq!(p.platform, "go");
        assert_eq!(p.unparsed_lines, 0);
        let store = "github.com/acme/shop/internal/store";
        let gin = "github.com/gin-gonic/gin";
        assert_eq!(
            rows(&p),
            [
                (
                    Some("(*Server).Serve"),
                    Some("/usr/local/go/src/net/http/server.go"),
                    Some(3285),
                    None,
                    Some("net/http"),
                    true
                ),
                (
                    Some("(*conn).serve"),
                    Some("/usr/local/go/src/net/http/server.go"),
                    Some(2039),
                    None,
                    Some("net/http"),
                    true
                ),
                (
                    Some("(*Context).Next"),
                    Some("/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/context.go"),
                    Some(174),
                    None,
                    Some(gin),
                    true
                ),
                (
                    Some("handler"),
                    Some("/app/internal/api/api.go"),
                    Some(88),
                    None,
                    Some("github.com/acme/shop/internal/api"),
                    false
                ),
                (
                    Some("(*Store).Get"),
                    Some("/app/internal/store/store.go"),
                    Some(42),
                    None,
                    Some(store),
                    false
                ),
                (
                    Some("panic"),
                    Some("/usr/local/go/src/runtime/panic.go"),
                    Some(770),
                    None,
                    None,
                    true
                ),
                (
                    Some("main"),
                    Some("/app/main.go"),
                    Some(20),
                    None,
                    Some("main"),
                    false
                ),
            ]
        );
        assert_eq!(runs(&p).len(), 2, "one run per goroutine");
        assert!(p.frames().all(|f| f.raw.lines().count() == 2));
        assert_eq!(texts(&p)[1], "goroutine 1 [IO wait]:");
    }

    const RUST: &str = "Error: failed to start

Caused by:
    0: could not read /etc/app.toml
    1: No such file or directory (os error 2)

Stack backtrace:
   0: rust_begin_unwind
             at /rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/std/src/panicking.rs:645:5
   1: core::result::unwrap_failed
             at /rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/core/src/result.rs:1649:5
   2: app::config::load
             at ./src/config.rs:17:20
   3: <app::Server as core::ops::Drop>::drop
             at ./src/server.rs:88:9
   4: tokio::runtime::park::CachedParkThread::block_on
             at /home/dev/.cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.35.0/src/runtime/park.rs:281:63
   5: app::main
             at ./src/main.rs:40:1
   6: std::rt::lang_start_internal
   7: main
   8: __libc_start_main
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.";

    #[test]
    fn rust_backtrace_with_anyhow_causes() {
        let p = parsed(RUST);
        assert_eq!(p.platform, "rust");
        assert_eq!(p.unparsed_lines, 0);
        let rustc = "/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library";
        let panicking = format!("{rustc}/std/src/panicking.rs");
        let result = format!("{rustc}/core/src/result.rs");
        let tokio = "/home/dev/.cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.35.0/src/runtime/park.rs";
        assert_eq!(
            rows(&p),
            [
                (Some("__libc_start_main"), None, None, None, None, false),
                (Some("main"), None, None, None, None, false),
                (
                    Some("std::rt::lang_start_internal"),
                    None,
                    None,
                    None,
                    None,
                    true
                ),
                (
                    Some("app::main"),
                    Some("./src/main.rs"),
                    Some(40),
                    Some(1),
                    None,
                    false
                ),
                (
                    Some("tokio::runtime::park::CachedParkThread::block_on"),
                    Some(tokio),
                    Some(281),
                    Some(63),
                    None,
                    true
                ),
                (
                    Some("<app::Server as core::ops::Drop>::drop"),
                    Some("./src/server.rs"),
                    Some(88),
                    Some(9),
                    None,
                    false
                ),
                (
                    Some("app::config::load"),
                    Some("./src/config.rs"),
                    Some(17),
                    Some(20),
                    None,
                    false
                ),
                (
                    Some("core::result::unwrap_failed"),
                    Some(result.as_str()),
                    Some(1649),
                    Some(5),
                    None,
                    true
                ),
                (
                    Some("rust_begin_unwind"),
                    Some(panicking.as_str()),
                    Some(645),
                    Some(5),
                    None,
                    true
                ),
            ]
        );
        assert!(texts(&p)[0].contains("Caused by:\n    0: could not read /etc/app.toml"));
    }

    #[test]
    fn rust_test_harness_backtrace() {
        let stack = "thread 'tests::t' (9954) panicked at src/lib.rs:850:9:
assertion `left == right` failed
stack backtrace:
   0: __rustc::rust_begin_unwind
             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs:689:5
   1: core::panicking::assert_failed::<usize, usize>
             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/panicking.rs:394:5
   2: app::tests::t
             at ./src/lib.rs:850:9
   3: <fn() -> core::result::Result<(), alloc::string::String> as core::ops::function::FnOnce<()>>::call_once
             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ops/function.rs:250:5
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.";
        let p = parsed(stack);
        assert_eq!(p.unparsed_lines, 0);
        let fw: Vec<(&str, bool)> = p
            .frames()
            .map(|f| (f.function.unwrap_or_default(), f.framework))
            .collect();
        assert_eq!(
            fw,
            [
                ("<fn() -> core::result::Result<(), alloc::string::String> as core::ops::function::FnOnce<()>>::call_once", true),
                ("app::tests::t", false),
                ("core::panicking::assert_failed::<usize, usize>", true),
                ("__rustc::rust_begin_unwind", true),
            ]
        );
    }

    #[test]
    fn rust_full_format_drops_addresses_and_hashes() {
        let stack = "   0:     0x55d1c3a4b5c6 - app::handler::h1234abcd5678ef90
                               at /srv/app/src/main.rs:42:5
   1:     0x55d1c3a4b000 - std::rt::lang_start::{{closure}}::h0011223344556677";
        let p = parsed(stack);
        assert_eq!(
            rows(&p),
            [
                (
                    Some("std::rt::lang_start::{{closure}}"),
                    None,
                    None,
                    None,
                    None,
                    true
                ),
                (
                    Some("app::handler"),
                    Some("/srv/app/src/main.rs"),
                    Some(42),
                    Some(5),
                    None,
                    false
                ),
            ]
        );
    }

    const RUBY: &str = "/app/app/models/user.rb:42:in 'User#save!': Validation failed: Email is invalid (ActiveRecord::RecordInvalid)
\tfrom /usr/local/bundle/gems/activerecord-7.1.3/lib/active_record/transactions.rb:313:in 'block in save!'
\tfrom <internal:kernel>:90:in 'Kernel#tap'
\tfrom /app/app/controllers/users_controller.rb:10:in 'UsersController#create'
\tfrom /usr/local/lib/ruby/3.4.0/benchmark.rb:311:in 'Benchmark.realtime'
/app/app/models/user.rb:30:in 'User#normalize': undefined method 'strip' for nil (NoMethodError)
\tfrom /app/app/models/user.rb:41:in 'User#save!'";

    #[test]
    fn ruby_backtraces_in_both_quote_styles_with_cause() {
        let stack = RUBY;
        let p = parsed(stack);
        assert_eq!(p.platform, "ruby");
        assert_eq!(p.unparsed_lines, 0);
        let gem = "/usr/local/bundle/gems/activerecord-7.1.3/lib/active_record/transactions.rb";
        assert_eq!(
            rows(&p),
            [
                (
                    Some("Benchmark.realtime"),
                    Some("/usr/local/lib/ruby/3.4.0/benchmark.rb"),
                    Some(311),
                    None,
                    None,
                    true
                ),
                (
                    Some("UsersController#create"),
                    Some("/app/app/controllers/users_controller.rb"),
                    Some(10),
                    None,
                    None,
                    false
                ),
                (
                    Some("Kernel#tap"),
                    Some("<internal:kernel>"),
                    Some(90),
                    None,
                    None,
                    true
                ),
                (
                    Some("block in save!"),
                    Some(gem),
                    Some(313),
                    None,
                    None,
                    true
                ),
                (
                    Some("User#save!"),
                    Some("/app/app/models/user.rb"),
                    Some(42),
                    None,
                    None,
                    false
                ),
                (
                    Some("User#save!"),
                    Some("/app/app/models/user.rb"),
                    Some(41),
                    None,
                    None,
                    false
                ),
                (
                    Some("User#normalize"),
                    Some("/app/app/models/user.rb"),
                    Some(30),
                    None,
                    None,
                    false
                ),
            ]
        );
        assert_eq!(
            texts(&p),
            [
                "Validation failed: Email is invalid (ActiveRecord::RecordInvalid)",
                "undefined method 'strip' for nil (NoMethodError)",
            ]
        );
        let backtick = "app/models/user.rb:42:in `block in save'\napp/controllers/users_controller.rb:10:in `create'";
        let p = parsed(backtick);
        assert_eq!(p.platform, "ruby");
        assert_eq!(
            rows(&p),
            [
                (
                    Some("create"),
                    Some("app/controllers/users_controller.rb"),
                    Some(10),
                    None,
                    None,
                    false
                ),
                (
                    Some("block in save"),
                    Some("app/models/user.rb"),
                    Some(42),
                    None,
                    None,
                    false
                ),
            ]
        );
    }

    #[test]
    fn framework_frames_are_the_ones_grouping_skips() {
        // Grouping hashes the first application line of the stack as printed: that is the
        // first frame, in print order, not marked framework.
        let rust_backtrace = &RUST[RUST.find("Stack backtrace:").unwrap_or(0)..];
        for stack in [
            NODE,
            PYTHON,
            JAVA,
            ANDROID,
            DOTNET,
            IOS,
            GO,
            rust_backtrace,
            RUBY,
        ] {
            let p = parsed(stack);
            let mut printed: Vec<&Frame<'_>> = p.frames().collect();
            printed.sort_by_key(|f| f.raw.as_ptr() as usize);
            let first_app = printed
                .iter()
                .find(|f| !f.framework)
                .and_then(|f| f.raw.lines().next())
                .map(str::trim);
            let e = fingerprint::explain("s", "E", "", "m", Some(stack));
            assert_eq!(first_app, e.frame.map(|f| f.text).as_deref(), "{stack}");
            assert!(printed.iter().any(|f| f.framework) && printed.iter().any(|f| !f.framework));
        }
    }

    #[test]
    fn prose_and_garbage_are_not_stacks() {
        for text in [
            "",
            "\n\n",
            "Something went wrong while saving the order. Please try again later.",
            "The meeting is at noon (room 4).\nBring the report at 3 (or later).",
            "1: Introduction\n2: Setup\n3: Usage",
            "Contact us at support@example.com or call +1 555 0100.",
            "{\"error\": \"boom\", \"code\": 42}",
            "\u{0}\u{1}\u{7f}\t\t@@@::::(((",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
        // More prose than frames.
        let mixed = "We tried to load the page.\nat getUser (/app/src/users.js:10:5)\nthen it failed\nand again\nand once more";
        assert_eq!(parse(mixed), None);
    }

    #[test]
    fn json_frames_are_sentry_shaped() {
        let p = parsed(PYTHON);
        let json = to_json(&p.frames().cloned().collect::<Vec<_>>());
        assert_eq!(
            json[1],
            serde_json::json!({
                "filename": "/usr/local/lib/python3.12/site-packages/psycopg_pool/pool.py",
                "function": "get", "lineno": 88, "context_line": "raise PoolTimeout()", "in_app": false
            })
        );
        let p = parsed("Error: x\n    at f (/app/a.js:1:2)");
        assert_eq!(
            to_json(&p.frames().cloned().collect::<Vec<_>>()),
            [
                serde_json::json!({"filename": "/app/a.js", "function": "f", "lineno": 1, "colno": 2, "in_app": true})
            ]
        );
    }

    /// True if `part` is a sub-slice of `whole`.
    fn within(whole: &str, part: &str) -> bool {
        let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
        p >= w && p + part.len() <= w + whole.len()
    }

    fn stackish() -> impl Strategy<Value = String> {
        const LINES: &[&str] = &[
            "TypeError: boom",
            "    at f (/app/a.js:1:2)",
            "    at /app/node_modules/x.js:3:4",
            "f@http://x/a.js:1:2",
            "Traceback (most recent call last):",
            "  File \"/app/m.py\", line 4, in h",
            "    h()",
            "      ^^^",
            "\tat com.x.Foo.bar(Foo.java:12)",
            "\tat java.lang.Thread.run(Unknown Source)",
            "Caused by: x",
            "\t... 3 more",
            "   at App.X.Y(Int32 a) in C:\\a.cs:line 3",
            "1   MyApp  0x0000000100a1b2c3 f() + 5 (A.swift:4)",
            "main.f(...)",
            "\t/app/main.go:42 +0x1d",
            "goroutine 1 [running]:",
            "   3: app::f",
            "             at ./src/main.rs:4:5",
            "/app/a.rb:3:in 'f': boom (E)",
            "\tfrom /app/a.rb:9:in `<main>'",
            "",
            " ",
            "(",
            ")",
            "at ",
            "File \"",
            "\t",
            "é:1",
        ];
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(LINES).prop_map(str::to_string),
                any::<String>()
            ],
            0..12,
        )
        .prop_map(|lines| lines.join("\n"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn parse_never_panics_and_keeps_to_the_input(s in prop_oneof![any::<String>(), stackish()]) {
            if let Some(p) = parse(&s) {
                let n = p.frames().count();
                prop_assert!(n > 0);
                prop_assert!(p.unparsed_lines <= n);
                for f in p.frames() {
                    prop_assert!(!f.raw.is_empty() && within(&s, f.raw), "{:?}", f.raw);
                    for field in [f.function, f.file, f.module, f.source].into_iter().flatten() {
                        prop_assert!(within(f.raw, field), "{:?} in {:?}", field, f.raw);
                    }
                }
                for part in &p.parts {
                    if let Part::Text(t) = part {
                        prop_assert!(!t.trim().is_empty() && within(&s, t));
                    }
                }
            }
        }
    }
}
