//! Terminal output made inert: event text is written by whoever holds an ingest key, so on an
//! operator's terminal it must be as harmless as it is in the browser. Every CLI renderer passes
//! text through here, as the dashboard's templates escape HTML.
//!
//! Control characters (C0 but newline and tab in multi-line blocks, DEL, C1 including the
//! one-byte CSI U+009B) and bidirectional controls are shown visibly escaped (`\x1b`, `\r`,
//! `\u{202e}`) and never emitted raw. Cutting to a width counts display columns (emoji two,
//! combining marks zero) and never splits an escape. JSON output is not for this module: JSON
//! already escapes what it must.

use unicode_width::UnicodeWidthChar;

/// How a character is shown on a terminal: as itself, or as a visible escape.
enum Shown {
    Plain(char),
    Escaped(String),
}

/// Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E), isolates
/// (U+2066–U+2069), the marks (U+200E, U+200F, U+061C), and the line and paragraph separators
/// some terminals treat as line breaks.
fn is_bidi_or_separator(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}')
}

fn show(c: char, keep_lines: bool) -> Shown {
    match c {
        '\n' | '\t' if keep_lines => Shown::Plain(c),
        '\n' => Shown::Escaped("\\n".into()),
        '\t' => Shown::Escaped("\\t".into()),
        '\r' => Shown::Escaped("\\r".into()),
        '\0'..='\u{1F}' | '\u{7F}' => Shown::Escaped(format!("\\x{:02x}", c as u32)),
        '\u{80}'..='\u{9F}' => Shown::Escaped(format!("\\u{{{:x}}}", c as u32)),
        c if is_bidi_or_separator(c) => Shown::Escaped(format!("\\u{{{:x}}}", c as u32)),
        c => Shown::Plain(c),
    }
}

fn render(s: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match show(c, keep_lines) {
            Shown::Plain(c) => out.push(c),
            Shown::Escaped(e) => out.push_str(&e),
        }
    }
    out
}

/// One line of text for a table cell or a sentence: every control character escaped, newlines
/// and tabs included.
pub fn line(s: &str) -> String {
    render(s, false)
}

/// A multi-line block (a stack trace): newlines and tabs kept, every other control escaped.
pub fn block(s: &str) -> String {
    render(s, true)
}

/// Display columns `s` takes once made inert (what [`line`] would print).
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match show(c, false) {
            Shown::Plain(c) => c.width().unwrap_or(0),
            Shown::Escaped(e) => e.len(),
        })
        .sum()
}

/// [`line`], cut to at most `max` display columns; a cut is marked with `…` (one column) and
/// falls between characters or escapes, never inside one.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return line(s);
    }
    let budget = max.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let (piece, w) = match show(c, false) {
            Shown::Plain(c) => (c.to_string(), c.width().unwrap_or(0)),
            Shown::Escaped(e) => {
                let w = e.len();
                (e, w)
            }
        };
        if used + w > budget {
            break;
        }
        used += w;
        out.push_str(&piece);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// The first line of `s`, cut to `max` columns like [`fit`]; a cut marks further lines too.
pub fn first_line(s: &str, max: usize) -> String {
    match s.split_once('\n') {
        None => fit(s, max),
        Some((first, _)) => {
            let first = first.strip_suffix('\r').unwrap_or(first);
            let cut = fit(first, max.saturating_sub(1));
            if cut.ends_with('…') {
                cut
            } else {
                format!("{cut}…")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No byte a terminal acts on survives: C0 but newline/tab, DEL, C1, bidi controls.
    fn assert_inert(out: &str, keep_lines: bool) {
        for c in out.chars() {
            let allowed_control = keep_lines && (c == '\n' || c == '\t');
            assert!(
                allowed_control || !(c.is_control() || is_bidi_or_separator(c)),
                "raw {c:?} in {out:?}"
            );
        }
    }

    #[test]
    fn escape_sequences_title_changes_and_carriage_returns_are_shown_not_obeyed() {
        let evil = "ok\x1b]0;pwned\x07 \x1b[2J\rgone\u{9b}31m \u{202e}txt.exe\u{2066}\0\x7f";
        let out = line(evil);
        assert_eq!(
            out,
            "ok\\x1b]0;pwned\\x07 \\x1b[2J\\rgone\\u{9b}31m \\u{202e}txt.exe\\u{2066}\\x00\\x7f"
        );
        assert_inert(&out, false);
        assert_eq!(width(evil), out.chars().count());
    }

    #[test]
    fn blocks_keep_their_lines_and_tabs_but_nothing_else() {
        let out = block("at a()\n\tat b()\r\x1b[1m");
        assert_eq!(out, "at a()\n\tat b()\\r\\x1b[1m");
        assert_inert(&out, true);
        assert_eq!(line("a\nb\tc"), "a\\nb\\tc");
    }

    #[test]
    fn a_cut_never_splits_an_escape_and_counts_display_columns() {
        // 10 columns: "abc" + "\x1b" (4) would end at 7; the budget of 6 stops before it.
        assert_eq!(fit("abc\x1bdefgh", 7), "abc…");
        assert_eq!(fit("abc\x1bdefgh", 8), "abc\\x1b…");
        // Emoji are two columns, combining marks none.
        assert_eq!(width("😀😀"), 4);
        assert_eq!(fit("😀😀😀", 5), "😀😀…");
        assert_eq!(fit("😀😀😀", 4), "😀…");
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(fit("e\u{301}e\u{301}", 2), "e\u{301}e\u{301}");
        // Short text is unchanged; the cut result never exceeds the width.
        assert_eq!(fit("short", 10), "short");
        for max in 0..20 {
            let out = fit("a😀\x1b[2J\u{202e}bc", max);
            assert!(unicode_width::UnicodeWidthStr::width(out.as_str()) <= max.max(1));
            assert_inert(&out, false);
        }
    }

    #[test]
    fn first_line_marks_the_hidden_lines() {
        assert_eq!(first_line("one\ntwo", 20), "one…");
        assert_eq!(first_line("one\r\ntwo", 20), "one…");
        assert_eq!(first_line("one", 20), "one");
        assert_eq!(first_line("abcdef\nx", 4), "ab…");
    }
}
