//! `/releases/{release}`: one release next to the one before it: events over time, the issues
//! it brought, the regressions in it and the issues it fixed.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{html, Markup};

use super::charts::trend_chart;
use super::error_page;
use super::pages::{issue_href, when};
use super::{not_found_page, page, pct, seg, Session};
use crate::server::AppState;
use crate::store::issues::{IssueRow, ReleaseSummary};
use crate::store::llm_usage::thousands;
use crate::store::now_ms;
use crate::store::releases::{self, ReleaseDetail};

/// Events per hour over the release's span (at least an hour).
fn per_hour(r: &ReleaseSummary) -> f64 {
    let hours = ((r.last_seen - r.first_seen) as f64 / 3_600_000.0).max(1.0);
    r.events as f64 / hours
}

/// "+12%", "−40%", "new" — this against the previous.
fn change(this: f64, before: Option<f64>) -> String {
    match before {
        None => String::new(),
        Some(0.0) => {
            if this == 0.0 {
                "±0%".into()
            } else {
                "from 0".into()
            }
        }
        Some(b) => {
            let pct = (this - b) / b * 100.0;
            if pct.abs() < 0.5 {
                "±0%".into()
            } else if pct > 0.0 {
                format!("+{pct:.0}%")
            } else {
                format!("−{:.0}%", -pct)
            }
        }
    }
}

fn issue_table(
    id: &str,
    rows: &[IssueRow],
    when_of: impl Fn(&IssueRow) -> i64,
    head: &str,
    now: i64,
) -> Markup {
    html! {
        @if rows.is_empty() { p.muted #(id) { "None." } }
        @else {
            div.table-wrap { table #(id) {
                thead { tr { th { "Issue" } th.num { "Events" } th.num { (head) } } }
                tbody {
                    @for i in rows {
                        tr data-href=(issue_href(i)) {
                            td {
                                a.issue-title href=(issue_href(i)) { (i.error_type) }
                                div.issue-msg { (i.message.lines().next().unwrap_or_default()) }
                            }
                            td.num { (thousands(i.total_count)) }
                            td.num { (when(when_of(i), now)) }
                        }
                    }
                }
            } }
            @if rows.len() as u32 >= releases::MAX_LISTED { p.muted { "The first " (releases::MAX_LISTED) " shown." } }
        }
    }
}

fn comparison(d: &ReleaseDetail, now: i64) -> Markup {
    let r = &d.summary;
    let p = d.previous.as_ref();
    let row = |name: &str, this: f64, before: Option<f64>, fmt: &dyn Fn(f64) -> String| {
        html! {
            tr {
                th { (name) }
                td.num { (fmt(this)) }
                td.num { @if let Some(b) = before { (fmt(b)) } @else { span.muted { "—" } } }
                td.num { (change(this, before)) }
            }
        }
    };
    let int = |v: f64| thousands(v as i64);
    let rate = |v: f64| format!("{v:.1}");
    html! {
        div.table-wrap { table #release-compare {
            thead { tr {
                th {}
                th.num { (r.release) }
                th.num { @match p {
                    Some(p) if p.release.is_empty() => "(none)",
                    Some(p) => a href={ "/releases/" (seg(&p.release)) } { (p.release) },
                    None => "previous",
                } }
                th.num { "change" }
            } }
            tbody {
                (row("Events", r.events as f64, p.map(|p| p.events as f64), &int))
                (row("Events per hour", per_hour(r), p.map(per_hour), &rate))
                (row("Issues", r.issues as f64, p.map(|p| p.issues as f64), &int))
                (row("New issues", r.new_issues as f64, p.map(|p| p.new_issues as f64), &int))
                tr { th { "First seen" } td.num { (when(r.first_seen, now)) } td.num { @if let Some(p) = p { (when(p.first_seen, now)) } } td {} }
                tr { th { "Last seen" } td.num { (when(r.last_seen, now)) } td.num { @if let Some(p) = p { (when(p.last_seen, now)) } } td {} }
            }
        } }
    }
}

pub async fn release(
    State(st): State<AppState>,
    s: Session,
    Path(release): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let now = now_ms();
    let project = q.get("project").cloned().filter(|p| !p.is_empty());
    let range = q.get("range").map(String::as_str).unwrap_or("7d");
    let (hours, bucket, label) = match range {
        "24h" => (24u32, 1usize, "24 hours"),
        "30d" => (720, 24, "30 days"),
        _ => (168, 6, "7 days"),
    };
    let only = project.clone().map(|p| vec![p]);
    let found = st.db.release_detail(only, &release, hours, now).await;
    let d = match found {
        Ok(Some(d)) => d,
        Ok(None) => return not_found_page(&s, &format!("No events named release {release}.")),
        Err(e) => return error_page(Some(&s), &e.to_string()),
    };
    let keep = |r: &str| {
        let mut u = format!("?range={r}");
        if let Some(p) = &project {
            u.push_str(&format!("&project={}", pct(p)));
        }
        u
    };
    let shown = if release.is_empty() {
        "(none)"
    } else {
        release.as_str()
    };
    let issues_link = format!(
        "/issues?status=all&release={}{}",
        pct(&release),
        project
            .as_ref()
            .map(|p| format!("&project={}", pct(p)))
            .unwrap_or_default()
    );
    let body = html! {
        p.muted { a href="/releases" { "← Releases" } }
        h1 #release-title { "Release " (shown) }
        p.muted {
            @if let Some(p) = &project { "Project " (p) " · " }
            a href=(issues_link) { "every issue with events in it" }
        }
        section.panel { h2 { "Compared with the previous release" } (comparison(&d, now)) }
        section.panel #release-trend {
            div.row {
                h2.grow { "Events over time" }
                nav.tabs {
                    @for r in ["24h", "7d", "30d"] {
                        a href=(keep(r)) class=[(range == r).then_some("active")] { (r) }
                    }
                }
            }
            (trend_chart(&d.hours, bucket, label))
            @if let Some(p) = &d.previous {
                h3.muted { "Previous: " (if p.release.is_empty() { "(none)" } else { &p.release }) }
                (trend_chart(&d.previous_hours, bucket, label))
            }
        }
        section.panel {
            h2 { "New issues in " (shown) " " span.muted { "(" (d.summary.new_issues) ")" } }
            p.muted { "Issues whose earliest event came from this release." }
            (issue_table("release-new", &d.new_issues, |i| i.first_seen, "First seen", now))
        }
        section.panel {
            h2 { "Regressions in " (shown) }
            p.muted { "Resolved issues that came back with an event of this release." }
            @let rows: Vec<IssueRow> = d.regressions.iter().map(|r| r.issue.clone()).collect();
            @let at: HashMap<i64, i64> = d.regressions.iter().map(|r| (r.issue.id, r.at)).collect();
            (issue_table("release-regressions", &rows, |i| at.get(&i.id).copied().unwrap_or(i.last_seen), "Came back", now))
        }
        section.panel {
            h2 { "Resolved in " (shown) }
            p.muted { "Issues marked fixed by this release (an event from an older release does not reopen them; a newer one is a regression)." }
            (issue_table("release-resolved", &d.resolved, |i| i.last_seen, "Last seen", now))
        }
    };
    page(&format!("Release {shown}"), &s, body)
}
