//! The issue search language, shared by the API's `q`, the CLI and the dashboard:
//! free text over type and message, plus `key:value` terms — `is:unresolved|resolved|ignored|muted`,
//! `release:`, `env:`, `source:`, `route:`, `type:`, `assigned:me|none|<user>` — and `!key:value`
//! to negate. Values with spaces (or colons) go in double quotes: `route:"GET /users"`,
//! `"timeout: 30s"`. `assigned:me` is the signed-in dashboard user (a token has none: the query
//! layer refuses it there). The help the dashboard shows ([`help`]) and the terms its chips
//! write ([`with_term`]) live here too.

use std::fmt;

/// Issue statuses.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Unresolved,
    Resolved,
    Ignored,
    Muted,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Unresolved,
        Status::Resolved,
        Status::Ignored,
        Status::Muted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unresolved => "unresolved",
            Status::Resolved => "resolved",
            Status::Ignored => "ignored",
            Status::Muted => "muted",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Status,
    Release,
    Environment,
    Source,
    Route,
    Type,
    /// The assignee: `me`, `none` or a dashboard user's name.
    Assigned,
    /// Free text over error type and message.
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    pub value: String,
    pub negate: bool,
}

impl Term {
    pub fn new(field: Field, value: impl Into<String>) -> Self {
        Self {
            field,
            value: value.into(),
            negate: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search term `{term}`: {message}")]
pub struct SearchError {
    pub term: String,
    pub message: String,
}

fn key_field(key: &str) -> Option<Field> {
    Some(match key {
        "is" | "status" => Field::Status,
        "release" => Field::Release,
        "env" | "environment" => Field::Environment,
        "source" => Field::Source,
        "route" => Field::Route,
        "type" => Field::Type,
        "assigned" | "assignee" => Field::Assigned,
        _ => return None,
    })
}

/// Splits on whitespace, keeping double-quoted parts (quotes removed) together. The flag says
/// whether the token began with a quote (then it is plain text, never `key:value`).
fn tokens(q: &str) -> Result<Vec<(String, bool)>, SearchError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut any = false;
    let mut quoted_start = false;
    // Where the current token began in `q`, to name it when its quote is never closed.
    let mut start = 0;
    for (i, c) in q.char_indices() {
        match c {
            '"' => {
                if !any {
                    quoted_start = true;
                    start = i;
                }
                in_quotes = !in_quotes;
                any = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if any {
                    out.push((std::mem::take(&mut cur), quoted_start));
                    any = false;
                    quoted_start = false;
                }
            }
            c => {
                if !any {
                    start = i;
                }
                cur.push(c);
                any = true;
            }
        }
    }
    if in_quotes {
        return Err(SearchError {
            term: q[start..].trim_end().to_string(),
            message: "unclosed double quote; close it or remove it".into(),
        });
    }
    if any {
        out.push((cur, quoted_start));
    }
    Ok(out)
}

/// The search language as the dashboard's help lists it: (key, an example, what it matches).
/// An empty key is free text. Entries whose key the parser does not know are left out of
/// [`help`], so the help never offers a term that fails.
const HELP: &[(&str, &str, &str)] = &[
    ("", "timeout", "words in the error type or message"),
    (
        "",
        "\"db: down\"",
        "text with spaces or colons, in double quotes",
    ),
    (
        "is",
        "is:unresolved",
        "status: unresolved, resolved, ignored or muted",
    ),
    (
        "release",
        "release:2.1.0",
        "issues with events in that release",
    ),
    (
        "env",
        "env:production",
        "issues with events in that environment (also environment:)",
    ),
    (
        "source",
        "source:ios",
        "where the error came from: ios, android, api, web…",
    ),
    (
        "route",
        "route:\"GET /users\"",
        "route or procedure (quote values with spaces)",
    ),
    ("type", "type:TypeError", "the error type, exactly"),
    ("assigned", "assigned:me", "issues assigned to you"),
    ("assigned", "assigned:none", "issues assigned to no one"),
    (
        "assigned",
        "assigned:<user>",
        "issues assigned to that dashboard user",
    ),
    ("!", "!env:staging", "! before any key: everything but that"),
];

/// The help entries the parser understands: (example, meaning).
pub fn help() -> impl Iterator<Item = (&'static str, &'static str)> {
    HELP.iter()
        .filter(|(k, _, _)| k.is_empty() || *k == "!" || key_field(k).is_some())
        .map(|(_, example, meaning)| (*example, *meaning))
}

/// The keys the parser knows, as `key:` (for error messages).
fn known_keys() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (k, _, _) in HELP {
        let key = format!("{k}:");
        if key_field(k).is_some() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Splits `q` into its raw tokens (quotes kept), as [`tokens`] splits it.
fn raw_tokens(q: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut in_quotes = false;
    for (i, c) in q.char_indices() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if c.is_whitespace() && !in_quotes {
            if let Some(s) = start.take() {
                out.push(&q[s..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&q[s..]);
    }
    out
}

/// `key:value` written so that [`parse`] reads it back: quoted when the value has spaces.
/// `None` when it cannot be written (a double quote in the value, or an empty one).
pub fn term_text(key: &str, value: &str) -> Option<String> {
    if value.is_empty() || value.contains('"') {
        return None;
    }
    if value.chars().any(char::is_whitespace) {
        Some(format!("{key}:\"{value}\""))
    } else {
        Some(format!("{key}:{value}"))
    }
}

/// `q` narrowed to `key:value`: a positive term with the same key (or one of its aliases) is
/// replaced, everything else is kept as typed. `None` when the value cannot be written as a term.
pub fn with_term(q: &str, key: &str, value: &str) -> Option<String> {
    let term = term_text(key, value)?;
    let field = key_field(key);
    let mut kept: Vec<&str> = raw_tokens(q)
        .into_iter()
        .filter(|t| match t.split_once(':') {
            Some((k, _)) if !t.starts_with('"') && !t.starts_with('!') => {
                field.is_none() || key_field(k) != field
            }
            _ => true,
        })
        .collect();
    kept.push(&term);
    Some(kept.join(" "))
}

/// Parses a search string into terms (all of which must hold).
pub fn parse(q: &str) -> Result<Vec<Term>, SearchError> {
    let mut terms = Vec::new();
    for (raw, quoted) in tokens(q)? {
        let (negate, body) = match raw.strip_prefix('!') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, raw.as_str()),
        };
        let keyed = body.split_once(':').filter(|(k, _)| {
            !quoted && !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        });
        let term = match keyed {
            Some((k, v)) => {
                let field = key_field(k).ok_or_else(|| SearchError {
                    term: raw.clone(),
                    message: format!(
                        "unknown key `{k}`; use {}, or quote the text",
                        known_keys().join(", ")
                    ),
                })?;
                if v.is_empty() {
                    return Err(SearchError {
                        term: raw.clone(),
                        message: "missing value after the colon".into(),
                    });
                }
                if field == Field::Status && Status::parse(v).is_none() {
                    return Err(SearchError {
                        term: raw.clone(),
                        message: "status must be unresolved, resolved, ignored or muted".into(),
                    });
                }
                Term {
                    field,
                    value: v.to_string(),
                    negate,
                }
            }
            None => Term {
                field: Field::Text,
                value: body.to_string(),
                negate,
            },
        };
        terms.push(term);
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_negation_quotes_and_text() {
        let t =
            parse(r#"is:unresolved !env:staging route:"GET /users" timeout "db: down""#).unwrap();
        assert_eq!(t[0], Term::new(Field::Status, "unresolved"));
        assert_eq!(
            t[1],
            Term {
                field: Field::Environment,
                value: "staging".into(),
                negate: true
            }
        );
        assert_eq!(t[2], Term::new(Field::Route, "GET /users"));
        assert_eq!(t[3], Term::new(Field::Text, "timeout"));
        assert_eq!(t[4], Term::new(Field::Text, "db: down"));
        assert_eq!(parse("  ").unwrap(), vec![]);
        let t = parse(r#"assigned:me !assigned:none assigned:"Ana Lima""#).unwrap();
        assert_eq!(t[0], Term::new(Field::Assigned, "me"));
        assert!(t[1].negate && t[1].field == Field::Assigned && t[1].value == "none");
        assert_eq!(t[2], Term::new(Field::Assigned, "Ana Lima"));
    }

    #[test]
    fn bad_terms_say_which() {
        let e = parse("is:broken").unwrap_err();
        assert_eq!(e.term, "is:broken");
        let e = parse("colour:red").unwrap_err();
        assert!(e.message.contains("unknown key"));
        assert!(parse("release:").is_err());
        assert!(parse("\"open").is_err());
        // The unclosed fragment is named, not the whole query.
        let e = parse("type:TypeError \"db down").unwrap_err();
        assert_eq!(e.term, "\"db down");
        assert!(e.to_string().contains("`\"db down`"), "{e}");
        // Unknown keys list the known ones.
        let e = parse("colour:red").unwrap_err();
        assert!(e.to_string().contains("`colour:red`"), "{e}");
        assert!(e.message.contains("release:, env:"), "{}", e.message);
    }

    #[test]
    fn every_help_example_parses() {
        let examples: Vec<&str> = help().map(|(e, _)| e).collect();
        assert!(examples.contains(&"release:2.1.0"), "{examples:?}");
        for e in examples {
            assert!(parse(e).is_ok(), "{e}");
        }
        // Each key the help shows is one the parser knows, and the other way round.
        for k in ["is", "release", "env", "source", "route", "type"] {
            assert!(help().any(|(e, _)| e.starts_with(&format!("{k}:"))), "{k}");
        }
    }

    #[test]
    fn chips_replace_a_term_of_the_same_key() {
        assert_eq!(with_term("", "release", "2.1.0").unwrap(), "release:2.1.0");
        assert_eq!(
            with_term("timeout release:1.0 !env:dev", "release", "2.1.0").unwrap(),
            "timeout !env:dev release:2.1.0"
        );
        assert_eq!(
            with_term("environment:prod \"a b\"", "env", "staging").unwrap(),
            "\"a b\" env:staging"
        );
        let q = with_term("x", "route", "GET /users").unwrap();
        assert_eq!(q, "x route:\"GET /users\"");
        assert_eq!(parse(&q).unwrap()[1], Term::new(Field::Route, "GET /users"));
        assert_eq!(with_term("", "route", "say \"hi\""), None);
    }
}
