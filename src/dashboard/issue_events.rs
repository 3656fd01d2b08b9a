//! The issue page's walk through its stored events (latest, oldest, older, newer, a paged list),
//! its "Why are these grouped?" panel, and the Markdown it copies for a ticket. Event text is
//! attacker-controlled: it reaches HTML only through maud's escaping, and the Markdown only as
//! the text of a textarea.

use maud::{html, Markup};
use serde_json::Value;

use super::event;
use super::pages::{utc, when};
use super::pct;
use crate::fingerprint::Skip;
use crate::ingest::explain::{Grouping, KeyFrom};
use crate::store::issues::{EventWalk, IssueRow, Occurrence, Pick};
use crate::store::llm_usage::thousands;

/// Rows per page of the issue's event list.
pub const EVENTS_PER_PAGE: u32 = 25;

/// The `event` query parameter: `latest` (or absent), `oldest`, or an event id.
pub fn pick(q: Option<&String>) -> Pick {
    match q.map(String::as_str) {
        Some("oldest") => Pick::Oldest,
        Some(s) => s.parse().map_or(Pick::Latest, Pick::Id),
        None => Pick::Latest,
    }
}

/// The `events` query parameter: the page of the event list (0-based).
pub fn list_page(q: Option<&String>) -> u32 {
    q.and_then(|s| s.parse().ok()).unwrap_or(0).min(10_000)
}

/// A link to the issue page with `event` (and the list page) set, keeping the trend range.
fn href(range: &str, event: &str, page: u32) -> String {
    let mut s = format!("?range={}&event={}", pct(range), pct(event));
    if page > 0 {
        s.push_str(&format!("&events={page}"));
    }
    s.push_str("#event");
    s
}

/// The event as the renderer shows it: its fields without those in the panel's heading.
fn shown(o: &Occurrence) -> Value {
    let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        for k in ["id", "received_at", "timestamp", "release", "environment"] {
            obj.remove(k);
        }
    }
    v
}

/// The "Event" panel: one stored event with its own times, release and environment, the way
/// to the latest, oldest, older and newer ones, and a page of the issue's events.
pub fn event_panel(
    walk: Option<&EventWalk>,
    missing: bool,
    list: &[Occurrence],
    page: u32,
    range: &str,
    now: i64,
) -> Markup {
    let Some(w) = walk else {
        return html! {
            section.panel #event {
                h2 { "Events" }
                p.muted { "No raw events are stored for this issue (older ones are pruned after the retention window); the samples below are kept." }
            }
        };
    };
    let e = &w.event;
    let current = e.id.to_string();
    let pages = (w.total as u64).div_ceil(u64::from(EVENTS_PER_PAGE)) as u32;
    html! {
        section.panel #event {
            div.row {
                h2.grow { "Event " span.muted #event-position { (thousands(w.position)) " of " (thousands(w.total)) } }
                nav.tabs.event-nav aria-label="Events of this issue" {
                    a #event-latest href=(href(range, "latest", page)) class=[(w.newer.is_none()).then_some("active")] { "Latest" }
                    @if let Some(n) = w.newer {
                        a #event-newer href=(href(range, &n.to_string(), page)) rel="prev" { "← Newer" }
                    } @else { span.disabled { "← Newer" } }
                    @if let Some(o) = w.older {
                        a #event-older href=(href(range, &o.to_string(), page)) rel="next" { "Older →" }
                    } @else { span.disabled { "Older →" } }
                    a #event-oldest href=(href(range, "oldest", page)) class=[(w.older.is_none()).then_some("active")] { "Oldest" }
                }
            }
            @if missing {
                p.form-error { "That event is not stored for this issue (pruned, or another issue's); showing the latest." }
            }
            dl.kv.event-head {
                dt { "Received" } dd #event-received { (when(e.received_at, now)) " · " (utc(e.received_at).unwrap_or_default()) }
                dt { "Client time" } dd #event-client-time {
                    (utc(e.timestamp).unwrap_or_default())
                    @if e.time_clamped { " " span.muted { "(not believed: counted at its receipt)" } }
                }
                dt { "Release" } dd #event-release { @if e.release.is_empty() { span.muted { "(none)" } } @else { (e.release) } }
                dt { "Environment" } dd #event-environment { @if e.environment.is_empty() { span.muted { "(none)" } } @else { (e.environment) } }
            }
            (event::render(&shown(e)))
            details #event-list open[page > 0] {
                summary { "All stored events (" (thousands(w.total)) ")" }
                div.table-wrap {
                    table.events {
                        thead { tr { th { "Received" } th { "Client time" } th { "Release" } th { "Environment" } th { "Message" } } }
                        tbody {
                            @for o in list {
                                tr class=[(o.id == e.id).then_some("current")] {
                                    td { a href=(href(range, &o.id.to_string(), page)) { (when(o.received_at, now)) } }
                                    td.muted { (utc(o.timestamp).unwrap_or_default()) }
                                    td { (o.release) }
                                    td { (o.environment) }
                                    td.msg { (o.message.lines().next().unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
                @if pages > 1 {
                    nav.pager {
                        @if page > 0 { a href=(href(range, &current, page - 1)) { "← Newer events" } }
                        span.muted { "page " (page + 1) " of " (pages) }
                        @if page + 1 < pages { a href=(href(range, &current, page + 1)) { "Older events →" } }
                    }
                }
            }
        }
    }
}

/// "Why are these grouped?": the inputs of the issue key, from one of its events.
pub fn grouping_panel(g: &Grouping) -> Markup {
    let c = &g.computed;
    let or_none = |s: &str| -> Markup {
        html! { @if s.is_empty() { span.muted { "(none)" } } @else { code { (s) } } }
    };
    html! {
        section.panel #grouping { details {
            summary { h2 { "Why are these grouped?" } }
            @match g.key_from {
                KeyFrom::Client => p #grouping-client {
                    "The client set this issue's key (bloop's " code { "fingerprint" } " field, or a Sentry SDK's "
                    code { "fingerprint" } " array), so every event it sent with that key is here, whatever its message or stack. "
                    "bloop's own key for the latest event would be " code { (c.fingerprint) } ", from:"
                },
                KeyFrom::Computed => p {
                    "Events share this issue when all of these are equal (key " code { (g.fingerprint) } "):"
                },
            }
            dl.kv {
                dt { "Source" } dd { (or_none(&c.source)) }
                dt { "Type" } dd { (or_none(&c.error_type)) }
                dt { "Route" } dd { (or_none(&c.route)) }
                dt { "Message" } dd #grouping-message {
                    code { (c.normalized_message) }
                    @if c.normalized_message != c.message {
                        div.muted { "numbers, ids, addresses and letter case folded from: " (c.message) }
                    }
                }
                dt { "Frame" } dd #grouping-frame {
                    @if let Some(f) = &c.frame {
                        code { (f.hashed) }
                        div.muted {
                            @if let Some(s) = &g.structured {
                                @if let Some(k) = s.chosen {
                                    "frame " (k) " of " (s.total) " counted from the crashing one"
                                    @if s.chosen_is_framework { " (no application frame: the crashing frame)" }
                                }
                            } @else {
                                "stack line " (f.line) ", line numbers and addresses removed"
                            }
                        }
                    } @else {
                        span.muted { "none: no application frame in the stack, so only the fields above decide" }
                    }
                }
            }
            @let skipped: Vec<(String, String, String)> = match &g.structured {
                Some(s) => s.skipped.iter().map(|f| (format!("#{}", f.position), f.text.clone(), f.reason.clone())).collect(),
                None => c.skipped.iter().map(|l| (format!("line {}", l.line), l.text.clone(), skip_reason(l.reason))).collect(),
            };
            @if !skipped.is_empty() {
                h3 { "Skipped before it" }
                table #grouping-skipped {
                    @for (at, text, why) in &skipped {
                        tr { td.muted { (at) } td { code { (text) } } td.muted { (why) } }
                    }
                }
                @if c.skipped_more > 0 { p.muted { "… and " (c.skipped_more) " more lines." } }
            }
            p.muted { "The same explanation offline, for an event in a file: " code { "bloop fingerprint --explain event.json" } }
        } }
    }
}

fn skip_reason(s: Skip) -> String {
    match s {
        Skip::Framework { marker } => format!("framework (contains {marker})"),
        Skip::Header => "header".into(),
        Skip::FrameworkSource => "source line of a framework frame".into(),
        Skip::Volatile => "nothing stable once numbers are removed".into(),
    }
}

/// The issue as Markdown for a ticket: title, message, counts, where, and the event's stack.
pub fn markdown(i: &IssueRow, url: &str, event: Option<&Occurrence>, users: i64) -> String {
    let fence = |s: &str| {
        // A fence longer than any run of backticks inside.
        let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        "`".repeat(longest.max(2) + 1)
    };
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut md = format!(
        "### {}: {}\n\n",
        one_line(&i.error_type),
        one_line(i.message.lines().next().unwrap_or_default())
    );
    md.push_str(&format!("{url}\n\n"));
    md.push_str(&format!(
        "- **Events:** {}{}\n- **First seen:** {}\n- **Last seen:** {}\n- **Status:** {}\n- **Project:** {}\n",
        i.total_count,
        if users > 0 { format!(" ({users} users)") } else { String::new() },
        utc(i.first_seen).unwrap_or_default(),
        utc(i.last_seen).unwrap_or_default(),
        i.status.as_str(),
        one_line(&i.project_id),
    ));
    if let Some(r) = &i.route_or_procedure {
        md.push_str(&format!("- **Route:** {}\n", one_line(r)));
    }
    if let Some(e) = event {
        if !e.release.is_empty() {
            md.push_str(&format!("- **Release:** {}\n", one_line(&e.release)));
        }
        if !e.environment.is_empty() {
            md.push_str(&format!(
                "- **Environment:** {}\n",
                one_line(&e.environment)
            ));
        }
    }
    if i.message.contains('\n') {
        let f = fence(&i.message);
        md.push_str(&format!("\n{f}\n{}\n{f}\n", i.message));
    }
    if let Some(stack) = event.and_then(|e| e.stack.as_deref()) {
        let f = fence(stack);
        md.push_str(&format!("\n{f}\n{stack}\n{f}\n"));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_fences_outlast_backticks_in_the_stack() {
        let row = IssueRow {
            project_id: "api".into(),
            fingerprint: "f".into(),
            error_type: "Error".into(),
            message: "boom ```".into(),
            source: "api".into(),
            route_or_procedure: None,
            screen: None,
            status: crate::search::Status::Unresolved,
            total_count: 3,
            count: 3,
            first_seen: 0,
            last_seen: 0,
            release: String::new(),
            environment: String::new(),
            resolved_in_release: None,
            id: 1,
        };
        let md = markdown(&row, "http://x/issues/api/f", None, 0);
        assert!(
            md.starts_with("### Error: boom ```\n\nhttp://x/issues/api/f\n"),
            "{md}"
        );
        assert!(md.contains("- **Events:** 3\n"), "{md}");
        let mut o: Occurrence = serde_json::from_value(serde_json::json!({
            "id": 1, "received_at": 0, "timestamp": 0, "error_type": "E", "message": "m",
            "source": "s", "environment": "prod", "release": "1.2", "app_version": null,
            "build_number": null, "route_or_procedure": null, "screen": null,
            "stack": "at f (x.js:1)\n````inside", "http_status": null, "request_id": null,
            "user_id_hash": null, "device_id_hash": null, "metadata": null
        }))
        .unwrap();
        let md = markdown(&row, "u", Some(&o), 2);
        assert!(
            md.contains("\n`````\nat f (x.js:1)\n````inside\n`````\n"),
            "{md}"
        );
        assert!(
            md.contains("- **Release:** 1.2\n- **Environment:** prod\n"),
            "{md}"
        );
        o.stack = None;
        assert!(!markdown(&row, "u", Some(&o), 2).contains("at f"));
    }
}
