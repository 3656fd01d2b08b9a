//! Ingest authentication: `X-Signature` (HMAC-SHA256 of the exact body) checked against the key
//! named by `X-Project-Key`, or, without that header, against the legacy `auth.hmac_secret`
//! (→ `default` project) and then each active project key.
//!
//! Keys are held in a snapshot with pre-keyed HMAC states, refreshed from the database every
//! half second, so a revocation by the CLI takes effect within a second. A request the
//! snapshot refuses makes it reload at once (see [`KeyCache::reload_after_miss`]), so a key
//! created a moment ago works on its first request. An `X-Project-Key` the snapshot does not
//! know is looked up by itself (one indexed query; at most 1,000 a second) and, when the database
//! has it, the snapshot is reloaded; a key the database does not know either is remembered as
//! unknown for a second. A signature that matches no key (no key header) reloads from a
//! smaller bucket (a burst of 32, then 16 a second). Concurrent refusals share one reload. So a
//! flood of bad keys costs a bounded number of small queries on top of the refusals.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::signing::{self, keyed, HmacSha256};
use crate::store::{self, keys::KeyRow};

/// Most project keys tried for a request without `X-Project-Key` (each try hashes the body).
pub const MAX_FALLBACK_KEYS: usize = 32;

/// The project all legacy-secret events land in.
pub const DEFAULT_PROJECT: &str = "default";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing X-Signature header")]
    MissingSignature,
    #[error("missing project key: send `Authorization: Bearer <key>` or `X-Bloop-Key: <key>`")]
    MissingKey,
    #[error("X-Signature must be 64 hex digits (HMAC-SHA256 of the body)")]
    MalformedSignature,
    #[error("unknown or revoked project key")]
    UnknownKey,
    #[error("signature does not match the body")]
    BadSignature,
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingSignature => "missing_signature",
            AuthError::MissingKey => "missing_key",
            AuthError::MalformedSignature => "malformed_signature",
            AuthError::UnknownKey => "unknown_key",
            AuthError::BadSignature => "invalid_signature",
        }
    }
}

struct Entry {
    project_id: Arc<str>,
    mac: HmacSha256,
    revoked_at: Option<i64>,
}

impl Entry {
    fn active(&self, now: i64) -> bool {
        self.revoked_at.is_none_or(|t| t > now)
    }
}

#[derive(Default)]
struct Snapshot {
    /// (id, revoked_at) of every key, to skip rebuilding when nothing changed.
    version: Vec<(i64, Option<i64>)>,
    by_key: HashMap<String, usize>,
    entries: Vec<Entry>,
}

/// The ingest key cache. Cheap to share (`Arc`).
pub struct KeyCache {
    legacy: HmacSha256,
    default_project: Arc<str>,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Reloads after refusals: one at a time (later refusals wait for it), from a bucket.
    miss_reload: tokio::sync::Mutex<MissReloads>,
    /// Point lookups of unknown `X-Project-Key` values.
    lookups: std::sync::Mutex<Bucket>,
    /// `X-Project-Key` values that no reload found, with when they were last looked up.
    unknown: std::sync::Mutex<HashMap<String, Instant>>,
}

/// Reloads a burst of signature-only refusals may trigger at once.
const MISS_RELOAD_BURST: f64 = 32.0;
/// Reloads signature-only refusals may trigger per second, sustained.
const MISS_RELOADS_PER_SEC: f64 = 16.0;
/// Point lookups of unknown key headers, at once and per second.
const LOOKUPS_PER_SEC: f64 = 1000.0;
/// How long a key unknown to the database too is refused without another look.
const UNKNOWN_KEY_TTL: Duration = Duration::from_secs(1);
/// Most unknown keys remembered (the list is emptied when full).
const UNKNOWN_KEYS_MAX: usize = 4096;

struct MissReloads {
    /// When the last reload started.
    last: Option<Instant>,
    bucket: Bucket,
}

/// A token bucket: `burst` at once, refilled at `rate` a second.
struct Bucket {
    tokens: f64,
    burst: f64,
    rate: f64,
    refilled: Instant,
}

impl Bucket {
    fn full(burst: f64, rate: f64) -> Self {
        Self {
            tokens: burst,
            burst,
            rate,
            refilled: Instant::now(),
        }
    }

    /// Takes a token if one is left.
    fn take(&mut self, now: Instant) -> bool {
        let earned = now.duration_since(self.refilled).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + earned).min(self.burst);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn decode_signature(sig: &str) -> Result<[u8; 32], AuthError> {
    signing::decode(sig).ok_or(AuthError::MalformedSignature)
}

impl KeyCache {
    pub fn new(legacy_secret: &str) -> Self {
        Self {
            legacy: keyed(legacy_secret.as_bytes()),
            default_project: Arc::from(DEFAULT_PROJECT),
            snapshot: RwLock::new(Arc::new(Snapshot::default())),
            miss_reload: tokio::sync::Mutex::new(MissReloads {
                last: None,
                bucket: Bucket::full(MISS_RELOAD_BURST, MISS_RELOADS_PER_SEC),
            }),
            lookups: std::sync::Mutex::new(Bucket::full(LOOKUPS_PER_SEC, LOOKUPS_PER_SEC)),
            unknown: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn current(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Replaces the snapshot with `rows` unless they are what it already holds; says whether
    /// it changed.
    pub fn load(&self, rows: Vec<KeyRow>) -> bool {
        let version: Vec<(i64, Option<i64>)> = rows.iter().map(|k| (k.id, k.revoked_at)).collect();
        if self.current().version == version {
            return false;
        }
        let mut projects: HashMap<String, Arc<str>> = HashMap::new();
        let mut snap = Snapshot {
            version,
            by_key: HashMap::with_capacity(rows.len()),
            entries: Vec::with_capacity(rows.len()),
        };
        for k in rows {
            let project_id = projects
                .entry(k.project_id.clone())
                .or_insert_with(|| Arc::from(k.project_id.as_str()))
                .clone();
            snap.by_key.insert(k.key.clone(), snap.entries.len());
            snap.entries.push(Entry {
                project_id,
                mac: keyed(k.key.as_bytes()),
                revoked_at: k.revoked_at,
            });
        }
        let new = Arc::new(snap);
        match self.snapshot.write() {
            Ok(mut g) => *g = new,
            Err(p) => *p.into_inner() = new,
        }
        true
    }

    /// After the snapshot refused a request that arrived at `arrived`: reloads the keys unless
    /// a reload started after that arrival already (then its snapshot is fresh enough) or the
    /// bucket of reloads is empty (then the refusal stands: this bounds what a flood of bad keys
    /// costs). Says whether trying again could succeed.
    pub async fn reload_after_miss(&self, pool: &crate::store::Db, arrived: Instant) -> bool {
        self.reload(pool, arrived, true).await
    }

    /// Reloads unless one started after `arrived`; `metered` takes a token from the bucket
    /// first (unmetered: the caller already knows the database has something new).
    async fn reload(&self, pool: &crate::store::Db, arrived: Instant, metered: bool) -> bool {
        let mut reloads = self.miss_reload.lock().await;
        if reloads.last.is_some_and(|t| t >= arrived) {
            return true;
        }
        let now = Instant::now();
        if metered && !reloads.bucket.take(now) {
            return false;
        }
        reloads.last = Some(now);
        match pool.usable_keys(store::now_ms()).await {
            Ok(rows) => {
                // Unchanged is fine too: the periodic refresh may have loaded the same rows
                // since this request was refused, so the caller tries again either way.
                self.load(rows);
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not reload ingest keys");
                false
            }
        }
    }

    /// [`Self::authenticate`], and on a refusal by key or signature one more try after
    /// [`Self::reload_after_miss`].
    pub async fn authenticate_or_reload(
        &self,
        pool: &crate::store::Db,
        body: &[u8],
        signature: Option<&str>,
        project_key: Option<&str>,
    ) -> Result<Arc<str>, AuthError> {
        let first = self.authenticate(body, signature, project_key, store::now_ms());
        if first.is_ok() {
            return first;
        }
        // Taken after the refusal: a reload that started later than this saw every key that
        // existed when the request was refused (the hot path never reads the clock here).
        let arrived = Instant::now();
        let key = project_key.map(str::trim).filter(|k| !k.is_empty());
        match (&first, key) {
            // A known key with a bad signature: a reload cannot change that.
            (Err(AuthError::BadSignature), Some(_)) => first,
            (Err(AuthError::UnknownKey), Some(key)) => {
                self.after_unknown_key(pool, key, arrived, first.clone(), || {
                    self.authenticate(body, signature, project_key, store::now_ms())
                })
                .await
            }
            (Err(AuthError::BadSignature), None) if self.reload_after_miss(pool, arrived).await => {
                self.authenticate(body, signature, project_key, store::now_ms())
            }
            _ => first,
        }
    }

    /// The project of a bare project key, for clients that cannot sign bodies (OpenTelemetry
    /// exporters, the LLM proxy): the key itself is the credential. A key the cache does not
    /// know is looked up in the database as for signed requests (bounded the same way).
    pub async fn key_or_reload(
        &self,
        pool: &crate::store::Db,
        key: Option<&str>,
    ) -> Result<Arc<str>, AuthError> {
        let key = key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or(AuthError::MissingKey)?;
        let first = self.by_key(key, store::now_ms());
        if first.is_ok() {
            return first;
        }
        let arrived = Instant::now();
        self.after_unknown_key(pool, key, arrived, first, || {
            self.by_key(key, store::now_ms())
        })
        .await
    }

    /// A key the cache refused as unknown (`first`): unless it was looked up a moment ago or
    /// lookups are spent, asks the database whether it exists and, if so, reloads the cache and
    /// runs `again`. A key still unknown is remembered for [`UNKNOWN_KEY_TTL`].
    async fn after_unknown_key(
        &self,
        pool: &crate::store::Db,
        key: &str,
        arrived: Instant,
        first: Result<Arc<str>, AuthError>,
        again: impl FnOnce() -> Result<Arc<str>, AuthError>,
    ) -> Result<Arc<str>, AuthError> {
        if self.recently_unknown(key, arrived) || !self.take_lookup(arrived) {
            return first;
        }
        let known = pool.key_is_usable(key, store::now_ms()).await;
        let result = match known {
            Ok(true) if self.reload(pool, arrived, false).await => again(),
            Ok(_) => first,
            Err(e) => {
                tracing::warn!(error = %e, "could not look up an ingest key");
                first
            }
        };
        if result == Err(AuthError::UnknownKey) {
            self.remember_unknown(key, arrived);
        }
        result
    }

    fn by_key(&self, key: &str, now: i64) -> Result<Arc<str>, AuthError> {
        let snap = self.current();
        snap.by_key
            .get(key)
            .map(|&i| &snap.entries[i])
            .filter(|e| e.active(now))
            .map(|e| e.project_id.clone())
            .ok_or(AuthError::UnknownKey)
    }

    fn take_lookup(&self, now: Instant) -> bool {
        self.lookups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take(now)
    }

    fn unknown_keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.unknown.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn recently_unknown(&self, key: &str, now: Instant) -> bool {
        self.unknown_keys()
            .get(key)
            .is_some_and(|t| now.duration_since(*t) < UNKNOWN_KEY_TTL)
    }

    fn remember_unknown(&self, key: &str, now: Instant) {
        let mut unknown = self.unknown_keys();
        if unknown.len() >= UNKNOWN_KEYS_MAX {
            unknown.clear();
        }
        unknown.insert(key.to_string(), now);
    }

    /// Checks a request's signature and returns the project it belongs to.
    pub fn authenticate(
        &self,
        body: &[u8],
        signature: Option<&str>,
        project_key: Option<&str>,
        now: i64,
    ) -> Result<Arc<str>, AuthError> {
        let sig = decode_signature(signature.ok_or(AuthError::MissingSignature)?)?;
        let snap = self.current();
        if let Some(key) = project_key.map(str::trim).filter(|k| !k.is_empty()) {
            let entry = snap
                .by_key
                .get(key)
                .map(|&i| &snap.entries[i])
                .filter(|e| e.active(now))
                .ok_or(AuthError::UnknownKey)?;
            return if signing::verify(&entry.mac, body, &sig) {
                Ok(entry.project_id.clone())
            } else {
                Err(AuthError::BadSignature)
            };
        }
        if signing::verify(&self.legacy, body, &sig) {
            return Ok(self.default_project.clone());
        }
        snap.entries
            .iter()
            .filter(|e| e.active(now))
            .take(MAX_FALLBACK_KEYS)
            .find(|e| signing::verify(&e.mac, body, &sig))
            .map(|e| e.project_id.clone())
            .ok_or(AuthError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, project: &str, key: &str, revoked_at: Option<i64>) -> KeyRow {
        KeyRow {
            id,
            project_id: project.into(),
            name: String::new(),
            key: key.into(),
            created_at: 0,
            revoked_at,
            kind: "ingest".into(),
            dsn: None,
        }
    }

    #[test]
    fn legacy_secret_maps_to_default_project() {
        let c = KeyCache::new("s3cret");
        let body = br#"{"a":1}"#;
        let sig = signing::sign(b"s3cret", body);
        assert_eq!(
            &*c.authenticate(body, Some(&sig), None, 0).unwrap(),
            "default"
        );
        let upper = sig.to_uppercase();
        assert_eq!(
            &*c.authenticate(body, Some(&upper), None, 0).unwrap(),
            "default"
        );
        assert_eq!(
            c.authenticate(b"other", Some(&sig), None, 0),
            Err(AuthError::BadSignature)
        );
        assert_eq!(
            c.authenticate(body, Some("zz"), None, 0),
            Err(AuthError::MalformedSignature)
        );
        assert_eq!(
            c.authenticate(body, None, None, 0),
            Err(AuthError::MissingSignature)
        );
    }

    #[test]
    fn project_key_header_and_fallback() {
        let c = KeyCache::new("legacy");
        c.load(vec![
            row(1, "mobile", "bloop_aaa", None),
            row(2, "api", "bloop_bbb", Some(100)),
        ]);
        let body = b"{}";
        let sig = signing::sign(b"bloop_aaa", body);
        assert_eq!(
            &*c.authenticate(body, Some(&sig), Some("bloop_aaa"), 50)
                .unwrap(),
            "mobile"
        );
        assert_eq!(
            &*c.authenticate(body, Some(&sig), None, 50).unwrap(),
            "mobile"
        );
        let sig_b = signing::sign(b"bloop_bbb", body);
        assert_eq!(
            &*c.authenticate(body, Some(&sig_b), None, 50).unwrap(),
            "api"
        );
        // After its revocation time the key is refused, by header and by fallback.
        assert_eq!(
            c.authenticate(body, Some(&sig_b), Some("bloop_bbb"), 100),
            Err(AuthError::UnknownKey)
        );
        assert_eq!(
            c.authenticate(body, Some(&sig_b), None, 100),
            Err(AuthError::BadSignature)
        );
        assert_eq!(
            c.authenticate(body, Some(&sig), Some("bloop_nope"), 0),
            Err(AuthError::UnknownKey)
        );
    }
}
