//! `GET /v1/analytics/{spikes,movers,correlations,releases,environments}`: the insights of
//! [`crate::analytics`], for the projects the caller may read. Without the feature, or with
//! `analytics.enabled = false`, every route answers 404 `analytics_disabled`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::Caller;
use super::error::ApiError;
use super::query::Params;
use super::AppState;
use crate::analytics::{Ask, Error, Insight};
use crate::store::now_ms;
use crate::store::tokens::Scope;

pub(super) fn disabled(message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "analytics_disabled", message)
}

/// The parameters every insight takes, checked one by one.
fn ask(
    st: &AppState,
    caller: &Caller,
    which: Insight,
    raw: HashMap<String, String>,
) -> Result<Ask, ApiError> {
    let mut allowed = vec!["project", "hours", "limit", "environment"];
    if which == Insight::Correlations {
        allowed.push("fingerprint");
    }
    let p = Params::new(raw, &allowed)?;
    let projects = caller.projects(p.str("project"))?;
    let get = |k: &str| p.str(k).map(str::to_string);
    crate::analytics::parse_ask(
        &get,
        projects,
        now_ms(),
        st.config.analytics.zscore_threshold,
    )
    .map_err(super::query::param_error)
}

async fn answer(
    st: AppState,
    caller: Caller,
    which: Insight,
    raw: HashMap<String, String>,
) -> Result<Response, ApiError> {
    // The route exists either way, so a client learns why there is no answer.
    if let Some(m) = st.analytics.disabled() {
        return Err(disabled(m));
    }
    caller.require(Scope::ErrorsRead)?;
    let ask = ask(&st, &caller, which, raw)?;
    match st.analytics.answer(which, ask).await {
        Ok(v) => Ok(Json(&*v).into_response()),
        Err(Error::Disabled(m)) => Err(disabled(m)),
        Err(Error::Failed(m)) => {
            tracing::error!(insight = which.name(), error = %m, "analytics query failed");
            Err(ApiError::internal())
        }
    }
}

macro_rules! insight_handler {
    ($name:ident, $which:expr) => {
        pub(super) async fn $name(
            State(st): State<AppState>,
            caller: Caller,
            Query(raw): Query<HashMap<String, String>>,
        ) -> Result<Response, ApiError> {
            answer(st, caller, $which, raw).await
        }
    };
}

insight_handler!(spikes, Insight::Spikes);
insight_handler!(movers, Insight::Movers);
insight_handler!(correlations, Insight::Correlations);
insight_handler!(releases, Insight::Releases);
insight_handler!(environments, Insight::Environments);
