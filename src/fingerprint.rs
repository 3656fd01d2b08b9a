//! Error fingerprinting: decides which events group together.
//!
//! This module owns three things: normalising an error message so that
//! volatile parts (UUIDs, IP addresses, hex addresses, numbers, letter case)
//! do not split a group; choosing the "top frame" of a stack trace (the first
//! frame that belongs to the application rather than to a runtime or
//! framework, with line/column numbers and build-specific addresses removed);
//! and hashing those together with the source, error type and route into a
//! 16-hex-digit xxh3-64 fingerprint. It does not validate events (callers
//! pass already-validated fields) and it does not store anything.
//!
//! Everything here is on the ingest hot path: messages are normalised in one
//! left-to-right pass over the bytes with bounded look-ahead, no regexes, and
//! at most one allocation for the result; [`compute`] uses one scratch buffer
//! for everything it hashes, plus its 16-byte result.

use xxhash_rust::xxh3::xxh3_64;

/// Substrings that mark a stack line as a runtime/framework frame, skipped
/// when choosing the top frame. Matched case-sensitively anywhere in the line.
pub const FRAMEWORK_MARKERS: &[&str] = &[
    // Node.js / V8
    "node_modules",
    "node:internal",
    "(internal/",
    "(<anonymous>)",
    "(native)",
    // iOS / macOS
    "UIKitCore",
    "CoreFoundation",
    "libdispatch",
    "Foundation",
    "SwiftUI",
    "libsystem_",
    "GraphicsServices",
    "com.apple.",
    "libswift",
    "libobjc",
    "dyld",
    "QuartzCore",
    "libc++abi",
    // JVM
    "java.lang.",
    "java.util.",
    "java.io.",
    "java.net.",
    "java.nio.",
    "javax.",
    "sun.",
    "jdk.internal.",
    // Android / Kotlin
    "android.os.",
    "android.app.",
    "android.view.",
    "android.widget.",
    "androidx.",
    "com.android.internal",
    "dalvik.",
    "kotlin.",
    "kotlinx.coroutines",
    // Python
    "site-packages/",
    "dist-packages/",
    "site-packages\\",
    "dist-packages\\",
    "/lib/python3",
    "<frozen ",
    "importlib._bootstrap",
    // Go
    "/src/runtime/",
    "runtime.goexit",
    "runtime.gopanic",
    // Rust
    "/rustc/",
    "std::rt::",
    "std::panicking",
    "core::panicking",
    "rust_begin_unwind",
    "__rust_begin_short_backtrace",
];

/// Bucket of a byte pair in [`MARKERS_BY_PREFIX`].
const fn prefix_bucket(first: u8, second: u8) -> usize {
    ((first as usize) << 3 ^ second as usize) & 1023
}

/// For each bucket of a first-two-bytes pair, the bit set of the
/// [`FRAMEWORK_MARKERS`] starting with a pair in that bucket, so that
/// [`is_framework_frame`] is one pass over the line with one table look-up
/// per byte (most positions have no candidate at all).
const MARKERS_BY_PREFIX: [u64; 1024] = {
    assert!(FRAMEWORK_MARKERS.len() <= 64);
    let mut table = [0u64; 1024];
    let mut k = 0;
    while k < FRAMEWORK_MARKERS.len() {
        let marker = FRAMEWORK_MARKERS[k].as_bytes();
        assert!(marker.len() >= 2);
        table[prefix_bucket(marker[0], marker[1])] |= 1 << k;
        k += 1;
    }
    table
};

/// Lines starting with one of these are headers, not frames.
const HEADER_PREFIXES: &[&str] = &[
    "Traceback (most recent call last)",
    "During handling of the above exception",
    "The above exception was the direct cause",
    "Caused by:",
    "Suppressed:",
    "Exception in thread ",
    "Uncaught ",
    "FATAL EXCEPTION",
    "Fatal error:",
    "Thread ",
    "Last Exception Backtrace",
    "First throw call stack",
    "*** ",
    "goroutine ",
    "stack backtrace:",
    "thread '",
    "...",
];

/// Normalises an error message so that messages differing only in volatile
/// values group together.
///
/// Scanning left to right, at each position the first matching rule wins:
///
/// 1. UUID `8-4-4-4-12` hex digits (either case) → `<uuid>`
/// 2. IPv4 `d{1,3}.d{1,3}.d{1,3}.d{1,3}` → `<ip>`; IPv6 (full or
///    `::`-compressed) → `<ip>`
/// 3. `0x`/`0X` followed by one or more hex digits → `<hex>`
/// 4. any other run of ASCII digits → `<n>`
///
/// then ASCII letters are lowercased and surrounding whitespace is trimmed.
/// Non-ASCII text passes through unchanged.
///
/// Boundary rules ("word char" = ASCII `[A-Za-z0-9_]`; the start and end of
/// the message count as non-word neighbours; bytes of non-ASCII characters
/// are non-word):
///
/// * UUID and IPv4: preceded and followed by a non-word char (regex `\b`
///   with ASCII semantics). `1.2.3.4.5` therefore yields `<ip>.<n>`.
/// * hex address: preceded by a non-word char (so `10x5` is `<n>x<n>`); the
///   hex-digit run is greedy, nothing is required after it.
/// * digits: no boundary (`abc123` → `abc<n>`).
/// * IPv6: the candidate is the *maximal* run of `[0-9A-Fa-f:]` starting at
///   the position. It must not be preceded by a word char, `.` or `:`, and
///   the char after the run must not be a word char or `.` (so IPv4-mapped
///   `::ffff:1.2.3.4` is left to the IPv4 rule). If the run ends in a single
///   `:` (not `::`), that colon is not part of the address
///   (`fe80::1: refused` → `<ip>: refused`). The run (minus such a colon)
///   must be: eight 1-4-hex-digit groups separated by single colons, or
///   at most seven such groups with exactly one `::` somewhere (start,
///   middle or end); and it must contain at least one ASCII digit. The
///   digit requirement and the boundaries keep `12:30:45` (three groups, no
///   `::`), `std::io::Error` (colons preceded by word chars), `a::b` and a
///   bare `::` from being taken as addresses.
///
/// UUID, IPv4 and IPv6 can never match at the same position, so their
/// relative priority does not matter.
pub fn normalize_message(message: &str) -> String {
    let trimmed = message.trim();
    let mut out = String::with_capacity(normalized_capacity(trimmed));
    normalize_trimmed(trimmed, &mut out);
    out
}

/// Upper bound of the normalised length of `trimmed`: replacements never
/// touch each other (each is followed by an unreplaced byte or the end), and
/// only a lone digit (1 → 3 bytes) or `0x1` (3 → 5) grows, so the output is at
/// most `2 * len + 1` bytes.
fn normalized_capacity(trimmed: &str) -> usize {
    trimmed.len().saturating_mul(2).saturating_add(1)
}

/// Appends the normalisation of `s` (already trimmed) to `out`.
fn normalize_trimmed(s: &str, out: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    // Start of the literal segment not yet copied to `out`.
    let mut pending = 0;
    while i < b.len() {
        let c = b[i];
        if !(c.is_ascii_hexdigit() || c == b':') {
            i += 1;
            continue;
        }
        match replacement_at(b, i) {
            Some((end, token)) => {
                push_lowercase(out, &s[pending..i]);
                out.push_str(token);
                i = end;
                pending = end;
            }
            None => i += 1,
        }
    }
    push_lowercase(out, &s[pending..]);
}

/// Appends `segment` to `out`, ASCII-lowercased.
fn push_lowercase(out: &mut String, segment: &str) {
    let start = out.len();
    out.push_str(segment);
    out[start..].make_ascii_lowercase();
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// True if position `i` of `b` is preceded by a word char.
fn word_before(b: &[u8], i: usize) -> bool {
    i > 0 && is_word(b[i - 1])
}

/// True if position `i` of `b` is the end or holds a non-word char.
fn no_word_at(b: &[u8], i: usize) -> bool {
    !b.get(i).copied().is_some_and(is_word)
}

/// Length of the run of ASCII digits starting at `i`, counting at most `max`.
fn digits_at(b: &[u8], i: usize, max: usize) -> usize {
    b.get(i..)
        .unwrap_or_default()
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// Length of the run of ASCII hex digits starting at `i`, counting at most `max`.
fn hex_digits_at(b: &[u8], i: usize, max: usize) -> usize {
    b.get(i..)
        .unwrap_or_default()
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_hexdigit())
        .count()
}

/// The replacement starting at `i` (end offset and token), if any rule
/// matches there. `b[i]` is a hex digit or `:`.
fn replacement_at(b: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let c = b[i];
    let boundary = !word_before(b, i);
    if boundary && c.is_ascii_hexdigit() {
        if let Some(end) = match_uuid(b, i) {
            return Some((end, "<uuid>"));
        }
        if let Some(end) = match_ipv4(b, i) {
            return Some((end, "<ip>"));
        }
    }
    if boundary && (i == 0 || !matches!(b[i - 1], b'.' | b':')) {
        if let Some(end) = match_ipv6(b, i) {
            return Some((end, "<ip>"));
        }
    }
    if boundary && c == b'0' {
        if let Some(end) = match_hex(b, i) {
            return Some((end, "<hex>"));
        }
    }
    if c.is_ascii_digit() {
        return Some((i + digits_at(b, i, usize::MAX), "<n>"));
    }
    None
}

/// `8-4-4-4-12` hex digits followed by a non-word char or the end.
fn match_uuid(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    for (k, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
        if k > 0 {
            if b.get(i) != Some(&b'-') {
                return None;
            }
            i += 1;
        }
        if hex_digits_at(b, i, len) != len {
            return None;
        }
        i += len;
    }
    no_word_at(b, i).then_some(i)
}

/// Four dot-separated runs of 1-3 digits followed by a non-word char or the end.
pub(crate) fn match_ipv4(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    for k in 0..4 {
        if k > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        // Count up to 4 so that a 4-digit run is rejected rather than split.
        let n = digits_at(b, i, 4);
        if !(1..=3).contains(&n) {
            return None;
        }
        i += n;
    }
    no_word_at(b, i).then_some(i)
}

/// `0x`/`0X` followed by at least one hex digit; greedy.
fn match_hex(b: &[u8], start: usize) -> Option<usize> {
    if !matches!(b.get(start + 1), Some(b'x' | b'X')) {
        return None;
    }
    let n = hex_digits_at(b, start + 2, usize::MAX);
    (n > 0).then_some(start + 2 + n)
}

/// IPv6 address starting at `start` (see [`normalize_message`] for the exact
/// rules); the caller has checked the left boundary. Returns the end of the
/// address, which excludes a trailing single colon. Gives up as soon as the
/// run cannot be valid, so it looks at most ~41 bytes ahead.
pub(crate) fn match_ipv6(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let mut groups = 0;
    let mut compressed = false;
    let mut has_digit = false;
    if b[i] == b':' {
        if b.get(i + 1) != Some(&b':') {
            return None;
        }
        compressed = true;
        i += 2;
    }
    let (end, run_end) = loop {
        let len = hex_digits_at(b, i, 5);
        if len > 4 {
            return None;
        }
        if len == 0 {
            // Only reachable right after `::`; a third colon is invalid.
            if b.get(i) == Some(&b':') {
                return None;
            }
            break (i, i);
        }
        has_digit |= b[i..i + len].iter().any(u8::is_ascii_digit);
        i += len;
        groups += 1;
        if groups > 8 {
            return None;
        }
        match (b.get(i), b.get(i + 1)) {
            (Some(b':'), Some(b':')) => {
                if compressed {
                    return None;
                }
                compressed = true;
                i += 2;
            }
            (Some(b':'), Some(next)) if next.is_ascii_hexdigit() => i += 1,
            // A single trailing colon ends the run but is not part of the address.
            (Some(b':'), _) => break (i, i + 1),
            _ => break (i, i),
        }
    };
    let valid_groups = if compressed { groups <= 7 } else { groups == 8 };
    let right_ok = no_word_at(b, run_end) && b.get(run_end) != Some(&b'.');
    (has_digit && valid_groups && right_ok).then_some(end)
}

/// True if the stack line belongs to a runtime or framework (contains one of
/// [`FRAMEWORK_MARKERS`]).
pub fn is_framework_frame(line: &str) -> bool {
    framework_marker(line).is_some()
}

/// The first of [`FRAMEWORK_MARKERS`] found in the line (leftmost), if any: what makes it a
/// runtime or framework frame.
pub fn framework_marker(line: &str) -> Option<&'static str> {
    let b = line.as_bytes();
    b.windows(2).enumerate().find_map(|(i, pair)| {
        let mut candidates = MARKERS_BY_PREFIX[prefix_bucket(pair[0], pair[1])];
        while candidates != 0 {
            let k = candidates.trailing_zeros() as usize;
            if b[i..].starts_with(FRAMEWORK_MARKERS[k].as_bytes()) {
                return Some(FRAMEWORK_MARKERS[k]);
            }
            candidates &= candidates - 1;
        }
        None
    })
}

/// True if a structured frame (as Sentry SDKs send them) is a runtime or framework frame: the
/// SDK's `in_app` when it says (`false` = framework), else the text-stack rule
/// ([`is_framework_frame`]) on the frame written as a stack line (`at module.function (file)`),
/// so a frame without `in_app` is judged as the same frame in a text stack would be.
pub fn is_framework_structured_frame(
    in_app: Option<bool>,
    file: &str,
    function: &str,
    module: &str,
) -> bool {
    if let Some(in_app) = in_app {
        return !in_app;
    }
    let dot = if module.is_empty() || function.is_empty() {
        ""
    } else {
        "."
    };
    is_framework_frame(&format!("at {module}{dot}{function} ({file})"))
}

/// True if the (trimmed) line is a header rather than a frame: one of
/// [`HEADER_PREFIXES`], or an exception line such as `TypeError: boom`,
/// `com.example.BadThing: boom`, `ValueError` or `Process: com.example`
/// (a dotted identifier followed by `:` and then a space or the end, or a
/// dotted identifier ending in `Error`/`Exception`/`Throwable` followed by
/// a space or the end).
fn is_header_line(line: &str) -> bool {
    if HEADER_PREFIXES.iter().any(|p| line.starts_with(p)) {
        return true;
    }
    let b = line.as_bytes();
    let ident_char = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.');
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'$')
    {
        return false;
    }
    let n = b.iter().take_while(|c| ident_char(c)).count();
    let ident = &line[..n];
    match b.get(n) {
        Some(b':') => b.get(n + 1).is_none_or(u8::is_ascii_whitespace),
        None | Some(b' ' | b'\t') => ["Error", "Exception", "Throwable"]
            .iter()
            .any(|suffix| ident.ends_with(suffix)),
        _ => false,
    }
}

/// What a stack line is to grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineRole {
    /// Empty or blank.
    Blank,
    /// A runtime or framework frame: the line contains `marker`.
    Framework { marker: &'static str },
    /// A header: `Traceback (most recent call last):`, `TypeError: boom`, `Caused by: …`.
    Header,
    /// The source line printed under a skipped Python frame.
    FrameworkSource,
    /// An application frame: a candidate for the grouping frame.
    Application,
}

/// Each line of the stack, trimmed, with its role, in order. Python source lines that follow
/// a skipped `File "…"` frame belong to that frame and are skipped with it.
pub fn classify_lines(stack: &str) -> impl Iterator<Item = (&str, LineRole)> + '_ {
    let mut in_skipped_python_frame = false;
    stack.lines().map(str::trim).map(move |line| {
        if line.is_empty() {
            return (line, LineRole::Blank);
        }
        let python_frame = line.starts_with("File \"");
        if python_frame {
            in_skipped_python_frame = false;
        } else if in_skipped_python_frame {
            return (line, LineRole::FrameworkSource);
        }
        if let Some(marker) = framework_marker(line) {
            in_skipped_python_frame = python_frame;
            return (line, LineRole::Framework { marker });
        }
        if is_header_line(line) {
            (line, LineRole::Header)
        } else {
            (line, LineRole::Application)
        }
    })
}

/// Trimmed, non-empty stack lines that are neither framework frames nor
/// headers, in order (see [`classify_lines`]).
fn frame_candidates(stack: &str) -> impl Iterator<Item = &str> + '_ {
    classify_lines(stack).filter_map(|(line, role)| (role == LineRole::Application).then_some(line))
}

/// The grouping frame as hashed: `line` cleaned of line numbers, addresses and offsets (empty
/// when nothing stable is left).
pub fn clean_frame(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    clean_frame_into(line.trim(), &mut out);
    out
}

/// First non-empty stack line (trimmed) that is not a framework frame, with `:line[:col]` suffixes and `line N` removed. None if none.
///
/// Header lines (`Traceback (most recent call last):`, `TypeError: boom`,
/// `Caused by: …`, …) are skipped as well. The chosen line is made stable
/// across builds and deploys by also removing a leading frame index (`0 `,
/// `#12 `), `0x…` addresses and `+ 52` / `+0x1d` offsets, and collapsing runs
/// of whitespace to one space. A line that is empty after that is skipped.
/// Python tracebacks list the innermost frame last, so there this is the
/// outermost application frame; it is just as stable for grouping.
pub fn top_frame(stack: &str) -> Option<String> {
    let mut out = String::new();
    for line in frame_candidates(stack) {
        out.reserve(line.len());
        clean_frame_into(line, &mut out);
        if !out.is_empty() {
            return Some(out);
        }
    }
    None
}

/// Appends the cleaned form of the (trimmed) frame `line` to `out`; appends
/// nothing if nothing stable is left. Never longer than `line`.
fn clean_frame_into(line: &str, out: &mut String) {
    let b = line.as_bytes();
    let base = out.len();
    let mut i = frame_index_len(b);
    let mut space_pending = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            space_pending = out.len() > base;
            i += 1;
            continue;
        }
        if let Some(end) = removable_at(b, i) {
            if c == b'l' && space_pending && out.len() > base && out.ends_with(',') {
                // `"x.py", line 42, in f` → `"x.py", in f`
                out.pop();
                space_pending = false;
            }
            i = end;
            continue;
        }
        if space_pending {
            out.push(' ');
            space_pending = false;
        }
        match line[i..].chars().next() {
            Some(ch) => {
                out.push(ch);
                i += ch.len_utf8();
            }
            None => break,
        }
    }
}

/// Length of a leading frame index (`12   `, `#3 `) including the whitespace
/// after it; 0 if there is none.
fn frame_index_len(b: &[u8]) -> usize {
    let hash = usize::from(b.first() == Some(&b'#'));
    let digits = digits_at(b, hash, usize::MAX);
    let spaces = b
        .get(hash + digits..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    if digits > 0 && spaces > 0 {
        hash + digits + spaces
    } else {
        0
    }
}

/// End of a volatile token starting at `i` of a frame line: a `0x…` address,
/// a `+ 52` / `+0x1d` offset after whitespace, a `:123` line or column
/// number, or Python's `line 42`.
fn removable_at(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        b'0' if !word_before(b, i) => match_hex(b, i),
        b'+' if i > 0 && b[i - 1].is_ascii_whitespace() => {
            let j = i + 1 + b[i + 1..].iter().take_while(|c| **c == b' ').count();
            let end = match_hex(b, j).unwrap_or_else(|| j + digits_at(b, j, usize::MAX));
            (end > j && no_word_at(b, end)).then_some(end)
        }
        b':' => {
            let n = digits_at(b, i + 1, usize::MAX);
            (n > 0 && no_word_at(b, i + 1 + n)).then_some(i + 1 + n)
        }
        b'l' if !word_before(b, i) && b[i..].starts_with(b"line ") => {
            let n = digits_at(b, i + 5, usize::MAX);
            (n > 0 && no_word_at(b, i + 5 + n)).then_some(i + 5 + n)
        }
        _ => None,
    }
}

/// 16 lowercase hex digits: xxh3-64 of source, error_type, route, normalised message, top frame, joined unambiguously (length-prefix each part, e.g. u64 LE length then bytes, so ("ab","c") != ("a","bc")).
///
/// Each part is hashed as its byte length (u64 little-endian) followed by
/// its bytes. A missing stack, or one without an application frame, hashes
/// the top frame as the empty string.
pub fn compute(
    source: &str,
    error_type: &str,
    route: &str,
    message: &str,
    stack: Option<&str>,
) -> String {
    // One buffer holds the whole hashed input; each length prefix is first
    // written as 8 NUL bytes (valid UTF-8) and patched once the part is known.
    const PLACEHOLDER: &str = "\0\0\0\0\0\0\0\0";
    let trimmed = message.trim();
    let mut candidates = stack.into_iter().flat_map(frame_candidates).peekable();
    let capacity = 5 * PLACEHOLDER.len()
        + source.len()
        + error_type.len()
        + route.len()
        + normalized_capacity(trimmed)
        + candidates.peek().map_or(0, |line| line.len());
    let mut buf = String::with_capacity(capacity);
    let mut parts = [(0, 0); 5];
    for (k, part) in [source, error_type, route].into_iter().enumerate() {
        buf.push_str(PLACEHOLDER);
        parts[k] = (buf.len(), part.len());
        buf.push_str(part);
    }
    buf.push_str(PLACEHOLDER);
    let message_start = buf.len();
    normalize_trimmed(trimmed, &mut buf);
    parts[3] = (message_start, buf.len() - message_start);
    buf.push_str(PLACEHOLDER);
    let frame_start = buf.len();
    for line in candidates {
        buf.reserve(line.len());
        clean_frame_into(line, &mut buf);
        if buf.len() > frame_start {
            break;
        }
    }
    parts[4] = (frame_start, buf.len() - frame_start);
    let mut bytes = buf.into_bytes();
    for (start, len) in parts {
        bytes[start - PLACEHOLDER.len()..start].copy_from_slice(&(len as u64).to_le_bytes());
    }
    to_hex16(xxh3_64(&bytes))
}

/// `value` as 16 lowercase hex digits.
fn to_hex16(value: u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..16)
        .rev()
        .map(|k| char::from(DIGITS[((value >> (4 * k)) & 0xf) as usize]))
        .collect()
}

/// Why an event groups where it does: every input of [`compute`] as it is hashed, and the
/// stack lines passed over before the grouping frame, each with its reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    /// bloop's own key for the event ([`compute`] of the fields below).
    pub fingerprint: String,
    pub source: String,
    pub error_type: String,
    pub route: String,
    /// The message as sent (trimmed)…
    pub message: String,
    /// …and as hashed.
    pub normalized_message: String,
    /// The grouping frame; `None` when the stack has no application frame (or no stack).
    pub frame: Option<ChosenFrame>,
    /// The non-blank lines before the grouping frame (all of them without one), at most
    /// [`MAX_EXPLAINED_LINES`].
    pub skipped: Vec<SkippedLine>,
    /// Skipped lines beyond [`MAX_EXPLAINED_LINES`], not listed.
    pub skipped_more: usize,
}

/// Skipped lines listed by [`explain`]; the rest are counted.
pub const MAX_EXPLAINED_LINES: usize = 40;

/// The stack line grouping used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChosenFrame {
    /// 1-based line number in the stack.
    pub line: usize,
    /// The line as sent (trimmed).
    pub text: String,
    /// What is hashed: the line without line numbers, addresses and offsets.
    pub hashed: String,
}

/// A stack line passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedLine {
    /// 1-based line number in the stack.
    pub line: usize,
    pub text: String,
    /// `framework` (with the marker found), `header`, `framework_source`, or `volatile` (an
    /// application line with nothing stable left once numbers and addresses are removed).
    pub reason: Skip,
}

/// Why a line was not the grouping frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Skip {
    Framework { marker: &'static str },
    Header,
    FrameworkSource,
    Volatile,
}

/// [`compute`]'s inputs laid open: the same fingerprint, with the normalised message, the frame
/// chosen and the lines skipped before it.
pub fn explain(
    source: &str,
    error_type: &str,
    route: &str,
    message: &str,
    stack: Option<&str>,
) -> Explanation {
    let mut frame = None;
    let mut skipped = Vec::new();
    let mut skipped_more = 0;
    for (n, (text, role)) in stack.into_iter().flat_map(classify_lines).enumerate() {
        let reason = match role {
            LineRole::Blank => continue,
            LineRole::Framework { marker } => Skip::Framework { marker },
            LineRole::Header => Skip::Header,
            LineRole::FrameworkSource => Skip::FrameworkSource,
            LineRole::Application => {
                let hashed = clean_frame(text);
                if !hashed.is_empty() {
                    frame = Some(ChosenFrame {
                        line: n + 1,
                        text: text.to_string(),
                        hashed,
                    });
                    break;
                }
                Skip::Volatile
            }
        };
        if skipped.len() < MAX_EXPLAINED_LINES {
            skipped.push(SkippedLine {
                line: n + 1,
                text: text.to_string(),
                reason,
            });
        } else {
            skipped_more += 1;
        }
    }
    Explanation {
        fingerprint: compute(source, error_type, route, message, stack),
        source: source.to_string(),
        error_type: error_type.to_string(),
        route: route.to_string(),
        message: message.trim().to_string(),
        normalized_message: normalize_message(message),
        frame,
        skipped,
        skipped_more,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    // ---------------------------------------------------------------------
    // Regex reference implementation of `normalize_message`.
    // ---------------------------------------------------------------------

    struct Reference {
        ipv6_run: Regex,
        uuid: Regex,
        ipv4: Regex,
        hex: Regex,
        digits: Regex,
    }

    static REFERENCE: LazyLock<Reference> = LazyLock::new(|| {
        let re = |pattern: &str| Regex::new(pattern).expect("reference regex compiles");
        Reference {
            ipv6_run: re(r"[0-9A-Fa-f:]+"),
            uuid: re(
                r"(?-u:\b)[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?-u:\b)",
            ),
            ipv4: re(r"(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?-u:\b)"),
            hex: re(r"(?-u:\b)0[xX][0-9A-Fa-f]+"),
            digits: re(r"[0-9]+"),
        }
    });

    /// Written independently of `match_ipv6`: split on the single `::`.
    fn reference_ipv6_valid(addr: &str) -> bool {
        let group_ok =
            |g: &str| (1..=4).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_hexdigit());
        let groups = |part: &str| -> Option<usize> {
            if part.is_empty() {
                return Some(0);
            }
            let parts: Vec<&str> = part.split(':').collect();
            parts.iter().all(|g| group_ok(g)).then_some(parts.len())
        };
        if !addr.bytes().any(|c| c.is_ascii_digit()) {
            return false;
        }
        match addr.split_once("::") {
            Some((head, tail)) => {
                !tail.contains("::")
                    && matches!((groups(head), groups(tail)), (Some(h), Some(t)) if h + t <= 7)
            }
            None => groups(addr) == Some(8),
        }
    }

    /// A chain of `replace_all`s with the same boundary rules. The IPv6 pass
    /// runs first because it is defined on maximal `[0-9A-Fa-f:]` runs of the
    /// original text: if the UUID/IPv4 passes ran first, their `<…>` tokens
    /// would cut such runs short. Rules 1 and 2 never match at the same
    /// position, so this is the same priority as the single pass.
    fn reference(s: &str) -> String {
        let r = &*REFERENCE;
        let bytes = s.as_bytes();
        let not_boundary =
            |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.');
        let mut v6 = String::new();
        let mut last = 0;
        for m in r.ipv6_run.find_iter(s) {
            let before = m.start().checked_sub(1).map(|k| bytes[k]);
            let after = bytes.get(m.end()).copied();
            let run = m.as_str();
            let (addr, rest) = if run.len() >= 2 && run.ends_with(':') && !run.ends_with("::") {
                (&run[..run.len() - 1], ":")
            } else {
                (run, "")
            };
            if !not_boundary(before) && !not_boundary(after) && reference_ipv6_valid(addr) {
                v6.push_str(&s[last..m.start()]);
                v6.push_str("<ip>");
                v6.push_str(rest);
                last = m.end();
            }
        }
        v6.push_str(&s[last..]);
        let t = r.uuid.replace_all(&v6, "<uuid>");
        let t = r.ipv4.replace_all(&t, "<ip>");
        let t = r.hex.replace_all(&t, "<hex>");
        let t = r.digits.replace_all(&t, "<n>");
        t.to_ascii_lowercase().trim().to_string()
    }

    // ---------------------------------------------------------------------
    // Normalisation
    // ---------------------------------------------------------------------

    #[test]
    fn connection_refused_messages_with_different_ipv4_and_port_group_together() {
        let a = "Connection refused at 10.0.0.1:5432";
        let b = "Connection refused at 192.168.1.2:3306";
        assert_eq!(normalize_message(a), "connection refused at <ip>:<n>");
        assert_eq!(normalize_message(b), "connection refused at <ip>:<n>");
        assert_eq!(
            compute("api", "DbError", "/users", a, None),
            compute("api", "DbError", "/users", b, None)
        );
    }

    #[test]
    fn uuids_in_either_case_are_replaced() {
        assert_eq!(
            normalize_message("order 3F2B8C1E-9A4D-4E7B-8C21-5D6F7A8B9C0D missing"),
            "order <uuid> missing"
        );
        assert_eq!(
            normalize_message("id=3f2b8c1e-9a4d-4e7b-8c21-5d6f7a8b9c0d."),
            "id=<uuid>."
        );
        // Glued to a word char: not a UUID, digits still replaced.
        assert_eq!(
            normalize_message("x3f2b8c1e-9a4d-4e7b-8c21-5d6f7a8b9c0d"),
            "x<n>f<n>b<n>c<n>e-<n>a<n>d-<n>e<n>b-<n>c<n>-<n>d<n>f<n>a<n>b<n>c<n>d"
        );
    }

    #[test]
    fn ipv4_addresses_are_replaced_at_word_boundaries() {
        assert_eq!(normalize_message("from 255.255.255.255."), "from <ip>.");
        assert_eq!(normalize_message("(1.2.3.4)"), "(<ip>)");
        assert_eq!(normalize_message("v1.2.3.4"), "v<n>.<n>.<n>.<n>");
        assert_eq!(normalize_message("1.2.3.4.5"), "<ip>.<n>");
        assert_eq!(normalize_message("1234.1.1.1"), "<n>.<n>.<n>.<n>");
    }

    #[test]
    fn ipv6_addresses_are_replaced() {
        for (input, expected) in [
            ("::1", "<ip>"),
            ("dial fe80::1 failed", "dial <ip> failed"),
            ("at 2001:db8::ff00:42:8329", "at <ip>"),
            ("2001:0DB8:85a3:0000:0000:8a2e:0370:7334 down", "<ip> down"),
            ("bind [::1]:8080 failed", "bind [<ip>]:<n> failed"),
            ("peer fe80::1: reset", "peer <ip>: reset"),
            ("fe80::", "<ip>"),
            ("link fe80::1%eth0", "link <ip>%eth<n>"),
        ] {
            assert_eq!(normalize_message(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn times_rust_paths_and_macs_are_not_ipv6() {
        assert_eq!(normalize_message("at 12:30:45"), "at <n>:<n>:<n>");
        assert_eq!(
            normalize_message("std::io::Error: os error 2"),
            "std::io::error: os error <n>"
        );
        assert_eq!(normalize_message("x :: Int"), "x :: int");
        assert_eq!(normalize_message("a::b"), "a::b");
        assert_eq!(normalize_message("aa:bb:cc:dd:ee:ff"), "aa:bb:cc:dd:ee:ff");
        assert_eq!(
            normalize_message("1:2:3:4:5:6:7:8:9"),
            "<n>:<n>:<n>:<n>:<n>:<n>:<n>:<n>:<n>"
        );
        assert_eq!(normalize_message("1::2::3"), "<n>::<n>::<n>");
        assert_eq!(normalize_message("::ffff:10.0.0.1"), "::ffff:<ip>");
    }

    #[test]
    fn hex_addresses_are_replaced() {
        assert_eq!(
            normalize_message("segfault at 0x7ffd5fbff8c8 ip 0XDEADBEEF"),
            "segfault at <hex> ip <hex>"
        );
        assert_eq!(normalize_message("10x5"), "<n>x<n>");
        assert_eq!(normalize_message("0x"), "<n>x");
    }

    #[test]
    fn remaining_digit_runs_are_replaced() {
        assert_eq!(
            normalize_message("took 250ms after 3 retries (abc123)"),
            "took <n>ms after <n> retries (abc<n>)"
        );
    }

    #[test]
    fn result_is_lowercased() {
        assert_eq!(
            normalize_message("Cannot READ Property"),
            "cannot read property"
        );
    }

    #[test]
    fn result_is_trimmed() {
        assert_eq!(normalize_message(" \t boom 1 \r\n"), "boom <n>");
        assert_eq!(normalize_message("   "), "");
    }

    #[test]
    fn non_ascii_text_passes_through_intact() {
        assert_eq!(
            normalize_message("Échec: «données» 42 introuvable 日本語1"),
            "Échec: «données» <n> introuvable 日本語<n>"
        );
    }

    #[test]
    fn user_ids_group_together() {
        assert_eq!(
            compute("web", "NotFound", "/u/:id", "User 123 not found", None),
            compute("web", "NotFound", "/u/:id", "User 456 not found", None)
        );
    }

    #[test]
    fn different_error_types_do_not_group() {
        assert_ne!(
            compute("web", "TypeError", "/", "bad value", None),
            compute("web", "ValueError", "/", "bad value", None)
        );
    }

    #[test]
    fn parts_are_length_prefixed_so_boundaries_matter() {
        assert_ne!(
            compute("ab", "c", "r", "m", None),
            compute("a", "bc", "r", "m", None)
        );
        assert_ne!(
            compute("s", "t", "ab", "c", None),
            compute("s", "t", "a", "bc", None)
        );
        assert_ne!(
            compute("s", "t", "r", "m", Some("at f (/a.js:1:1)")),
            compute("s", "t", "r", "m at f (/a.js)", None)
        );
    }

    #[test]
    fn fingerprint_is_16_lowercase_hex_digits() {
        let fp = compute("", "", "", "", None);
        assert_eq!(fp.len(), 16);
        assert!(fp.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
    }

    #[test]
    fn missing_stack_and_stack_without_app_frame_fingerprint_alike() {
        let none = compute("s", "E", "/", "m", None);
        assert_eq!(none, compute("s", "E", "/", "m", Some("")));
        assert_eq!(
            none,
            compute("s", "E", "/", "m", Some("at x (node:internal/a.js:1:1)"))
        );
        assert_ne!(
            none,
            compute("s", "E", "/", "m", Some("at x (/app/a.js:1:1)"))
        );
    }

    // ---------------------------------------------------------------------
    // Framework frames and top frame
    // ---------------------------------------------------------------------

    #[test]
    fn framework_frames_are_recognised() {
        for line in [
            "at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)",
            "at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
            "at Module._compile (internal/modules/cjs/loader.js:999:30)",
            "3   UIKitCore   0x00000001a3b4c5d6 -[UIViewController loadViewIfRequired] + 1000",
            "at java.lang.Thread.run(Thread.java:764)",
            "at android.os.Handler.dispatchMessage(Handler.java:102)",
            "at kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:106)",
            r#"File "/usr/lib/python3.11/site-packages/flask/app.py", line 1484, in wsgi_app"#,
            r#"File "<frozen importlib._bootstrap>", line 1050, in _gcd_import"#,
        ] {
            assert!(is_framework_frame(line), "{line}");
        }
        for line in [
            "at getUser (/app/src/users.js:10:5)",
            "2   MyApp   0x0000000100a1b2c3 -[ViewController load] + 52",
            "at com.myapp.Foo.bar(Foo.kt:12)",
            r#"File "/app/main.py", line 42, in handler"#,
        ] {
            assert!(!is_framework_frame(line), "{line}");
        }
    }

    #[test]
    fn structured_frames_follow_in_app_else_the_text_rule() {
        // The SDK's word wins, both ways.
        assert!(is_framework_structured_frame(
            Some(false),
            "/app/src/users.js",
            "getUser",
            ""
        ));
        assert!(!is_framework_structured_frame(
            Some(true),
            "/app/node_modules/x/y.js",
            "f",
            ""
        ));
        // Without it: the same markers as a text stack, on the path, the module or the function.
        for (file, function, module) in [
            (
                "/app/node_modules/express/lib/router/layer.js",
                "handle",
                "",
            ),
            (
                "node:internal/process/task_queues",
                "processTicksAndRejections",
                "",
            ),
            ("internal/modules/cjs/loader.js", "Module._compile", ""),
            ("Thread.java", "run", "java.lang.Thread"),
            (
                "/usr/lib/python3.11/site-packages/flask/app.py",
                "wsgi_app",
                "flask.app",
            ),
            ("", "std::panicking::begin_panic", ""),
        ] {
            assert!(
                is_framework_structured_frame(None, file, function, module),
                "{file} {function} {module}"
            );
        }
        for (file, function, module) in [
            ("/app/src/users.js", "getUser", ""),
            ("Foo.kt", "bar", "com.myapp.Foo"),
            ("/app/main.py", "handler", "main"),
        ] {
            assert!(
                !is_framework_structured_frame(None, file, function, module),
                "{file} {function} {module}"
            );
        }
    }

    #[test]
    fn node_top_frame_skips_header_and_node_modules_and_strips_line_col() {
        let stack = "TypeError: Cannot read properties of undefined (reading 'id')
    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)
    at getUser (/app/src/users.js:10:5)
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)";
        assert_eq!(
            top_frame(stack).as_deref(),
            Some("at getUser (/app/src/users.js)")
        );
        assert_eq!(
            top_frame("at /app/x.js:10:5").as_deref(),
            Some("at /app/x.js")
        );
    }

    #[test]
    fn stacks_differing_only_in_line_and_column_share_a_top_frame() {
        let a = "Error: boom\n    at foo (/app/src/x.js:10:5)\n    at bar (/app/src/y.js:1:1)";
        let b = "Error: boom\n    at foo (/app/src/x.js:12:17)\n    at bar (/app/src/y.js:9:9)";
        assert_eq!(top_frame(a).as_deref(), Some("at foo (/app/src/x.js)"));
        assert_eq!(top_frame(a), top_frame(b));
        assert_eq!(
            compute("s", "Error", "/", "boom", Some(a)),
            compute("s", "Error", "/", "boom", Some(b))
        );
    }

    #[test]
    fn ios_objc_top_frame_drops_index_address_and_offset() {
        let stack = "Last Exception Backtrace:
0   CoreFoundation                      0x00000001a1b2c3d4 __exceptionPreprocess + 164
1   libobjc.A.dylib                     0x0000000199e1f2a8 objc_exception_throw + 60
2   MyApp                               0x0000000100a1b2c3 -[ViewController load] + 52
3   UIKitCore                           0x00000001a3b4c5d6 -[UIViewController loadViewIfRequired] + 1000";
        assert_eq!(
            top_frame(stack).as_deref(),
            Some("MyApp -[ViewController load]")
        );
        let other_build = "12 MyApp 0x0000000104ffee00 -[ViewController load] + 60";
        assert_eq!(top_frame(other_build), top_frame(stack));
    }

    #[test]
    fn ios_swift_top_frame_drops_line_number() {
        let stack = "Thread 0 Crashed:
0   libswiftCore.dylib   0x00000001a0a0a0a0 $ss17_assertionFailure + 1500
1   MyApp                0x0000000100a1b2c3 MyApp.ProfileView.body.getter + 52 (ProfileView.swift:42)
2   SwiftUI              0x00000001b0b0b0b0 0x1b0000000 + 12345";
        assert_eq!(
            top_frame(stack).as_deref(),
            Some("MyApp MyApp.ProfileView.body.getter (ProfileView.swift)")
        );
        assert_eq!(
            top_frame("MyApp/App.swift:42").as_deref(),
            Some("MyApp/App.swift")
        );
    }

    #[test]
    fn android_top_frame_skips_jvm_and_android_frames() {
        let stack = "FATAL EXCEPTION: main
Process: com.myapp, PID: 1234
com.myapp.LoadException: boom
    at java.lang.Thread.run(Thread.java:764)
    at java.lang.reflect.Method.invoke(Native Method)
    at com.myapp.Foo.bar(Foo.kt:12)
    at android.os.Handler.dispatchMessage(Handler.java:102)
Caused by: java.io.IOException: nope
    ... 12 more";
        assert_eq!(
            top_frame(stack).as_deref(),
            Some("at com.myapp.Foo.bar(Foo.kt)")
        );
    }

    #[test]
    fn python_top_frame_skips_site_packages_and_their_source_lines() {
        let stack = r#"Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 1484, in full_dispatch_request
    rv = self.dispatch_request()
  File "/app/main.py", line 42, in handler
    return compute(x)
  File "/app/util.py", line 7, in compute
    raise ValueError("bad")
ValueError: bad"#;
        assert_eq!(
            top_frame(stack).as_deref(),
            Some(r#"File "/app/main.py", in handler"#)
        );
    }

    #[test]
    fn header_only_or_framework_only_stacks_have_no_top_frame() {
        assert_eq!(top_frame(""), None);
        assert_eq!(top_frame("\n  \n\t\n"), None);
        assert_eq!(top_frame("Traceback (most recent call last):"), None);
        assert_eq!(
            top_frame("Error: boom\n    at x (node:internal/a:1:1)"),
            None
        );
        // Nothing stable left after cleaning: skipped.
        assert_eq!(
            top_frame("0x7fff5fbff8c8\nat y (/app/y.js:3:4)").as_deref(),
            Some("at y (/app/y.js)")
        );
    }

    #[test]
    fn go_frame_offsets_are_stripped() {
        assert_eq!(
            top_frame("goroutine 1 [running]:\n\t/app/main.go:12 +0x1d").as_deref(),
            Some("/app/main.go")
        );
    }

    // ---------------------------------------------------------------------
    // Properties
    // ---------------------------------------------------------------------

    const ALPHABET: &[char] = &[
        '0', '0', '1', '2', '5', '9', 'a', 'b', 'f', 'A', 'F', 'e', 'x', 'x', 'X', '.', '.', ':',
        ':', ':', '-', '-', '_', ' ', ' ', 'g', 'z', 'é', '<', '>', '\t', '\n',
    ];

    const FRAGMENTS: &[&str] = &[
        "fe80::1",
        "::1",
        "::",
        ":",
        "1",
        "12",
        "123",
        "1234",
        "0",
        "0x",
        "0xdeadBEEF",
        "ffff",
        "abcd",
        "3f2b8c1e-9a4d-4e7b-8c21-5d6f7a8b9c0d",
        "DEADBEEF-0000-4a4A-Beef-0123456789AB",
        "10.0.0.1",
        "255.255.255.255",
        "1.2.3",
        "2001:db8::ff00:42:8329",
        "1:2:3:4:5:6:7:8",
        "12:30:45",
        "std::io::Error",
        ".",
        "-",
        "_",
        " ",
        "x",
        "g",
        "é",
        "日",
        "<",
        ">",
    ];

    fn biased_string() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(ALPHABET), 0..48)
            .prop_map(|chars| chars.into_iter().collect())
    }

    fn fragment_string() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..10)
            .prop_map(|parts| parts.concat())
    }

    fn any_message() -> impl Strategy<Value = String> {
        prop_oneof![biased_string(), fragment_string(), any::<String>()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn matches_regex_reference_on_biased_alphabet(s in biased_string()) {
            prop_assert_eq!(normalize_message(&s), reference(&s));
        }

        #[test]
        fn matches_regex_reference_on_fragments(s in fragment_string()) {
            prop_assert_eq!(normalize_message(&s), reference(&s));
        }

        #[test]
        fn matches_regex_reference_on_arbitrary_strings(s in any::<String>()) {
            prop_assert_eq!(normalize_message(&s), reference(&s));
        }

        #[test]
        fn output_is_digit_free_lowercase_trimmed_and_within_capacity(s in any_message()) {
            let out = normalize_message(&s);
            prop_assert!(!out.bytes().any(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
            prop_assert_eq!(out.trim(), out.as_str());
            prop_assert!(out.len() <= normalized_capacity(s.trim()));
        }

        #[test]
        fn nonzero_digit_values_and_letter_case_do_not_matter(s in any_message()) {
            // `0` is kept: it is special only as the start of `0x`.
            let rotated: String = s
                .chars()
                .map(|c| match c {
                    '1'..='8' => char::from(c as u8 + 1),
                    '9' => '1',
                    other => other,
                })
                .collect();
            let out = normalize_message(&s);
            prop_assert_eq!(&out, &normalize_message(&rotated));
            prop_assert_eq!(&out, &normalize_message(&s.to_ascii_uppercase()));
            prop_assert_eq!(&out, &normalize_message(&s.to_ascii_lowercase()));
        }

        #[test]
        fn normalising_twice_only_adds_all_letter_uuids(s in any_message()) {
            // The output has no digits, so only a UUID made of a-f letters
            // (freshly bounded by a `>`) can match on a second pass.
            let once = normalize_message(&s);
            let twice = normalize_message(&once);
            prop_assert!(twice == once || once.contains('-'), "{:?} -> {:?}", once, twice);
        }

        #[test]
        fn compute_hashes_normalised_message_and_top_frame(
            parts in prop::collection::vec(any_message(), 3),
            message in any_message(),
            stack in prop::option::of(prop_oneof![any::<String>(), stack_string()]),
        ) {
            let fp = compute(&parts[0], &parts[1], &parts[2], &message, stack.as_deref());
            let normalized = normalize_message(&message);
            let frame = stack.as_deref().and_then(top_frame).unwrap_or_default();
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            for part in [&parts[0], &parts[1], &parts[2], &normalized, &frame] {
                hasher.update(&(part.len() as u64).to_le_bytes());
                hasher.update(part.as_bytes());
            }
            prop_assert_eq!(fp, format!("{:016x}", hasher.digest()));
        }

        #[test]
        fn explain_agrees_with_compute_and_top_frame(
            message in any_message(),
            stack in prop::option::of(prop_oneof![any::<String>(), stack_string()]),
        ) {
            let e = explain("api", "TypeError", "GET /x", &message, stack.as_deref());
            prop_assert_eq!(&e.fingerprint, &compute("api", "TypeError", "GET /x", &message, stack.as_deref()));
            prop_assert_eq!(e.frame.as_ref().map(|f| f.hashed.clone()), stack.as_deref().and_then(top_frame));
            prop_assert_eq!(&e.normalized_message, &normalize_message(&message));
            if let (Some(f), Some(st)) = (&e.frame, stack.as_deref()) {
                prop_assert_eq!(st.lines().nth(f.line - 1).map(str::trim), Some(f.text.as_str()));
                prop_assert!(e.skipped.iter().all(|l| l.line < f.line));
            }
        }

        #[test]
        fn top_frame_ignores_line_numbers_addresses_and_offsets(
            a in any::<[u32; 6]>(),
            b in any::<[u32; 6]>(),
        ) {
            let stack = |n: [u32; 6]| format!(
                "Error: boom\n  at x (/app/node_modules/m/i.js:{}:{})\n  {} MyApp 0x{:x} -[A b] + {}\n  at y (/app/y.js:{}:1)",
                n[0], n[1], n[2], n[3], n[4], n[5]
            );
            let python = |n: [u32; 6]| format!(
                "  File \"/app/lib/python3.12/site-packages/z.py\", line {}, in z\n    z()\n  File \"/app/m.py\", line {}, in h",
                n[0], n[1]
            );
            prop_assert_eq!(top_frame(&stack(a)), top_frame(&stack(b)));
            prop_assert_eq!(top_frame(&stack(a)), Some("MyApp -[A b]".to_string()));
            prop_assert_eq!(top_frame(&python(a)), Some("File \"/app/m.py\", in h".to_string()));
        }

        #[test]
        fn top_frame_is_trimmed_nonempty_and_no_longer_than_its_line(stack in prop_oneof![any::<String>(), stack_string()]) {
            if let Some(frame) = top_frame(&stack) {
                prop_assert!(!frame.is_empty());
                prop_assert_eq!(frame.trim(), frame.as_str());
                prop_assert!(stack.lines().any(|l| frame.len() <= l.len()));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn framework_table_matches_naive_contains(
            parts in prop::collection::vec(
                prop_oneof![
                    prop::sample::select(FRAMEWORK_MARKERS).prop_map(str::to_string),
                    prop::sample::select(FRAMEWORK_MARKERS)
                        .prop_map(|m| m[..m.len() - 1].to_string()),
                    any::<String>(),
                ],
                0..4,
            )
        ) {
            let line = parts.concat();
            let naive = FRAMEWORK_MARKERS.iter().any(|m| line.contains(m));
            prop_assert_eq!(is_framework_frame(&line), naive);
        }

        #[test]
        fn hex16_matches_format(value in any::<u64>()) {
            prop_assert_eq!(to_hex16(value), format!("{value:016x}"));
        }
    }

    #[test]
    fn explain_names_the_frame_and_why_each_line_before_it_was_skipped() {
        let stack = concat!(
            "TypeError: Cannot read properties of undefined (reading 'id')\n",
            "    at Module._compile (node:internal/modules/cjs/loader:1105:14)\n",
            "    at run (/app/node_modules/express/lib/router.js:12:3)\n",
            "    at getUser (/app/src/users.js:42:13)\n",
            "    at main (/app/src/index.js:3:1)"
        );
        let e = explain(
            "api",
            "TypeError",
            "GET /users/:id",
            "  Cannot read properties of undefined (reading 'id') for user 42 ",
            Some(stack),
        );
        assert_eq!(
            e.normalized_message,
            "cannot read properties of undefined (reading 'id') for user <n>"
        );
        assert_eq!(
            e.message,
            "Cannot read properties of undefined (reading 'id') for user 42"
        );
        let f = e.frame.as_ref().expect("a frame");
        assert_eq!(
            (f.line, f.hashed.as_str()),
            (4, "at getUser (/app/src/users.js)")
        );
        assert_eq!(f.text, "at getUser (/app/src/users.js:42:13)");
        let why: Vec<(usize, Skip)> = e.skipped.iter().map(|l| (l.line, l.reason)).collect();
        assert_eq!(
            why,
            [
                (1, Skip::Header),
                (
                    2,
                    Skip::Framework {
                        marker: "node:internal"
                    }
                ),
                (
                    3,
                    Skip::Framework {
                        marker: "node_modules"
                    }
                ),
            ]
        );
        assert_eq!(
            e.fingerprint,
            compute(
                "api",
                "TypeError",
                "GET /users/:id",
                "cannot read properties of undefined (reading 'id') for user 7",
                Some("at getUser (/app/src/users.js:99:1)")
            )
        );
        // No application frame: every line is listed, none chosen; a Python source line
        // under a skipped frame says so.
        let py = "Traceback (most recent call last):\n  File \"/usr/lib/python3.12/site-packages/a.py\", line 3, in f\n    f()";
        let e = explain("worker", "ValueError", "", "bad", Some(py));
        assert!(e.frame.is_none());
        let why: Vec<Skip> = e.skipped.iter().map(|l| l.reason).collect();
        assert_eq!(
            why,
            [
                Skip::Header,
                Skip::Framework {
                    marker: "/lib/python3"
                },
                Skip::FrameworkSource
            ]
        );
        let e = explain(
            "a",
            "b",
            "",
            "m",
            Some(&"at x (node:internal/y)\n".repeat(50)),
        );
        assert_eq!((e.skipped.len(), e.skipped_more), (MAX_EXPLAINED_LINES, 10));
    }

    fn stack_string() -> impl Strategy<Value = String> {
        const LINES: &[&str] = &[
            "Error: boom",
            "Traceback (most recent call last):",
            "  File \"/usr/lib/python3.11/site-packages/a.py\", line 3, in f",
            "    f()",
            "  File \"/app/m.py\", line 42, in h",
            "    at a (/app/node_modules/x/y.js:1:2)",
            "    at b (/app/src/b.js:10:5)",
            "0   MyApp   0x00000001000 -[V l] + 52",
            "1   UIKitCore   0x1 x + 2",
            "at java.lang.Thread.run(Thread.java:764)",
            "at com.myapp.Foo.bar(Foo.kt:12)",
            "0x7fff",
            "+ 12",
            "line 42, in x",
            "é:1",
            "",
            " ",
        ];
        prop::collection::vec(prop::sample::select(LINES), 0..6).prop_map(|lines| lines.join("\n"))
    }
}
