//! `/v1/alerts`: rule CRUD (`PUT` replaces a rule, `PATCH` changes some of its fields; a rule
//! whose channels could never deliver is refused with the reason, see
//! [`alert::check_deliverable`]), `POST /v1/alerts/{id}/test` (sends through the rule's real
//! channels and reports each outcome) and `GET /v1/alerts/{id}/deliveries` (the last 100). Scopes
//! `alerts:read` / `alerts:write`; a project-pinned token sees and changes only its project's
//! rules (and may read global ones).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::auth::Caller;
use super::error::{json_body, ApiError};
use super::AppState;
use crate::alert::{self, deliver, Delivery, NewRule, Rule};
use crate::store::tokens::Scope;

fn changed(st: &AppState) {
    st.rules.changed();
}

/// The rule, if this caller may see it; `write` also requires that it is not a global rule
/// seen through a pinned token.
pub(super) async fn visible(
    st: &AppState,
    caller: &Caller,
    id: i64,
    write: bool,
) -> Result<Rule, ApiError> {
    let r = st.db.alert_rule(id).await?;
    match (&r.project_id, caller.pinned()) {
        (Some(p), _) => caller.check_project(p)?,
        (None, Some(_)) if write => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_project",
                "a project-pinned token cannot change global rules",
            ))
        }
        _ => {}
    }
    Ok(r)
}

/// Checks a rule's values, then that its alerts could be delivered at all.
async fn check(st: &AppState, rule: &NewRule) -> Result<(), ApiError> {
    rule.validate()?;
    alert::check_deliverable(rule, &st.config).await?;
    Ok(())
}

/// A pinned caller's new rules belong to its project.
fn pin_rule(caller: &Caller, rule: &mut NewRule) -> Result<(), ApiError> {
    if let Some(pin) = caller.pinned() {
        match &rule.project_id {
            Some(p) => caller.check_project(p)?,
            None => rule.project_id = Some(pin.to_string()),
        }
    }
    Ok(())
}

pub(super) async fn list(
    State(st): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Rule>>, ApiError> {
    caller.require(Scope::AlertsRead)?;
    let pin = caller.pinned().map(String::from);
    let rules = st.db.alert_rules(pin).await?;
    Ok(Json(rules.iter().map(Rule::masked).collect()))
}

pub(super) async fn create(
    State(st): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Rule>), ApiError> {
    caller.require(Scope::AlertsWrite)?;
    let mut rule: NewRule = json_body(&body)?;
    pin_rule(&caller, &mut rule)?;
    check(&st, &rule).await?;
    let r = st.db.create_alert_rule(rule).await?;
    changed(&st);
    Ok((StatusCode::CREATED, Json(r.masked())))
}

pub(super) async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Rule>, ApiError> {
    caller.require(Scope::AlertsRead)?;
    Ok(Json(visible(&st, &caller, id, false).await?.masked()))
}

pub(super) async fn replace(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Rule>, ApiError> {
    caller.require(Scope::AlertsWrite)?;
    visible(&st, &caller, id, true).await?;
    let mut rule: NewRule = json_body(&body)?;
    pin_rule(&caller, &mut rule)?;
    check(&st, &rule).await?;
    let r = st.db.update_alert_rule(id, rule).await?;
    changed(&st);
    Ok(Json(r.masked()))
}

/// `PATCH /v1/alerts/{id}`: the fields given replace the rule's (see [`Rule::patched`]).
pub(super) async fn update(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Rule>, ApiError> {
    caller.require(Scope::AlertsWrite)?;
    let current = visible(&st, &caller, id, true).await?;
    let patch: serde_json::Value = json_body(&body)?;
    let mut rule = current.patched(&patch)?;
    pin_rule(&caller, &mut rule)?;
    check(&st, &rule).await?;
    let r = st.db.update_alert_rule(id, rule).await?;
    changed(&st);
    Ok(Json(r.masked()))
}

pub(super) async fn remove(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Rule>, ApiError> {
    caller.require(Scope::AlertsWrite)?;
    visible(&st, &caller, id, true).await?;
    let r = st.db.delete_alert_rule(id).await?;
    changed(&st);
    Ok(Json(r.masked()))
}

pub(super) async fn set_enabled(
    st: AppState,
    caller: Caller,
    id: i64,
    on: bool,
) -> Result<Json<Rule>, ApiError> {
    caller.require(Scope::AlertsWrite)?;
    visible(&st, &caller, id, true).await?;
    let r = st.db.set_alert_rule_enabled(id, on).await?;
    changed(&st);
    Ok(Json(r.masked()))
}

pub(super) async fn enable(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Rule>, ApiError> {
    set_enabled(st, caller, id, true).await
}

pub(super) async fn disable(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Rule>, ApiError> {
    set_enabled(st, caller, id, false).await
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct TestReport {
    rule_id: i64,
    ok: bool,
    outcomes: Vec<deliver::Outcome>,
}

pub(super) async fn test(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TestReport>, ApiError> {
    caller.require(Scope::AlertsWrite)?;
    let rule = visible(&st, &caller, id, false).await?;
    let channels = alert::eval::channels_for(&rule, &st.config);
    if channels.is_empty() {
        return Err(ApiError::bad_request(
            "no_channels",
            "this rule has no channels, and BLOOP_SLACK_WEBHOOK_URL / BLOOP_WEBHOOK_URL are unset",
        )
        .field("channels"));
    }
    let alert = alert::eval::test_alert(&rule, &st.config);
    let mut outcomes = Vec::new();
    for channel in channels {
        let o = deliver::Outgoing {
            rule_id: Some(rule.id),
            channel,
            alerts: vec![alert.clone()],
        };
        outcomes.push(st.alerts.deliver(&o).await);
    }
    Ok(Json(TestReport {
        rule_id: rule.id,
        ok: outcomes.iter().all(|o| o.ok),
        outcomes,
    }))
}

pub(super) async fn deliveries(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    caller.require(Scope::AlertsRead)?;
    visible(&st, &caller, id, false).await?;
    Ok(Json(st.db.alert_deliveries(id).await?))
}
