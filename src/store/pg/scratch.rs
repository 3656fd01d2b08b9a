//! A throw-away PostgreSQL server for the test suite and the benchmarks: `initdb` into a
//! temporary directory, `postgres` listening only on a unix socket inside it, one fresh database
//! per caller. Run as root, the server runs as the `postgres` user (it refuses root). A watcher
//! process stops the server and removes the directory when the process that started it exits.
//! No Docker, no download: Debian's `postgresql` package (tests/run.sh installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// A running scratch server.
#[derive(Debug)]
pub struct Scratch {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    next: AtomicUsize,
    /// The port, which also names the unix socket (`.s.PGSQL.<port>`).
    port: String,
}

/// The directory with the server's programs (`initdb`, `pg_ctl`, `createdb`, `psql`): where
/// the `initdb` on `PATH` really lives, else Debian's `/usr/lib/postgresql/<version>/bin` (the
/// newest).
pub fn bin_dir() -> Option<PathBuf> {
    let complete = |d: &Path| {
        ["initdb", "pg_ctl", "createdb", "psql"]
            .iter()
            .all(|p| d.join(p).is_file())
    };
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let Ok(real) = std::fs::canonicalize(dir.join("initdb")) else {
                continue;
            };
            if let Some(d) = real.parent().filter(|d| complete(d)) {
                return Some(d.to_path_buf());
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            complete(&bin).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.trim_ascii() == b"0")
        .unwrap_or(false)
}

impl Scratch {
    /// Starts a server with settings for tests (no fsync: nothing here must survive a crash of
    /// the machine).
    pub fn start() -> Result<Scratch, String> {
        Scratch::start_with(&[
            ("fsync", "off"),
            ("synchronous_commit", "off"),
            ("full_page_writes", "off"),
        ])
    }

    /// Starts a server with `settings` (name, value) on top of a test-sized configuration.
    pub fn start_with(settings: &[(&str, &str)]) -> Result<Scratch, String> {
        Scratch::start_prepared(settings, |_| Ok(()))
    }

    /// A server that also listens on 127.0.0.1:`port` and takes only TLS connections there,
    /// with the certificate and key in the PEM files `cert` and `key` (unix-socket connections
    /// stay plain, for `database()` and `psql`).
    pub fn start_tls(cert: &Path, key: &Path, port: u16) -> Result<Scratch, String> {
        let port = port.to_string();
        Scratch::start_prepared(
            &[
                ("fsync", "off"),
                ("synchronous_commit", "off"),
                ("listen_addresses", "'127.0.0.1'"),
                ("port", &port),
                ("ssl", "on"),
                ("ssl_cert_file", "'server.crt'"),
                ("ssl_key_file", "'server.key'"),
            ],
            |s| {
                let data = s.data();
                let put = |from: &Path, name: &str, contents: Option<&str>| {
                    let to = data.join(name);
                    match contents {
                        Some(c) => std::fs::write(&to, c),
                        None => std::fs::copy(from, &to).map(|_| ()),
                    }
                    .map_err(|e| format!("{}: {e}", to.display()))?;
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))
                        .map_err(|e| format!("{}: {e}", to.display()))?;
                    if s.as_postgres {
                        let ok = Command::new("chown")
                            .arg("postgres:postgres")
                            .arg(&to)
                            .status()
                            .is_ok_and(|st| st.success());
                        if !ok {
                            return Err(format!("chown postgres {}", to.display()));
                        }
                    }
                    Ok(())
                };
                put(cert, "server.crt", None)?;
                put(key, "server.key", None)?;
                put(
                    Path::new(""),
                    "pg_hba.conf",
                    Some(
                        "local all all trust\n\
                         hostssl all all 127.0.0.1/32 trust\n\
                         hostnossl all all 127.0.0.1/32 reject\n",
                    ),
                )
            },
        )
    }

    fn start_prepared(
        settings: &[(&str, &str)],
        prepare: impl FnOnce(&Scratch) -> Result<(), String>,
    ) -> Result<Scratch, String> {
        let bin = bin_dir().ok_or(
            "PostgreSQL's server programs (initdb, pg_ctl) were not found: install Debian's \
             `postgresql` package (tests/run.sh does)",
        )?;
        let as_postgres = is_root();
        let dir = std::env::temp_dir().join(format!(
            "bloop-pg-{}-{}",
            std::process::id(),
            crate::store::now_ms()
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let s = Scratch {
            dir,
            bin,
            as_postgres,
            next: AtomicUsize::new(0),
            port: settings
                .iter()
                .find(|(k, _)| *k == "port")
                .map_or("5432".to_string(), |(_, v)| v.to_string()),
        };
        if as_postgres {
            let ok = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&s.dir)
                .status()
                .map(|st| st.success())
                .unwrap_or(false);
            if !ok {
                return Err(
                    "running as root, but the `postgres` user cannot own the scratch \
                            directory (is the postgresql package installed?)"
                        .into(),
                );
            }
        }
        s.run(
            "initdb",
            &[
                "-D",
                &s.data().to_string_lossy(),
                "-U",
                "bloop",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-N",
            ],
        )?;
        prepare(&s)?;
        let mut opts = format!(
            "-k {} -c listen_addresses='' -c max_connections=400 -c shared_buffers=64MB",
            s.dir.display()
        );
        for (k, v) in settings {
            opts.push_str(&format!(" -c {k}={v}"));
        }
        s.run(
            "pg_ctl",
            &[
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                &s.data().to_string_lossy(),
                "-l",
                &s.dir.join("log").to_string_lossy(),
                "-o",
                &opts,
            ],
        )?;
        s.watch();
        Ok(s)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Runs one of the server's programs (as `postgres` when we are root).
    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let path = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = cmd
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            return Err(format!(
                "{program} failed: {}{}\n{log}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        Ok(())
    }

    /// A shell that waits for this process to exit, then stops the server and removes the
    /// directory (statics are never dropped, so the test process cannot do it itself).
    fn watch(&self) {
        let pg_ctl = self.bin.join("pg_ctl");
        let stop = format!(
            "{} stop -m immediate -D '{}'",
            pg_ctl.display(),
            self.data().display()
        );
        let stop = if self.as_postgres {
            format!("runuser -u postgres -- {stop}")
        } else {
            stop
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            dir = self.dir.display()
        );
        let _ = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// A connection URL for database `db` as the server's superuser `bloop`.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://bloop@/{db}?host={}&port={}",
            self.dir.display(),
            self.port
        )
    }

    /// Creates a new empty database and returns its URL.
    pub fn database(&self) -> Result<String, String> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let name = format!("t{}_{n}", std::process::id());
        let out = Command::new(self.bin.join("createdb"))
            .args(["-h", &self.dir.to_string_lossy(), "-p", &self.port])
            .args(["-U", "bloop", &name])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("createdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "createdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(self.url(&name))
    }

    /// Runs `sql` with `psql` on the database of `url`'s name (for tests that set up roles).
    pub fn psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                &self.dir.to_string_lossy(),
                "-p",
                &self.port,
                "-U",
                "bloop",
                "-d",
                db,
                "-v",
                "ON_ERROR_STOP=1",
                "-Atc",
                sql,
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// One scratch server per process, started on first use.
pub fn shared() -> &'static Scratch {
    static SERVER: OnceLock<Scratch> = OnceLock::new();
    SERVER.get_or_init(|| match Scratch::start() {
        Ok(s) => s,
        Err(e) => panic!("could not start a scratch PostgreSQL server: {e}"),
    })
}
