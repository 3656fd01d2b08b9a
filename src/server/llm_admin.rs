//! LLM query API: the content policy per project (`GET/PUT /v1/llm/settings`) and price
//! overrides (`GET/PUT/DELETE /v1/llm/prices`). Handlers with the `llm-tracing` feature; the
//! OpenAPI schemas of these routes in every build.

use schemars::SchemaGenerator;
use serde_json::Value;

use super::openapi::sch;
use super::routes::RouteId;
use crate::store::llm_admin::{
    PriceOverrideRow, PriceRemoved, PriceUpdate, Prices, ProjectSettings, SettingsUpdate,
};

#[cfg(feature = "llm-tracing")]
pub use on::*;

#[cfg(feature = "llm-tracing")]
mod on {
    use std::collections::HashMap;

    use axum::body::Bytes;
    use axum::extract::{Query, State};
    use axum::http::StatusCode;
    use axum::Json;

    use super::*;
    use crate::server::auth::Caller;
    use crate::server::error::{json_body, ApiError};
    use crate::server::llm::{read, with_body_project, write};
    use crate::server::AppState;
    use crate::store::llm_admin as admin;
    use crate::store::pg::llm_admin as pg;

    pub async fn settings(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Query<HashMap<String, String>>,
    ) -> Result<Json<Vec<ProjectSettings>>, ApiError> {
        let default = st.config.llm_tracing.default_content_storage;
        read(
            &st,
            &caller,
            raw,
            move |c, p| admin::settings(c, p, default),
            move |db, p| pg::settings(db, p, default),
        )
        .await
    }

    pub async fn put_settings(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Query<HashMap<String, String>>,
        bytes: Bytes,
    ) -> Result<Json<ProjectSettings>, ApiError> {
        let update: SettingsUpdate = json_body(&bytes)?;
        let raw = with_body_project(raw, update.project.as_deref())?;
        let default = st.config.llm_tracing.default_content_storage;
        let for_pg = update.clone();
        let out = write(
            &st,
            &caller,
            raw,
            move |c, p| admin::put_settings(c, p, &update, default),
            move |db, p| pg::put_settings(db, p, for_pg, default),
        )
        .await?;
        Ok(Json(out))
    }

    pub async fn prices(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Query<HashMap<String, String>>,
    ) -> Result<Json<Prices>, ApiError> {
        read(&st, &caller, raw, admin::prices, pg::prices).await
    }

    /// Without a project (and not pinned) the override is global: admins only.
    fn check_global(caller: &Caller, project: Option<&str>) -> Result<(), ApiError> {
        if project.is_none() && caller.pinned().is_none() && !caller.is_admin() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                "a global price override needs the `admin` scope; name a `project` for a \
                 project override",
            )
            .field("project"));
        }
        Ok(())
    }

    pub async fn set_price(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Query<HashMap<String, String>>,
        bytes: Bytes,
    ) -> Result<Json<PriceOverrideRow>, ApiError> {
        let update: PriceUpdate = json_body(&bytes)?;
        let raw = with_body_project(raw, update.project.as_deref())?;
        check_global(&caller, raw.get("project").map(String::as_str))?;
        let for_pg = update.clone();
        Ok(Json(
            write(
                &st,
                &caller,
                raw,
                move |c, p| admin::set_price(c, p, &update),
                move |db, p| pg::set_price(db, p, for_pg),
            )
            .await?,
        ))
    }

    pub async fn delete_price(
        State(st): State<AppState>,
        caller: Caller,
        Query(raw): Query<HashMap<String, String>>,
    ) -> Result<Json<PriceRemoved>, ApiError> {
        check_global(
            &caller,
            raw.get("project")
                .map(String::as_str)
                .filter(|p| !p.is_empty()),
        )?;
        Ok(Json(
            write(
                &st,
                &caller,
                raw,
                |c, p| admin::delete_price(c, p),
                pg::delete_price,
            )
            .await?,
        ))
    }
}

/// (request body, success body) of this module's routes.
pub fn schemas(id: RouteId, g: &mut SchemaGenerator) -> (Option<Value>, Value) {
    use RouteId as R;
    match id {
        R::LlmSettings => (None, sch::<Vec<ProjectSettings>>(g)),
        R::LlmPutSettings => (Some(sch::<SettingsUpdate>(g)), sch::<ProjectSettings>(g)),
        R::LlmPrices => (None, sch::<Prices>(g)),
        R::LlmSetPrice => (Some(sch::<PriceUpdate>(g)), sch::<PriceOverrideRow>(g)),
        _ => (None, sch::<PriceRemoved>(g)),
    }
}
