//! The Insights page (`/insights`) and the issue page's "Moves with" panel: the five answers of
//! [`crate::analytics`] drawn for a signed-in user. The numbers are computed there; this module
//! only asks (the project chosen on the page, the window, the environment) and renders, every
//! issue's text through maud's escaping. Without the feature, or with analytics turned off, the
//! page says how to turn it on and the panel is left out; an insight that fails is logged and
//! its section says so, the rest of the page stands.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};
use serde::de::DeserializeOwned;

use super::charts::sparkline_counts;
use super::pages::filter_choices;
use super::{not_found_page, page, pct, Session};
use crate::analytics::insights::{
    Cluster, Correlations, EnvironmentInsight, Environments, IssueRef, Mover, Movers,
    ReleaseInsight, Releases, Spike, Spikes,
};
use crate::analytics::{self, Ask, Error, Insight};
use crate::server::AppState;
use crate::store::llm_usage::thousands;
use crate::store::now_ms;

type Q = Query<HashMap<String, String>>;

/// The windows the page offers: (hours, label).
const WINDOWS: [(i64, &str); 4] = [
    (24, "24 h"),
    (72, "72 h"),
    (168, "7 days"),
    (720, "30 days"),
];

/// The window of the issue page's "Moves with" panel.
const MOVES_WITH_HOURS: u32 = 72;

/// One insight's answer as its type; a JSON that does not fit is a failure like any other.
async fn answer<T: DeserializeOwned>(st: &AppState, which: Insight, ask: Ask) -> Result<T, Error> {
    let v = st.analytics.answer(which, ask).await?;
    T::deserialize(&*v).map_err(|e| Error::Failed(format!("unexpected answer: {e}")))
}

/// `Ok(None)`: it failed (logged; its section says so). `Err`: analytics is off, with why.
fn shown<T>(which: Insight, r: Result<T, Error>) -> Result<Option<T>, String> {
    match r {
        Ok(t) => Ok(Some(t)),
        Err(Error::Disabled(m)) => Err(m),
        Err(Error::Failed(m)) => {
            tracing::error!(insight = which.name(), error = %m, "insight failed on the dashboard");
            Ok(None)
        }
    }
}

fn issue_href(i: &IssueRef) -> String {
    format!("/issues/{}/{}", pct(&i.project), pct(&i.fingerprint))
}

/// `/insights` with these filters (empty values left out).
fn page_url(project: &str, hours: i64, environment: &str) -> String {
    let mut url = format!("/insights?hours={hours}");
    for (k, v) in [("project", project), ("environment", environment)] {
        if !v.is_empty() {
            url.push_str(&format!("&{k}={}", pct(v)));
        }
    }
    url
}

/// A figure with at most two decimals and no trailing zeros ("1.5", "2", "0.33").
fn dec(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A signed change: "+12", "−3" (a real minus sign), "0".
fn signed(n: i64) -> String {
    match n {
        n if n > 0 => format!("+{}", thousands(n)),
        n if n < 0 => format!("−{}", thousands(-n)),
        _ => "0".into(),
    }
}

fn signed_pct(p: f64) -> String {
    if p > 0.0 {
        format!("+{}%", dec(p))
    } else if p < 0.0 {
        format!("−{}%", dec(-p))
    } else {
        "0%".into()
    }
}

fn window_label(hours: i64) -> String {
    WINDOWS
        .iter()
        .find(|w| w.0 == hours)
        .map_or_else(|| format!("{hours} h"), |w| w.1.to_string())
}

/// An issue as a table cell or list item shows it: its type linking to its page, its message,
/// its project when the page shows every project, its status unless unresolved.
fn issue_cell(i: &IssueRef, all_projects: bool) -> Markup {
    html! {
        a.issue-title href=(issue_href(i)) { (i.error_type) }
        div.issue-msg { (i.message) }
        @if all_projects || i.status != "unresolved" {
            div {
                @if all_projects { span.tag { (i.project) } }
                @if i.status != "unresolved" { span class={ "tag status-" (i.status) } { (i.status) } }
            }
        }
    }
}

/// "analytics is off" → "Analytics is off."
fn sentence(s: &str) -> String {
    let mut c = s.trim().chars();
    let mut out: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(c.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn failed() -> Markup {
    html! {
        p.notice.warn.insight-failed { "This insight could not be computed just now; the server log has the details." }
    }
}

/// What the page says when there are no insights: why, and how to turn them on.
fn how_to_enable(st: &AppState, reason: &str) -> Markup {
    html! {
        section.panel #insights-off {
            h2 { "Insights are not available on this server" }
            p { (sentence(reason)) }
            p.muted { "Insights show what is spiking, what moved since the window before, which issues move together, what each release brought and how noisy each environment is. They need DuckDB, which bloop includes only when built with the " code { "analytics" } " feature." }
            @if !cfg!(feature = "analytics") {
                p { "Build bloop with it:" }
                pre #enable-cargo { "cargo build --release --features analytics" }
                p { "or, with Docker:" }
                pre #enable-docker { "docker build --build-arg FEATURES=\"analytics,llm-tracing\" -t bloop ." }
                p.muted { "DuckDB is compiled from its bundled sources, so that build takes a good while longer. Then restart bloop on the same database: the insights read the events it already has." }
            } @else if !st.config.analytics.enabled {
                p { "This build has it; it is turned off in the configuration. Set" }
                pre #enable-config { "[analytics]\nenabled = true" }
                p { "in " code { "config.toml" } " (or " code { "BLOOP__ANALYTICS__ENABLED=true" } ") and restart bloop." }
            } @else {
                p.muted { "The server log has the details." }
            }
        }
    }
}

fn off_page(st: &AppState, s: &Session, reason: &str) -> Response {
    page(
        "Insights",
        s,
        html! {
            h1 { "Insights" }
            (how_to_enable(st, reason))
        },
    )
}

/// `/insights`: spikes, movers, clusters of issues that move together, the releases compared
/// and the environments, for the chosen project (or all), window and environment.
pub async fn overview(State(st): State<AppState>, s: Session, Query(q): Q) -> Response {
    if let Some(reason) = st.analytics.disabled() {
        return off_page(&st, &s, &reason);
    }
    let now = now_ms();
    let project = q.get("project").cloned().filter(|p| !p.is_empty());
    let cached = st.filters.get(&project);
    let p2 = project.clone();
    let loaded = async {
        let names = st.db.project_names().await?;
        let filters = match cached {
            Some(f) => (f, false),
            None => {
                let only = p2.map(|p| vec![p]);
                (Arc::new(filter_choices(&st.db, only).await?), true)
            }
        };
        Ok::<_, crate::store::StoreError>((names, filters))
    };
    let (names, filters) = match loaded.await {
        Ok(x) => x,
        Err(e) => return super::error_page(Some(&s), &e.to_string()),
    };
    if let Some(p) = &project {
        if !names.iter().any(|(id, _)| id == p) {
            return not_found_page(&s, &format!("No project {p}."));
        }
    }
    let (filters, fresh) = filters;
    if fresh {
        st.filters.put(project.clone(), filters.clone());
    }
    // Only the page's own filters reach the insights (no `limit` or `fingerprint` from the URL).
    let get = |k: &str| match k {
        "hours" | "environment" => q.get(k).cloned().filter(|v| !v.is_empty()),
        _ => None,
    };
    let threshold = st.config.analytics.zscore_threshold;
    let ask = match analytics::parse_ask(&get, project.clone().map(|p| vec![p]), now, threshold) {
        Ok(a) => a,
        Err(e) => {
            return page(
                "Insights",
                &s,
                html! {
                    h1 { "Insights" }
                    div.notice { (e.message) " · " a href="/insights" { "reset filters" } }
                },
            )
        }
    };
    let hours = ask.hours;
    let environment = ask.filter.environment.clone().unwrap_or_default();
    let (spikes, movers, correlations, releases, environments) = tokio::join!(
        answer::<Spikes>(&st, Insight::Spikes, ask.clone()),
        answer::<Movers>(&st, Insight::Movers, ask.clone()),
        answer::<Correlations>(&st, Insight::Correlations, ask.clone()),
        answer::<Releases>(&st, Insight::Releases, ask.clone()),
        answer::<Environments>(&st, Insight::Environments, ask),
    );
    let (spikes, movers, correlations, releases, environments) = match (
        shown(Insight::Spikes, spikes),
        shown(Insight::Movers, movers),
        shown(Insight::Correlations, correlations),
        shown(Insight::Releases, releases),
        shown(Insight::Environments, environments),
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e)) => (a, b, c, d, e),
        // Turned off between the check above and the answers.
        (Err(reason), ..)
        | (_, Err(reason), ..)
        | (_, _, Err(reason), ..)
        | (.., Err(reason), _)
        | (.., Err(reason)) => return off_page(&st, &s, &reason),
    };
    let all = project.is_none();
    let p = project.as_deref().unwrap_or("");
    let label = window_label(hours);
    let body = html! {
        div.row {
            h1.grow { "Insights" }
            span.muted { "last " (label) @if !environment.is_empty() { " · " (environment) } }
        }
        form.filters method="get" action="/insights" {
            select name="project" title="Project" {
                option value="" { "All projects" }
                @for (id, name) in &names {
                    option value=(id) selected[project.as_deref() == Some(id.as_str())] { (name) }
                }
            }
            select name="hours" title="Window" {
                @for (h, l) in WINDOWS { option value=(h) selected[h == hours] { "Last " (l) } }
                @if !WINDOWS.iter().any(|w| w.0 == hours) { option value=(hours) selected { "Last " (hours) " h" } }
            }
            select name="environment" title="Environment" {
                option value="" { "Any environment" }
                @for e in filters.environments.iter() {
                    option value=(e) selected[environment.eq_ignore_ascii_case(e)] { (e) }
                }
                @if !environment.is_empty() && !filters.environments.iter().any(|e| environment.eq_ignore_ascii_case(e)) {
                    option value=(environment) selected { (environment) }
                }
            }
            button type="submit" { "Show" }
        }
        (spikes_section(spikes.as_ref(), all))
        (movers_section(movers.as_ref(), all, &label))
        (clusters_section(correlations.as_ref(), all))
        (releases_section(releases.as_ref(), p, &label))
        (environments_section(environments.as_ref(), p, hours, &environment))
    };
    page("Insights", &s, body)
}

fn spikes_section(d: Option<&Spikes>, all: bool) -> Markup {
    html! {
        section.panel #spikes {
            h2 { "Spikes" }
            @match d {
                None => (failed()),
                Some(d) if d.spikes.is_empty() => p.muted.empty-note {
                    "Nothing is spiking. An issue shows here when its events in the current hour or the one before stand at least "
                    (dec(d.threshold)) " standard deviations above its hourly mean over the " (d.baseline_hours) " hours before."
                },
                Some(d) => {
                    p.muted { "The current hour or the one before against the " (d.baseline_hours) " hours before them (z-score ≥ " (dec(d.threshold)) ")." }
                    div.table-wrap { table.insight {
                        thead { tr {
                            th { "Issue" } th { "Hourly" } th.num { "Events" } th.num { "Usual" } th.num { "z" }
                        } }
                        tbody { @for sp in &d.spikes { (spike_row(sp, d.to, all)) } }
                    } }
                }
            }
        }
    }
}

fn spike_row(sp: &Spike, current_hour: i64, all: bool) -> Markup {
    html! {
        tr data-fingerprint=(sp.issue.fingerprint) {
            td.issue-cell { (issue_cell(&sp.issue, all)) }
            td { (sparkline_counts(&sp.series)) }
            td.num { (thousands(sp.count)) div.muted { @if sp.hour == current_hour { "this hour" } @else { "last hour" } } }
            td.num { (dec(sp.mean)) " / h" div.muted { "± " (dec(sp.stddev)) } }
            td.num { (dec(sp.zscore)) }
        }
    }
}

fn movers_section(d: Option<&Movers>, all: bool, label: &str) -> Markup {
    html! {
        section.panel #movers {
            h2 { "Movers" }
            @match d {
                None => (failed()),
                Some(d) if d.movers.is_empty() => p.muted.empty-note {
                    "Nothing moved. Issues whose events in the last " (label) " differ from the " (label) " before show here, the largest changes first."
                },
                Some(d) => {
                    p.muted { "The last " (label) " against the " (label) " before, the largest changes first." }
                    div.table-wrap { table.insight {
                        thead { tr {
                            th { "Issue" } th { "Hourly" } th.num { "Now" } th.num { "Before" } th.num { "Change" }
                        } }
                        tbody { @for m in &d.movers { (mover_row(m, all)) } }
                    } }
                }
            }
        }
    }
}

fn mover_row(m: &Mover, all: bool) -> Markup {
    html! {
        tr data-fingerprint=(m.issue.fingerprint) {
            td.issue-cell { (issue_cell(&m.issue, all)) }
            td { (sparkline_counts(&m.series)) }
            td.num { (thousands(m.current)) }
            td.num { (thousands(m.previous)) }
            td.num.change-up[m.delta > 0].change-down[m.delta < 0] {
                (signed(m.delta))
                div.muted {
                    @if let Some(p) = m.delta_pct { (signed_pct(p)) }
                    @else if m.new { span.tag { "new" } }
                    @else { "from none" }
                }
            }
        }
    }
}

fn clusters_section(d: Option<&Correlations>, all: bool) -> Markup {
    html! {
        section.panel #clusters {
            h2 { "Moving together" }
            @match d {
                None => (failed()),
                Some(d) if d.clusters.is_empty() => p.muted.empty-note {
                    "No issues moved together. Issues whose hourly counts rise and fall together (Pearson r ≥ "
                    (dec(d.min_r)) ", each with events in at least " (d.min_active_hours) " hours of the window) are grouped here: often one cause behind several errors."
                },
                Some(d) => {
                    p.muted { "Issues whose hourly counts rose and fell together (Pearson r ≥ " (dec(d.min_r)) "): often one cause behind several errors." }
                    @for c in &d.clusters { (cluster(c, all)) }
                }
            }
        }
    }
}

fn cluster(c: &Cluster, all: bool) -> Markup {
    html! {
        div.cluster {
            p {
                strong { "These " (c.issues.len()) " issues moved together" }
                " " span.muted { (thousands(c.events)) " events · r ≥ " (dec(c.min_r)) ", mean " (dec(c.mean_r)) }
            }
            ul.cluster-issues { @for i in &c.issues { li data-fingerprint=(i.fingerprint) { (issue_cell(i, all)) } } }
        }
    }
}

fn releases_section(d: Option<&Releases>, project: &str, label: &str) -> Markup {
    html! {
        section.panel #releases {
            h2 { "Releases" }
            @match d {
                None => (failed()),
                Some(d) if d.releases.is_empty() => p.muted.empty-note {
                    "No release had events in the last " (label) ". Each release with events shows here beside the one before it: its events, issues, the new issues and regressions it brought, and its rate. Events name theirs in the " code { "release" } " field."
                },
                Some(d) => {
                    p.muted { "Newest first; per hour is from each release's first to its last hour with events. Impact: events per hour of the issues it brought (new in it or regressed in it)." }
                    div.table-wrap { table.insight {
                        thead { tr {
                            th { "Release" } th.num { "Events" } th.num { "Issues" } th.num { "New" } th.num { "Regressed" }
                            th.num { "Per hour" } th.num { "vs previous" } th.num { "Impact" }
                        } }
                        tbody { @for r in &d.releases { (release_row(r, project)) } }
                    } }
                }
            }
        }
    }
}

fn release_row(r: &ReleaseInsight, project: &str) -> Markup {
    let mut href = format!("/issues?status=all&release={}", pct(&r.release));
    if !project.is_empty() {
        href.push_str(&format!("&project={}", pct(project)));
    }
    html! {
        tr data-release=(r.release) {
            td { a href=(href) { (if r.release.is_empty() { "(none)" } else { &r.release }) } }
            td.num { (thousands(r.events)) }
            td.num { (thousands(r.issues)) }
            td.num { (thousands(r.new_issues)) }
            td.num { (thousands(r.regressions)) }
            td.num { (dec(r.events_per_hour)) }
            td.num.change-up[r.change_pct.is_some_and(|p| p > 0.0)].change-down[r.change_pct.is_some_and(|p| p < 0.0)] {
                @match (&r.previous, r.change_pct) {
                    (Some(prev), Some(p)) => { (signed_pct(p)) div.muted { "vs " (prev) } },
                    (Some(prev), None) => { "–" div.muted { "vs " (prev) } },
                    (None, _) => span.muted { "first" },
                }
            }
            td.num { (dec(r.impact)) " / h" }
        }
    }
}

fn environments_section(
    d: Option<&Environments>,
    project: &str,
    hours: i64,
    chosen: &str,
) -> Markup {
    html! {
        section.panel #environments {
            h2 { "Environments" }
            @match d {
                None => (failed()),
                Some(d) if d.environments.is_empty() => p.muted.empty-note {
                    "No events with an environment in this window. Each environment shows here with its events, its share of them, its issues and how many events it has in a typical and a busy hour. Events name theirs in the " code { "environment" } " field."
                },
                Some(d) => {
                    p.muted { (thousands(d.total)) " events; p50, p90 and p99 are of each environment's events per hour." }
                    div.table-wrap { table.insight {
                        thead { tr {
                            th { "Environment" } th.num { "Events" } th.num { "Share" } th.num { "Issues" }
                            th.num { "p50" } th.num { "p90" } th.num { "p99" }
                        } }
                        tbody { @for e in &d.environments { (environment_row(e, project, hours, chosen)) } }
                    } }
                    @if d.unattributed > 0 {
                        p.muted { (thousands(d.unattributed)) " events of this window were counted before bloop kept their environment and are not in this table." }
                    }
                }
            }
        }
    }
}

fn environment_row(e: &EnvironmentInsight, project: &str, hours: i64, chosen: &str) -> Markup {
    html! {
        tr data-environment=(e.environment) {
            td {
                @if chosen.is_empty() { a href=(page_url(project, hours, &e.environment)) title="Only this environment" { (e.environment) } }
                @else { (e.environment) }
            }
            td.num { (thousands(e.events)) }
            td.num { (dec(e.share)) "%" }
            td.num { (thousands(e.issues)) }
            td.num { (dec(e.p50)) }
            td.num { (dec(e.p90)) }
            td.num { (dec(e.p99)) }
        }
    }
}

/// The issue page's "Moves with" panel: the issues of its project whose hourly counts over the
/// last 72 hours correlate with this one's, strongest first. `None` (no panel) when analytics
/// is off, the insight failed (logged) or nothing correlates.
pub(super) async fn moves_with(st: &AppState, project: &str, fingerprint: &str) -> Option<Markup> {
    if st.analytics.disabled().is_some() {
        return None;
    }
    let get = |k: &str| match k {
        "hours" => Some(MOVES_WITH_HOURS.to_string()),
        "fingerprint" => Some(fingerprint.to_string()),
        _ => None,
    };
    let threshold = st.config.analytics.zscore_threshold;
    let ask = analytics::parse_ask(&get, Some(vec![project.to_string()]), now_ms(), threshold)
        .map_err(|e| tracing::warn!(error = %e, "moves-with: bad question"))
        .ok()?;
    let c: Correlations = match answer(st, Insight::Correlations, ask).await {
        Ok(c) => c,
        Err(Error::Disabled(_)) => return None,
        Err(Error::Failed(m)) => {
            tracing::warn!(error = %m, "moves-with: the correlations insight failed; panel left out");
            return None;
        }
    };
    let this = |i: &IssueRef| i.fingerprint == fingerprint && i.project == project;
    let others: Vec<(&IssueRef, f64)> = c
        .pairs
        .iter()
        .filter_map(|p| match (this(&p.a), this(&p.b)) {
            (true, false) => Some((&p.b, p.r)),
            (false, true) => Some((&p.a, p.r)),
            _ => None,
        })
        .collect();
    if others.is_empty() {
        return None;
    }
    Some(html! {
        section.panel #moves-with {
            h2 { "Moves with" }
            p.muted { "Issues whose hourly counts rose and fell with this one's over the last " (MOVES_WITH_HOURS) " hours (Pearson r): often one cause." }
            ul.cluster-issues {
                @for (i, r) in &others {
                    li data-fingerprint=(i.fingerprint) {
                        span.tag.r title="Pearson r" { "r " (dec(*r)) } " "
                        (issue_cell(i, false))
                    }
                }
            }
            p { a href={ "/insights?project=" (pct(project)) } { "All insights for " (project) " →" } }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_plainly() {
        assert_eq!(dec(1.5), "1.5");
        assert_eq!(dec(2.0), "2");
        assert_eq!(dec(0.333), "0.33");
        assert_eq!(dec(-0.001), "0");
        assert_eq!(dec(120.0), "120");
        assert_eq!(signed(12), "+12");
        assert_eq!(signed(-3), "−3");
        assert_eq!(signed(0), "0");
        assert_eq!(signed_pct(150.0), "+150%");
        assert_eq!(signed_pct(-33.33), "−33.33%");
        assert_eq!(
            page_url("web app", 168, "prod"),
            "/insights?hours=168&project=web%20app&environment=prod"
        );
        assert_eq!(page_url("", 72, ""), "/insights?hours=72");
        assert_eq!(
            sentence("analytics is off: set `x`"),
            "Analytics is off: set `x`."
        );
        assert_eq!(sentence(""), ".");
    }

    fn issue(message: &str) -> IssueRef {
        IssueRef {
            fingerprint: "f1".into(),
            project: "default".into(),
            error_type: "<b>TypeError</b>".into(),
            message: message.into(),
            status: "unresolved".into(),
            first_seen: 0,
            last_seen: 0,
            total_count: 1,
        }
    }

    #[test]
    fn sections_escape_issue_text_and_say_what_would_show_when_empty() {
        let hostile = "<img src=x onerror=alert(1)>";
        let spikes = Spikes {
            from: 0,
            to: 7_200_000,
            baseline_hours: 72,
            threshold: 2.5,
            spikes: vec![Spike {
                issue: issue(hostile),
                hour: 7_200_000,
                count: 40,
                mean: 0.42,
                stddev: 0.7,
                zscore: 56.54,
                series: vec![1, 2, 40],
            }],
        };
        let html = spikes_section(Some(&spikes), true).into_string();
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;TypeError&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<img") && !html.contains("<b>"), "{html}");
        assert!(html.contains(r#"href="/issues/default/f1""#), "{html}");
        assert!(
            html.contains("this hour") && html.contains("56.54"),
            "{html}"
        );
        let empty = Spikes {
            spikes: Vec::new(),
            ..spikes
        };
        let html = spikes_section(Some(&empty), false).into_string();
        assert!(html.contains("Nothing is spiking."), "{html}");
        assert!(spikes_section(None, false)
            .into_string()
            .contains("could not be computed"));
        let none = Releases {
            from: 0,
            to: 0,
            releases: Vec::new(),
        };
        assert!(releases_section(Some(&none), "", "72 h")
            .into_string()
            .contains("No release had events in the last 72 h."));
    }
}
