//! The OpenAPI 3.1 document, served at `GET /v1/openapi.json` and committed as
//! `docs/openapi.json` (a test fails when the two differ). Schemas are generated from the very
//! types the handlers read and write (schemars, which follows their serde attributes); the route
//! table below is the one place that lists paths, auth and scopes, and a test calls every path
//! on a live server to prove it exists.

use axum::routing::get;
use axum::{Json, Router};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

use super::AppState;
use crate::alert::{Delivery, NewRule, Rule};
use crate::event::{WireBatch, WireEvent};
use crate::retention::PruneReport;
use crate::store::issues::{
    HourCount, IssueDetail, IssueRow, Occurrence, ReleaseSummary, StatusChange,
};
use crate::store::keys::{KeyRow, Rotated};
use crate::store::projects::{Deleted, Project};
use crate::store::tokens::{CreatedToken, Token};
use crate::store::users::{Invite, InviteLink, User};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/openapi.json", get(|| async { Json(document()) }))
}

#[derive(Clone, Copy, PartialEq)]
enum Auth {
    None,
    Hmac,
    Bearer(&'static str),
}

struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    tag: &'static str,
    auth: Auth,
    query: &'static [(&'static str, &'static str)],
    body: Option<Value>,
    status: u16,
    response: Value,
}

/// The error body every endpoint uses.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ErrorBody {
    /// What went wrong, for people.
    error: String,
    /// A stable snake_case code, for programs.
    code: String,
    /// The field or parameter at fault.
    field: Option<String>,
    /// The limit that was exceeded.
    limit: Option<u64>,
}

const LIST_QUERY: &[(&str, &str)] = &[
    (
        "project",
        "project slug (a pinned token reads its own project)",
    ),
    ("status", "unresolved | resolved | ignored | muted"),
    ("release", "issues with events in this release"),
    ("environment", "issues with events in this environment"),
    ("source", "source (ios, android, api, …)"),
    ("route", "route or procedure"),
    (
        "since",
        "last seen at or after: epoch ms or a duration back from now (24h, 7d)",
    ),
    ("until", "first seen at or before: epoch ms or a duration"),
    (
        "q",
        "search: free text plus is:, release:, env:, source:, route:, type:, !key:value",
    ),
    ("sort", "last_seen (default) | first_seen | total_count"),
    ("limit", "1..200 (default 50)"),
    ("offset", "rows to skip"),
];

fn ops(g: &mut SchemaGenerator) -> Vec<Op> {
    let accepted = json!({"type": "object", "properties": {
        "status": {"const": "accepted"},
        "accepted": {"type": "integer", "description": "events in the batch"}}});
    let health = json!({"type": "object", "properties": {
        "status": {"enum": ["ok", "unhealthy"]}, "db_ok": {"type": "boolean"},
        "queue_depth": {"type": "integer"}, "queue_capacity": {"type": "integer"},
        "dropped": {"type": "object", "properties": {"queue_full": {"type": "integer"}, "rate_limited": {"type": "integer"}}},
        "events_written": {"type": "integer"}, "last_flush_age_ms": {"type": ["integer", "null"]},
        "connections": {"type": "object", "description": "open connections, the cap, new ones refused at the cap, idle ones closed for room",
            "properties": {"open": {"type": "integer"}, "max": {"type": "integer"}, "refused": {"type": "integer"}, "idle_closed": {"type": "integer"}}}}});
    let fp = &[(
        "project",
        "project slug, when the fingerprint exists in several",
    )][..];
    let mut v = Vec::new();
    let mut op =
        |method, path, summary, tag, auth, query, body: Option<Value>, status, response: Value| {
            v.push(Op {
                method,
                path,
                summary,
                tag,
                auth,
                query,
                body,
                status,
                response,
            })
        };
    use Auth::*;
    op(
        "post",
        "/v1/ingest",
        "Ingest one event",
        "ingest",
        Hmac,
        &[],
        Some(sch::<WireEvent>(g)),
        200,
        accepted.clone(),
    );
    op(
        "post",
        "/v1/ingest/batch",
        "Ingest a batch of events (all-or-nothing validation)",
        "ingest",
        Hmac,
        &[],
        Some(sch::<WireBatch>(g)),
        200,
        accepted,
    );
    op(
        "get",
        "/health",
        "Health: queue, drops, last flush, database",
        "ops",
        None,
        &[],
        Option::None,
        200,
        health,
    );
    op(
        "get",
        "/v1/openapi.json",
        "This document",
        "ops",
        None,
        &[],
        Option::None,
        200,
        json!({"type": "object"}),
    );
    op(
        "get",
        "/v1/errors",
        "List issues (X-Total-Count, X-Next-Offset headers)",
        "errors",
        Bearer("errors:read"),
        LIST_QUERY,
        Option::None,
        200,
        sch::<Vec<IssueRow>>(g),
    );
    op(
        "get",
        "/v1/errors/{fp}",
        "Issue detail: breakdowns, samples, latest occurrence",
        "errors",
        Bearer("errors:read"),
        fp,
        Option::None,
        200,
        sch::<IssueDetail>(g),
    );
    op(
        "get",
        "/v1/errors/{fp}/occurrences",
        "Raw events of an issue, newest first",
        "errors",
        Bearer("errors:read"),
        &[
            ("project", "project slug"),
            ("limit", "1..200"),
            ("offset", "rows to skip"),
        ],
        Option::None,
        200,
        sch::<Vec<Occurrence>>(g),
    );
    op(
        "get",
        "/v1/errors/{fp}/trend",
        "Hourly counts, zero-filled",
        "errors",
        Bearer("errors:read"),
        &[
            ("project", "project slug"),
            ("hours", "1..2160 (default 24)"),
        ],
        Option::None,
        200,
        sch::<Vec<HourCount>>(g),
    );
    op(
        "get",
        "/v1/errors/{fp}/history",
        "Status changes",
        "errors",
        Bearer("errors:read"),
        fp,
        Option::None,
        200,
        sch::<Vec<StatusChange>>(g),
    );
    for (path, summary) in [
        (
            "/v1/errors/{fp}/resolve",
            "Resolve (optionally in a release)",
        ),
        ("/v1/errors/{fp}/ignore", "Ignore"),
        ("/v1/errors/{fp}/mute", "Mute"),
        ("/v1/errors/{fp}/unresolve", "Reopen"),
    ] {
        op(
            "post",
            path,
            summary,
            "errors",
            Bearer("errors:write"),
            fp,
            Some(sch::<super::query::StatusBody>(g)),
            200,
            sch::<IssueRow>(g),
        );
    }
    op(
        "get",
        "/v1/releases",
        "Releases with issue and event counts",
        "errors",
        Bearer("errors:read"),
        &[("project", "project slug"), ("limit", "1..1000")],
        Option::None,
        200,
        sch::<Vec<ReleaseSummary>>(g),
    );
    op(
        "get",
        "/v1/releases/{release}/errors",
        "Issues with events in a release",
        "errors",
        Bearer("errors:read"),
        LIST_QUERY,
        Option::None,
        200,
        sch::<Vec<IssueRow>>(g),
    );
    op(
        "get",
        "/v1/trends",
        "Hourly totals, zero-filled",
        "errors",
        Bearer("errors:read"),
        LIST_QUERY,
        Option::None,
        200,
        sch::<Vec<HourCount>>(g),
    );
    op(
        "get",
        "/v1/stats",
        "Totals, unresolved, events in 24 h, top routes, queue",
        "errors",
        Bearer("errors:read"),
        &[("project", "project slug")],
        Option::None,
        200,
        sch::<crate::store::issues::Stats>(g),
    );
    op(
        "get",
        "/v1/projects",
        "List projects",
        "projects",
        Bearer("projects:read"),
        &[],
        Option::None,
        200,
        sch::<Vec<Project>>(g),
    );
    op(
        "post",
        "/v1/projects",
        "Create a project and its first ingest key",
        "projects",
        Bearer("projects:write"),
        &[],
        Some(sch::<super::admin::NewProject>(g)),
        201,
        sch::<crate::store::projects::CreatedProject>(g),
    );
    op(
        "get",
        "/v1/projects/{id}",
        "Show a project",
        "projects",
        Bearer("projects:read"),
        &[],
        Option::None,
        200,
        sch::<Project>(g),
    );
    op(
        "patch",
        "/v1/projects/{id}",
        "Rename, or set its retention",
        "projects",
        Bearer("projects:write"),
        &[],
        Some(sch::<super::admin::ProjectUpdate>(g)),
        200,
        sch::<Project>(g),
    );
    op(
        "delete",
        "/v1/projects/{id}",
        "Delete a project and all its data",
        "projects",
        Bearer("projects:write"),
        &[],
        Option::None,
        200,
        sch::<Deleted>(g),
    );
    op(
        "get",
        "/v1/projects/{id}/keys",
        "Ingest keys (masked; ?reveal=true with keys:write)",
        "keys",
        Bearer("projects:read"),
        &[("reveal", "true shows full keys")],
        Option::None,
        200,
        sch::<Vec<super::admin::KeyView>>(g),
    );
    op(
        "post",
        "/v1/projects/{id}/keys",
        "Create an ingest key",
        "keys",
        Bearer("keys:write"),
        &[],
        Some(sch::<super::admin::NewKey>(g)),
        201,
        sch::<KeyRow>(g),
    );
    op(
        "post",
        "/v1/keys/{id}/rotate",
        "New key now; the old one revoked after a grace period",
        "keys",
        Bearer("keys:write"),
        &[],
        Some(sch::<super::admin::RotateBody>(g)),
        200,
        sch::<Rotated>(g),
    );
    op(
        "delete",
        "/v1/keys/{id}",
        "Revoke a key now",
        "keys",
        Bearer("keys:write"),
        &[],
        Option::None,
        200,
        sch::<KeyRow>(g),
    );
    op(
        "get",
        "/v1/tokens",
        "List API tokens",
        "tokens",
        Bearer("admin"),
        &[],
        Option::None,
        200,
        sch::<Vec<Token>>(g),
    );
    op(
        "post",
        "/v1/tokens",
        "Create an API token (shown once)",
        "tokens",
        Bearer("admin"),
        &[],
        Some(sch::<super::admin::NewToken>(g)),
        201,
        sch::<CreatedToken>(g),
    );
    op(
        "delete",
        "/v1/tokens/{id}",
        "Revoke an API token",
        "tokens",
        Bearer("admin"),
        &[],
        Option::None,
        200,
        sch::<Token>(g),
    );
    op(
        "get",
        "/v1/users",
        "List dashboard users",
        "users",
        Bearer("admin"),
        &[],
        Option::None,
        200,
        sch::<Vec<User>>(g),
    );
    op(
        "put",
        "/v1/users/{id}",
        "Change a user's role (the last admin cannot be demoted: 409)",
        "users",
        Bearer("admin"),
        &[],
        Some(sch::<super::users::RoleChange>(g)),
        200,
        sch::<User>(g),
    );
    op(
        "delete",
        "/v1/users/{id}",
        "Remove a user with their passkeys and sessions",
        "users",
        Bearer("admin"),
        &[],
        Option::None,
        200,
        sch::<User>(g),
    );
    op(
        "get",
        "/v1/invites",
        "Pending invites",
        "users",
        Bearer("admin"),
        &[],
        Option::None,
        200,
        sch::<Vec<Invite>>(g),
    );
    op(
        "post",
        "/v1/invites",
        "Create a single-use registration link (the token is shown once)",
        "users",
        Bearer("admin"),
        &[],
        Some(sch::<super::users::NewInvite>(g)),
        201,
        sch::<InviteLink>(g),
    );
    op(
        "delete",
        "/v1/invites/{id}",
        "Revoke a pending invite",
        "users",
        Bearer("admin"),
        &[],
        Option::None,
        204,
        json!({}),
    );
    op(
        "get",
        "/v1/me",
        "The signed-in dashboard user and their passkeys (sessions only)",
        "users",
        Bearer("errors:read"),
        &[],
        Option::None,
        200,
        sch::<super::users::Me>(g),
    );
    op(
        "get",
        "/v1/admin/retention",
        "Retention settings",
        "retention",
        Bearer("admin"),
        &[],
        Option::None,
        200,
        sch::<super::admin::RetentionView>(g),
    );
    op(
        "put",
        "/v1/admin/retention",
        "Set the default or a project's raw-event retention",
        "retention",
        Bearer("admin"),
        &[],
        Some(sch::<super::admin::RetentionUpdate>(g)),
        200,
        sch::<super::admin::RetentionView>(g),
    );
    op(
        "post",
        "/v1/admin/retention/purge",
        "Prune now",
        "retention",
        Bearer("admin"),
        &[],
        Some(sch::<super::admin::PruneBody>(g)),
        200,
        sch::<PruneReport>(g),
    );
    op(
        "post",
        "/v1/prune",
        "Prune now (alias of /v1/admin/retention/purge)",
        "retention",
        Bearer("admin"),
        &[],
        Some(sch::<super::admin::PruneBody>(g)),
        200,
        sch::<PruneReport>(g),
    );
    op(
        "get",
        "/v1/alerts",
        "List alert rules (channel secrets masked)",
        "alerts",
        Bearer("alerts:read"),
        &[],
        Option::None,
        200,
        sch::<Vec<Rule>>(g),
    );
    op(
        "post",
        "/v1/alerts",
        "Create an alert rule",
        "alerts",
        Bearer("alerts:write"),
        &[],
        Some(sch::<NewRule>(g)),
        201,
        sch::<Rule>(g),
    );
    op(
        "get",
        "/v1/alerts/{id}",
        "Show an alert rule",
        "alerts",
        Bearer("alerts:read"),
        &[],
        Option::None,
        200,
        sch::<Rule>(g),
    );
    op(
        "put",
        "/v1/alerts/{id}",
        "Replace an alert rule",
        "alerts",
        Bearer("alerts:write"),
        &[],
        Some(sch::<NewRule>(g)),
        200,
        sch::<Rule>(g),
    );
    op(
        "delete",
        "/v1/alerts/{id}",
        "Delete an alert rule",
        "alerts",
        Bearer("alerts:write"),
        &[],
        Option::None,
        200,
        sch::<Rule>(g),
    );
    op(
        "post",
        "/v1/alerts/{id}/enable",
        "Enable a rule",
        "alerts",
        Bearer("alerts:write"),
        &[],
        Option::None,
        200,
        sch::<Rule>(g),
    );
    op(
        "post",
        "/v1/alerts/{id}/disable",
        "Disable a rule",
        "alerts",
        Bearer("alerts:write"),
        &[],
        Option::None,
        200,
        sch::<Rule>(g),
    );
    op(
        "post",
        "/v1/alerts/{id}/test",
        "Send a test alert through each channel; report each outcome",
        "alerts",
        Bearer("alerts:write"),
        &[],
        Option::None,
        200,
        sch::<super::alerts::TestReport>(g),
    );
    op(
        "get",
        "/v1/alerts/{id}/deliveries",
        "The last 100 deliveries",
        "alerts",
        Bearer("alerts:read"),
        &[],
        Option::None,
        200,
        sch::<Vec<Delivery>>(g),
    );
    v
}

fn sch<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// The whole document.
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "#/components/schemas/".into();
    let mut g = settings.into_generator();
    let error = sch::<ErrorBody>(&mut g);
    let mut paths: Map<String, Value> = Map::new();
    for op in ops(&mut g) {
        let mut params: Vec<Value> = path_params(op.path)
            .into_iter()
            .map(|p| json!({"name": p, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        params.extend(op.query.iter().map(|(name, desc)| {
            json!({"name": name, "in": "query", "required": false, "description": desc, "schema": {"type": "string"}})
        }));
        let mut responses = Map::new();
        let success = if op.status == 204 {
            json!({"description": "done; no body"})
        } else {
            json!({"description": "success", "content": {"application/json": {"schema": op.response}}})
        };
        responses.insert(op.status.to_string(), success);
        let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": error.clone()}}});
        responses.insert(
            "400".into(),
            err("bad input: the body names the field and limit"),
        );
        match op.auth {
            Auth::Hmac => {
                responses.insert(
                    "401".into(),
                    err("missing or bad X-Signature, or unknown project key"),
                );
                responses.insert("408".into(), err("the body did not arrive in time"));
                responses.insert("413".into(), err("body over ingest.max_payload_bytes"));
            }
            Auth::Bearer(_) => {
                responses.insert(
                    "401".into(),
                    err("missing, unknown, revoked or expired token"),
                );
                responses.insert(
                    "403".into(),
                    err("the token lacks the scope, or is pinned to another project"),
                );
                responses.insert(
                    "404".into(),
                    err("no such project, issue, key, token or rule"),
                );
            }
            Auth::None => {
                if op.path == "/health" {
                    responses.insert(
                        "503".into(),
                        json!({"description": "the database cannot be written"}),
                    );
                }
            }
        }
        let security = match op.auth {
            Auth::None => json!([]),
            Auth::Hmac => json!([{"signature": []}, {"signature": [], "projectKey": []}]),
            Auth::Bearer(scope) => json!([{"bearer": [scope]}, {"session": [scope]}]),
        };
        let mut o = json!({
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": format!("{}_{}", op.method, op.path.trim_start_matches('/').replace(['/', '{', '}', '.'], "_")),
            "parameters": params,
            "responses": responses,
            "security": security,
        });
        if let Auth::Bearer(scope) = op.auth {
            o["description"] = json!(format!("Requires the `{scope}` scope (or `admin`)."));
        }
        if let Some(body) = op.body {
            o["requestBody"] = json!({"required": op.method != "post" || op.auth == Auth::Hmac,
                "content": {"application/json": {"schema": body}}});
        }
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| json!({}));
        entry[op.method] = o;
    }
    let schemas = g.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "bloop",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Self-hosted error tracker. Ingest is signed with HMAC-SHA256 of the exact body bytes \
                (X-Signature, lowercase or uppercase hex); everything else takes a bearer token \
                (bloop_tk_…) or a dashboard session. Errors are JSON: {\"error\", \"code\", \"field\"?, \"limit\"?}.",
        },
        "servers": [{"url": "http://localhost:5332"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "signature": {"type": "apiKey", "in": "header", "name": "X-Signature",
                    "description": "Hex HMAC-SHA256 of the exact request body. The key is the project key \
                        named by X-Project-Key, or without that header auth.hmac_secret (→ default project) \
                        or any active project key."},
                "projectKey": {"type": "apiKey", "in": "header", "name": "X-Project-Key",
                    "description": "Project ingest key (bloop_ + 64 hex); also the HMAC key."},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "bloop_tk_…"},
                "session": {"type": "apiKey", "in": "cookie", "name": "bloop_session"},
            },
        },
    })
}

/// Every documented (method, path), for the test that calls them all.
pub fn documented_routes() -> Vec<(String, String)> {
    let mut g = SchemaSettings::draft2020_12().into_generator();
    ops(&mut g)
        .into_iter()
        .map(|o| (o.method.to_uppercase(), o.path.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/openapi.json` must be what this code generates; `BLOOP_BLESS=1` rewrites it.
    #[test]
    fn committed_openapi_document_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json");
        let want = format!(
            "{}\n",
            serde_json::to_string_pretty(&document()).expect("serialisable")
        );
        if std::env::var_os("BLOOP_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/openapi.json is stale: run `BLOOP_BLESS=1 cargo test openapi`"
        );
    }

    #[test]
    fn the_document_describes_auth_and_errors() {
        let d = document();
        assert_eq!(d["openapi"], "3.1.0");
        let schemes = &d["components"]["securitySchemes"];
        assert_eq!(schemes["signature"]["name"], "X-Signature");
        assert_eq!(schemes["projectKey"]["name"], "X-Project-Key");
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        assert!(d["components"]["schemas"]["ErrorBody"].is_object());
        assert!(d["components"]["schemas"]["IssueRow"]["properties"]["fingerprint"].is_object());
        let ingest = &d["paths"]["/v1/ingest"]["post"];
        assert!(ingest["responses"]["413"].is_object());
        // Every $ref points at a schema that exists.
        let text = d.to_string();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                d["components"]["schemas"][name].is_object(),
                "dangling $ref {name}"
            );
        }
    }
}
