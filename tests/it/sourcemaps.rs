//! Minified JavaScript stacks read as source: esbuild (from npm, tests/sentry/js) builds a small
//! app, the real `@sentry/node` SDK reports an error thrown inside the bundle, and bloop resolves
//! its frames through maps uploaded with `bloop sourcemaps upload` — by name within the release,
//! and by debug ID. The upload API's answers to bad input.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bloop::store::tokens::{self, Scope};
use serde_json::Value;

use crate::common::*;

const WAIT: Duration = Duration::from_secs(15);
const JS: &str = "tests/sentry/js";
const DEBUG_ID: &str = "8c5d3d7a-6b0e-4f6a-9f58-1c2d3e4f5a6b";

fn node(args: &[&str]) {
    assert!(
        Path::new(JS).join("node_modules/esbuild").exists(),
        "tests/sentry/js/node_modules is missing: tests/run.sh installs it (npm ci)"
    );
    let out = Command::new("node")
        .args(args)
        .current_dir(JS)
        .output()
        .expect("node (tests/run.sh installs it)");
    assert!(
        out.status.success(),
        "node {args:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds the app into `work/dist-<variant>`; answers the bundle's path.
fn build(work: &Path, variant: &str) -> PathBuf {
    let w = work.to_str().unwrap();
    node(&["build.mjs", w, variant, DEBUG_ID]);
    work.join(format!("dist-{variant}")).join("app.min.js")
}

/// The SDK reports the error thrown by `bundle`.
fn send(dsn: &str, release: &str, bundle: &Path) {
    node(&["send.mjs", dsn, release, bundle.to_str().unwrap()]);
}

fn cli(s: &TestServer, args: &[&str]) -> String {
    let out = bloop_cli(&s.db_path, args);
    assert!(
        out.status.success(),
        "bloop {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The newest event's frames (oldest first), its stack text and its issue's id.
fn latest(s: &TestServer) -> (Vec<Value>, String, i64) {
    let (frames, stack, issue): (String, String, i64) = s
        .db()
        .query_row(
            "SELECT frames, stack, issue_id FROM events ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    (serde_json::from_str(&frames).unwrap(), stack, issue)
}

/// Where a frame says it is (the Node SDK sends absolute paths as `filename`).
fn file(f: &Value) -> &str {
    f["abs_path"]
        .as_str()
        .or(f["filename"].as_str())
        .unwrap_or("")
}

/// The bundle's frames (the SDK also reports Node's own below them), innermost first.
fn bundle_frames(frames: &[Value]) -> Vec<&Value> {
    frames
        .iter()
        .rev()
        .filter(|f| f.get("minified").is_some() || file(f).ends_with("app.min.js"))
        .collect()
}

#[test]
fn minified_node_errors_read_and_group_as_source_through_uploaded_maps() {
    let s = TestServer::start();
    let (_, dsn) = crate::sentry::dsn(&s, "default");
    let work = tempfile::tempdir().unwrap();
    let minified = build(work.path(), "minify");
    let light = build(work.path(), "light");
    let with_id = build(work.path(), "debugid");

    // 1. Release 1.0.0: the map uploaded from the local database, then the SDK reports.
    let out = cli(
        &s,
        &[
            "sourcemaps",
            "upload",
            "--project",
            "default",
            "--release",
            "web@1.0.0",
            work.path().join("dist-minify").to_str().unwrap(),
        ],
    );
    assert!(out.contains("~/app.min.js"), "{out}");
    assert!(out.contains("1 source map stored"), "{out}");
    send(&dsn, "web@1.0.0", &minified);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 1, WAIT), 1);
    let (frames, stack, first_issue) = latest(&s);
    let ours = bundle_frames(&frames);
    assert!(ours.len() >= 2, "{frames:?}");
    let top = ours[0];
    assert_eq!(top["filename"], "src/config.js", "{top}");
    assert_eq!(top["function"], "parseConfig", "{top}");
    assert_eq!(top["lineno"], 5, "the throw's line: {top}");
    assert_eq!(top["in_app"], true);
    let min = &top["minified"];
    assert!(file(min).ends_with("dist-minify/app.min.js"), "{min}");
    assert_eq!(min["lineno"], 1, "the minified frame is kept beside: {min}");
    assert_ne!(min["function"], "parseConfig", "esbuild renamed it: {min}");
    let caller = ours[1];
    assert_eq!(caller["filename"], "src/main.js", "{caller}");
    // (Its own caller is outside the bundle, so its original name is not recorded anywhere
    // the map can tell: it keeps the minified one.)
    assert_eq!(caller["lineno"], 4, "{caller}");
    assert!(
        stack.starts_with("at parseConfig (src/config.js:5:"),
        "the text stack reads as source: {stack}"
    );

    // 2. Another minification (names kept, positions moved by a banner) of release 1.0.1,
    // uploaded through the API with a CI token: the same issue.
    let ci = tokens::create(&s.db(), "ci", &[Scope::SourcemapsWrite], None, None)
        .unwrap()
        .token;
    let out = cli(
        &s,
        &[
            "sourcemaps",
            "--url",
            &s.url,
            "--token",
            &ci,
            "upload",
            "--project",
            "default",
            "--release",
            "web@1.0.1",
            light.to_str().unwrap(),
            work.path()
                .join("dist-light/app.min.js.map")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(out.contains("1 source map stored"), "{out}");
    send(&dsn, "web@1.0.1", &light);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 2, WAIT), 2);
    let (frames, _, issue) = latest(&s);
    assert_eq!(bundle_frames(&frames)[0]["function"], "parseConfig");
    assert_eq!(bundle_frames(&frames)[0]["lineno"], 5);
    assert_eq!(
        issue, first_issue,
        "a new minified build does not split the issue"
    );

    // 3. Debug IDs: the map uploaded alone under an unrelated name and no release; the SDK
    // sends the bundle's debug ID in `debug_meta`, which is what finds it.
    let upload = work.path().join("by-id");
    std::fs::create_dir(&upload).unwrap();
    std::fs::copy(
        work.path().join("dist-debugid/app.min.js.map"),
        upload.join("unrelated.js.map"),
    )
    .unwrap();
    let out = cli(
        &s,
        &[
            "sourcemaps",
            "upload",
            "--project",
            "default",
            upload.to_str().unwrap(),
        ],
    );
    assert!(
        out.contains(DEBUG_ID),
        "the debug ID is read from the map: {out}"
    );
    send(&dsn, "web@2.0.0", &with_id);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 3, WAIT), 3);
    let (frames, _, issue) = latest(&s);
    let top = bundle_frames(&frames)[0];
    assert_eq!(top["filename"], "src/config.js", "{top}");
    assert_eq!(top["function"], "parseConfig", "{top}");
    assert_eq!(issue, first_issue);
    let total: i64 = s
        .db()
        .query_row(
            "SELECT total_count FROM issues WHERE id = ?1",
            [issue],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(total, 3);

    // 4. No map for this release and no debug ID: frames stay as sent.
    send(&dsn, "web@9.9.9", &minified);
    assert_eq!(s.wait_count("SELECT count(*) FROM events", 4, WAIT), 4);
    let (frames, _, issue) = latest(&s);
    let top = bundle_frames(&frames)[0];
    assert!(top.get("minified").is_none(), "{top}");
    assert!(file(top).ends_with("dist-minify/app.min.js"), "{top}");
    assert_ne!(
        issue, first_issue,
        "unresolved minified frames group on their own"
    );

    // The listing and a release's delete.
    let out = cli(&s, &["sourcemaps", "list", "--project", "default"]);
    for want in ["web@1.0.0", "web@1.0.1", "~/unrelated.js", DEBUG_ID] {
        assert!(out.contains(want), "{want} in:\n{out}");
    }
    let out = cli(
        &s,
        &[
            "sourcemaps",
            "delete",
            "--project",
            "default",
            "--release",
            "web@1.0.0",
        ],
    );
    assert!(out.contains("deleted"), "{out}");
    let left: i64 = s
        .db()
        .query_row("SELECT count(*) FROM sourcemaps", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 2);
}

/// `POST /v1/sourcemaps` with `files` as multipart; answers status and body.
fn upload(s: &TestServer, token: &str, query: &str, files: &[(&str, &[u8])]) -> Resp {
    let files: Vec<bloop::sourcemap::upload::File> = files
        .iter()
        .map(|(p, b)| bloop::sourcemap::upload::File {
            path: p.to_string(),
            bytes: b.to_vec(),
        })
        .collect();
    let (ct, body) = bloop::sourcemap::upload::build_multipart(&files);
    let http = Http::new();
    http.send(
        http.client()
            .post(format!("{}/v1/sourcemaps?{query}", s.url))
            .bearer_auth(token)
            .header("content-type", ct)
            .body(body),
    )
}

#[test]
fn uploads_refuse_bad_files_clearly() {
    let s = TestServer::start_with(|c| {
        c.sourcemaps.max_file_mb = 1;
        c.sourcemaps.max_project_mb = 1;
    });
    let tok = tokens::create(&s.db(), "ci", &[Scope::SourcemapsWrite], None, None)
        .unwrap()
        .token;
    let map = br#"{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"}"#;
    let ok = upload(&s, &tok, "project=default&release=1", &[("a.js.map", map)]);
    assert_eq!(ok.status, 201, "{:?}", ok.body);
    assert_eq!(ok.body["stored"][0]["name"], "~/a.js");
    assert_eq!(ok.body["stored"][0]["mappings"], 1);

    let r = upload(
        &s,
        &tok,
        "project=default",
        &[("b.js.map", b"{\"version\":3")],
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "b.js.map");
    assert!(r.body["error"]
        .as_str()
        .unwrap()
        .contains("not a source map"));

    let r = upload(&s, &tok, "project=default", &[("notes.txt", b"x")]);
    assert_eq!(r.status, 400, "{:?}", r.body);

    let big = vec![b' '; 1024 * 1024 + 10];
    let r = upload(&s, &tok, "project=default", &[("big.js.map", &big)]);
    assert_eq!(r.status, 413, "{:?}", r.body);
    assert_eq!(r.body["field"], "big.js.map");

    let r = upload(&s, &tok, "project=nope", &[("a.js.map", map)]);
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = upload(&s, &tok, "release=1", &[("a.js.map", map)]);
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(r.body["field"], "project");

    let http = Http::new();
    let r = http.send(
        http.client()
            .post(format!("{}/v1/sourcemaps?project=default", s.url))
            .bearer_auth(&tok)
            .json(&serde_json::json!({"map": "x"})),
    );
    assert_eq!(r.status, 415, "{:?}", r.body);
    let r = http.send(
        http.client()
            .post(format!("{}/v1/sourcemaps?project=default", s.url))
            .bearer_auth(&tok)
            .header("content-type", "multipart/form-data; boundary=xyz")
            .body("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.js.map\"\r\n\r\n{}"),
    );
    assert_eq!(r.status, 400, "a body cut inside a part: {:?}", r.body);
    // The token may upload but not read issues.
    let r = http.send(
        http.client()
            .get(format!("{}/v1/errors", s.url))
            .bearer_auth(&tok),
    );
    assert_eq!(r.status, 403);
}

/// A project whose only live key is a DSN key: the empty issues page offers to create an ingest
/// key instead of passing the public DSN key off as the signing key of `bloop send --key`.
#[test]
fn the_empty_state_never_offers_a_dsn_key_as_the_ingest_key() {
    let s = TestServer::start();
    let db = s.db();
    db.execute(
        "UPDATE project_keys SET revoked_at = 1 WHERE project_id = 'default'",
        [],
    )
    .unwrap();
    let (dsn_key, _) = crate::sentry::dsn(&s, "default");
    let cookie = user_session(&s.db_path, "ada", bloop::store::users::Role::Admin);
    let http = Http::new();
    let r = http.send(
        http.client()
            .get(format!("{}/issues", s.url))
            .header("cookie", &cookie),
    );
    assert_eq!(r.status, 200);
    let html = r.body.as_str().unwrap();
    assert!(
        !html.contains(&dsn_key),
        "the DSN key is not the ingest key"
    );
    assert!(html.contains("Create an ingest key"), "{html}");
}
