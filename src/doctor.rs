//! `bloop doctor`: checks an installation the way an operator would — configuration (with
//! likely typos named), database path and permissions, schema version, WAL and database sizes,
//! whether the server answers, the default-secret warning, and the clock.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::config::{Config, ConfigError};
use crate::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub level: Level,
    pub detail: String,
}

fn check(name: &'static str, level: Level, detail: impl Into<String>) -> Check {
    Check {
        name,
        level,
        detail: detail.into(),
    }
}

/// Every key the configuration knows, as `section.key`.
fn known_keys() -> Vec<String> {
    let v = serde_json::to_value(Config::default()).unwrap_or_default();
    let mut out = Vec::new();
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        if let Some(o) = v.as_object() {
            for (k, child) in o {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if child.is_object() {
                    walk(&key, child, out);
                }
                out.push(key);
            }
        }
    }
    walk("", &v, &mut out);
    out
}

/// Edit distance counting an adjacent swap as one edit (`prot` → `port` is 1).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// For an "unknown field `prot`" error, the closest known key (`server.port`).
pub fn suggest(error: &str) -> Option<String> {
    let start = error.find("unknown field `")? + "unknown field `".len();
    let field = &error[start..start + error[start..].find('`')?];
    known_keys()
        .into_iter()
        .filter(|k| {
            k.rsplit('.')
                .next()
                .is_some_and(|last| distance(last, field) <= 2)
        })
        .min_by_key(|k| distance(k.rsplit('.').next().unwrap_or(k), field))
}

fn human_bytes(n: u64) -> String {
    match n {
        0..=1023 => format!("{n} B"),
        1024..=1_048_575 => format!("{:.1} KiB", n as f64 / 1024.0),
        1_048_576..=1_073_741_823 => format!("{:.1} MiB", n as f64 / 1_048_576.0),
        _ => format!("{:.2} GiB", n as f64 / 1_073_741_824.0),
    }
}

/// Runs every check. `config` is the result of loading the configuration; `url` the server to
/// probe (`None`: the configured local address, where "not running" is only a warning).
pub fn run(
    config: Result<&Config, &ConfigError>,
    url: Option<&str>,
    local_url: &str,
) -> Vec<Check> {
    let mut out = Vec::new();
    let config = match config {
        Ok(c) => {
            out.push(check("configuration", Level::Ok, "parsed; every key known"));
            c
        }
        Err(e) => {
            let msg = e.to_string();
            let hint = suggest(&msg)
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            out.push(check("configuration", Level::Fail, format!("{msg}{hint}")));
            return out;
        }
    };

    if config.uses_default_secret() {
        out.push(check(
            "ingest secret",
            Level::Warn,
            "auth.hmac_secret is the default: set BLOOP__AUTH__HMAC_SECRET before exposing the server",
        ));
    } else {
        out.push(check("ingest secret", Level::Ok, "auth.hmac_secret is set"));
    }

    out.push(passkey_check(config));
    out.push(proxy_check(config));

    match config.database.postgres_url() {
        Some(url) => out.extend(postgres_checks(url)),
        None => out.extend(database_checks(&config.database.path)),
    }

    let probe = url.unwrap_or(local_url);
    match server_date(probe) {
        Ok((status, date)) => {
            let level = if status == 200 {
                Level::Ok
            } else {
                Level::Fail
            };
            out.push(check(
                "server",
                level,
                format!("{probe}/health answered {status}"),
            ));
            out.push(clock_check(date));
        }
        Err(e) => {
            let level = if url.is_some() {
                Level::Fail
            } else {
                Level::Warn
            };
            out.push(check(
                "server",
                level,
                format!("{probe} is not reachable: {e}"),
            ));
            out.push(clock_check(None));
        }
    }
    out
}

/// PostgreSQL (`database.url`): reachable, version 14 or newer, allowed to create tables (the
/// migrations and the daily event partitions need it), the schema's version, today's partition.
fn postgres_checks(url: &str) -> Vec<Check> {
    let shown = store::pg::redact(url);
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return vec![check("database", Level::Fail, e.to_string())],
    };
    rt.block_on(async {
        let mut out = Vec::new();
        let pg = match store::pg::Pg::new(url, 1) {
            Ok(pg) => pg,
            Err(e) => return vec![check("database", Level::Fail, e.to_string())],
        };
        let client = match tokio::time::timeout(Duration::from_secs(10), pg.client()).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                return vec![check(
                    "database",
                    Level::Fail,
                    format!("cannot connect to {shown}: {e}"),
                )]
            }
            Err(_) => {
                return vec![check(
                    "database",
                    Level::Fail,
                    format!("{shown} did not answer within 10 s"),
                )]
            }
        };
        out.push(check(
            "database",
            Level::Ok,
            format!("PostgreSQL at {shown}"),
        ));
        match store::pg::server_version(&client).await {
            Ok(v) if v >= store::pg::MIN_SERVER_VERSION => out.push(check(
                "server version",
                Level::Ok,
                format!("PostgreSQL {}", store::pg::version_name(v)),
            )),
            Ok(v) => out.push(check(
                "server version",
                Level::Fail,
                format!(
                    "PostgreSQL {} is too old: bloop needs 14 or newer",
                    store::pg::version_name(v)
                ),
            )),
            Err(e) => out.push(check("server version", Level::Fail, e.to_string())),
        }
        let can_create = client
            .query_one(
                "SELECT has_schema_privilege(current_schema(), 'CREATE'), current_user,
                        current_schema()",
                &[],
            )
            .await;
        match can_create {
            Ok(r) => {
                let (ok, user, schema): (bool, String, Option<String>) =
                    (r.get(0), r.get(1), r.get(2));
                let schema = schema.unwrap_or_else(|| "(none)".into());
                out.push(if ok {
                    check(
                        "permissions",
                        Level::Ok,
                        format!("{user} may create tables in schema {schema}"),
                    )
                } else {
                    check(
                        "permissions",
                        Level::Fail,
                        format!(
                            "{user} may not create tables in schema {schema} (migrations and \
                             the daily event partitions need it): GRANT CREATE ON SCHEMA \
                             {schema} TO {user}"
                        ),
                    )
                });
            }
            Err(e) => out.push(check("permissions", Level::Fail, e.to_string())),
        }
        let latest = store::pg::latest_schema_version();
        match store::pg::schema_version(&client).await {
            Ok(v) if v == latest => {
                out.push(check("schema", Level::Ok, format!("version {v} (current)")))
            }
            Ok(v) if v < latest => out.push(check(
                "schema",
                Level::Warn,
                format!("version {v}; this bloop migrates it to {latest} when it starts"),
            )),
            Ok(v) => out.push(check(
                "schema",
                Level::Fail,
                format!("version {v} is newer than this bloop knows ({latest}): upgrade bloop"),
            )),
            Err(e) => out.push(check("schema", Level::Fail, e.to_string())),
        }
        if store::pg::schema_version(&client).await.unwrap_or(0) > 0 {
            let today = store::now_ms().div_euclid(store::pg::partitions::DAY_MS);
            match store::pg::partitions::days(&**client).await {
                Ok(days) if days.contains(&today) => out.push(check(
                    "event partitions",
                    Level::Ok,
                    format!("{} daily partitions, today's included", days.len()),
                )),
                Ok(_) => out.push(check(
                    "event partitions",
                    Level::Warn,
                    "today's partition does not exist yet (`bloop serve` makes it)",
                )),
                Err(e) => out.push(check("event partitions", Level::Fail, e.to_string())),
            }
        }
        out
    })
}

fn database_checks(path: &Path) -> Vec<Check> {
    let mut out = Vec::new();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !path.exists() {
        let level = if dir.is_dir() {
            Level::Warn
        } else {
            Level::Fail
        };
        out.push(check(
            "database",
            level,
            format!(
                "{} does not exist yet{}",
                path.display(),
                if dir.is_dir() {
                    " (created by `bloop serve`)"
                } else {
                    "; neither does its directory"
                }
            ),
        ));
        return out;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                out.push(check(
                    "database permissions",
                    Level::Fail,
                    format!(
                        "{} is mode {mode:o}: ingest keys are readable by others; chmod 600 it",
                        path.display()
                    ),
                ));
            } else {
                out.push(check(
                    "database permissions",
                    Level::Ok,
                    format!("mode {mode:o}"),
                ));
            }
        }
    }
    match store::open_existing(path) {
        Err(e) => out.push(check("database", Level::Fail, format!("cannot open: {e}"))),
        Ok(conn) => {
            let writable = store::check_writable(&conn);
            out.push(match writable {
                Ok(()) => check(
                    "database",
                    Level::Ok,
                    format!("{} opens and accepts writes", path.display()),
                ),
                Err(e) => check(
                    "database",
                    Level::Fail,
                    format!("{} is not writable: {e}", path.display()),
                ),
            });
            let have = store::schema_version(&conn).unwrap_or(0);
            let want = store::latest_schema_version();
            out.push(match have.cmp(&want) {
                std::cmp::Ordering::Equal => check("migrations", Level::Ok, format!("schema version {have} (current)")),
                std::cmp::Ordering::Less => check(
                    "migrations",
                    Level::Warn,
                    format!("schema version {have}; {want} is applied at the next start"),
                ),
                std::cmp::Ordering::Greater => check(
                    "migrations",
                    Level::Fail,
                    format!("schema version {have} is newer than this binary knows ({want}): upgrade bloop"),
                ),
            });
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            let wal_size = std::fs::metadata(Path::new(&wal))
                .map(|m| m.len())
                .unwrap_or(0);
            let level = if wal_size > 512 * 1024 * 1024 {
                Level::Warn
            } else {
                Level::Ok
            };
            out.push(check(
                "sizes",
                level,
                format!(
                    "database {}, WAL {}",
                    human_bytes(size),
                    human_bytes(wal_size)
                ),
            ));
        }
    }
    out
}

/// GETs `/health`; returns the status and the server's clock (from `Date`), if any.
fn server_date(url: &str) -> Result<(u16, Option<std::time::SystemTime>), String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let resp = client
        .get(format!("{}/health", url.trim_end_matches('/')))
        .send()
        .map_err(|e| e.to_string())?;
    let date = resp
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok());
    Ok((resp.status().as_u16(), date))
}

/// The dashboard's relying party: `rp_id` must be the host of `rp_origin` (or a parent domain),
/// and browsers offer passkeys only on https or on localhost.
fn passkey_check(config: &Config) -> Check {
    let a = &config.auth;
    if let Err(e) = crate::server::passkeys::PasskeyAuth::new(a) {
        return check("passkeys", Level::Fail, e);
    }
    // Valid by now (PasskeyAuth::new parsed it); browsers treat only localhost as secure on http.
    let secure = webauthn_rs::prelude::Url::parse(&a.rp_origin)
        .is_ok_and(|u| u.scheme() == "https" || u.host_str() == Some("localhost"));
    if secure {
        check(
            "passkeys",
            Level::Ok,
            format!("dashboard at {} (rp_id {})", a.rp_origin, a.rp_id),
        )
    } else {
        check(
            "passkeys",
            Level::Warn,
            format!(
                "auth.rp_origin {} is plain http on another host: browsers offer passkeys only on https or localhost",
                a.rp_origin
            ),
        )
    }
}

/// The LLM proxy: which providers go where. The base URLs and provider names were checked when
/// the configuration loaded; a plain-http base URL off this machine would carry the provider
/// keys unencrypted.
fn proxy_check(config: &Config) -> Check {
    let l = &config.llm_tracing;
    let p = &l.proxy;
    if !cfg!(feature = "llm-tracing") {
        return check("llm proxy", Level::Ok, "not in this build (errors only)");
    }
    if !l.enabled || !p.enabled || p.providers.is_empty() {
        return check(
            "llm proxy",
            Level::Ok,
            "off (llm_tracing.enabled, llm_tracing.proxy.enabled, providers)",
        );
    }
    let mut routes = Vec::new();
    let mut clear = Vec::new();
    for name in &p.providers {
        let url = match name.as_str() {
            "openai" => &p.openai_base_url,
            _ => &p.anthropic_base_url,
        };
        routes.push(format!("/v1/proxy/{name} → {url}"));
        let host = url
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .map(|h| h.rsplit_once(':').map_or(h, |(h, _)| h));
        if let Some(h) = host {
            let local = h == "localhost" || h.starts_with("127.") || h == "[::1]";
            if !local {
                clear.push(format!("{name} ({url})"));
            }
        }
    }
    if clear.is_empty() {
        check("llm proxy", Level::Ok, routes.join(", "))
    } else {
        check(
            "llm proxy",
            Level::Warn,
            format!(
                "plain http to another host: {} — the provider keys the clients send would cross \
                 the network unencrypted; use https",
                clear.join(", ")
            ),
        )
    }
}

fn clock_check(server: Option<std::time::SystemTime>) -> Check {
    let now = std::time::SystemTime::now();
    let secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // 2024-01-01: a clock before this is certainly wrong.
    if secs < 1_704_067_200 {
        return check(
            "clock",
            Level::Fail,
            "the system clock is before 2024: retention and trends use it",
        );
    }
    match server {
        Some(s) => {
            let skew = match now.duration_since(s) {
                Ok(d) => d.as_secs(),
                Err(e) => e.duration().as_secs(),
            };
            if skew > 120 {
                check(
                    "clock",
                    Level::Warn,
                    format!("this machine and the server differ by {skew} s"),
                )
            } else {
                check("clock", Level::Ok, "agrees with the server")
            }
        }
        None => check("clock", Level::Ok, "plausible"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(
            suggest("configuration: unknown field `prot`, expected one of ...").as_deref(),
            Some("server.port")
        );
        assert_eq!(suggest("configuration: unknown field `zzzzzzzz`"), None);
        assert!(known_keys().contains(&"llm_tracing.proxy.capture_prompts".to_string()));
    }
}
