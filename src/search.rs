//! The issue search language, shared by the API's `q`, the CLI and the dashboard:
//! free text over type and message, plus `key:value` terms — `is:unresolved|resolved|ignored|muted`,
//! `release:`, `env:`, `source:`, `route:`, `type:`, `assigned:me|none|<user>` — and `!key:value`
//! to negate. Values with spaces (or colons) go in double quotes: `route:"GET /users"`,
//! `"timeout: 30s"`. `assigned:me` is the signed-in dashboard user (a token has none: the query
//! layer refuses it there).

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
    for c in q.chars() {
        match c {
            '"' => {
                if !any {
                    quoted_start = true;
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
                cur.push(c);
                any = true;
            }
        }
    }
    if in_quotes {
        return Err(SearchError {
            term: q.to_string(),
            message: "unclosed double quote".into(),
        });
    }
    if any {
        out.push((cur, quoted_start));
    }
    Ok(out)
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
                        "unknown key `{k}`; use is:, release:, env:, source:, route:, type:, assigned:, or quote the text"
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
    }
}
