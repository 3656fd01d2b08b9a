//! What an upload holds: bundles (`.js`, `.mjs`, `.cjs`) and maps (`.map`) paired into one
//! stored map per minified file, named as stack frames will name it (`--url-prefix` + the
//! file's path), with its debug ID from `//# debugId=` or the map. Also the multipart bodies the
//! CLI sends and the API reads.

use base64::Engine;

use super::map::SourceMap;
use super::{normalize_debug_id, SourcemapError};

/// One uploaded file: its path relative to what was uploaded (`/`-separated) and its bytes.
#[derive(Debug, Clone)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// One map to store.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The minified file's name as frames give it: `~/static/js/app.min.js`.
    pub name: String,
    /// The map's own path in the upload (`<bundle> (inline)` for a map inside its bundle).
    pub map_path: String,
    /// The bundle it was paired with, if any.
    pub bundle_path: Option<String>,
    pub map: Vec<u8>,
    pub debug_id: Option<String>,
    pub mappings: usize,
}

/// What pairing made of the files.
#[derive(Debug, Default)]
pub struct Paired {
    pub uploads: Vec<Upload>,
    /// Bundles with no map found (named, not refused: a directory upload sees vendor files).
    pub without_map: Vec<String>,
}

pub fn is_bundle(path: &str) -> bool {
    [".js", ".mjs", ".cjs"].iter().any(|e| path.ends_with(e))
}

pub fn is_map(path: &str) -> bool {
    path.ends_with(".map")
}

/// The value of the last `//# key=value` (or `//@ key=value`) comment in the file's tail.
fn comment(bytes: &[u8], key: &str) -> Option<String> {
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    let text = String::from_utf8_lossy(tail);
    text.lines().rev().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("//#").or_else(|| l.strip_prefix("//@"))?;
        let v = rest.trim_start().strip_prefix(key)?.strip_prefix('=')?;
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_string())
    })
}

/// `path` joined to the directory of `base` (both `/`-separated), `.` and `..` folded.
pub fn join(base: &str, path: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The name a bundle at `path` gets under `prefix` (`~` by default: any host).
pub fn name_for(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim().trim_end_matches('/');
    let path = path.trim_start_matches("./").trim_start_matches('/');
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{prefix}/{path}")
    }
}

fn checked(map_path: &str, bytes: &[u8]) -> Result<SourceMap, SourcemapError> {
    SourceMap::parse(bytes).map_err(|e| SourcemapError::invalid(map_path, e.to_string()))
}

/// Pairs bundles with their maps: the bundle's `sourceMappingURL` (a path beside it, or an
/// inline `data:` map), else `<bundle>.map`; a map left over is stored under its own name less
/// `.map`. Every map is parsed once here, so a broken one is refused by name.
pub fn pair(files: Vec<File>, url_prefix: &str) -> Result<Paired, SourcemapError> {
    let mut maps: Vec<(String, Vec<u8>, bool)> = Vec::new();
    let mut bundles: Vec<File> = Vec::new();
    for f in files {
        let path = f.path.replace('\\', "/");
        if path.split('/').any(|s| s == "..") {
            return Err(SourcemapError::invalid(
                &path,
                "a file name may not go up (`..`)",
            ));
        }
        if is_map(&path) {
            maps.push((path, f.bytes, false));
        } else if is_bundle(&path) {
            bundles.push(File {
                path,
                bytes: f.bytes,
            });
        } else {
            return Err(SourcemapError::invalid(
                &path,
                "only .js, .mjs, .cjs and .map files are taken",
            ));
        }
    }
    let mut out = Paired::default();
    for b in bundles {
        let url = comment(&b.bytes, "sourceMappingURL");
        let js_debug = comment(&b.bytes, "debugId").and_then(|d| normalize_debug_id(&d));
        let mut found: Option<(String, Vec<u8>)> = None;
        if let Some(u) = url.as_deref().filter(|u| u.starts_with("data:")) {
            let (meta, data) = u.split_once(',').unwrap_or((u, ""));
            let bytes = if meta.ends_with(";base64") {
                base64::engine::general_purpose::STANDARD
                    .decode(data.trim())
                    .map_err(|e| {
                        SourcemapError::invalid(&b.path, format!("its inline source map: {e}"))
                    })?
            } else {
                data.as_bytes().to_vec()
            };
            found = Some((format!("{} (inline)", b.path), bytes));
        } else {
            let wanted = match url.as_deref() {
                Some(u) if !u.contains("://") => {
                    join(&b.path, u.split(['?', '#']).next().unwrap_or(u))
                }
                _ => format!("{}.map", b.path),
            };
            let alt = format!("{}.map", b.path);
            let hit = match maps.iter().position(|m| m.0 == wanted) {
                Some(i) => Some(i),
                None => maps.iter().position(|m| m.0 == alt),
            };
            if let Some(i) = hit {
                maps[i].2 = true;
                found = Some((maps[i].0.clone(), maps[i].1.clone()));
            }
        }
        let Some((map_path, bytes)) = found else {
            out.without_map.push(b.path);
            continue;
        };
        let parsed = checked(&map_path, &bytes)?;
        out.uploads.push(Upload {
            name: name_for(url_prefix, &b.path),
            bundle_path: Some(b.path.clone()),
            map_path,
            debug_id: js_debug.or_else(|| parsed.debug_id.as_deref().and_then(normalize_debug_id)),
            mappings: parsed.len(),
            map: bytes,
        });
    }
    for (path, bytes, used) in maps {
        if used {
            continue;
        }
        let parsed = checked(&path, &bytes)?;
        let bundle = path.strip_suffix(".map").unwrap_or(&path);
        out.uploads.push(Upload {
            name: name_for(url_prefix, bundle),
            debug_id: parsed.debug_id.as_deref().and_then(normalize_debug_id),
            mappings: parsed.len(),
            bundle_path: None,
            map_path: path,
            map: bytes,
        });
    }
    Ok(out)
}

/// One part of a `multipart/form-data` body.
#[derive(Debug)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        (!v.is_empty() && v.len() <= 70).then(|| v.to_string())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..].starts_with(needle))
}

/// A `Content-Disposition` parameter (`name="x"`), quotes and `\"` handled.
fn disposition_param(header: &str, key: &str) -> Option<String> {
    let mut rest = header;
    while let Some(i) = rest.find(key) {
        let before_ok = i == 0 || matches!(rest.as_bytes()[i - 1], b';' | b' ' | b'\t');
        let after = &rest[i + key.len()..];
        if before_ok {
            if let Some(v) = after.strip_prefix('=') {
                if let Some(q) = v.strip_prefix('"') {
                    let mut out = String::new();
                    let mut chars = q.chars();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => out.extend(chars.next()),
                            '"' => return Some(out),
                            c => out.push(c),
                        }
                    }
                    return None;
                }
                return Some(v.split(';').next().unwrap_or("").trim().to_string());
            }
        }
        rest = after;
    }
    None
}

/// Splits a `multipart/form-data` body into its parts.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}");
    let mut at = find(body, delim.as_bytes(), 0).ok_or("the boundary is not in the body")?;
    let mut parts = Vec::new();
    loop {
        at += delim.len();
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        // The rest of the delimiter line.
        let line_end = find(body, b"\r\n", at).ok_or("a part has no headers")?;
        let head_end = find(body, b"\r\n\r\n", line_end).ok_or("a part's headers do not end")?;
        let head = std::str::from_utf8(&body[line_end + 2..head_end])
            .map_err(|_| "a part's headers are not UTF-8")?;
        let next = find(body, format!("\r\n{delim}").as_bytes(), head_end + 4)
            .ok_or("the body ends inside a part (no closing boundary)")?;
        let mut name = None;
        let mut filename = None;
        for h in head.split("\r\n") {
            let Some((k, v)) = h.split_once(':') else {
                continue;
            };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                name = disposition_param(v, "name");
                filename = disposition_param(v, "filename");
            }
        }
        parts.push(Part {
            name: name.ok_or("a part has no name in Content-Disposition")?,
            filename,
            bytes: body[head_end + 4..next].to_vec(),
        });
        at = next + 2;
        if parts.len() > 10_000 {
            return Err("more than 10000 parts".into());
        }
    }
}

/// A `multipart/form-data` body of `files` (part name `file`, the path as file name), with
/// its content type.
pub fn build_multipart(files: &[File]) -> (String, Vec<u8>) {
    let boundary = format!("bloop-{:032x}", rand::random::<u128>());
    let mut body = Vec::new();
    for f in files {
        let name = f.path.replace(['"', '\r', '\n'], "_");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&f.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = r#"{"version":3,"sources":["../src/a.js"],"names":["f"],"mappings":"AAAAA"}"#;

    fn file(path: &str, bytes: &str) -> File {
        File {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    #[test]
    fn bundles_pair_with_their_maps_by_comment_by_name_and_inline() {
        let inline = base64::engine::general_purpose::STANDARD.encode(MAP);
        let files = vec![
            file(
                "js/app.min.js",
                "a();\n//# sourceMappingURL=maps/app.js.map\n//# debugId=8C5D3D7A-6B0E-4F6A-9F58-1C2D3E4F5A6B\n",
            ),
            file("js/maps/app.js.map", MAP),
            file("js/vendor.js", "v();"),
            file("js/vendor.js.map", MAP),
            file("js/inline.js", &format!("x();\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,{inline}")),
            file("js/lone.js.map", &MAP.replace("}", r#","debug_id":"11111111-2222-3333-4444-555555555555"}"#)),
            file("js/nomap.js", "y();"),
        ];
        let p = pair(files, "~/static").unwrap();
        let names: Vec<(&str, Option<&str>)> = p
            .uploads
            .iter()
            .map(|u| (u.name.as_str(), u.debug_id.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![
                (
                    "~/static/js/app.min.js",
                    Some("8c5d3d7a-6b0e-4f6a-9f58-1c2d3e4f5a6b")
                ),
                ("~/static/js/vendor.js", None),
                ("~/static/js/inline.js", None),
                (
                    "~/static/js/lone.js",
                    Some("11111111-2222-3333-4444-555555555555")
                ),
            ]
        );
        assert_eq!(p.without_map, vec!["js/nomap.js"]);
        assert_eq!(p.uploads[0].map_path, "js/maps/app.js.map");
    }

    #[test]
    fn bad_files_are_named() {
        let e = pair(vec![file("a.js", "x"), file("a.js.map", "{")], "~").unwrap_err();
        assert!(
            e.to_string().starts_with("a.js.map: not a source map"),
            "{e}"
        );
        let e = pair(vec![file("notes.txt", "x")], "~").unwrap_err();
        assert!(e.to_string().contains("only .js"), "{e}");
        let e = pair(vec![file("../etc/x.map", MAP)], "~").unwrap_err();
        assert!(e.to_string().contains("may not go up"), "{e}");
    }

    #[test]
    fn multipart_round_trips() {
        let files = vec![
            file("dir/a \"q\".js", "a\r\n--not-the-boundary\r\n"),
            file("b.js.map", MAP),
        ];
        let (ct, body) = build_multipart(&files);
        let b = boundary(&ct).unwrap();
        let parts = parse_multipart(&body, &b).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].filename.as_deref(), Some("dir/a _q_.js"));
        assert_eq!(parts[0].bytes, b"a\r\n--not-the-boundary\r\n");
        assert_eq!(parts[1].bytes, MAP.as_bytes());
        assert!(parse_multipart(b"junk", &b).is_err());
        let cut = &body[..body.len() - 20];
        assert!(parse_multipart(cut, &b).is_err());
        assert_eq!(boundary("application/json"), None);
        assert_eq!(
            disposition_param(r#" form-data; name="file"; filename="a\"b.js""#, "filename")
                .as_deref(),
            Some("a\"b.js")
        );
    }

    #[test]
    fn names_join_and_fold() {
        assert_eq!(join("js/app.js", "../maps/app.map"), "maps/app.map");
        assert_eq!(join("app.js", "app.js.map"), "app.js.map");
        assert_eq!(name_for("~/", "./a/b.js"), "~/a/b.js");
        assert_eq!(name_for("", "b.js"), "b.js");
    }
}
