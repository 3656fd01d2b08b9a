//! The web UI: server-rendered pages (maud templates escape every interpolated value, and event
//! text is attacker-controlled), one stylesheet and one script embedded in the binary, and no
//! inline script so the Content-Security-Policy can forbid it. Pages read the store directly;
//! every change goes through the JSON API with the session cookie (same checks as tokens).

// Page helpers return `Result<_, Response>` so a handler can `?` its way to the error page; the
// response is built once per request, its size does not matter.
#![allow(clippy::result_large_err)]

mod charts;
mod event;
mod insights;
mod issue_events;
#[cfg(feature = "llm-tracing")]
mod llm;
mod pages;
mod release_page;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::server::auth::session_cookie;
use crate::server::AppState;
use crate::store::now_ms;
use crate::store::users::{Role, User};

const CSS: &str = include_str!("assets/app.css");
const JS: &str = include_str!("assets/app.js");

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/", get(|| async { Redirect::to("/issues") }))
        .route("/login", get(pages::login))
        .route("/setup", get(pages::join))
        .route("/invite", get(pages::join))
        .route("/issues", get(pages::issues))
        .route("/issues/{project}/{fingerprint}", get(pages::issue))
        .route("/releases", get(pages::releases))
        .route("/releases/{release}", get(release_page::release))
        .route("/insights", get(insights::overview))
        .route("/projects", get(pages::projects))
        .route("/tokens", get(pages::tokens))
        .route("/retention", get(pages::retention))
        .route("/users", get(pages::users))
        .route("/alerts", get(pages::alerts))
        .route("/account", get(pages::account))
        .route(
            "/assets/app.css",
            get(|| async { asset(CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset(JS, "text/javascript; charset=utf-8") }),
        );
    // The LLM pages (their handlers in `llm`).
    #[cfg(feature = "llm-tracing")]
    let r = r
        .route("/llm", get(llm::overview))
        .route("/llm/traces", get(llm::traces))
        .route("/llm/traces/{id}", get(llm::trace))
        .route("/llm/sessions", get(llm::sessions))
        .route("/llm/sessions/{id}", get(llm::session))
        .route("/llm/prompts", get(llm::prompts))
        .route("/llm/models", get(llm::models))
        .route("/llm/settings", get(llm::settings));
    r
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// A short content hash for cache-busting asset URLs.
fn asset_version() -> &'static str {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        format!(
            "{:08x}",
            xxhash_rust::xxh3::xxh3_64(format!("{CSS}{JS}").as_bytes()) as u32
        )
    })
}

/// A signed-in dashboard user; pages that take it send everyone else to the sign-in page.
pub struct Session {
    pub user: User,
    /// The request path, to mark the active navigation entry.
    pub path: String,
}

impl Session {
    /// The 403 page unless the user's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), Response> {
        if self.user.role >= role {
            Ok(())
        } else {
            Err(forbidden(self, role))
        }
    }

    pub fn can(&self, role: Role) -> bool {
        self.user.role >= role
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let target = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let to_login = || Redirect::to(&format!("/login?next={}", pct(&target))).into_response();
        let Some(cookie) = session_cookie(&parts.headers) else {
            return Err(to_login());
        };
        let now = now_ms();
        match st.db.session_user(cookie, now).await {
            Ok(Some(user)) => Ok(Session {
                user,
                path: parts.uri.path().to_string(),
            }),
            Ok(None) => Err(to_login()),
            Err(e) => Err(error_page(None, &e.to_string())),
        }
    }
}

/// Percent-encodes a query parameter value (`/` kept).
pub fn pct(s: &str) -> String {
    encode(s, b"-_.~/")
}

/// Percent-encodes a path segment or query value (ids and release names may hold `/`, `?`,
/// `&`, anything).
pub fn seg(s: &str) -> String {
    encode(s, b"-_.~")
}

fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const NAV: &[(&str, &str, Role)] = &[
    ("/issues", "Issues", Role::Viewer),
    #[cfg(feature = "llm-tracing")]
    ("/llm", "LLM", Role::Viewer),
    ("/releases", "Releases", Role::Viewer),
    ("/insights", "Insights", Role::Viewer),
    ("/alerts", "Alerts", Role::Viewer),
    ("/projects", "Projects", Role::Viewer),
    ("/tokens", "API tokens", Role::Admin),
    ("/retention", "Retention", Role::Admin),
    ("/users", "Users", Role::Admin),
];

fn nav_links(s: &Session) -> Markup {
    html! {
        @for (href, label, role) in NAV {
            @if s.can(*role) {
                a href=(href) class=[s.path.starts_with(href).then_some("active")] { (label) }
            }
        }
    }
}

/// The page shell: navigation for signed-in users, the stylesheet and the script.
pub fn layout(title: &str, session: Option<&Session>, body: Markup) -> Markup {
    let v = asset_version();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · bloop" }
                link rel="stylesheet" href={ "/assets/app.css?v=" (v) };
                link rel="icon" href="data:,";
                script src={ "/assets/app.js?v=" (v) } defer {}
            }
            body {
                @if let Some(s) = session {
                    header.top {
                        a.brand href="/issues" { "bloop" }
                        // The same entries twice: a bar on wide screens, a menu (a `<details>`,
                        // no script needed) on narrow ones; CSS shows one of them.
                        nav.bar aria-label="Main" { (nav_links(s)) }
                        details.menu #nav-menu {
                            summary { span.burger aria-hidden="true" { "☰" } " Menu" }
                            nav aria-label="Main" { (nav_links(s)) }
                        }
                        div.who {
                            a href="/account" title="Your account and passkeys" { (s.user.name) }
                            span.tag { (s.user.role) }
                            button #logout-button type="button" { "Sign out" }
                        }
                    }
                }
                main {
                    p #page-error hidden {}
                    (body)
                }
            }
        }
    }
}

pub fn page(title: &str, session: &Session, body: Markup) -> Response {
    html_response(StatusCode::OK, layout(title, Some(session), body))
}

pub fn html_response(status: StatusCode, m: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        m.into_string(),
    )
        .into_response()
}

fn forbidden(s: &Session, role: Role) -> Response {
    html_response(
        StatusCode::FORBIDDEN,
        layout(
            "Not allowed",
            Some(s),
            html! {
                div.panel.narrow {
                    h1 { "403 · Not allowed" }
                    p { "This page needs the " strong { (role) } " role; you are signed in as "
                        strong { (s.user.name) } " (" (s.user.role) ")." }
                    p { "Ask an admin to change your role." }
                    p { a href="/issues" { "Back to issues" } }
                }
            },
        ),
    )
}

pub fn not_found_page(s: &Session, what: &str) -> Response {
    html_response(
        StatusCode::NOT_FOUND,
        layout(
            "Not found",
            Some(s),
            html! {
                div.panel.narrow {
                    h1 { "Not found" }
                    p { (what) }
                    p { a href="/issues" { "Back to issues" } }
                }
            },
        ),
    )
}

pub fn error_page(s: Option<&Session>, message: &str) -> Response {
    tracing::error!(error = %message, "dashboard page failed");
    html_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        layout(
            "Error",
            s,
            html! {
                div.panel.narrow {
                    h1 { "Something went wrong" }
                    p.muted { "The server could not build this page. The log has the details." }
                }
            },
        ),
    )
}

/// Fragments inside `html!` that are known-safe constant markup.
#[allow(dead_code)]
fn raw(s: &'static str) -> PreEscaped<&'static str> {
    PreEscaped(s)
}
