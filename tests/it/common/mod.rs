//! Test support: a real `bloop` server on 127.0.0.1 with an ephemeral port and a temp database
//! (in-process, or as a child process for signal tests), a signing HTTP client, and DB access.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bloop::Config;
use rusqlite::Connection;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub mod receiver;

pub const SECRET: &str = "test-secret";

/// A config for tests: temp database, no rate limit unless a test sets one.
pub fn test_config(dir: &Path) -> Config {
    let mut c = Config::default();
    c.database.path = dir.join("bloop.db");
    c.auth.hmac_secret = bloop::config::Secret::new(SECRET);
    c.server.host = "127.0.0.1".into();
    c.server.port = 0;
    c.rate_limit.per_second = 0;
    c.server.shutdown_timeout_secs = 5;
    c
}

/// A server running in this process on its own runtime thread.
pub struct TestServer {
    pub url: String,
    pub dir: tempfile::TempDir,
    pub db_path: PathBuf,
    token: CancellationToken,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    pub fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cfg = test_config(dir.path());
        tweak(&mut cfg);
        Self::start_in(dir, cfg)
    }

    pub fn start_in(dir: tempfile::TempDir, mut cfg: Config) -> Self {
        let db_path = cfg.database.path.clone();
        // A test run by `both!` on PostgreSQL: a fresh scratch database, which the CLI helpers
        // then use for this server's `db_path` too.
        if on_postgres() && cfg.database.url.is_none() {
            let url = bloop::store::pg::scratch::shared()
                .database()
                .expect("a scratch database");
            PG_URLS
                .lock()
                .expect("pg urls")
                .insert(db_path.clone(), url.clone());
            cfg.database.url = Some(bloop::config::Secret::new(url));
        }
        let token = CancellationToken::new();
        let (tx, rx) = std::sync::mpsc::channel();
        let t = token.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr"))
                    .expect("send addr");
                bloop::serve(cfg, listener, t)
                    .await
                    .map_err(|e| e.to_string())
            })
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server started");
        let mut s = Self {
            url: format!("http://{addr}"),
            dir,
            db_path,
            token,
            thread: Some(thread),
        };
        // Ready once /health answers (the database is open and migrated by then); a server that
        // stopped instead says why at once.
        let http = Http::new();
        let start = Instant::now();
        while http.try_get(&format!("{}/health", s.url)).is_none() {
            if s.thread.as_ref().is_some_and(|t| t.is_finished()) {
                let outcome = s.thread.take().map(|t| t.join());
                panic!("the server did not start: {outcome:?}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "server never became healthy"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        s
    }

    /// Graceful shutdown; returns when the server has flushed and exited.
    pub fn stop(mut self) -> (tempfile::TempDir, PathBuf) {
        self.shutdown();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("tempdir"));
        (dir, self.db_path.clone())
    }

    fn shutdown(&mut self) {
        self.token.cancel();
        if let Some(t) = self.thread.take() {
            // A panic in the server thread is reported by the test that caused it.
            let _ = t.join();
        }
    }

    pub fn db(&self) -> Connection {
        open_db(&self.db_path)
    }

    /// Runs a change on whichever database the server runs (a test's time travel).
    pub fn exec(&self, sql: &str) {
        match pg_url_of(&self.db_path) {
            Some(url) => {
                bloop::store::pg::scratch::shared()
                    .psql(&url, sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            None => {
                self.db()
                    .execute(sql, [])
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    /// The one integer `sql` answers, on whichever database the server runs (keep `sql` to
    /// what both SQLite and PostgreSQL read alike).
    pub fn count(&self, sql: &str) -> i64 {
        match pg_url_of(&self.db_path) {
            Some(url) => pg_count(&url, sql),
            None => count(&self.db(), sql),
        }
    }

    /// Waits until `sql` (a single count) returns at least `n`, up to `timeout`.
    pub fn wait_count(&self, sql: &str, n: i64, timeout: Duration) -> i64 {
        wait_count(&self.db_path, sql, n, timeout)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub fn open_db(path: &Path) -> Connection {
    let c = Connection::open(path).expect("open db");
    c.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    c
}

pub fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

pub fn wait_count(path: &Path, sql: &str, n: i64, timeout: Duration) -> i64 {
    let start = Instant::now();
    if let Some(url) = pg_url_of(path) {
        loop {
            let c = pg_count(&url, sql);
            if c >= n || start.elapsed() > timeout {
                return c;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let conn = open_db(path);
    loop {
        let c = count(&conn, sql);
        if c >= n || start.elapsed() > timeout {
            return c;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn sign(key: &str, body: &[u8]) -> String {
    bloop::signing::sign(key.as_bytes(), body)
}

/// A plain blocking HTTP client over reqwest's async one (tests are sync).
pub struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Http {
    pub fn new() -> Self {
        Self {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("rt"),
            client: reqwest::Client::new(),
        }
    }

    /// A client that shows redirects instead of following them (dashboard tests).
    pub fn without_redirects() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            ..Self::new()
        }
    }

    /// The underlying client, to build requests with any method and headers.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        self.rt.block_on(async {
            let r = req.send().await.expect("request");
            let status = r.status().as_u16();
            let headers = r.headers().clone();
            let text = r.text().await.expect("body");
            let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
            Resp {
                status,
                body,
                headers,
            }
        })
    }

    pub fn post(&self, url: &str, body: impl Into<Vec<u8>>, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.client.post(url).body(body.into());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req)
    }

    /// POSTs `body` signed with the legacy secret (no project key header).
    pub fn post_signed(&self, url: &str, body: &str) -> Resp {
        let sig = sign(SECRET, body.as_bytes());
        self.post(
            url,
            body,
            &[("x-signature", &sig), ("content-type", "application/json")],
        )
    }

    /// POSTs `body` with `X-Project-Key: key`, signed with the key.
    pub fn post_with_key(&self, url: &str, body: &str, key: &str) -> Resp {
        let sig = sign(key, body.as_bytes());
        self.post(url, body, &[("x-signature", &sig), ("x-project-key", key)])
    }

    /// GET that returns None when the connection fails (used to wait for readiness).
    pub fn try_get(&self, url: &str) -> Option<u16> {
        self.rt.block_on(async {
            self.client
                .get(url)
                .send()
                .await
                .ok()
                .map(|r| r.status().as_u16())
        })
    }

    pub fn get(&self, url: &str) -> Resp {
        self.send(self.client.get(url))
    }
}

/// Polls `cond` every 10 ms until it holds or `timeout` passes; says whether it held. Tests wait
/// with this instead of fixed sleeps.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if cond() {
            return true;
        }
        if start.elapsed() > timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

thread_local! {
    static POSTGRES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Servers started on PostgreSQL by `both!` tests, by their SQLite path (what the CLI helpers
/// are given): the database URL the CLI gets instead.
static PG_URLS: std::sync::Mutex<std::collections::BTreeMap<PathBuf, String>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Whether this test runs on PostgreSQL (see [`both!`]).
pub fn on_postgres() -> bool {
    POSTGRES.with(|p| p.get())
}

/// Runs `f` with every [`TestServer`] it starts on a fresh PostgreSQL database (the suite's
/// throw-away server) instead of a SQLite file.
pub fn with_postgres(f: impl FnOnce()) {
    POSTGRES.with(|p| p.set(true));
    f();
}

/// The one integer `sql` answers on PostgreSQL database `url` (NULL reads as 0).
pub fn pg_count(url: &str, sql: &str) -> i64 {
    let out = bloop::store::pg::scratch::shared()
        .psql(url, sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let v = out.trim();
    if v.is_empty() {
        return 0;
    }
    v.parse()
        .unwrap_or_else(|e| panic!("{sql} answered {v:?}: {e}"))
}

/// The one text value `sql` answers on the database at `db` (or the PostgreSQL database a
/// `both!` test's server there uses).
pub fn text_in(db: &Path, sql: &str) -> String {
    match pg_url_of(db) {
        Some(url) => bloop::store::pg::scratch::shared()
            .psql(&url, sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .trim_end_matches('\n')
            .to_string(),
        None => open_db(db)
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

/// The database URL of the server whose SQLite path is `db`, when it runs on PostgreSQL.
pub fn pg_url_of(db: &Path) -> Option<String> {
    PG_URLS.lock().expect("pg urls").get(db).cloned()
}

/// Runs the `bloop` binary on the database `db` (working directory: its folder; no remote
/// settings from the environment; 160 columns).
pub fn bloop_cli(db: &Path, args: &[&str]) -> std::process::Output {
    bloop_cli_env(db, args, &[])
}

/// [`bloop_cli`] with more environment variables (configuration: `BLOOP__…`).
pub fn bloop_cli_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(bloop_bin());
    if let Some(url) = pg_url_of(db) {
        cmd.env("BLOOP__DATABASE__URL", url);
    }
    cmd.args(args)
        .env("BLOOP__DATABASE__PATH", db)
        .env_remove("BLOOP_URL")
        .env_remove("BLOOP_TOKEN")
        .env_remove("BLOOP_CONFIG")
        .env("COLUMNS", "160")
        .envs(env.iter().copied())
        .current_dir(db.parent().expect("db dir"))
        .output()
        .expect("run bloop")
}

/// Stdout of a command that must have succeeded.
pub fn cli_ok(o: &std::process::Output) -> String {
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

/// A user with a session, made directly in the database (the ceremony itself is covered in the
/// browser test). Returns the session cookie.
/// A new API token with `scopes`, for every project.
pub fn api_token(db: &Path, scopes: &[bloop::store::tokens::Scope]) -> String {
    if pg_url_of(db).is_some() {
        // On PostgreSQL through the CLI, which `bloop_cli` points at the server's database.
        let list: Vec<String> = scopes
            .iter()
            .map(|s| {
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .expect("a scope's name")
            })
            .collect();
        let out = bloop_cli(
            db,
            &[
                "tokens",
                "create",
                "--name",
                "test",
                "--scopes",
                &list.join(","),
                "--json",
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&cli_ok(&out)).expect("token JSON");
        return v["token"].as_str().expect("token").to_string();
    }
    bloop::store::tokens::create(&open_db(db), "test", scopes, None, None)
        .expect("token")
        .token
}

/// The one integer `sql` answers on the database at `db` (or the PostgreSQL database a
/// `both!` test's server there uses).
pub fn count_in(db: &Path, sql: &str) -> i64 {
    match pg_url_of(db) {
        Some(url) => pg_count(&url, sql),
        None => count(&open_db(db), sql),
    }
}

/// A user handle (a UUID, as registration makes) derived from the name.
fn handle_for(name: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    format!(
        "00000000-0000-4000-8000-{:012x}",
        h.finish() & 0xffff_ffff_ffff
    )
}

/// A user `name` with `role` and a session, made directly in the database of the server at
/// `db` (SQLite, or its PostgreSQL database in a `both!` test); returns the session cookie.
pub fn user_session(db: &Path, name: &str, role: bloop::store::users::Role) -> String {
    if let Some(url) = pg_url_of(db) {
        return pg_user_session(&url, name, role);
    }
    let mut conn = open_db(db);
    let now = bloop::store::now_ms();
    let inv = bloop::store::users::create_invite(&conn, role, "test", 60_000, now).unwrap();
    let cred = format!("cred-{name}");
    let user = bloop::store::users::register(
        &mut conn,
        &inv.token,
        name,
        &handle_for(name),
        &bloop::store::users::NewPasskey {
            cred_id: &cred,
            name: "test",
            json: "{}",
        },
        now,
    )
    .unwrap();
    let token = bloop::store::users::create_session(&conn, user.id, 3_600_000, now).unwrap();
    format!("bloop_session={token}")
}

/// [`user_session`] on PostgreSQL database `url` (a `both!` test's): the invite and the
/// registration through the server's own store, as a finished passkey ceremony makes them.
fn pg_user_session(url: &str, name: &str, role: bloop::store::users::Role) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // The pool is made and dropped inside the runtime.
    rt.block_on(async {
        let pg = bloop::store::pg::Pg::open(url, 1).await.expect("open");
        let db = bloop::store::Db::Postgres(pg);
        let now = bloop::store::now_ms();
        let inv = db
            .create_invite(role, "test".into(), 60_000, now)
            .await
            .expect("invite");
        let passkey = bloop::store::users::OwnedPasskey {
            cred_id: format!("cred-{name}"),
            name: "test".into(),
            json: "{}".into(),
        };
        let (_, token) = db
            .register(
                inv.token,
                name.into(),
                handle_for(name),
                passkey,
                3_600_000,
                now,
            )
            .await
            .expect("register");
        format!("bloop_session={token}")
    })
}

/// What a `bloop serve` child on `db` needs in its environment: in a `both!` test on PostgreSQL
/// a fresh scratch database (kept for `db`, so the CLI and count helpers given `db` read it
/// too), on SQLite nothing.
pub fn serve_db_env(db: &Path) -> Vec<(&'static str, String)> {
    if !on_postgres() {
        return Vec::new();
    }
    let url = bloop::store::pg::scratch::shared()
        .database()
        .expect("a scratch database");
    PG_URLS
        .lock()
        .expect("pg urls")
        .insert(db.to_path_buf(), url.clone());
    vec![("BLOOP__DATABASE__URL", url)]
}

pub fn event(message: &str) -> String {
    serde_json::json!({
        "timestamp": 1_700_000_000,
        "source": "api",
        "environment": "production",
        "release": "1.0.0",
        "error_type": "TestError",
        "message": message,
    })
    .to_string()
}

/// A `bloop serve` child process on an ephemeral port.
pub struct ServeProcess {
    pub child: Child,
    pub url: String,
    /// What it logged up to and including the "listening" line.
    pub startup_log: Vec<String>,
    pub stderr_lines: std::sync::mpsc::Receiver<String>,
}

pub fn bloop_bin() -> &'static str {
    env!("CARGO_BIN_EXE_bloop")
}

impl ServeProcess {
    pub fn start(db: &Path, extra_env: &[(&str, &str)]) -> Self {
        Self::start_limited(db, extra_env, None)
    }

    /// `bloop serve` under an open-files limit (`ulimit -n`), when given.
    pub fn start_limited(db: &Path, extra_env: &[(&str, &str)], nofile: Option<u32>) -> Self {
        let mut cmd = match nofile {
            None => Command::new(bloop_bin()),
            Some(n) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(bloop_bin());
                c
            }
        };
        cmd.arg("serve")
            .env("BLOOP__DATABASE__PATH", db)
            .env("BLOOP__SERVER__HOST", "127.0.0.1")
            .env("BLOOP__SERVER__PORT", "0")
            .env("BLOOP__AUTH__HMAC_SECRET", SECRET)
            .env("BLOOP__RATE_LIMIT__PER_SECOND", "0")
            .env_remove("BLOOP_CONFIG")
            .current_dir(db.parent().expect("db dir"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        // A `both!` test on PostgreSQL: a fresh scratch database for this path (the CLI
        // helpers then use it too).
        if on_postgres() && !extra_env.iter().any(|(k, _)| *k == "BLOOP__DATABASE__URL") {
            let url = pg_url_of(db).unwrap_or_else(|| {
                let url = bloop::store::pg::scratch::shared()
                    .database()
                    .expect("a scratch database");
                PG_URLS
                    .lock()
                    .expect("pg urls")
                    .insert(db.to_path_buf(), url.clone());
                url
            });
            cmd.env("BLOOP__DATABASE__URL", url);
        }
        let mut child = cmd.spawn().expect("spawn bloop serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut startup_log = Vec::new();
        let url = loop {
            let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            else {
                // Ended or silent: say why instead of waiting for a health check to time out.
                let status = child.try_wait().ok().flatten();
                panic!(
                    "bloop serve did not start (exit {status:?}); it said:\n{}",
                    startup_log.join("\n")
                );
            };
            startup_log.push(line.clone());
            if let Some(i) = line.find("listening on http://") {
                let addr = line[i + "listening on ".len()..]
                    .split_whitespace()
                    .next()
                    .expect("address")
                    .to_string();
                break addr;
            }
        };
        Self {
            child,
            url,
            startup_log,
            stderr_lines: rx,
        }
    }

    /// `bloop serve` on `http://localhost:PORT` as a browser must see it (the passkey origin),
    /// on an empty database: the server, its origin, and the first admin's setup link it logged.
    pub fn for_browser(db: &Path, extra_env: &[(&str, &str)]) -> (Self, String, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let origin = format!("http://localhost:{port}");
        let port_s = port.to_string();
        let mut env = vec![
            ("BLOOP__SERVER__PORT", port_s.as_str()),
            ("BLOOP__AUTH__RP_ORIGIN", origin.as_str()),
        ];
        env.extend_from_slice(extra_env);
        let serve = Self::start(db, &env);
        // The link comes before "listening", among the lines start() kept.
        let wanted = format!("{origin}/setup?token=");
        let setup = serve
            .startup_log
            .iter()
            .find_map(|line| {
                let i = line.find(&wanted)?;
                Some(line[i..].split_whitespace().next()?.to_string())
            })
            .expect("serve prints a setup link on an empty database");
        (serve, origin, setup)
    }

    pub fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for exit and returns the exit code.
    pub fn wait(mut self, timeout: Duration) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                return s.code();
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("bloop serve did not exit within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a browser script (`tests/browser/*.mjs`, run with node) printed: it must have exited 0
/// and printed `OK`; its `RESULT {json}` line, when it has one (else `Value::Null`).
pub fn browser_result(out: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.lines().any(|l| l == "OK"),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .map(|r| serde_json::from_str(r).expect("RESULT is JSON"))
        .unwrap_or(serde_json::Value::Null)
}

/// Test functions run on both backends: each `fn name()` in the block is the test `name`
/// (SQLite) and the test `pg::name` (every server it starts on a fresh PostgreSQL database, the
/// CLI helpers pointed at it). One block per file (it makes the module `pg`).
#[macro_export]
macro_rules! both {
    ($($(#[$m:meta])* fn $name:ident() $body:block)*) => {
        $(
            $(#[$m])*
            #[test]
            fn $name() $body
        )*

        mod pg {
            $(
                $(#[$m])*
                #[test]
                fn $name() {
                    $crate::common::with_postgres(super::$name)
                }
            )*
        }
    };
}
