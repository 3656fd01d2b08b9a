//! The OpenAPI 3.1 document, served at `GET /v1/openapi.json` and committed as
//! `docs/openapi.json` (a test fails when the two differ). Schemas are generated from the very
//! types the handlers read and write (schemars, which follows their serde attributes); the paths,
//! access and summaries come from the one route table ([`super::routes::ROUTES`]), and a test
//! calls every path on a live server to prove it exists.

use axum::Json;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

use super::routes::{Access, RouteId, Verb, ROUTES};
use crate::alert::{Delivery, NewRule, Rule};
use crate::event::{WireBatch, WireEvent};
use crate::retention::PruneReport;
use crate::store::issues::{HourCount, IssueDetail, IssueRow, Occurrence, ReleaseSummary};
use crate::store::keys::{KeyRow, Rotated};
use crate::store::projects::{Deleted, Project};
use crate::store::tokens::{CreatedToken, Token};
use crate::store::triage::{HistoryEntry, Note};
use crate::store::users::{Invite, InviteLink, User};

/// `GET /v1/openapi.json`.
pub(super) async fn serve() -> Json<Value> {
    Json(document())
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

/// A route's request body schema (if it takes one) and its success body schema.
/// The trace routes' bodies, written out (the wire structs keep raw JSON for content fields).
fn trace_schemas(id: RouteId) -> (Option<Value>, Value) {
    use RouteId as R;
    let str_ = json!({"type": "string"});
    let num = json!({"type": "number"});
    let int = json!({"type": "integer", "minimum": 0});
    let time = json!({"type": "number", "description": "epoch ms (below 10^11: seconds)"});
    let content = json!({"description": "a string, or any JSON (kept as its text)"});
    let span = json!({"type": "object", "properties": {
        "id": str_, "parent_span_id": str_,
        "span_type": {"type": "string", "description": "generation (default) | tool | retrieval | agent | embedding | custom | …"},
        "name": str_, "model": str_, "provider": str_,
        "input_tokens": int, "output_tokens": int, "cache_read_tokens": int, "cache_write_tokens": int,
        "cost": {"type": "number", "minimum": 0, "description": "USD; 0 or absent: priced by bloop"},
        "latency_ms": num, "time_to_first_token_ms": num,
        "status": {"enum": ["ok", "error"]}, "error_message": str_,
        "input": content, "output": content, "metadata": {"type": "object"},
        "started_at": time, "ended_at": time}});
    let trace = json!({"type": "object", "properties": {
        "id": {"type": "string", "maxLength": 128, "description": "client-chosen; generated when absent"},
        "session_id": str_, "user_id": str_, "name": str_,
        "status": {"type": "string", "description": "completed (default) | error | running | …"},
        "input": content, "output": content, "metadata": {"type": "object"},
        "started_at": time, "ended_at": time, "prompt_name": str_, "prompt_version": str_,
        "spans": {"type": "array", "items": span}}});
    let accepted = json!({"type": "object", "properties": {
        "status": {"const": "accepted"}, "id": str_, "spans": int}});
    match id {
        R::TraceIngest => (Some(trace), accepted),
        R::TraceBatch => (
            Some(
                json!({"type": "object", "required": ["traces"], "properties": {"traces": {"type": "array", "items": trace}}}),
            ),
            json!({"type": "object", "properties": {
                "accepted": int, "ids": {"type": "array", "items": str_},
                "rejected": {"type": "array", "items": {"type": "object", "properties": {
                    "index": int, "error": {"type": "object"}}}}}}),
        ),
        R::TraceUpdate => (
            Some(json!({"type": "object", "properties": {
                "status": str_, "output": content, "ended_at": time, "model": str_, "provider": str_,
                "input_tokens": int, "output_tokens": int, "cache_read_tokens": int,
                "cache_write_tokens": int, "cost": num}})),
            json!({"type": "object", "properties": {"status": {"const": "accepted"}, "id": str_}}),
        ),
        _ => (
            Some(
                json!({"type": "object", "description": "OTLP ExportTraceServiceRequest (JSON encoding; protobuf as application/x-protobuf)"}),
            ),
            json!({"type": "object", "description": "ExportTraceServiceResponse: {} or {\"partialSuccess\": {\"rejectedSpans\": \"N\", \"errorMessage\": …}}"}),
        ),
    }
}

fn schemas(id: RouteId, g: &mut SchemaGenerator) -> (Option<Value>, Value) {
    use RouteId as R;
    let accepted = json!({"type": "object", "properties": {
        "status": {"const": "accepted"},
        "accepted": {"type": "integer", "description": "events in the batch"}}});
    let health = json!({"type": "object", "properties": {
        "status": {"enum": ["ok", "unhealthy"]}, "db_ok": {"type": "boolean"},
        "queue_depth": {"type": "integer"}, "queue_capacity": {"type": "integer"},
        "dropped": {"type": "object", "properties": {"queue_full": {"type": "integer"}, "rate_limited": {"type": "integer"}}},
        "events_written": {"type": "integer"}, "last_flush_age_ms": {"type": ["integer", "null"]},
        "connections": {"type": "object", "description": "open connections, the cap, new ones refused at the cap, idle ones closed for room",
            "properties": {"open": {"type": "integer"}, "max": {"type": "integer"}, "refused": {"type": "integer"}, "idle_closed": {"type": "integer"}}},
        "sentry": {"type": "object", "description": "the Sentry endpoints: error events accepted, transactions and spans counted (not stored), requests answered 429, minified frames resolved through source maps",
            "properties": {"events": {"type": "integer"}, "transactions": {"type": "integer"}, "refused_429": {"type": "integer"}, "frames_resolved": {"type": "integer"}}},
        "sourcemap_cache_bytes": {"type": "integer", "description": "memory held by parsed source maps (sourcemaps.cache_mb bounds it)"},
        "llm": {"type": "object", "description": "trace ingest, when LLM tracing is on: its queue, what was written, requests refused (503) because the queue stayed full",
            "properties": {"queue_depth": {"type": "integer"}, "traces_written": {"type": "integer"}, "spans_written": {"type": "integer"}, "refused_full": {"type": "integer"}}}}});
    // WebAuthn ceremony documents (the browser's JSON forms of credential options and
    // responses) pass through as they are.
    let webauthn = json!({"type": "object", "description": "WebAuthn JSON, as navigator.credentials takes or returns it"});
    let object = json!({"type": "object"});
    let none = Option::<Value>::None;
    match id {
        R::Ingest => (Some(sch::<WireEvent>(g)), accepted),
        R::IngestBatch => (Some(sch::<WireBatch>(g)), accepted),
        R::TraceIngest | R::TraceBatch | R::TraceUpdate | R::OtlpTraces => trace_schemas(id),
        R::ProxyOpenAi | R::ProxyAnthropic => (
            Some(
                json!({"type": "object", "description": "the provider's own request body, forwarded as sent (an OpenAI chat stream is asked upstream for its usage)"}),
            ),
            json!({"description": "the provider's answer: status, headers and body as it sent them (streams relayed as they arrive)"}),
        ),
        R::LlmOverview
        | R::LlmUsage
        | R::LlmLatency
        | R::LlmModels
        | R::LlmTools
        | R::LlmPrompts
        | R::LlmCompare
        | R::LlmBudget
        | R::LlmSetBudget => super::llm_usage::schemas(id, g),
        R::LlmTraces
        | R::LlmTrace
        | R::LlmSearch
        | R::LlmSessions
        | R::LlmSession
        | R::LlmScores
        | R::LlmAddScore
        | R::LlmScoreSummary
        | R::LlmAddFeedback
        | R::LlmFeedback
        | R::LlmExport => super::llm_browse::schemas(id, g),
        R::LlmSettings | R::LlmPutSettings | R::LlmPrices | R::LlmSetPrice | R::LlmDeletePrice => {
            super::llm_admin::schemas(id, g)
        }
        R::Health => (none, health),
        R::OpenApi => (none, object),
        R::ListErrors | R::ReleaseErrors => (none, sch::<Vec<IssueRow>>(g)),
        R::ErrorDetail => (none, sch::<IssueDetail>(g)),
        R::Occurrences => (none, sch::<Vec<Occurrence>>(g)),
        R::ErrorTrend | R::Trends => (none, sch::<Vec<HourCount>>(g)),
        R::ErrorHistory => (none, sch::<Vec<HistoryEntry>>(g)),
        R::Assign => (Some(sch::<super::query::AssignBody>(g)), sch::<IssueRow>(g)),
        R::ListNotes => (none, sch::<Vec<Note>>(g)),
        R::AddNote => (Some(sch::<super::query::NoteBody>(g)), sch::<Note>(g)),
        R::Resolve | R::Ignore | R::Mute | R::Unresolve => {
            (Some(sch::<super::query::StatusBody>(g)), sch::<IssueRow>(g))
        }
        R::BulkStatus => (
            Some(sch::<super::query::BulkBody>(g)),
            sch::<super::query::BulkResult>(g),
        ),
        R::ListReleases => (none, sch::<Vec<ReleaseSummary>>(g)),
        R::AnalyticsSpikes => (none, sch::<crate::analytics::insights::Spikes>(g)),
        R::AnalyticsMovers => (none, sch::<crate::analytics::insights::Movers>(g)),
        R::AnalyticsCorrelations => (none, sch::<crate::analytics::insights::Correlations>(g)),
        R::AnalyticsReleases => (none, sch::<crate::analytics::insights::Releases>(g)),
        R::AnalyticsEnvironments => (none, sch::<crate::analytics::insights::Environments>(g)),
        R::UploadSourcemaps => (
            Some(
                json!({"type": "object", "description": "multipart/form-data: one part per file (name `file`), the file's path as its file name",
                "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}}}),
            ),
            sch::<super::sourcemaps::Uploaded>(g),
        ),
        R::ListSourcemaps => (none, sch::<Vec<crate::sourcemap::store::Stored>>(g)),
        R::DeleteSourcemap | R::DeleteReleaseSourcemaps => {
            (none, sch::<super::sourcemaps::Deleted>(g))
        }
        R::Stats => (none, sch::<crate::store::issues::Stats>(g)),
        R::ListProjects => (none, sch::<Vec<Project>>(g)),
        R::CreateProject => (
            Some(sch::<super::admin::NewProject>(g)),
            sch::<crate::store::projects::CreatedProject>(g),
        ),
        R::ShowProject => (none, sch::<Project>(g)),
        R::UpdateProject => (
            Some(sch::<super::admin::ProjectUpdate>(g)),
            sch::<Project>(g),
        ),
        R::DeleteProject => (none, sch::<Deleted>(g)),
        R::ListKeys => (none, sch::<Vec<super::admin::KeyView>>(g)),
        R::CreateKey => (Some(sch::<super::admin::NewKey>(g)), sch::<KeyRow>(g)),
        R::RotateKey => (Some(sch::<super::admin::RotateBody>(g)), sch::<Rotated>(g)),
        R::RevokeKey => (none, sch::<KeyRow>(g)),
        R::ListTokens => (none, sch::<Vec<Token>>(g)),
        R::CreateToken => (
            Some(sch::<super::admin::NewToken>(g)),
            sch::<CreatedToken>(g),
        ),
        R::RevokeToken => (none, sch::<Token>(g)),
        R::ListUsers => (none, sch::<Vec<User>>(g)),
        R::SetUserRole => (Some(sch::<super::users::RoleChange>(g)), sch::<User>(g)),
        R::RemoveUser => (none, sch::<User>(g)),
        R::ListInvites => (none, sch::<Vec<Invite>>(g)),
        R::CreateInvite => (
            Some(sch::<super::users::NewInvite>(g)),
            sch::<InviteLink>(g),
        ),
        R::RevokeInvite => (none, json!({})),
        R::Me => (none, sch::<super::users::Me>(g)),
        R::GetRetention => (none, sch::<super::admin::RetentionView>(g)),
        R::PutRetention => (
            Some(sch::<super::admin::RetentionUpdate>(g)),
            sch::<super::admin::RetentionView>(g),
        ),
        R::GetScrubbing => (none, sch::<super::admin::ScrubbingView>(g)),
        R::PutScrubbing => (
            Some(sch::<super::admin::ScrubbingUpdate>(g)),
            sch::<super::admin::ScrubbingView>(g),
        ),
        R::Purge | R::Prune => (
            Some(sch::<super::admin::PruneBody>(g)),
            sch::<PruneReport>(g),
        ),
        R::ListAlerts => (none, sch::<Vec<Rule>>(g)),
        R::CreateAlert | R::ReplaceAlert => (Some(sch::<NewRule>(g)), sch::<Rule>(g)),
        R::UpdateAlert => (
            Some(
                json!({"type": "object", "description": "any fields of a rule (see NewRule); those given replace the rule's"}),
            ),
            sch::<Rule>(g),
        ),
        R::ShowAlert | R::DeleteAlert | R::EnableAlert | R::DisableAlert => (none, sch::<Rule>(g)),
        R::TestAlert => (none, sch::<super::alerts::TestReport>(g)),
        R::AlertDeliveries => (none, sch::<Vec<Delivery>>(g)),
        R::RegisterStart | R::LoginStart | R::PasskeyAddStart => (Some(object), webauthn),
        R::RegisterFinish | R::LoginFinish | R::PasskeyAddFinish => (Some(webauthn), object),
        R::Logout | R::PasskeyRemove => (none, object),
    }
}

pub(super) fn sch<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|p| p.trim_start_matches('*'))
        .collect()
}

/// The whole document.
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "#/components/schemas/".into();
    let mut g = settings.into_generator();
    let error = sch::<ErrorBody>(&mut g);
    let mut paths: Map<String, Value> = Map::new();
    for op in ROUTES {
        let (body, response) = schemas(op.id, &mut g);
        let method = op.verb.as_str().to_lowercase();
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
            json!({"description": "success", "content": {"application/json": {"schema": response}}})
        };
        responses.insert(op.status.to_string(), success);
        let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": error.clone()}}});
        responses.insert(
            "400".into(),
            err("bad input: the body names the field and limit"),
        );
        match op.access {
            Access::Signed => {
                responses.insert(
                    "401".into(),
                    err("missing or bad X-Signature, or unknown project key"),
                );
                responses.insert("408".into(), err("the body did not arrive in time"));
                responses.insert("413".into(), err("body over ingest.max_payload_bytes"));
            }
            Access::Key if op.long() => {
                responses.insert(
                    "401".into(),
                    err("missing or unknown project key (X-Bloop-Key; Authorization is the provider's)"),
                );
                responses.insert(
                    "404".into(),
                    err("this provider is not proxied here (llm_tracing.proxy)"),
                );
                responses.insert(
                    "413".into(),
                    err("body over llm_tracing.proxy.max_request_bytes"),
                );
                responses.insert(
                    "429".into(),
                    err("bloop_rate_limited: over llm_tracing.proxy.rate_limit_per_second for this key (Retry-After); bloop_budget_exceeded: the project enforces its monthly budget and has reached it (spent_usd, budget_usd, month, resets_at; Retry-After until the month ends); the provider's own 429 passes through unchanged"),
                );
                responses.insert(
                    "502".into(),
                    err("upstream_unreachable: the provider could not be reached"),
                );
                responses.insert(
                    "504".into(),
                    err("upstream_timeout: the provider's answer did not begin within llm_tracing.proxy.upstream_timeout_secs"),
                );
            }
            Access::Key => {
                responses.insert(
                    "401".into(),
                    err("missing or unknown project key (Authorization: Bearer or X-Bloop-Key)"),
                );
                responses.insert(
                    "413".into(),
                    err("body over the limit, before or after decompression"),
                );
                responses.insert("415".into(), err("not application/x-protobuf or application/json, or an unknown Content-Encoding"));
                responses.insert(
                    "503".into(),
                    err("the trace queue is full: retry after Retry-After seconds"),
                );
            }
            Access::Token(_) | Access::Session => {
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
            Access::Ceremony => {
                responses.insert(
                    "403".into(),
                    err("the request did not come from the dashboard's own origin"),
                );
                responses.insert("429".into(), err("too many sign-in attempts; retry later"));
            }
            Access::Public => {
                if op.path == "/health" {
                    responses.insert(
                        "503".into(),
                        json!({"description": "the database cannot be written"}),
                    );
                }
            }
        }
        let security = match op.access {
            Access::Public | Access::Ceremony => json!([]),
            Access::Signed => json!([{"signature": []}, {"signature": [], "projectKey": []}]),
            Access::Key if op.long() => json!([{"bloopKey": []}]),
            Access::Key => json!([{"keyBearer": []}, {"bloopKey": []}]),
            Access::Token(scope) => {
                json!([{"bearer": [scope.as_str()]}, {"session": [scope.as_str()]}])
            }
            Access::Session => json!([{"session": []}]),
        };
        let mut o = json!({
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": format!("{}_{}", method, op.path.trim_start_matches('/').replace(['/', '{', '}', '.', '*'], "_")),
            "parameters": params,
            "responses": responses,
            "security": security,
        });
        match op.access {
            Access::Token(scope) => {
                o["description"] = json!(format!(
                    "Requires the `{}` scope (or `admin`).",
                    scope.as_str()
                ));
            }
            Access::Session => {
                o["description"] =
                    json!("Requires a signed-in dashboard session; tokens are refused.");
            }
            _ => {}
        }
        if let Some(body) = body {
            let media = if op.id == RouteId::UploadSourcemaps {
                "multipart/form-data"
            } else {
                "application/json"
            };
            o["requestBody"] = json!({"required": op.verb != Verb::Post || op.access == Access::Signed || op.id == RouteId::UploadSourcemaps,
                "content": {media: {"schema": body}}});
        }
        let entry = paths
            .entry(op.path.replace("{*", "{"))
            .or_insert_with(|| json!({}));
        entry[method] = o;
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
                "keyBearer": {"type": "http", "scheme": "bearer", "description": "a project ingest key as a bearer token (OpenTelemetry exporters: OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<key>)"},
                "bloopKey": {"type": "apiKey", "in": "header", "name": "X-Bloop-Key", "description": "a project ingest key"},
                "projectKey": {"type": "apiKey", "in": "header", "name": "X-Project-Key",
                    "description": "Project ingest key (bloop_ + 64 hex); also the HMAC key."},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "bloop_tk_…"},
                "session": {"type": "apiKey", "in": "cookie", "name": "bloop_session"},
            },
        },
    })
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
