//! Minified frames resolved at ingest. A frame whose file has a map (by debug ID from the
//! event's `debug_meta`, else by name within the event's release) is rewritten to the original
//! file, line, column and function, the minified frame kept beside it under `minified`; frames
//! without a map stay as sent. Which maps a project has is cached for a few seconds; parsed maps
//! are kept in a least-recently-used cache bounded in bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::map::SourceMap;
use crate::ingest::sentry::Mapped;

/// How long the list of a project's maps, and a debug-ID lookup, are trusted: maps uploaded by
/// another process (the CLI on the database file) are used within this.
const CATALOG_TTL: Duration = Duration::from_secs(5);

/// A map that failed to load is not retried before this.
const FAILED_TTL: Duration = Duration::from_secs(60);

/// The maps a project has for one release (its own and the release-less ones).
#[derive(Default)]
struct Catalog {
    /// Name → id; the release's own map wins over a release-less one.
    exact: HashMap<String, i64>,
    /// File name (last segment) → (name, id, the release's own).
    base: HashMap<String, Vec<(String, i64, bool)>>,
}

impl Catalog {
    fn new(rows: Vec<(i64, String, String)>) -> Self {
        let mut c = Catalog::default();
        let mut rows = rows;
        // Release-less first, so the release's own overwrite them in `exact`.
        rows.sort_by_key(|r| !r.2.is_empty());
        for (id, name, release) in rows {
            c.base
                .entry(last_segment(&name).to_string())
                .or_default()
                .push((name.clone(), id, !release.is_empty()));
            c.exact.insert(name, id);
        }
        c
    }

    /// The map for a frame's file: by exact name, by `~` + its path, else the one name sharing
    /// the longest path suffix with it (ties: none).
    fn find(&self, file: &str) -> Option<i64> {
        let file = file.split(['?', '#']).next().unwrap_or(file);
        if let Some(id) = self.exact.get(file) {
            return Some(*id);
        }
        let path = match file.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
            None => file,
        };
        if path.starts_with('/') {
            if let Some(id) = self.exact.get(&format!("~{path}")) {
                return Some(*id);
            }
        }
        let candidates = self.base.get(last_segment(path))?;
        let mut best: Option<(usize, i64)> = None;
        let mut tie = false;
        for (name, id, own) in candidates {
            let score = common_suffix(name, path) * 2 + usize::from(*own);
            match best {
                Some((s, _)) if s == score => tie = true,
                Some((s, _)) if s > score => {}
                _ => {
                    best = Some((score, *id));
                    tie = false;
                }
            }
        }
        if tie {
            return None;
        }
        best.map(|(_, id)| id)
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// How many trailing `/`-segments two paths share.
fn common_suffix(a: &str, b: &str) -> usize {
    a.rsplit('/')
        .zip(b.rsplit('/'))
        .take_while(|(x, y)| x == y && !x.is_empty())
        .count()
}

/// The original source as shown: bundler prefixes (`webpack://app/`) and leading `./` and
/// `../` taken off.
fn clean_source(s: &str) -> String {
    let mut s = s;
    if let Some(rest) = s.strip_prefix("webpack://") {
        s = rest.find('/').map_or(rest, |i| &rest[i + 1..]);
    } else if let Some(rest) = s.strip_prefix("file://") {
        s = rest;
    }
    loop {
        if let Some(r) = s.strip_prefix("./") {
            s = r;
        } else if let Some(r) = s.strip_prefix("../") {
            s = r;
        } else {
            break;
        }
    }
    s.to_string()
}

#[derive(Default)]
struct Inner {
    catalogs: HashMap<(Arc<str>, String), (Arc<Catalog>, Instant)>,
    debug_ids: HashMap<(Arc<str>, String), (Option<i64>, Instant)>,
    /// Parsed maps by id, with the tick they were last used at.
    maps: HashMap<i64, (Arc<SourceMap>, u64)>,
    weight: usize,
    tick: u64,
    failed: HashMap<i64, Instant>,
}

/// The server's source map resolver (one per server).
pub struct Resolver {
    inner: Mutex<Inner>,
    budget: usize,
    /// One load at a time: requests arriving while a map is parsed wait for it instead of each
    /// parsing it again.
    loading: tokio::sync::Mutex<()>,
}

/// Counters of one [`Resolver::resolve`] call.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub frames: usize,
    pub maps_loaded: usize,
}

/// Where a frame's map comes from.
fn frame_file(f: &Value) -> Option<&str> {
    f.get("abs_path")
        .and_then(Value::as_str)
        .or_else(|| f.get("filename").and_then(Value::as_str))
}

fn looks_minified_js(file: &str) -> bool {
    let path = file.split(['?', '#']).next().unwrap_or(file);
    super::upload::is_bundle(path)
}

fn position(f: &Value) -> Option<(u32, u32)> {
    let line = f.get("lineno")?.as_u64()?;
    let col = f.get("colno")?.as_u64()?;
    Some((
        u32::try_from(line.checked_sub(1)?).ok()?,
        u32::try_from(col.checked_sub(1)?).ok()?,
    ))
}

impl Resolver {
    /// A resolver keeping at most `cache_bytes` of parsed maps.
    pub fn new(cache_bytes: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            budget: cache_bytes,
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// Forgets what is known of `project`'s maps (after an upload or a delete here).
    pub fn invalidate(&self, project: &str) {
        if let Ok(mut g) = self.inner.lock() {
            g.catalogs.retain(|k, _| &*k.0 != project);
            g.debug_ids.retain(|k, _| &*k.0 != project);
        }
    }

    /// Bytes of parsed maps held now.
    pub fn cached_bytes(&self) -> usize {
        self.inner.lock().map_or(0, |g| g.weight)
    }

    /// Resolves the minified frames of `events` (all of `project`) and re-renders the events
    /// that changed. Database trouble leaves the frames as sent (logged), never fails ingest.
    pub async fn resolve(
        &self,
        pool: &crate::store::Db,
        project: &Arc<str>,
        events: &mut [Mapped],
        max_stack_bytes: usize,
    ) -> Resolved {
        // Which releases and debug IDs matter: only events with a JS frame that has a position.
        let mut releases: Vec<String> = Vec::new();
        let mut debug_ids: Vec<String> = Vec::new();
        for m in events.iter() {
            let mut any = false;
            for f in &m.frames {
                let Some(file) = frame_file(f) else { continue };
                if position(f).is_none() {
                    continue;
                }
                let by_debug = m.debug_images.iter().find(|(code, _)| code == file);
                if let Some((_, id)) = by_debug {
                    if !debug_ids.contains(id) {
                        debug_ids.push(id.clone());
                    }
                    any = true;
                } else if looks_minified_js(file) {
                    any = true;
                }
            }
            if any && !releases.contains(&m.event.release) {
                releases.push(m.event.release.clone());
            }
        }
        if releases.is_empty() {
            return Resolved::default();
        }
        // Catalogs and debug IDs not known (or stale): one trip to the database.
        let now = Instant::now();
        let (need_rel, need_dbg): (Vec<String>, Vec<String>) = match self.inner.lock() {
            Ok(g) => (
                releases
                    .iter()
                    .filter(|r| {
                        g.catalogs
                            .get(&(project.clone(), (*r).clone()))
                            .is_none_or(|(_, at)| now.duration_since(*at) > CATALOG_TTL)
                    })
                    .cloned()
                    .collect(),
                debug_ids
                    .iter()
                    .filter(|d| {
                        g.debug_ids
                            .get(&(project.clone(), (*d).clone()))
                            .is_none_or(|(_, at)| now.duration_since(*at) > CATALOG_TTL)
                    })
                    .cloned()
                    .collect(),
            ),
            Err(_) => return Resolved::default(),
        };
        if !need_rel.is_empty() || !need_dbg.is_empty() {
            let fetched = pool
                .sourcemap_lookup(project.to_string(), need_rel, need_dbg)
                .await;
            match fetched {
                Ok((cats, dbg)) => {
                    if let Ok(mut g) = self.inner.lock() {
                        if g.catalogs.len() > 2_000 {
                            g.catalogs.clear();
                        }
                        if g.debug_ids.len() > 10_000 {
                            g.debug_ids.clear();
                        }
                        let at = Instant::now();
                        for (r, rows) in cats {
                            let c = Catalog::new(rows);
                            g.catalogs.insert((project.clone(), r), (Arc::new(c), at));
                        }
                        for (d, id) in dbg {
                            g.debug_ids.insert((project.clone(), d), (id, at));
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "source maps: lookup failed; frames kept as sent");
                    return Resolved::default();
                }
            }
        }
        // Each event's frames → map ids.
        let mut plan: Vec<Vec<Option<i64>>> = Vec::with_capacity(events.len());
        let mut wanted: Vec<i64> = Vec::new();
        {
            let Ok(g) = self.inner.lock() else {
                return Resolved::default();
            };
            for m in events.iter() {
                let catalog = g
                    .catalogs
                    .get(&(project.clone(), m.event.release.clone()))
                    .map(|(c, _)| c.clone());
                let ids: Vec<Option<i64>> = m
                    .frames
                    .iter()
                    .map(|f| {
                        let file = frame_file(f)?;
                        position(f)?;
                        if let Some((_, d)) = m.debug_images.iter().find(|(code, _)| code == file) {
                            if let Some(Some(id)) =
                                g.debug_ids.get(&(project.clone(), d.clone())).map(|x| x.0)
                            {
                                return Some(id);
                            }
                        }
                        if !looks_minified_js(file) {
                            return None;
                        }
                        catalog.as_ref()?.find(file)
                    })
                    .collect();
                for id in ids.iter().flatten() {
                    let usable = !g.maps.contains_key(id)
                        && g.failed
                            .get(id)
                            .is_none_or(|at| now.duration_since(*at) > FAILED_TTL);
                    if usable && !wanted.contains(id) {
                        wanted.push(*id);
                    }
                }
                plan.push(ids);
            }
        }
        if plan.iter().all(|ids| ids.iter().all(Option::is_none)) {
            return Resolved::default();
        }
        // Maps not in the cache: loaded and parsed on the database's blocking thread.
        let mut out = Resolved::default();
        let loading = if wanted.is_empty() {
            None
        } else {
            let guard = self.loading.lock().await;
            // Another request may have loaded them meanwhile.
            if let Ok(g) = self.inner.lock() {
                wanted.retain(|id| !g.maps.contains_key(id));
            }
            Some(guard)
        };
        if !wanted.is_empty() {
            let loaded = match pool.sourcemap_data(wanted).await {
                // Parsing is CPU work: on a blocking thread.
                Ok(data) => tokio::task::spawn_blocking(move || {
                    data.into_iter()
                        .map(|(id, bytes)| {
                            let parsed = match bytes {
                                Ok(Some(b)) => SourceMap::parse(&b).map_err(|e| e.to_string()),
                                Ok(None) => Err("deleted".to_string()),
                                Err(e) => Err(e.to_string()),
                            };
                            (id, parsed)
                        })
                        .collect::<Vec<_>>()
                })
                .await
                .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match loaded {
                Ok(maps) => {
                    if let Ok(mut g) = self.inner.lock() {
                        for (id, parsed) in maps {
                            match parsed {
                                Ok(map) => {
                                    out.maps_loaded += 1;
                                    self.insert(&mut g, id, Arc::new(map));
                                }
                                Err(e) => {
                                    tracing::warn!(id, error = %e, "source map not usable");
                                    g.failed.insert(id, Instant::now());
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "source maps: load failed; frames kept as sent");
                    return out;
                }
            }
        }
        drop(loading);
        // The maps each event needs, taken from the cache (bumping their use).
        for (m, ids) in events.iter_mut().zip(plan) {
            if ids.iter().all(Option::is_none) {
                continue;
            }
            let maps: Vec<Option<Arc<SourceMap>>> = match self.inner.lock() {
                Ok(mut g) => {
                    g.tick += 1;
                    let tick = g.tick;
                    ids.iter()
                        .map(|id| {
                            let e = g.maps.get_mut(id.as_ref()?)?;
                            e.1 = tick;
                            Some(e.0.clone())
                        })
                        .collect()
                }
                Err(_) => return out,
            };
            let n = apply(&mut m.frames, &maps);
            if n > 0 {
                out.frames += n;
                m.render(max_stack_bytes);
            }
        }
        out
    }

    fn insert(&self, g: &mut Inner, id: i64, map: Arc<SourceMap>) {
        let w = map.weight();
        g.tick += 1;
        let tick = g.tick;
        if let Some(old) = g.maps.insert(id, (map, tick)) {
            g.weight -= old.0.weight();
        }
        g.weight += w;
        // Least recently used out until within budget (the newest always stays).
        while g.weight > self.budget && g.maps.len() > 1 {
            let Some((&victim, _)) = g
                .maps
                .iter()
                .filter(|(k, _)| **k != id)
                .min_by_key(|(_, (_, t))| *t)
            else {
                break;
            };
            if let Some((m, _)) = g.maps.remove(&victim) {
                g.weight -= m.weight();
            }
        }
    }
}

/// Rewrites the frames that have a map (`maps[i]` for `frames[i]`, oldest first); answers how
/// many changed. A frame's original function is the name its caller's call site maps to (the
/// bundler records renamed identifiers there); without one the minified name stays.
fn apply(frames: &mut [Value], maps: &[Option<Arc<SourceMap>>]) -> usize {
    type Found = (String, u32, u32, Option<String>);
    let found: Vec<Option<Found>> = frames
        .iter()
        .zip(maps)
        .map(|(f, m)| {
            let m = m.as_ref()?;
            let (line, col) = position(f)?;
            let o = m.lookup(line, col)?;
            Some((
                o.source.to_string(),
                o.line,
                o.col,
                o.name.map(str::to_string),
            ))
        })
        .collect();
    let mut changed = 0;
    for i in 0..frames.len() {
        let Some((source, line, col, _)) = &found[i] else {
            continue;
        };
        let caller_name = i
            .checked_sub(1)
            .and_then(|c| found[c].as_ref())
            .and_then(|c| c.3.clone());
        let f = &frames[i];
        let mut minified = Map::new();
        for k in ["abs_path", "filename", "function", "lineno", "colno"] {
            if let Some(v) = f.get(k) {
                minified.insert(k.into(), v.clone());
            }
        }
        let sent_function = f
            .get("function")
            .and_then(Value::as_str)
            .map(str::to_string);
        let in_app = f.get("in_app").and_then(Value::as_bool).unwrap_or(true)
            && !source.contains("node_modules/");
        let file = clean_source(source);
        let mut nf = Map::new();
        nf.insert("filename".into(), Value::String(file.clone()));
        nf.insert("abs_path".into(), Value::String(file));
        if let Some(name) = caller_name.or(sent_function) {
            nf.insert("function".into(), Value::String(name));
        }
        nf.insert("lineno".into(), Value::from(line + 1));
        nf.insert("colno".into(), Value::from(col + 1));
        nf.insert("in_app".into(), Value::Bool(in_app));
        nf.insert("minified".into(), Value::Object(minified));
        frames[i] = Value::Object(nf);
        changed += 1;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_find_their_map_by_name_path_or_longest_suffix() {
        let c = Catalog::new(vec![
            (1, "~/static/js/app.min.js".into(), "1.0".into()),
            (2, "~/static/js/vendor.js".into(), "".into()),
            (3, "~/other/vendor.js".into(), "".into()),
            (4, "~/static/js/vendor.js".into(), "1.0".into()),
        ]);
        assert_eq!(c.find("~/static/js/app.min.js"), Some(1));
        assert_eq!(
            c.find("https://cdn.example.com/static/js/app.min.js?v=3"),
            Some(1)
        );
        assert_eq!(c.find("/srv/www/static/js/app.min.js"), Some(1));
        assert_eq!(
            c.find("app:///static/js/vendor.js"),
            Some(4),
            "release's own wins"
        );
        assert_eq!(c.find("/x/other/vendor.js"), Some(3), "longest suffix");
        assert_eq!(c.find("/x/y/nothing.js"), None);
        let tie = Catalog::new(vec![
            (1, "~/a/x.js".into(), "".into()),
            (2, "~/b/x.js".into(), "".into()),
        ]);
        assert_eq!(tie.find("/srv/c/x.js"), None, "ambiguous");
    }

    #[test]
    fn source_mapped_frames_group_on_their_original_file() {
        // One handler thrown from directly (no caller in the bundle to name it), minified as
        // `a` in one build and `b` in the next.
        let map = Arc::new(
            SourceMap::parse(
                br#"{"version":3,"sources":["../src/h.js"],"names":[],"mappings":"AASE"}"#,
            )
            .unwrap(),
        );
        let caps = crate::config::IngestConfig::default();
        let event = |name: &str, col: u32| {
            serde_json::json!({"platform": "javascript", "exception": {"values": [{
                "type": "TypeError", "value": "x is undefined", "stacktrace": {"frames": [
                    {"abs_path": "https://x.io/static/app.js", "function": name, "lineno": 1,
                     "colno": col, "in_app": true}]}}]}})
        };
        let mut fps = Vec::new();
        for (name, col) in [("a", 5), ("b", 9)] {
            let mut m = crate::ingest::sentry::map_value(&event(name, col), &caps, 0).unwrap();
            assert_eq!(apply(&mut m.frames, &[Some(map.clone())]), 1);
            m.render(caps.max_stack_bytes);
            let f = &m.frames[0];
            assert_eq!(
                (&f["filename"], &f["lineno"], &f["colno"]),
                (&json!("src/h.js"), &json!(10), &json!(3))
            );
            assert_eq!(f["function"], name, "no better name is known");
            assert_eq!(f["minified"]["colno"], col);
            fps.push(m.fingerprint());
        }
        assert_eq!(fps[0], fps[1], "the rename does not split the issue");
        // A build that kept the name groups the same way.
        let mut kept = crate::ingest::sentry::map_value(&event("handleSave", 5), &caps, 0).unwrap();
        apply(&mut kept.frames, &[Some(map.clone())]);
        kept.render(caps.max_stack_bytes);
        assert_eq!(kept.fingerprint(), fps[0]);
    }

    #[test]
    fn sources_are_cleaned() {
        assert_eq!(clean_source("../src/app.js"), "src/app.js");
        assert_eq!(clean_source("webpack://my-app/./src/a.ts"), "src/a.ts");
        assert_eq!(clean_source("/abs/x.js"), "/abs/x.js");
    }

    #[test]
    fn the_cache_stays_within_its_budget() {
        let r = Resolver::new(1);
        let mk = || {
            Arc::new(
                SourceMap::parse(br#"{"version":3,"sources":["a"],"mappings":"AAAA"}"#).unwrap(),
            )
        };
        let mut g = Inner::default();
        r.insert(&mut g, 1, mk());
        r.insert(&mut g, 2, mk());
        assert_eq!(g.maps.len(), 1);
        assert!(g.maps.contains_key(&2), "the newest stays");
        let r = Resolver::new(10_000);
        let mut g = Inner::default();
        for id in 0..5 {
            r.insert(&mut g, id, mk());
        }
        assert_eq!(g.maps.len(), 5);
        assert_eq!(g.weight, 5 * mk().weight());
    }
}
