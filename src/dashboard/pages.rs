//! The dashboard's pages. Each handler loads what it shows in one pooled connection call and
//! renders it; every value from the database goes through maud's escaping.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use super::charts::{share_bar, sparkline, trend_chart};
use super::event::{self, tags_panel};
use super::issue_events;
use super::{error_page, html_response, layout, not_found_page, page, pct, Session};
use crate::alert::{self, Channel, RuleConfig};
use crate::search::Status;
use crate::server::auth::session_cookie;
use crate::server::filters::Filters;
use crate::server::AppState;
use crate::store::issue_traces::IssueCost;
use crate::store::issues::{self, IssueDetail, IssueRow};
use crate::store::keys::{self, KeyRow};
use crate::store::llm_usage::{thousands, usd};
use crate::store::projects::Project;
use crate::store::tokens::{Scope, Token};
use crate::store::triage;
use crate::store::users::{Invite, PasskeyInfo, Role, User};
use crate::store::{self, now_ms, StoreError};
use crate::timefmt::ago;

type Q = Query<HashMap<String, String>>;

pub(super) fn when(t: i64, now: i64) -> Markup {
    html! { time title=(utc(t).unwrap_or_default()) { (ago(t, now)) } }
}

fn status_tag(s: Status) -> Markup {
    html! { span class={ "tag status-" (s.as_str()) } { (s.as_str()) } }
}

pub(super) fn issue_href(i: &IssueRow) -> String {
    format!("/issues/{}/{}", pct(&i.project_id), pct(&i.fingerprint))
}

// ---- sign-in and registration ----------------------------------------------------------------

pub async fn login(State(st): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let no_users = st.db.user_count().await.map(|n| n == 0).unwrap_or(false);
    let signed_in = session_cookie(&headers).is_some();
    html_response(
        StatusCode::OK,
        layout(
            "Sign in",
            None,
            html! {
                section.panel.narrow {
                    h1 { "Sign in to bloop" }
                    @if no_users {
                        div.notice {
                            p { "No one has an account here yet." }
                            p { "The first admin registers from the one-time setup link that "
                                code { "bloop serve" } " prints when it starts on an empty database, or from "
                                code { "bloop users invite --admin" } "." }
                        }
                    } @else {
                        p.muted { "Use the passkey you registered on this device or your phone." }
                        @if signed_in {
                            p.muted { "Your session has ended; sign in again." }
                        }
                    }
                    (origin_notice(&st))
                    p.form-error hidden {}
                    button #login-button.primary type="button" { "Sign in with a passkey" }
                }
            },
        ),
    )
}

/// Shown by the script when the page is not open at `auth.rp_origin` (passkeys would fail) or
/// the browser has no WebAuthn (plain http on anything but localhost).
fn origin_notice(st: &AppState) -> Markup {
    html! {
        div.notice data-rp-origin=(st.config.auth.rp_origin) hidden {
            "Passkeys for this server belong to " strong data-field="origin" {} ". Open the dashboard at that address "
            "(or set " code { "auth.rp_origin" } " and " code { "auth.rp_id" } " to the address you use)."
        }
        div #no-webauthn.notice hidden {
            "This browser offers no passkeys here. Passkeys need https, or http on localhost; put bloop behind a TLS proxy."
        }
    }
}

/// `/setup?token=` and `/invite?token=`: register a passkey with a single-use link.
pub async fn join(State(st): State<AppState>, Query(q): Q) -> Response {
    let notice = origin_notice(&st);
    let token = q.get("token").cloned().unwrap_or_default();
    let t2 = token.clone();
    let invite = st.db.check_invite(t2, now_ms()).await.ok().flatten();
    let body = match invite {
        None => html! {
            section.panel.narrow {
                h1 { "This link cannot be used" }
                p { "It is invalid, has expired, or was already used. Ask an admin for a new invite, or run "
                    code { "bloop users invite" } " on the server." }
                p { a href="/login" { "Sign in" } }
            }
        },
        Some(inv) => html! {
            section.panel.narrow {
                h1 { @if inv.setup { "Set up bloop" } @else { "Join bloop" } }
                p.muted {
                    @if inv.setup { "Create the first admin account. Your passkey stays on your device; bloop keeps only its public key." }
                    @else { "You are invited as " strong { (inv.role) } ". Pick a name and create a passkey." }
                }
                (notice)
                form #register-form {
                    input type="hidden" name="invite" value=(token);
                    p { label { "Your name" br; input name="name" required maxlength="64" autocomplete="username" autofocus; } }
                    p.form-error hidden {}
                    button.primary type="submit" { "Create passkey" }
                }
            }
        },
    };
    let mut resp = html_response(StatusCode::OK, layout("Register", None, body));
    // The token is in the URL: never send it onwards.
    resp.headers_mut().insert(
        "referrer-policy",
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    resp
}

// ---- issues -----------------------------------------------------------------------------------

struct ListData {
    projects: Vec<(String, String)>,
    rows: Vec<IssueRow>,
    total: i64,
    sparks: HashMap<i64, Vec<issues::HourCount>>,
    /// Affected users of the rows: (count, whether only the newest events were read).
    users: HashMap<i64, (i64, bool)>,
    filters: Option<Arc<Filters>>,
    /// True when `filters` was computed for this request (and goes into the cache).
    fresh: bool,
    any_events: bool,
    default_key: Option<KeyRow>,
}

const TABS: [(&str, &str); 5] = [
    ("unresolved", "Unresolved"),
    ("resolved", "Resolved"),
    ("ignored", "Ignored"),
    ("muted", "Muted"),
    ("all", "All"),
];

fn list_url(q: &HashMap<String, String>, set: &[(&str, &str)]) -> String {
    let mut keys: Vec<(&str, String)> = q
        .iter()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k) && *k != "partial")
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    keys.extend(set.iter().map(|(k, v)| (*k, v.to_string())));
    keys.retain(|(_, v)| !v.is_empty());
    keys.sort();
    let qs: Vec<String> = keys
        .iter()
        .map(|(k, v)| format!("{k}={}", pct(v)))
        .collect();
    if qs.is_empty() {
        "/issues".into()
    } else {
        format!("/issues?{}", qs.join("&"))
    }
}

/// The keyboard shortcuts of the issue list, as the `?` overlay lists them.
const SHORTCUTS: &[(&str, &str)] = &[
    ("/", "search"),
    ("j / k", "next / previous issue"),
    ("o or Enter", "open the issue"),
    ("x", "select or unselect the issue"),
    ("r", "resolve the selected issues (or the current one)"),
    ("i", "ignore the selected issues (or the current one)"),
    ("?", "show these shortcuts"),
    ("Esc", "close this, or the search help"),
];

/// The bulk actions of the list: (status set, button label).
const BULK: &[(&str, &str)] = &[
    ("resolved", "Resolve"),
    ("ignored", "Ignore"),
    ("muted", "Mute"),
    ("unresolved", "Unresolve"),
];

pub async fn issues(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    let now = now_ms();
    let status = q
        .get("status")
        .cloned()
        .unwrap_or_else(|| "unresolved".into());
    let mut params = q.clone();
    if status == "all" {
        params.remove("status");
    } else {
        params.insert("status".into(), status.clone());
    }
    params.entry("limit".into()).or_insert_with(|| "50".into());
    // A bad parameter is shown where it was typed, with the rest of the page around it: the
    // search keeps its text so it can be fixed in place. Without the bad one the query is
    // valid (each parameter is checked on its own); a bad search shows no rows, as its
    // results would not be what was asked for.
    let mut problems = Vec::new();
    let query = loop {
        match issues::query_from_params(|k| params.get(k).map(String::as_str), now) {
            Ok(query) => break query,
            Err(e) => {
                let removed = params.remove(&e.field).is_some();
                problems.push(e);
                if !removed || problems.len() > 8 {
                    break issues::IssueQuery {
                        limit: issues::DEFAULT_LIMIT,
                        ..Default::default()
                    };
                }
            }
        }
    };
    // `assigned:me` is the signed-in user.
    let query = issues::IssueQuery {
        me: Some(s.user.id),
        ..query
    };
    let search_error = problems
        .iter()
        .find(|e| e.field == "q")
        .map(|e| e.message.clone());
    let other_errors: Vec<String> = problems
        .iter()
        .filter(|e| e.field != "q")
        .map(|e| format!("{} (ignored)", e.message))
        .collect();
    let show_rows = search_error.is_none();
    let project = q.get("project").cloned().filter(|p| !p.is_empty());
    let qc = query.clone();
    let partial = q.get("partial").map(String::as_str) == Some("rows");
    let filter_key = query.projects.as_ref().and_then(|p| p.first().cloned());
    let cached = st.filters.get(&filter_key);
    let load_list = async {
        let projects = st.db.project_names().await?;
        let mut qc = qc;
        if qc.projects.is_none() && projects.len() == 1 {
            // One project (the usual case): the per-project indexes serve the sort directly.
            qc.projects = Some(vec![projects[0].0.clone()]);
        }
        let only = qc.projects.clone();
        let (rows, total) = if show_rows {
            st.db.list_issues(qc).await?
        } else {
            (Vec::new(), 0)
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let sparks = st.db.trends_by_issue(ids.clone(), 24, now).await?;
        let users = st.db.users_by_issue(ids, issues::LIST_USER_EVENTS).await?;
        let mut data = ListData {
            projects,
            rows,
            total,
            sparks,
            users,
            filters: None,
            fresh: false,
            any_events: true,
            default_key: None,
        };
        if partial {
            return Ok::<_, StoreError>(data);
        }
        data.filters = match cached {
            Some(f) => Some(f),
            None => {
                data.fresh = true;
                Some(Arc::new(filter_choices(&st.db, only.clone()).await?))
            }
        };
        data.any_events = data.total > 0 || st.db.any_issue().await?;
        if !data.any_events {
            let p = only
                .as_ref()
                .and_then(|v| v.first().cloned())
                .unwrap_or_else(|| "default".into());
            data.default_key = st
                .db
                .keys(Some(p))
                .await?
                .into_iter()
                .find(|k| k.revoked_at.is_none() && k.kind == keys::KIND_INGEST);
        }
        Ok(data)
    };
    let data = match load_list.await {
        Ok(d) => d,
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    if data.fresh {
        if let Some(f) = &data.filters {
            st.filters.put(filter_key, f.clone());
        }
    }
    let member = s.can(Role::Member);
    let rows = rows_markup(
        &data.rows,
        &data.sparks,
        &data.users,
        &q,
        member,
        data.projects.len() > 1,
        now,
    );
    if partial {
        // The total rides along for the script's "N matching" after a refresh.
        let mut resp = html_response(StatusCode::OK, rows);
        resp.headers_mut()
            .insert("x-total-count", axum::http::HeaderValue::from(data.total));
        return resp;
    }
    if !data.any_events {
        return page(
            "Issues",
            &s,
            empty_state(&st, &s, data.default_key.as_ref(), project.as_deref()),
        );
    }
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let filters = data.filters.clone().unwrap_or_else(|| {
        Arc::new(Filters {
            releases: Vec::new(),
            environments: Vec::new(),
        })
    });
    // A filter value the choices do not list (an old release) is still shown as chosen.
    let choices = |list: &[String], current: String| -> Vec<String> {
        let mut v = list.to_vec();
        if !current.is_empty() && !v.contains(&current) {
            v.insert(0, current);
        }
        v
    };
    let releases = choices(&filters.releases, get("release"));
    let environments = choices(&filters.environments, get("environment"));
    let offset = query.offset as i64;
    let shown = data.rows.len() as i64;
    let body = html! {
        div.row.list-head {
            h1.grow { "Issues" }
            span.muted #issue-total { @if show_rows { (data.total) " matching" } }
            // Shown by the script (the shortcuts need it).
            button.link #shortcuts-open type="button" title="Keyboard shortcuts (?)" aria-haspopup="dialog" hidden { "Shortcuts " kbd { "?" } }
        }
        form.filters #filters method="get" action="/issues" {
            select name="project" title="Project" aria-label="Project" {
                option value="" { "All projects" }
                @for (id, name) in &data.projects {
                    option value=(id) selected[project.as_deref() == Some(id.as_str())] { (name) }
                }
            }
            div.search-box {
                div.search-line {
                    input #search type="search" name="q" value=(get("q")) aria-label="Search issues"
                        placeholder="Search: text, type:TypeError, release:1.2.0, env:prod…"
                        aria-invalid=[search_error.as_ref().map(|_| "true")]
                        aria-describedby=[search_error.as_ref().map(|_| "search-error")];
                    details.search-help #search-help {
                        summary title="Search syntax" aria-label="Search syntax help" { "Syntax" }
                        div.popover role="note" {
                            p.muted { "Terms are combined: every one must hold." }
                            table.syntax {
                                tbody {
                                    @for (example, meaning) in crate::search::help() {
                                        tr { td { code { (example) } } td { (meaning) } }
                                    }
                                }
                            }
                            p.muted { "Press " kbd { "/" } " to search from anywhere on the list." }
                        }
                    }
                }
                @if let Some(msg) = &search_error {
                    p #search-error.field-error role="alert" { (msg) }
                }
            }
            @if status != "unresolved" { input type="hidden" name="status" value=(status); }
            select name="release" title="Release" aria-label="Release" {
                option value="" { "Any release" }
                @for r in &releases { option value=(r) selected[get("release") == *r] { (r) } }
            }
            select name="environment" title="Environment" aria-label="Environment" {
                option value="" { "Any environment" }
                @for e in &environments { option value=(e) selected[get("environment") == *e] { (e) } }
            }
            select name="sort" title="Sort" aria-label="Sort" {
                @for (v, l) in [("last_seen", "Last seen"), ("first_seen", "First seen"), ("total_count", "Most events")] {
                    option value=(v) selected[get("sort") == v] { (l) }
                }
            }
            // Filters apply as they change (the script); the button serves without it.
            button.secondary type="submit" { "Filter" }
        }
        @for msg in &other_errors { p.field-error role="alert" { (msg) } }
        nav.tabs {
            @for (v, l) in TABS {
                a href=(list_url(&q, &[("status", v), ("offset", "")])) class=[(status == v).then_some("active")] { (l) }
            }
        }
        @if member && show_rows {
            div #bulk.bulk-bar hidden {
                span #bulk-count.muted { "Select issues (x) to act on several" }
                div.actions {
                    @for (st, label) in BULK {
                        button type="button" data-bulk=(st) disabled { (label) }
                    }
                }
                p.form-error hidden {}
            }
            div #bulk-result.notice.bulk-result role="status" hidden {
                span data-field="text" {}
                " "
                button type="button" #bulk-undo { "Undo" }
            }
        }
        @if !show_rows {
            div.panel.empty { p { "Fix the search above to see issues." } p.muted { "Open " strong { "Syntax" } " for every key with an example." } }
        } @else if data.rows.is_empty() {
            div.panel.empty { p { "No issues match." } p.muted { "Try another status tab or clear the search." } }
        } @else {
            div.table-wrap {
                table #issues.issue-list {
                    thead { tr {
                        @if member {
                            th.sel { input #select-all type="checkbox" title="Select all on this page" aria-label="Select all issues on this page"; }
                        }
                        th { "Issue" }
                        th.hide-sm { "Last 24 h" }
                        th.num { "Events" }
                        th.num.hide-sm title="Distinct user_id_hash values among the issue's newest stored events" { "Users" }
                        th.num.hide-sm { "First seen" }
                        th.num { "Last seen" }
                    } }
                    tbody data-refresh="15000" { (rows) }
                }
            }
            div.pager {
                span { "Showing " (offset + 1) "–" (offset + shown) " of " (data.total) }
                span.actions {
                    @if offset > 0 {
                        a.button href=(list_url(&q, &[("offset", &(offset - query.limit as i64).max(0).to_string())])) { "← Newer" }
                    }
                    @if offset + shown < data.total {
                        a.button href=(list_url(&q, &[("offset", &(offset + shown).to_string())])) { "Older →" }
                    }
                }
            }
        }
        div #shortcuts.overlay hidden role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" {
            div.panel.dialog {
                h2 #shortcuts-title { "Keyboard shortcuts" }
                dl.kv {
                    @for (keys, what) in SHORTCUTS { dt { kbd { (keys) } } dd { (what) } }
                }
                p.muted { "They do nothing while you type in a field." }
                button type="button" data-close="shortcuts" { "Close" }
            }
        }
    };
    page("Issues", &s, body)
}

/// The choices of the release and environment filters for a project selection (what
/// [`crate::server::filters::FilterCache`] keeps).
pub(super) async fn filter_choices(
    db: &store::Db,
    only: Option<Vec<String>>,
) -> Result<Filters, StoreError> {
    let releases = db
        .releases(only.clone(), 50)
        .await?
        .into_iter()
        .map(|r| r.release)
        .filter(|r| !r.is_empty())
        .collect();
    let environments = db.environments(only).await?;
    Ok(Filters {
        releases,
        environments,
    })
}

/// A labelled chip that narrows the list to its value: the search gets `key:value` (replacing
/// a term of the same key, and the select of the same filter is cleared). A value the search
/// language cannot write is shown without a link.
fn chip(q: &HashMap<String, String>, label: &str, key: &str, value: &str) -> Markup {
    let title = format!("Filter by {label} {value}");
    let search = q.get("q").map(String::as_str).unwrap_or_default();
    let href = crate::search::with_term(search, key, value).map(|text| {
        let clear = match key {
            "release" => "release",
            "env" => "environment",
            _ => "",
        };
        let mut set = vec![("q", text.as_str()), ("offset", "")];
        if !clear.is_empty() {
            set.push((clear, ""));
        }
        list_url(q, &set)
    });
    html! {
        @if let Some(href) = href {
            a.tag.chip href=(href) title=(title) { span.chip-k { (label) } " " (value) }
        } @else {
            span.tag.chip title={ (label) " " (value) } { span.chip-k { (label) } " " (value) }
        }
    }
}

fn rows_markup(
    rows: &[IssueRow],
    sparks: &HashMap<i64, Vec<issues::HourCount>>,
    users: &HashMap<i64, (i64, bool)>,
    q: &HashMap<String, String>,
    selectable: bool,
    several_projects: bool,
    now: i64,
) -> Markup {
    html! {
        @for i in rows {
            tr data-href=(issue_href(i)) data-fingerprint=(i.fingerprint) data-project=(i.project_id) data-status=(i.status.as_str()) {
                @if selectable {
                    td.sel { input.row-select type="checkbox" aria-label={ "Select " (i.error_type) }; }
                }
                td.issue-main {
                    a.issue-title href=(issue_href(i)) { (i.error_type) }
                    div.issue-msg { (i.message) }
                    div.chips {
                        // With one project, its chip would filter nothing.
                        @if several_projects {
                            a.tag.chip href=(list_url(q, &[("project", &i.project_id), ("offset", "")])) title={ "Filter by project " (i.project_id) } {
                                span.chip-k { "project" } " " (i.project_id)
                            }
                        }
                        @if i.status != Status::Unresolved { (status_tag(i.status)) }
                        @if !i.source.is_empty() { (chip(q, "source", "source", &i.source)) }
                        @if let Some(r) = i.route_or_procedure.as_deref().filter(|r| !r.is_empty()) { (chip(q, "route", "route", r)) }
                        @if !i.release.is_empty() { (chip(q, "release", "release", &i.release)) }
                        @if !i.environment.is_empty() { (chip(q, "env", "env", &i.environment)) }
                    }
                }
                td.hide-sm { @if let Some(t) = sparks.get(&i.id) { (sparkline(t)) } }
                td.num {
                    (i.count)
                    @if i.count != i.total_count { div.muted { "of " (i.total_count) } }
                }
                td.num.hide-sm {
                    @match users.get(&i.id) {
                        Some((n, true)) => {
                            span title={ "in the latest " (issues::LIST_USER_EVENTS) " events" } { "≥ " (thousands(*n)) }
                        }
                        Some((n, false)) => { (thousands(*n)) }
                        None => { span.muted { "–" } }
                    }
                }
                td.num.hide-sm { (when(i.first_seen, now)) }
                td.num { (when(i.last_seen, now)) }
            }
        }
    }
}

fn empty_state(st: &AppState, s: &Session, key: Option<&KeyRow>, project: Option<&str>) -> Markup {
    let origin = st.config.auth.rp_origin.trim_end_matches('/');
    let project = project.unwrap_or("default");
    let key_text = match key {
        Some(k) if s.can(Role::Admin) => k.key.clone(),
        Some(k) => keys::mask(&k.key),
        None => "<your project key>".into(),
    };
    let send = format!(
        "bloop send --url {origin} --key {key_text} \\\n  --type TypeError --message \"Hello from bloop\""
    );
    let curl = format!(
        "KEY={key_text}\nBODY='{{\"timestamp\":'$(date +%s)',\"source\":\"api\",\"environment\":\"production\",\"release\":\"1.0.0\",\"error_type\":\"TypeError\",\"message\":\"Hello from curl\"}}'\nSIG=$(printf %s \"$BODY\" | openssl dgst -sha256 -hmac \"$KEY\" | sed 's/^.* //')\ncurl -sS {origin}/v1/ingest -H 'Content-Type: application/json' \\\n  -H \"X-Project-Key: $KEY\" -H \"X-Signature: $SIG\" -d \"$BODY\""
    );
    html! {
        h1 { "Issues" }
        div.panel.empty data-wait-first-event=(format!("/v1/errors?limit=1&status=&project={}", pct(project))) {
            h2 { "Waiting for your first error" }
            p.muted { "Nothing has arrived in " strong { (project) } " yet. Send a test event; this page notices it by itself." }
            div.steps {
                p { "1. From any machine with the bloop binary:" }
                div.row { pre.grow #snippet-send { (send) } button type="button" data-copy="snippet-send" { "Copy" } }
                p { "2. Or sign the body yourself (any HTTP client works the same way):" }
                div.row { pre.grow #snippet-curl { (curl) } button type="button" data-copy="snippet-curl" { "Copy" } }
                @if key.is_none() {
                    @if s.can(Role::Admin) {
                        p { "This project has no ingest key yet (events signed with " code { "auth.hmac_secret" } " also land in "
                            strong { "default" } ")." }
                        button.primary type="button" data-api={ "/v1/projects/" (pct(project)) "/keys" } data-body=r#"{"name":"first key"}"# { "Create an ingest key" }
                        p.form-error hidden {}
                    } @else { p.muted { "Ask an admin to create an ingest key for this project." } }
                } @else if !s.can(Role::Admin) { p.muted { "An admin can show the full project key on the Projects page." } }
            }
            p #first-event-arrived.notice hidden { "Your first event arrived. Loading…" }
        }
    }
}

pub async fn issue(
    State(st): State<AppState>,
    s: Session,
    Path((project, fp)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let now = now_ms();
    let range = q.get("range").map(String::as_str).unwrap_or("24h");
    let (hours, bucket, label) = match range {
        "7d" => (168u32, 6usize, "7 days"),
        "30d" => (720, 24, "30 days"),
        _ => (24, 1, "24 hours"),
    };
    let (p2, f2) = (project.clone(), fp.clone());
    let pick = issue_events::pick(q.get("event"));
    let list_page = issue_events::list_page(q.get("events"));
    type Loaded = (
        IssueDetail,
        Vec<issues::HourCount>,
        Vec<triage::HistoryEntry>,
        Vec<User>,
        (Option<issues::EventWalk>, bool, Vec<issues::Occurrence>),
    );
    let db = &st.db;
    let found = async {
        let row = match db.find_issue(Some(vec![p2]), f2).await {
            Ok(r) => r,
            Err(StoreError::NotFound(_) | StoreError::Invalid { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let id = row.id;
        let detail = db.issue_detail(row).await?;
        let trend = db.trend(id, hours, now).await?;
        let history = db.timeline(id).await?;
        let people = db.users().await?;
        // The event asked for; one that is not this issue's (or pruned) falls back to the latest.
        let mut walk = db.walk(id, pick).await?;
        let missing = walk.is_none() && matches!(pick, issues::Pick::Id(_));
        if missing {
            walk = db.walk(id, issues::Pick::Latest).await?;
        }
        let per = issue_events::EVENTS_PER_PAGE;
        let list = match &walk {
            Some(_) => {
                db.occurrences(id, per, list_page.saturating_mul(per))
                    .await?
            }
            None => Vec::new(),
        };
        Ok::<Option<Loaded>, StoreError>(Some((
            detail,
            trend,
            history,
            people,
            (walk, missing, list),
        )))
    }
    .await
    .map_err(|e| error_page(Some(&s), &e.to_string()));
    let (d, trend, history, people, (walk, missing_event, event_list)) = match found {
        Ok(Some(x)) => x,
        Ok(None) => {
            return not_found_page(&s, &format!("No issue {fp} in project {project}."));
        }
        Err(r) => return r,
    };
    let i = &d.issue;
    let api = format!(
        "/v1/errors/{}/{{}}?project={}",
        pct(&i.fingerprint),
        pct(&i.project_id)
    );
    let action = |a: &str| api.replace("{}", a);
    let max_rel = d.releases.iter().map(|b| b.count).max().unwrap_or(0);
    let max_env = d.environments.iter().map(|b| b.count).max().unwrap_or(0);
    // Issues that move with this one (no panel without analytics or when the insight fails).
    let moves_with = super::insights::moves_with(&st, &i.project_id, &i.fingerprint).await;
    // Why the events group: from the event shown, else the newest sample.
    let grouping = match &walk {
        Some(w) => serde_json::to_value(&w.event).ok(),
        None => d.samples.first().map(|sm| sm.event.clone()),
    }
    .map(|ev| crate::ingest::explain::stored(&ev, &i.fingerprint));
    let markdown = issue_events::markdown(
        i,
        &format!(
            "{}{}",
            st.config.auth.rp_origin.trim_end_matches('/'),
            issue_href(i)
        ),
        walk.as_ref().map(|w| &w.event),
        d.users,
    );
    let body = html! {
        p.muted { a href={ "/issues?project=" (pct(&i.project_id)) } { "← " (i.project_id) } }
        h1 #issue-title { (i.error_type) }
        pre #issue-message { (i.message) }
        div.row {
            (status_tag(i.status))
            @if let Some(r) = &i.resolved_in_release { span.tag { "resolved in " (r) } }
            span.tag { (i.source) }
            @if let Some(r) = &i.route_or_procedure { span.tag { (r) } }
            @if let Some(r) = &i.screen { span.tag { (r) } }
            @if let Some(a) = &i.assignee { span.tag #issue-assignee-tag { "assigned to " (a) } }
            span.muted #issue-stats {
                (i.total_count) @if i.total_count == 1 { " event" } @else { " events" }
                @if d.users > 0 {
                    " · "
                    @if d.users_capped {
                        span #issue-users title={ "in the latest " (thousands(i64::from(issues::USER_EVENTS))) " events" } {
                            "≥ " (thousands(d.users)) " users"
                        }
                    } @else {
                        span #issue-users { (thousands(d.users)) @if d.users == 1 { " user" } @else { " users" } }
                    }
                }
                " · first " (when(i.first_seen, now)) " · last " (when(i.last_seen, now))
            }
            button #copy-markdown type="button" data-copy="issue-markdown" title="Copy the issue as Markdown, for a ticket" { "Copy as Markdown" }
            textarea #issue-markdown hidden readonly { (markdown) }
        }
        @if let Some(c) = &d.llm {
            (llm_cost(c, &i.project_id, now))
        }
        @if s.can(Role::Member) {
            section.panel #actions {
                div.actions {
                    @if i.status != Status::Resolved {
                        button.primary type="button" data-api=(action("resolve")) { "Resolve" }
                        form data-api=(action("resolve")) {
                            input name="release" placeholder="in release…" size="12" required value=(i.release);
                            button type="submit" { "Resolve in release" }
                        }
                    }
                    @if i.status != Status::Ignored { button type="button" data-api=(action("ignore")) { "Ignore" } }
                    @if i.status != Status::Muted { button type="button" data-api=(action("mute")) { "Mute" } }
                    @if i.status != Status::Unresolved { button type="button" data-api=(action("unresolve")) { "Unresolve" } }
                }
                p.form-error hidden {}
            }
        }
        (triage_panel(i, &people, &s, &action("assign"), &action("notes")))
        section.panel {
            div.row {
                h2.grow { "Trend" }
                nav.tabs {
                    @for r in ["24h", "7d", "30d"] {
                        a href={ "?range=" (r) } class=[(range == r).then_some("active")] { (r) }
                    }
                }
            }
            (trend_chart(&trend, bucket, label))
        }
        @if let Some(m) = moves_with { (m) }
        div.grid2 {
            section.panel {
                h2 { "Releases" }
                div.bars {
                    @for b in &d.releases {
                        div.bar { span { (if b.name.is_empty() { "(none)" } else { &b.name }) } (share_bar(b.count, max_rel)) span.muted { (b.count) } }
                    }
                }
            }
            section.panel {
                h2 { "Environments" }
                div.bars {
                    @for b in &d.environments {
                        div.bar { span { (if b.name.is_empty() { "(none)" } else { &b.name }) } (share_bar(b.count, max_env)) span.muted { (b.count) } }
                    }
                }
            }
        }
        (tags_panel(&d.tags))
        (issue_events::event_panel(walk.as_ref(), missing_event, &event_list, list_page, range, now))
        @if let Some(g) = &grouping { (issue_events::grouping_panel(g)) }
        section.panel #samples {
            h2 { "Representative events" }
            p.muted { "Samples kept for the life of the issue (raw events are pruned after the retention window)." }
            @if d.samples.is_empty() { p.muted { "No samples kept." } }
            @for (n, sm) in d.samples.iter().enumerate() {
                details open[n == 0 && walk.is_none()] {
                    summary { "Received " (when(sm.received_at, now)) }
                    (event::render(&sm.event))
                }
            }
        }
        (history_panel(&history, now))
    };
    page(&i.error_type, &s, body)
}

/// Who an actor string (`user:ana`, `token:ci`, `cli`, `system`) names, for people.
fn actor(a: &str) -> String {
    match a.split_once(':') {
        Some(("user", name)) => name.to_string(),
        Some(("token", name)) => format!("token “{name}”"),
        _ => a.to_string(),
    }
}

/// The assignee picker and the notes form (members and admins), or the assignee alone.
fn triage_panel(i: &IssueRow, people: &[User], s: &Session, assign: &str, notes: &str) -> Markup {
    let me = serde_json::json!({ "user": s.user.name }).to_string();
    let mine = i
        .assignee
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case(&s.user.name));
    html! {
        section.panel #triage {
            div.row {
                h2.grow { "Assignee" }
                span #assignee-current {
                    @if let Some(a) = &i.assignee { strong { (a) } } @else { span.muted { "Nobody" } }
                }
            }
            @if s.can(Role::Member) {
                div.actions {
                    form #assign-form data-api=(assign) {
                        label for="assignee-select" { "Assign to" }
                        select #assignee-select name="user" data-null {
                            option value="" selected[i.assignee.is_none()] { "Nobody" }
                            @for u in people {
                                option value=(u.name) selected[i.assignee.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&u.name))] { (u.name) }
                            }
                        }
                        button type="submit" { "Assign" }
                    }
                    @if !mine {
                        button #assign-me type="button" data-api=(assign) data-body=(me) { "Assign to me" }
                    }
                }
                form #note-form data-api=(notes) {
                    label for="note-text" { "Add a note" }
                    textarea #note-text name="text" rows="3" required maxlength=(triage::MAX_NOTE_CHARS) {}
                    div.row {
                        span.muted.grow { "Shown in the history below; up to " (thousands(triage::MAX_NOTE_CHARS as i64)) " characters." }
                        button.primary type="submit" { "Add note" }
                    }
                }
                p.form-error hidden {}
            }
        }
    }
}

/// Status changes, assignment changes and notes, newest first.
fn history_panel(history: &[triage::HistoryEntry], now: i64) -> Markup {
    use triage::HistoryEntry as H;
    html! {
        section.panel #history {
            h2 { "History" }
            @if history.is_empty() { p.muted { "No status changes, assignments or notes yet." } }
            ol.timeline {
                @for h in history {
                    @match h {
                        H::Status(c) => li.status-change {
                            (c.old_status) " → " strong { (c.new_status) }
                            @if let Some(r) = &c.release { " in " (r) }
                            " by " (actor(&c.changed_by)) " · " (when(c.changed_at, now))
                        },
                        H::Assignment(a) => li.assignment {
                            @match &a.new_assignee {
                                Some(u) => { "Assigned to " strong { (u) } },
                                None => { "Unassigned" },
                            }
                            @if let Some(o) = &a.old_assignee { span.muted { " (was " (o) ")" } }
                            " by " (actor(&a.changed_by)) " · " (when(a.changed_at, now))
                        },
                        H::Note(n) => li.note {
                            div.note-head { strong { (actor(&n.author)) } " added a note · " (when(n.created_at, now)) }
                            // Attacker-controllable: maud escapes it; CSS keeps its line breaks.
                            div.note-text { (n.text) }
                        },
                    }
                }
            }
        }
    }
}

/// What the issue cost in LLM calls (the traces its events named), with its newest traces.
fn llm_cost(c: &IssueCost, project: &str, now: i64) -> Markup {
    // A path segment: `pct` keeps `/`, which a trace id may hold.
    let trace_href = |id: &str| {
        format!(
            "/llm/traces/{}?project={}",
            pct(id).replace('/', "%2F"),
            pct(project).replace('/', "%2F")
        )
    };
    html! {
        section.panel #llm-cost {
            p #llm-cost-line { strong { (c.summary()) } }
            @if c.traces > 0 {
                p.muted { (thousands(c.input_tokens)) " input and " (thousands(c.output_tokens)) " output tokens" }
                ul #llm-cost-traces {
                    @for t in &c.recent {
                        li {
                            a href=(trace_href(&t.id)) { (t.name) } " "
                            span.muted { (t.cost_micros.map_or_else(|| "unpriced".to_string(), usd)) " · " (t.status) " · " (when(t.started_at, now)) }
                        }
                    }
                }
                @if c.traces > c.recent.len() as i64 {
                    p.muted { "The newest " (c.recent.len()) " of " (thousands(c.traces)) " traces." }
                }
            }
        }
    }
}

/// Epoch milliseconds as an HTTP-style UTC date ("Sun, 29 Nov 2026 11:39:14 GMT").
pub(super) fn utc(ms: i64) -> Option<String> {
    let ms = u64::try_from(ms).ok()?;
    Some(httpdate::fmt_http_date(
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms),
    ))
}

// ---- releases, projects, tokens, retention ------------------------------------------------------

pub async fn releases(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    let now = now_ms();
    let project = q.get("project").cloned().filter(|p| !p.is_empty());
    let p2 = project.clone();
    let loaded = async {
        Ok::<_, StoreError>((
            // Names only: the picker needs no per-project counts (a sum over every issue).
            st.db.project_names().await?,
            st.db.releases(p2.map(|p| vec![p]), 200).await?,
        ))
    };
    let (projects, rels) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    page(
        "Releases",
        &s,
        html! {
            h1 { "Releases" }
            form.filters method="get" {
                select name="project" {
                    option value="" { "All projects" }
                    @for (id, name) in &projects { option value=(id) selected[project.as_deref() == Some(id.as_str())] { (name) } }
                }
                button type="submit" { "Show" }
            }
            @if rels.is_empty() { div.panel.empty { "No releases seen yet. Events name theirs in the " code { "release" } " field." } }
            @else {
                div.table-wrap { table {
                    thead { tr { th { "Release" } th.num { "Issues" } th.num { "New issues" } th.num { "Events" } th.num { "First seen" } th.num { "Last seen" } } }
                    tbody {
                        @for r in &rels {
                            tr {
                                td { a href=(if r.release.is_empty() {
                                        format!("/issues?status=all&release={}", project.as_ref().map(|p| format!("&project={}", pct(p))).unwrap_or_default())
                                    } else {
                                        format!("/releases/{}{}", super::seg(&r.release), project.as_ref().map(|p| format!("?project={}", pct(p))).unwrap_or_default())
                                    }) {
                                    (if r.release.is_empty() { "(none)" } else { &r.release }) } }
                                td.num { (r.issues) } td.num { (r.new_issues) } td.num { (r.events) }
                                td.num { (when(r.first_seen, now)) } td.num { (when(r.last_seen, now)) }
                            }
                        }
                    }
                } }
            }
        },
    )
}

pub async fn projects(State(st): State<AppState>, s: Session) -> Response {
    let now = now_ms();
    let public_url = crate::alert::eval::public_url(&st.config);
    let loaded = async {
        let projects = st.db.list_projects(None).await?;
        let mut all = Vec::new();
        for p in &projects {
            all.extend(st.db.project_keys(p.id.clone(), public_url.clone()).await?);
        }
        Ok::<_, StoreError>((projects, all))
    };
    let (projects, all_keys) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    let admin = s.can(Role::Admin);
    let origin = st.config.auth.rp_origin.trim_end_matches('/').to_string();
    page(
        "Projects",
        &s,
        html! {
            h1 { "Projects" }
            @if admin {
                section.panel {
                    h2 { "New project" }
                    form.row data-api="/v1/projects" {
                        input name="name" placeholder="Name, e.g. iOS app" required maxlength="200";
                        input name="slug" placeholder="slug (optional)" maxlength="64";
                        button.primary type="submit" { "Create project" }
                    }
                    p.form-error hidden {}
                }
            }
            @for p in &projects {
                section.panel id={ "project-" (p.id) } {
                    div.row {
                        h2.grow { (p.name) " " span.muted { "(" (p.id) ")" } }
                        span.muted { (thousands(p.issues)) @if p.issues == 1 { " issue" } @else { " issues" } " · " (thousands(p.events)) @if p.events == 1 { " event" } @else { " events" } }
                        a href={ "/issues?project=" (pct(&p.id)) } { "Issues →" }
                    }
                    @if admin {
                        details.project-settings {
                            summary { "Rename or delete" }
                            form.row data-api={ "/v1/projects/" (pct(&p.id)) } data-method="PATCH" {
                                label { "Name " input name="name" value=(p.name) required maxlength="200"; }
                                button type="submit" { "Rename" }
                            }
                            p.form-error hidden {}
                            @if p.id != "default" {
                                div.row {
                                    button.danger type="button" data-api={ "/v1/projects/" (pct(&p.id)) } data-method="DELETE"
                                        data-redirect="/projects"
                                        data-confirm={ "Delete project " (p.name) " with its " (p.issues) " issues, events, keys and rules? This cannot be undone." } { "Delete project" }
                                    span.muted { "Deletes its issues, events, keys, alert rules and LLM traces." }
                                }
                            } @else {
                                p.muted { "The default project cannot be deleted: events signed with the server secret land in it." }
                            }
                        }
                    }
                    h2 { "Ingest keys" }
                    @let pkeys: Vec<&KeyRow> = all_keys.iter().filter(|k| k.project_id == p.id && k.kind != keys::KIND_DSN && k.revoked_at.is_none_or(|r| r > now)).collect();
                    @let dsns: Vec<&KeyRow> = all_keys.iter().filter(|k| k.project_id == p.id && k.kind == keys::KIND_DSN && k.revoked_at.is_none_or(|r| r > now)).collect();
                    @if pkeys.is_empty() { p.muted { "No active keys." } }
                    @if p.id == "default" { p.muted { "Events signed with the server's " code { "auth.hmac_secret" } " and no project key land here too." } }
                    @for k in &pkeys {
                        div.row {
                            span { (k.name) }
                            @if admin {
                                // Masked until asked for: the full key is fetched then, never in the page.
                                code.secret.grow id={ "key-" (k.id) } data-key-id=(k.id) data-project=(p.id) { (keys::mask(&k.key)) }
                                button type="button" data-reveal={ "key-" (k.id) } { "Reveal" }
                                button type="button" data-copy={ "key-" (k.id) } { "Copy" }
                                @if k.revoked_at.is_none() {
                                    button type="button" data-api={ "/v1/keys/" (k.id) "/rotate" } data-body=r#"{"grace":"24h"}"#
                                        data-confirm="Rotate this key? A new key is made now; this one keeps working for 24 hours." { "Rotate" }
                                }
                                button.danger type="button" data-api={ "/v1/keys/" (k.id) } data-method="DELETE"
                                    data-confirm="Revoke this key? Clients using it will get 401." { "Revoke" }
                            } @else {
                                code.grow { (keys::mask(&k.key)) }
                            }
                            @if let Some(r) = k.revoked_at { span.tag { "expires " (when(r, now)) } }
                        }
                    }
                    @if admin {
                        @if let Some(k) = pkeys.first() {
                            details {
                                summary { "Send a test event" }
                                div.row { pre.grow id={ "send-" (p.id) } { "bloop send --url " (origin) " --key " (k.key) " --type TestError --message \"Hello from bloop\"" }
                                    button type="button" data-copy={ "send-" (p.id) } { "Copy" } }
                                div.row { pre.grow id={ "curl-" (p.id) } { "KEY=" (k.key) "\nBODY='{\"timestamp\":'$(date +%s)',\"source\":\"api\",\"environment\":\"production\",\"error_type\":\"TestError\",\"message\":\"Hello from curl\"}'\nSIG=$(printf %s \"$BODY\" | openssl dgst -sha256 -hmac \"$KEY\" | sed 's/^.* //')\ncurl -sS " (origin) "/v1/ingest -H 'Content-Type: application/json' -H \"X-Project-Key: $KEY\" -H \"X-Signature: $SIG\" -d \"$BODY\"" }
                                    button type="button" data-copy={ "curl-" (p.id) } { "Copy" } }
                            }
                        }
                        form.row data-api={ "/v1/projects/" (pct(&p.id)) "/keys" } {
                            input name="name" placeholder="key name (optional)" maxlength="200";
                            button type="submit" { "New key" }
                        }
                        p.form-error hidden {}
                    }
                    h2 { "Sentry DSN" }
                    p.muted { "For apps with a Sentry SDK: set this as their DSN. It is public (it can only send errors) and can be revoked on its own." }
                    @if dsns.is_empty() { p.muted { "No DSN yet." } }
                    @for k in &dsns {
                        div.row.dsn {
                            span { (k.name) }
                            code.grow id={ "dsn-" (k.id) } { (k.dsn.as_deref().unwrap_or("")) }
                            button type="button" data-copy={ "dsn-" (k.id) } { "Copy" }
                            @if admin {
                                button.danger type="button" data-api={ "/v1/keys/" (k.id) } data-method="DELETE"
                                    data-confirm="Revoke this DSN? SDKs using it will get 401." { "Revoke" }
                            }
                        }
                    }
                    @if admin {
                        form.row data-api={ "/v1/projects/" (pct(&p.id)) "/keys" } {
                            input type="hidden" name="kind" value="dsn";
                            input name="name" placeholder="DSN name (optional)" maxlength="200";
                            button type="submit" { "New DSN" }
                        }
                        p.form-error hidden {}
                    }
                }
            }
        },
    )
}

pub async fn tokens(State(st): State<AppState>, s: Session) -> Response {
    if let Err(r) = s.require(Role::Admin) {
        return r;
    }
    let now = now_ms();
    let loaded = async {
        Ok::<_, StoreError>((st.db.tokens(None).await?, st.db.list_projects(None).await?))
    };
    let (list, projects): (Vec<Token>, Vec<Project>) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    page(
        "API tokens",
        &s,
        html! {
            h1 { "API tokens" }
            section.panel {
                h2 { "New token" }
                form data-api="/v1/tokens" data-show="new-token" {
                    div.row {
                        input name="name" placeholder="Name, e.g. ci" required maxlength="200";
                        select name="project" { option value="" { "All projects" } @for p in &projects { option value=(p.id) { (p.name) } } }
                        input name="expires" placeholder="expires in, e.g. 90d (optional)" size="24";
                    }
                    div.row {
                        @for sc in Scope::ALL {
                            label { input type="checkbox" name="scopes[]" value=(sc.as_str()) checked[sc == Scope::ErrorsRead]; " " (sc.as_str()) }
                        }
                    }
                    p.form-error hidden {}
                    button.primary type="submit" { "Create token" }
                }
                div #new-token.notice hidden {
                    p { strong { "Copy this token now; it is shown only once." } }
                    div.row { code.secret.grow #new-token-value data-field="token" {} button type="button" data-copy="new-token-value" { "Copy" } }
                }
            }
            div.table-wrap { table #tokens {
                thead { tr { th { "Name" } th { "Prefix" } th { "Scopes" } th { "Project" } th.num { "Last used" } th.num { "Expires" } th {} } }
                tbody {
                    @for t in &list {
                        tr {
                            td { (t.name) } td { code { (t.prefix) "…" } }
                            td { @for sc in &t.scopes { span.tag { (sc.as_str()) } } }
                            td { (t.project_id.as_deref().unwrap_or("all")) }
                            td.num { @if let Some(u) = t.last_used_at { (when(u, now)) } @else { "never" } }
                            td.num { @if let Some(e) = t.expires_at { (when(e, now)) } @else { "never" } }
                            td { @if t.revoked_at.is_some() { span.tag { "revoked" } } @else {
                                button.danger type="button" data-api={ "/v1/tokens/" (t.id) } data-method="DELETE" data-confirm="Revoke this token?" { "Revoke" } } }
                        }
                    }
                }
            } }
        },
    )
}

pub async fn retention(State(st): State<AppState>, s: Session) -> Response {
    if let Err(r) = s.require(Role::Admin) {
        return r;
    }
    let cfg = st.config.retention.clone();
    let cfg_days = cfg.raw_events_days;
    let loaded = async {
        Ok::<_, StoreError>((
            st.db.retention_days(cfg_days).await?,
            st.db.list_projects(None).await?,
        ))
    };
    let (days, projects) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    page(
        "Retention",
        &s,
        html! {
            h1 { "Retention" }
            section.panel {
                p { "Raw events are kept " strong #retention-days { (days) " days" } " by default (config.toml says " (cfg.raw_events_days) "). "
                    "Issues, counts and samples stay; hourly counts are kept " (cfg.hourly_counts_days) " days. The server prunes every " (cfg.prune_interval_secs) " s." }
                form.row data-api="/v1/admin/retention" data-method="PUT" {
                    label { "Default days " input name="raw_events_days" data-type="number" data-null type="number" min="1" max="3650" value=(days); }
                    button type="submit" { "Save" }
                }
                p.form-error hidden {}
            }
            div.table-wrap { table {
                thead { tr { th { "Project" } th { "Override" } th.num { "Effective" } th {} } }
                tbody {
                    @for p in &projects {
                        tr { td { (p.name) }
                            td { form.row data-api="/v1/admin/retention" data-method="PUT" {
                                input type="hidden" name="project" value=(p.id);
                                input name="raw_events_days" data-type="number" data-null type="number" min="1" max="3650" placeholder="default" value=[p.retention_days];
                                button type="submit" { "Save" }
                                p.form-error hidden {}
                            } }
                            td.num { (p.retention_days.unwrap_or(days)) " d" }
                            td {}
                        }
                    }
                }
            } }
            section.panel {
                h2 { "Prune now" }
                p.muted { "Deletes raw events past their retention right away (the server also does this on its own)." }
                button type="button" data-api="/v1/admin/retention/purge" data-confirm="Delete expired raw events now?" { "Prune now" }
                p.form-error hidden {}
            }
        },
    )
}

// ---- users, alerts, account ---------------------------------------------------------------------

pub async fn users(State(st): State<AppState>, s: Session) -> Response {
    if let Err(r) = s.require(Role::Admin) {
        return r;
    }
    let now = now_ms();
    let loaded =
        async { Ok::<_, StoreError>((st.db.users().await?, st.db.pending_invites(now).await?)) };
    let (list, invites): (Vec<User>, Vec<Invite>) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    let admins = list.iter().filter(|u| u.role == Role::Admin).count();
    page(
        "Users",
        &s,
        html! {
            h1 { "Users" }
            div.table-wrap { table #users {
                thead { tr { th { "Name" } th { "Role" } th.num { "Passkeys" } th.num { "Last sign-in" } th {} } }
                tbody {
                    @for u in &list {
                        tr data-user=(u.name) {
                            td { (u.name) @if u.id == s.user.id { " " span.tag { "you" } } }
                            td {
                                // The last admin keeps the role: the server refuses to demote
                                // them (409), so no picker is offered.
                                @if u.role == Role::Admin && admins == 1 {
                                    (u.role) " " span.muted { "(the only admin)" }
                                } @else {
                                    form.row data-api={ "/v1/users/" (u.id) } data-method="PUT" {
                                        select name="role" {
                                            @for r in Role::ALL { option value=(r.as_str()) selected[r == u.role] { (r) } }
                                        }
                                        button type="submit" { "Change" }
                                        p.form-error hidden {}
                                    }
                                }
                            }
                            td.num { (u.passkeys) }
                            td.num { @if let Some(t) = u.last_login_at { (when(t, now)) } @else { "never" } }
                            td { @if u.id != s.user.id {
                                button.danger type="button" data-api={ "/v1/users/" (u.id) } data-method="DELETE"
                                    data-confirm="Remove this user and their passkeys?" { "Remove" } } }
                        }
                    }
                }
            } }
            section.panel {
                h2 { "Invite someone" }
                form.row #invite-form data-api="/v1/invites" data-show="new-invite" {
                    select name="role" { option value="member" { "member" } option value="viewer" { "viewer" } option value="admin" { "admin" } }
                    label { "expires in " input name="expires_in_hours" data-type="number" type="number" min="1" max="720" value="72" size="4"; " h" }
                    button.primary type="submit" { "Create invite link" }
                }
                p.form-error hidden {}
                div #new-invite.notice hidden {
                    p { strong { "Send this link to the person; it works once." } }
                    div.row { code.secret.grow #new-invite-link data-field="link" {} button type="button" data-copy="new-invite-link" { "Copy" } }
                }
                @if !invites.is_empty() {
                    h2 { "Pending invites" }
                    ul { @for i in &invites {
                        li { (i.role) @if i.setup { " (setup link)" } " · by " (i.created_by) " · expires " (when(i.expires_at, now)) " "
                            button.danger type="button" data-api={ "/v1/invites/" (i.id) } data-method="DELETE" { "Revoke" } }
                    } }
                }
            }
        },
    )
}

fn rule_summary(c: &RuleConfig) -> String {
    match c {
        RuleConfig::NewIssue => "first event of a new issue".into(),
        RuleConfig::Regression => "a resolved issue comes back".into(),
        RuleConfig::Threshold {
            threshold,
            window_secs,
            per,
        } => format!("≥ {threshold} events in {window_secs} s per {per:?}").to_lowercase(),
        RuleConfig::Spike {
            multiplier,
            window_secs,
            baseline_hours,
        } => format!("{multiplier}× the {baseline_hours} h baseline within {window_secs} s"),
        llm => llm.llm_summary().unwrap_or_default(),
    }
}

pub(super) fn channel_summary(c: &Channel) -> String {
    match c {
        Channel::Slack { webhook_url } => format!("Slack {}", alert::mask_url(webhook_url)),
        Channel::Webhook { url, .. } => format!("webhook {}", alert::mask_url(url)),
        Channel::Email { to } => format!("email {}", to.join(", ")),
    }
}

pub async fn alerts(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    let now = now_ms();
    type Loaded = (
        Vec<alert::Rule>,
        Vec<Project>,
        Vec<alert::Delivery>,
        Vec<alert::Delivery>,
    );
    let loaded: Result<Loaded, Response> = async {
        Ok::<_, StoreError>((
            st.db.alert_rules(None).await?,
            st.db.list_projects(None).await?,
            st.db.recent_deliveries(20).await?,
            st.db.last_deliveries().await?,
        ))
    }
    .await
    .map_err(|e| error_page(Some(&s), &e.to_string()));
    let (rules, projects, deliveries, last) = match loaded {
        Ok(x) => x,
        Err(r) => return r,
    };
    let member = s.can(Role::Member);
    // `?edit=ID`: the form edits that rule, prefilled.
    let editing = q
        .get("edit")
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|id| rules.iter().find(|r| r.id == id))
        .filter(|_| member);
    let last_of = |id: i64| last.iter().filter(move |d| d.rule_id == Some(id));
    let failing = rules
        .iter()
        .filter(|r| last_of(r.id).any(|d| d.status != "sent"))
        .count();
    let defaults = alert::eval::env_channels(&st.config);
    page(
        "Alerts",
        &s,
        html! {
            h1 { "Alerts" }
            @if failing > 0 {
                p.notice.warn #delivery-failures {
                    "The last delivery of " (failing) @if failing == 1 { " rule" } @else { " rules" }
                    " failed: see “Last delivery” below."
                }
            }
            @if rules.is_empty() { div.panel.empty { p { "No alert rules yet." } } }
            @else {
                div.table-wrap { table #rules {
                    thead { tr { th { "Rule" } th { "When" } th { "Project" } th { "Channels" } th { "Last delivery" } th { "State" } th {} } }
                    tbody { @for r in &rules {
                        @let failed = last_of(r.id).any(|d| d.status != "sent");
                        tr data-rule=(r.name) class=[failed.then_some("row-error")] {
                            td { (r.name) }
                            td { (rule_summary(&r.config))
                                @if let Some(e) = &r.environment_filter { " " span.tag { "env " (e) } }
                                @if let Some(x) = &r.source_filter { " " span.tag { "source " (x) } }
                                @if let Some(x) = &r.release_filter { " " span.tag { "release " (x) } } }
                            td { (r.project_id.as_deref().unwrap_or("all")) }
                            td { @if r.channels.is_empty() { span.muted { "server defaults" } } @for c in &r.channels { div { (channel_summary(c)) } } }
                            td.last-delivery {
                                @if last_of(r.id).next().is_none() { span.muted { "none yet" } }
                                @for d in last_of(r.id) {
                                    div.delivery {
                                        span class={ "tag " @if d.status == "sent" { "status-resolved" } @else { "status-unresolved" } } { (d.status) }
                                        " " (d.channel) " · " (when(d.created_at, now))
                                        @if let Some(e) = &d.error { div.delivery-error { (e) } }
                                    }
                                }
                            }
                            td { @if r.enabled { span.tag.status-resolved { "enabled" } } @else { span.tag { "disabled" } } }
                            td { @if member { div.actions {
                                a.button href={ "/alerts?edit=" (r.id) "#alert-form" } { "Edit" }
                                button type="button" data-api={ "/v1/alerts/" (r.id) "/test" } { "Test" }
                                @if r.enabled { button type="button" data-api={ "/v1/alerts/" (r.id) "/disable" } { "Disable" } }
                                @else { button type="button" data-api={ "/v1/alerts/" (r.id) "/enable" } { "Enable" } }
                                button.danger type="button" data-api={ "/v1/alerts/" (r.id) } data-method="DELETE" data-confirm="Delete this rule?" { "Delete" }
                            } } }
                        }
                    } }
                } }
            }
            @if member {
                (alert_form(&projects, editing, &defaults, st.config.smtp.enabled))
            }
            section.panel {
                h2 { "Recent deliveries" }
                @if deliveries.is_empty() { p.muted { "Nothing sent yet." } }
                ul { @for d in &deliveries {
                    li { span class={ "tag " @if d.status == "sent" { "status-resolved" } @else { "status-unresolved" } } { (d.status) } " "
                        (d.channel) " · " (d.title) " · " (d.attempts) " attempt(s) · " (when(d.created_at, now))
                        @if let Some(e) = &d.error { " · " span.muted { (e) } } }
                } }
            }
        },
    )
}

/// The rule types, as the form's type picker offers them.
const RULE_TYPES: &[(&str, &str, bool)] = &[
    ("new_issue", "New issue", false),
    ("regression", "Regression", false),
    ("threshold", "Threshold", false),
    ("spike", "Spike", false),
    ("llm_cost_spike", "LLM spend spike", true),
    ("llm_cost_threshold", "LLM spend over an amount", true),
    ("llm_error_rate", "LLM error rate", true),
    ("llm_latency", "LLM latency", true),
    ("llm_budget", "LLM monthly budget", true),
];

/// The alert form: a new rule, or `editing` prefilled (sent as a `PATCH`, so what the form does
/// not show, channel secrets included, is kept). Every type's fields are rendered, those of the
/// other types hidden and disabled from the start (the script swaps them when the type
/// changes), so nothing moves when the page loads; each has a label and its unit.
fn alert_form(
    projects: &[Project],
    editing: Option<&alert::Rule>,
    defaults: &[Channel],
    smtp: bool,
) -> Markup {
    let cfg = editing
        .and_then(|r| serde_json::to_value(&r.config).ok())
        .unwrap_or_else(|| serde_json::json!({"type": "new_issue"}));
    let kind = cfg["type"].as_str().unwrap_or("new_issue").to_string();
    let v = |k: &str| -> String {
        match &cfg[k] {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => String::new(),
        }
    };
    let on = |types: &str| types.split(' ').any(|t| t == kind);
    let filter = |f: fn(&alert::Rule) -> &Option<String>| {
        editing.and_then(|r| f(r).clone()).unwrap_or_default()
    };
    // One labelled field, for the rule types in `types`.
    let field = |types: &str, id: &str, label: &str, control: Markup, unit: &str| {
        html! {
            div.field data-for=(types) hidden[!on(types)] {
                label for=(id) { (label) }
                span.control { (control) @if !unit.is_empty() { span.unit { (unit) } } }
            }
        }
    };
    let number = |types: &str, id: &str, name: &str, min: &str, step: &str| {
        html! {
            input id=(id) name=(name) type="number" data-type="number" min=(min) step=(step)
                value=(v(name)) disabled[!on(types)];
        }
    };
    let (api, method, title, submit) = match editing {
        Some(r) => (
            format!("/v1/alerts/{}", r.id),
            Some("PATCH"),
            format!("Edit rule “{}”", r.name),
            "Save changes",
        ),
        None => (
            "/v1/alerts".to_string(),
            None,
            "New rule".to_string(),
            "Create rule",
        ),
    };
    // The channel picker: keep the rule's (editing), the server's defaults, or one channel.
    let default_kind = match editing {
        Some(_) => "keep",
        None if defaults.is_empty() => "slack",
        None => "",
    };
    let targets = [
        ("slack", "Slack", "Slack incoming-webhook URL", "url"),
        (
            "webhook",
            "Webhook",
            "Webhook URL (a signed JSON POST)",
            "url",
        ),
        ("email", "Email", "Email addresses, comma-separated", "text"),
    ];
    let target = targets.iter().find(|t| t.0 == default_kind);
    let defaults_text = if defaults.is_empty() {
        "Server defaults (none set)".to_string()
    } else {
        format!(
            "Server defaults: {}",
            defaults
                .iter()
                .map(channel_summary)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    const THRESHOLD_WINDOW: &str =
        "threshold spike llm_cost_spike llm_cost_threshold llm_error_rate llm_latency";
    html! {
        section.panel #alert-form-panel {
            h2 { (title) }
            form #alert-form data-api=(api) data-method=[method] data-redirect="/alerts"
                data-wrap="config:type,threshold,window_secs,per,multiplier,baseline_hours,amount_usd,percent,min_calls,model,threshold_ms,percentile,metric,forecast"
                data-channels {
                div.fields {
                    div.field {
                        label for="rule-name" { "Name" }
                        input #rule-name name="name" required maxlength="200" value=[editing.map(|r| r.name.as_str())];
                    }
                    div.field {
                        label for="rule-project" { "Project" }
                        select #rule-project name="project_id" data-null {
                            option value="" { "All projects" }
                            @for p in projects {
                                option value=(p.id) selected[editing.is_some_and(|r| r.project_id.as_deref() == Some(p.id.as_str()))] { (p.name) }
                            }
                        }
                    }
                    div.field {
                        label for="rule-type" { "Alert when" }
                        select #rule-type name="type" data-rule-type {
                            @for (value, label, llm) in RULE_TYPES {
                                @if !llm || cfg!(feature = "llm-tracing") {
                                    option value=(value) selected[*value == kind] { (label) }
                                }
                            }
                        }
                    }
                }
                div.fields {
                    (field("threshold", "rule-threshold", "At least", number("threshold", "rule-threshold", "threshold", "1", "1"), "events"))
                    (field(THRESHOLD_WINDOW, "rule-window", "Within", number(THRESHOLD_WINDOW, "rule-window", "window_secs", "10", "1"), "seconds"))
                    (field("threshold", "rule-per", "Counted", html! {
                        select #rule-per name="per" disabled[!on("threshold")] {
                            @for (value, label) in [("issue", "per issue"), ("route", "per route"), ("project", "per project")] {
                                option value=(value) selected[v("per") == value] { (label) }
                            }
                        }
                    }, ""))
                    (field("spike llm_cost_spike", "rule-multiplier", "Rate at least", number("spike llm_cost_spike", "rule-multiplier", "multiplier", "1.1", "0.1"), "× the baseline"))
                    (field("spike llm_cost_spike", "rule-baseline", "Baseline", number("spike llm_cost_spike", "rule-baseline", "baseline_hours", "3", "1"), "hours"))
                    (field("llm_cost_threshold", "rule-amount", "Spend at least", number("llm_cost_threshold", "rule-amount", "amount_usd", "0.01", "0.01"), "USD"))
                    (field("llm_error_rate", "rule-error-percent", "Failed calls at least", number("llm_error_rate", "rule-error-percent", "percent", "0.1", "0.1"), "% of calls"))
                    (field("llm_budget", "rule-budget-percent", "Spend at least", number("llm_budget", "rule-budget-percent", "percent", "1", "1"), "% of the monthly budget"))
                    (field("llm_latency", "rule-threshold-ms", "At least", number("llm_latency", "rule-threshold-ms", "threshold_ms", "1", "1"), "ms"))
                    (field("llm_latency", "rule-percentile", "Percentile", html! {
                        select #rule-percentile name="percentile" disabled[!on("llm_latency")] {
                            @for p in ["p95", "p50", "p99"] { option value=(p) selected[v("percentile") == p] { (p) } }
                        }
                    }, ""))
                    (field("llm_latency", "rule-metric", "Of", html! {
                        select #rule-metric name="metric" disabled[!on("llm_latency")] {
                            option value="latency" selected[v("metric") != "ttft"] { "latency" }
                            option value="ttft" selected[v("metric") == "ttft"] { "time to first token" }
                        }
                    }, ""))
                    (field("llm_error_rate llm_latency", "rule-min-calls", "Over at least", number("llm_error_rate llm_latency", "rule-min-calls", "min_calls", "1", "1"), "calls in the window"))
                    (field("llm_cost_threshold llm_error_rate llm_latency", "rule-model", "Model", html! {
                        input #rule-model name="model" data-null value=(v("model")) disabled[!on("llm_cost_threshold llm_error_rate llm_latency")];
                    }, "empty: any model"))
                    div.field data-for="llm_budget" hidden[!on("llm_budget")] {
                        label.choice {
                            input name="forecast" type="checkbox" checked[cfg["forecast"] != false] disabled[!on("llm_budget")];
                            " also when the month-end forecast is over the budget"
                        }
                    }
                }
                div.fields data-for="new_issue regression threshold spike" hidden[!on("new_issue regression threshold spike")] {
                    div.field {
                        label for="rule-env" { "Environment" }
                        input #rule-env name="environment_filter" data-null value=(filter(|r| &r.environment_filter)) disabled[!on("new_issue regression threshold spike")];
                    }
                    div.field {
                        label for="rule-source" { "Source" }
                        input #rule-source name="source_filter" data-null value=(filter(|r| &r.source_filter)) disabled[!on("new_issue regression threshold spike")];
                    }
                    div.field {
                        label for="rule-release" { "Release" }
                        input #rule-release name="release_filter" data-null value=(filter(|r| &r.release_filter)) disabled[!on("new_issue regression threshold spike")];
                    }
                    p.muted.hint { "Filters are optional: empty matches every environment, source or release." }
                }
                div.fields {
                    div.field {
                        label for="rule-channel" { "Send to" }
                        select #rule-channel name="channel_type" data-skip data-channel-kind {
                            @if let Some(r) = editing {
                                option value="keep" selected {
                                    "Keep its channels: "
                                    @if r.channels.is_empty() { "server defaults" }
                                    @else { (r.channels.iter().map(channel_summary).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                            option value="" selected[default_kind.is_empty()] { (defaults_text) }
                            @for (value, label, target_label, input_type) in &targets {
                                option value=(value) data-target-label=(target_label) data-target-type=(input_type) selected[*value == default_kind] {
                                    (label) @if *value == "email" && !smtp { " (SMTP is not configured)" }
                                }
                            }
                        }
                    }
                    div.field.grow #rule-target-field hidden[target.is_none()] {
                        label for="rule-target" #rule-target-label { (target.map(|t| t.2).unwrap_or("Target")) }
                        input #rule-target name="channel_target" data-skip type=(target.map(|t| t.3).unwrap_or("url")) required[target.is_some()];
                    }
                    @if defaults.is_empty() {
                        p.muted.hint { "This server has no default channel (BLOOP_SLACK_WEBHOOK_URL, BLOOP_WEBHOOK_URL): a rule needs one of its own." }
                    }
                }
                p.form-error hidden {}
                div.actions {
                    button.primary type="submit" { (submit) }
                    @if editing.is_some() { a.button href="/alerts" { "Cancel" } }
                }
            }
        }
    }
}

pub async fn account(State(st): State<AppState>, s: Session) -> Response {
    let now = now_ms();
    let uid = s.user.id;
    let keys: Vec<PasskeyInfo> = match st.db.passkeys(uid).await {
        Ok(x) => x,
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    page(
        "Account",
        &s,
        html! {
            h1 { "Your account" }
            section.panel {
                p { "Signed in as " strong { (s.user.name) } " (" (s.user.role) ")." }
                h2 { "Passkeys" }
                ul #passkeys { @for k in &keys {
                    li { (k.name) " · added " (when(k.created_at, now))
                        " · last used " @if let Some(u) = k.last_used_at { (when(u, now)) } @else { "never" } " "
                        @if keys.len() > 1 { button.danger type="button" data-api={ "/auth/passkeys/" (k.id) } data-method="DELETE" data-confirm="Remove this passkey?" { "Remove" } } }
                } }
                form.row #add-passkey-form {
                    input name="name" placeholder="label, e.g. phone" maxlength="64";
                    button type="submit" { "Add a passkey" }
                }
                p.form-error hidden {}
            }
        },
    )
}
