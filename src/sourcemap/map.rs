//! Source map v3 (<https://tc39.es/ecma426/>), decoded once into a table of mappings sorted by
//! generated position, so a frame is resolved with one binary search. Index maps (`sections`
//! with inline `map`s) are flattened into the same table. `sourcesContent` is not kept: only what
//! resolution needs stays in memory.

use serde::Deserialize;
use serde_json::value::RawValue;

/// Why a file is not a usable source map.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MapError {
    #[error("not a source map: {0}")]
    Json(String),
    #[error("source map version {0} is not supported (only 3)")]
    Version(i64),
    #[error("bad `mappings` at byte {0}: {1}")]
    Mappings(usize, &'static str),
    #[error("index map sections with a `url` are not supported: inline each section's `map`")]
    SectionUrl,
    #[error("index maps nested deeper than 4 levels")]
    TooDeep,
}

/// "No source" / "no name" in a [`Token`].
const NONE: u32 = u32::MAX;

/// One mapping: a generated position (0-based line and column) and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    line: u32,
    col: u32,
    src: u32,
    src_line: u32,
    src_col: u32,
    name: u32,
}

/// A parsed source map.
#[derive(Debug, Default)]
pub struct SourceMap {
    tokens: Vec<Token>,
    sources: Vec<String>,
    names: Vec<String>,
    /// The map's own `debug_id` / `debugId`, when it has one.
    pub debug_id: Option<String>,
    /// The map's `file` field.
    pub file: Option<String>,
}

/// Where a generated position came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The original source, with `sourceRoot` applied.
    pub source: &'a str,
    /// 0-based.
    pub line: u32,
    /// 0-based.
    pub col: u32,
    /// The original name at this position, when the bundler recorded one.
    pub name: Option<&'a str>,
}

#[derive(Deserialize)]
struct Raw<'a> {
    version: Option<i64>,
    #[serde(default)]
    file: Option<String>,
    #[serde(default, rename = "sourceRoot")]
    source_root: Option<String>,
    #[serde(default)]
    sources: Vec<Option<String>>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default, borrow)]
    mappings: Option<&'a RawValue>,
    #[serde(default)]
    sections: Option<Vec<Section<'a>>>,
    #[serde(default)]
    debug_id: Option<String>,
    #[serde(default, rename = "debugId")]
    debug_id_camel: Option<String>,
}

#[derive(Deserialize)]
struct Section<'a> {
    offset: Offset,
    #[serde(default, borrow)]
    map: Option<&'a RawValue>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct Offset {
    line: u32,
    column: u32,
}

impl SourceMap {
    /// Parses a source map (plain or index map).
    pub fn parse(bytes: &[u8]) -> Result<SourceMap, MapError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| MapError::Json("the file is not UTF-8".into()))?;
        // Some servers prefix maps with `)]}'` against JSON hijacking; the spec allows it.
        let text = text
            .strip_prefix(")]}'")
            .map_or(text, |t| t.trim_start_matches(|c| c != '\n'));
        let mut map = SourceMap::default();
        map.add(text, 0, 0, 0)?;
        map.tokens.sort_by_key(|t| (t.line, t.col));
        Ok(map)
    }

    fn add(&mut self, text: &str, line0: u32, col0: u32, depth: u8) -> Result<(), MapError> {
        if depth > 4 {
            return Err(MapError::TooDeep);
        }
        let raw: Raw = serde_json::from_str(text).map_err(|e| MapError::Json(e.to_string()))?;
        match raw.version {
            Some(3) => {}
            Some(v) => return Err(MapError::Version(v)),
            None => return Err(MapError::Json("missing `version`".into())),
        }
        if depth == 0 {
            self.debug_id = raw.debug_id.or(raw.debug_id_camel);
            self.file = raw.file;
        }
        if let Some(sections) = raw.sections {
            for s in sections {
                if s.url.is_some() && s.map.is_none() {
                    return Err(MapError::SectionUrl);
                }
                let Some(m) = s.map else { continue };
                let (l, c) = (
                    line0.saturating_add(s.offset.line),
                    if s.offset.line == 0 {
                        col0.saturating_add(s.offset.column)
                    } else {
                        s.offset.column
                    },
                );
                self.add(m.get(), l, c, depth + 1)?;
            }
            return Ok(());
        }
        let mappings: String = match raw.mappings {
            Some(m) => serde_json::from_str(m.get())
                .map_err(|_| MapError::Json("`mappings` must be a string".into()))?,
            None => return Err(MapError::Json("missing `mappings`".into())),
        };
        let root = raw.source_root.filter(|r| !r.is_empty()).map(|r| {
            if r.ends_with('/') {
                r
            } else {
                r + "/"
            }
        });
        let src_base = self.sources.len() as u32;
        let name_base = self.names.len() as u32;
        for s in raw.sources {
            let s = s.unwrap_or_default();
            let absolute = s.starts_with('/') || s.contains("://");
            self.sources.push(match &root {
                Some(r) if !absolute => format!("{r}{s}"),
                _ => s,
            });
        }
        let (n_sources, n_names) = (self.sources.len() as u32 - src_base, raw.names.len() as u32);
        self.names.extend(raw.names);
        decode(mappings.as_bytes(), line0, col0, |mut t| {
            if t.src != NONE {
                if t.src >= n_sources {
                    return Err("source index out of range");
                }
                t.src += src_base;
            }
            if t.name != NONE {
                // A name past the table is ignored rather than failing the whole map.
                t.name = if t.name < n_names {
                    t.name + name_base
                } else {
                    NONE
                };
            }
            self.tokens.push(t);
            Ok(())
        })
    }

    /// Where the generated position (0-based line and column) came from: the closest mapping
    /// at or before it on the same line.
    pub fn lookup(&self, line: u32, col: u32) -> Option<Origin<'_>> {
        let i = self
            .tokens
            .partition_point(|t| (t.line, t.col) <= (line, col));
        let t = self.tokens.get(i.checked_sub(1)?)?;
        if t.line != line || t.src == NONE {
            return None;
        }
        Some(Origin {
            source: self.sources.get(t.src as usize)?,
            line: t.src_line,
            col: t.src_col,
            name: (t.name != NONE)
                .then(|| self.names.get(t.name as usize).map(String::as_str))
                .flatten(),
        })
    }

    /// Bytes this map holds in memory, roughly (what the cache counts).
    pub fn weight(&self) -> usize {
        self.tokens.len() * std::mem::size_of::<Token>()
            + self.sources.iter().map(|s| s.len() + 24).sum::<usize>()
            + self.names.iter().map(|s| s.len() + 24).sum::<usize>()
            + 128
    }

    /// How many mappings it has.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// The value of one base64 digit, or `None`.
fn b64(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// Decodes `mappings` (base64 VLQ), calling `emit` for each segment with a source; positions
/// are absolute (the format's deltas applied), generated lines offset by `line0` and the first
/// line's columns by `col0`.
fn decode(
    m: &[u8],
    line0: u32,
    col0: u32,
    mut emit: impl FnMut(Token) -> Result<(), &'static str>,
) -> Result<(), MapError> {
    let mut line = line0;
    let (mut col, mut src, mut src_line, mut src_col, mut name) = (0i64, 0i64, 0i64, 0i64, 0i64);
    let mut fields = [0i64; 5];
    let mut i = 0;
    while i < m.len() {
        match m[i] {
            b';' => {
                line = line.saturating_add(1);
                col = 0;
                i += 1;
                continue;
            }
            b',' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        let mut n = 0;
        while i < m.len() && m[i] != b',' && m[i] != b';' {
            if n == 5 {
                return Err(MapError::Mappings(
                    start,
                    "a segment has more than 5 fields",
                ));
            }
            let mut value: u64 = 0;
            let mut shift = 0;
            loop {
                let Some(&c) = m.get(i) else {
                    return Err(MapError::Mappings(i, "a number runs past the end"));
                };
                let d = b64(c).ok_or(MapError::Mappings(i, "not a base64 digit"))?;
                i += 1;
                if shift > 60 {
                    return Err(MapError::Mappings(i, "a number is too large"));
                }
                value |= u64::from(d & 31) << shift;
                shift += 5;
                if d & 32 == 0 {
                    break;
                }
            }
            let magnitude = (value >> 1) as i64;
            fields[n] = if value & 1 == 1 {
                -magnitude
            } else {
                magnitude
            };
            n += 1;
        }
        if !matches!(n, 1 | 4 | 5) {
            return Err(MapError::Mappings(
                start,
                "a segment needs 1, 4 or 5 fields",
            ));
        }
        col += fields[0];
        let mut t = Token {
            line,
            col: 0,
            src: NONE,
            src_line: 0,
            src_col: 0,
            name: NONE,
        };
        if n >= 4 {
            src += fields[1];
            src_line += fields[2];
            src_col += fields[3];
            if n == 5 {
                name += fields[4];
            }
            let ok = |v: i64| u32::try_from(v).ok().filter(|v| *v != NONE);
            let (Some(s), Some(sl), Some(sc)) = (ok(src), ok(src_line), ok(src_col)) else {
                return Err(MapError::Mappings(start, "a negative or huge position"));
            };
            t.src = s;
            t.src_line = sl;
            t.src_col = sc;
            if n == 5 {
                t.name = ok(name).unwrap_or(NONE);
            }
        }
        let c = u32::try_from(col).map_err(|_| MapError::Mappings(start, "a negative column"))?;
        t.col = if line == line0 {
            c.saturating_add(col0)
        } else {
            c
        };
        // A segment with only a column (no source) is kept too: it ends the previous
        // mapping's range.
        emit(t).map_err(|e| MapError::Mappings(start, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Base64-VLQ encoding, for building maps in tests.
    fn vlq(mut v: i64, out: &mut String) {
        const D: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut x: u64 = if v < 0 {
            v = -v;
            ((v as u64) << 1) | 1
        } else {
            (v as u64) << 1
        };
        loop {
            let mut d = (x & 31) as usize;
            x >>= 5;
            if x > 0 {
                d |= 32;
            }
            out.push(D[d] as char);
            if x == 0 {
                break;
            }
        }
    }

    #[test]
    fn decodes_the_spec_example_and_looks_up_positions() {
        // "AAAA,IAAI;AACA" : line 0 col 0 → src 0 (0,0); line 0 col 4 → (0,4); line 1 col 0 → (1,4)
        let m = r#"{"version":3,"sources":["a.js"],"names":["foo"],"mappings":"AAAAA,IAAI;AACA"}"#;
        let map = SourceMap::parse(m.as_bytes()).unwrap();
        assert_eq!(map.len(), 3);
        let o = map.lookup(0, 0).unwrap();
        assert_eq!(
            (o.source, o.line, o.col, o.name),
            ("a.js", 0, 0, Some("foo"))
        );
        let o = map.lookup(0, 7).unwrap();
        assert_eq!((o.line, o.col, o.name), (0, 4, None));
        let o = map.lookup(1, 99).unwrap();
        assert_eq!((o.line, o.col), (1, 4));
        assert!(map.lookup(2, 0).is_none(), "no mapping on that line");
    }

    #[test]
    fn random_tokens_round_trip_through_vlq() {
        use rand::Rng;
        let mut rng = rand::rng();
        let mut expected = Vec::new();
        let mut text = String::new();
        let (mut ps, mut pl, mut pc, mut pn) = (0i64, 0i64, 0i64, 0i64);
        for line in 0..200u32 {
            if line > 0 {
                text.push(';');
            }
            let mut pcol = 0i64;
            let mut col = 0u32;
            for k in 0..rng.random_range(0..20) {
                col += rng.random_range(1..500);
                let (s, l, c, n) = (
                    rng.random_range(0..3i64),
                    rng.random_range(0..100_000i64),
                    rng.random_range(0..300i64),
                    rng.random_range(0..5i64),
                );
                if k > 0 {
                    text.push(',');
                }
                vlq(i64::from(col) - pcol, &mut text);
                vlq(s - ps, &mut text);
                vlq(l - pl, &mut text);
                vlq(c - pc, &mut text);
                vlq(n - pn, &mut text);
                (pcol, ps, pl, pc, pn) = (i64::from(col), s, l, c, n);
                expected.push((line, col, s as u32, l as u32, c as u32, n as u32));
            }
        }
        let json = format!(
            r#"{{"version":3,"sourceRoot":"src","sources":["a.js","b.js","c.js"],"names":["n0","n1","n2","n3","n4"],"mappings":"{text}"}}"#
        );
        let map = SourceMap::parse(json.as_bytes()).unwrap();
        assert_eq!(map.len(), expected.len());
        for (line, col, s, l, c, n) in expected {
            let o = map.lookup(line, col).unwrap();
            assert_eq!(
                o.source,
                format!("src/{}", ["a.js", "b.js", "c.js"][s as usize])
            );
            assert_eq!((o.line, o.col), (l, c));
            assert_eq!(o.name, Some(format!("n{n}").as_str()));
        }
    }

    #[test]
    fn index_maps_are_flattened_with_their_offsets() {
        let m = r#"{"version":3,"sections":[
            {"offset":{"line":0,"column":0},"map":{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"}},
            {"offset":{"line":0,"column":100},"map":{"version":3,"sources":["b.js"],"names":["x"],"mappings":"AACAA"}},
            {"offset":{"line":5,"column":0},"map":{"version":3,"sources":["c.js"],"names":[],"mappings":";AAEA"}}
        ]}"#;
        let map = SourceMap::parse(m.as_bytes()).unwrap();
        assert_eq!(map.lookup(0, 50).unwrap().source, "a.js");
        let o = map.lookup(0, 120).unwrap();
        assert_eq!((o.source, o.line, o.name), ("b.js", 1, Some("x")));
        let o = map.lookup(6, 3).unwrap();
        assert_eq!((o.source, o.line), ("c.js", 2));
    }

    #[test]
    fn bad_maps_say_what_is_wrong() {
        let e = |s: &str| SourceMap::parse(s.as_bytes()).unwrap_err().to_string();
        assert!(e("nope").starts_with("not a source map"));
        assert!(e(r#"{"version":2,"mappings":""}"#).contains("version 2"));
        assert!(e(r#"{"version":3,"sources":[],"mappings":"AAAA"}"#).contains("source index"));
        assert!(e(r#"{"version":3,"sources":["a"],"mappings":"AA!A"}"#).contains("base64"));
        assert!(e(r#"{"version":3,"sources":["a"],"mappings":"AAg"}"#).contains("past the end"));
        assert!(e(r#"{"version":3,"sources":["a"],"mappings":"AA"}"#).contains("1, 4 or 5"));
        assert!(
            e(r#"{"version":3,"sections":[{"offset":{"line":0,"column":0},"url":"x.map"}]}"#)
                .contains("url")
        );
        // The JSON-hijacking prefix and both debug id spellings.
        let ok = SourceMap::parse(
            b")]}'\n{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"AAAA\",\"debugId\":\"x\"}",
        )
        .unwrap();
        assert_eq!(ok.debug_id.as_deref(), Some("x"));
    }
}
