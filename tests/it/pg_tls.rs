//! TLS to PostgreSQL: a scratch server that takes only TLS connections on 127.0.0.1 (its
//! certificate issued by a test CA made here with `openssl`), reached by the CLI and by
//! `bloop serve` with libpq's `sslmode` values. A plain connection is refused by the server
//! (`hostnossl … reject`), so every success below went over TLS.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::common::{bloop_cli_env, cli_ok, sign, wait_until, Http, ServeProcess, SECRET};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA (`ca.pem`) and a server certificate for `localhost` only (`server.crt`, `server.key`).
fn certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=bloop test CA",
    ]);
    openssl(dir, &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n\
         subjectAltName=DNS:localhost\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn postgres_over_tls_with_libpq_sslmodes() {
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let port = free_port();
    let server = bloop::store::pg::scratch::Scratch::start_tls(
        &dir.path().join("server.crt"),
        &dir.path().join("server.key"),
        port,
    )
    .expect("a TLS scratch server");
    let socket_url = server.database().expect("a database");
    let db = socket_url
        .split('/')
        .nth(3)
        .and_then(|s| s.split('?').next())
        .expect("db name")
        .to_string();
    let ca = dir.path().join("ca.pem");
    let ca = ca.to_str().unwrap();
    let url = |host: &str, query: &str| format!("postgres://bloop@{host}:{port}/{db}?{query}");
    let db_path = dir.path().join("unused.db");
    let projects = |url: &str| {
        bloop_cli_env(
            &db_path,
            &["projects", "list", "--json"],
            &[("BLOOP__DATABASE__URL", url)],
        )
    };
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();

    // The chain and the name checked: the certificate names localhost.
    let full = url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let listed: Value = serde_json::from_str(&cli_ok(&projects(&full))).expect("JSON");
    assert_eq!(listed[0]["id"], "default", "{listed}");
    // Reached by address, the name does not match: verify-full refuses, verify-ca accepts.
    let o = projects(&url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not valid for name"), "{}", stderr(&o));
    cli_ok(&projects(&url(
        "127.0.0.1",
        &format!("sslmode=verify-ca&sslrootcert={ca}"),
    )));
    // Without the CA the chain is unknown: refused, with how to fix it.
    let o = projects(&url("localhost", "sslmode=verify-full"));
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("UnknownIssuer") && e.contains("sslrootcert="),
        "{e}"
    );
    // require and the default (prefer) encrypt without checking, as libpq does.
    cli_ok(&projects(&url("127.0.0.1", "sslmode=require")));
    cli_ok(&projects(&url("127.0.0.1", "application_name=bloop-test")));
    // disable: the server refuses a plain connection, and the error says so.
    let o = projects(&url("127.0.0.1", "sslmode=disable"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no encryption"), "{}", stderr(&o));
    // A CA file that is not there is named before anything connects.
    let o = projects(&url(
        "localhost",
        "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
    ));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/ca.pem"), "{}", stderr(&o));

    // A server over verify-full: its pool, its writer and its cluster connection all use TLS.
    let node = ServeProcess::start(&db_path, &[("BLOOP__DATABASE__URL", full.as_str())]);
    let http = Http::new();
    let body = r#"{"timestamp":1700000000000,"source":"api","environment":"production","release":"1.0.0","error_type":"TlsError","message":"over tls"}"#;
    let r = http.post(
        &format!("{}/v1/ingest", node.url),
        body.to_string(),
        &[
            ("x-signature", &sign(SECRET, body.as_bytes())),
            ("content-type", "application/json"),
        ],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let stored = wait_until(Duration::from_secs(10), || {
        server
            .psql(&db, "SELECT count(*) FROM events")
            .is_ok_and(|n| n.trim() == "1")
    });
    assert!(stored, "the event was not stored over TLS");
    let health = http.get(&format!("{}/health", node.url)).body;
    assert_eq!(health["database"]["backend"], "postgres", "{health}");
    assert!(
        wait_until(Duration::from_secs(10), || {
            http.get(&format!("{}/health", node.url)).body["database"]["role"] == "leader"
        }),
        "the cluster connection (TLS too) never took the lead"
    );
    let tls_sessions = server
        .psql(
            &db,
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND s.ssl",
        )
        .expect("psql");
    assert!(
        tls_sessions.trim().parse::<i64>().unwrap_or(0) >= 2,
        "{tls_sessions}"
    );
}
