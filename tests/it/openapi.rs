//! The served OpenAPI document matches the code, and every documented route exists.

use crate::common::*;

#[test]
fn served_document_matches_and_every_documented_route_exists() {
    let s = TestServer::start();
    let http = Http::new();
    let r = http.get(&format!("{}/v1/openapi.json", s.url));
    assert_eq!(r.status, 200);
    assert_eq!(r.body, bloop::server::openapi::document());
    let doc = &r.body;
    for route in bloop::server::routes::ROUTES {
        let (method, path) = (route.verb.as_str(), route.path);
        // OpenAPI has no catch-all parameter: `{*path}` is documented as `{path}`.
        let path = &path.replace("{*", "{");
        // Documented: the document lists exactly this method on this path.
        assert!(
            doc["paths"][path][method.to_lowercase()].is_object(),
            "{method} {path} is in the route table but not in the document"
        );
        let concrete = path
            .replace("{fp}", "0123456789abcdef")
            .replace("{id}", "1")
            .replace("{release}", "1.0.0")
            .replace("{path}", "v1/models");
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = http.send(reqwest::Client::new().request(m, format!("{}{}", s.url, concrete)));
        // Unauthenticated: 401, 400 or 403 (or 200 for public routes) — never "no such route"
        // (a build without LLM tracing says so on its routes, with its own code).
        if !cfg!(feature = "llm-tracing")
            && resp.status == 404
            && resp.body["code"] == "llm_tracing_disabled"
        {
            continue;
        }
        assert!(
            resp.status != 404 && resp.status != 405,
            "{method} {path} is documented but the server answered {}",
            resp.status
        );
    }
    // And nothing else is documented.
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|ops| ops.as_object().unwrap().len())
        .sum();
    assert_eq!(documented, bloop::server::routes::ROUTES.len());
}

#[test]
fn committed_document_is_valid_openapi_3_1() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json,sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))\nprint('valid')",
            path,
        ])
        .output()
        .expect("python3 with openapi-spec-validator (installed by tests/run.sh)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
