//! LLM settings per project (content policy, shown with the budget) and price overrides (USD per
//! million tokens, global or per project). The writer reads both at every flush, so a change
//! applies to the next traces written.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::llm_query::{invalid, LlmParams};
use super::{now_ms, StoreError};
use crate::config::ContentStorage;

/// A content policy as stored and as the API spells it (`none`, `metadata_only`, `full`).
pub fn parse_policy(s: &str) -> Option<ContentStorage> {
    match s {
        "none" => Some(ContentStorage::None),
        "metadata_only" => Some(ContentStorage::MetadataOnly),
        "full" => Some(ContentStorage::Full),
        _ => None,
    }
}

pub fn policy_name(p: ContentStorage) -> &'static str {
    match p {
        ContentStorage::None => "none",
        ContentStorage::MetadataOnly => "metadata_only",
        ContentStorage::Full => "full",
    }
}

/// A project's LLM settings as they apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProjectSettings {
    pub project: String,
    /// The policy that applies: none | metadata_only | full.
    pub content_storage: String,
    /// `project` when set for this project, `default` when it follows
    /// `llm_tracing.default_content_storage`.
    pub content_storage_source: String,
    /// Monthly budget (set with `PUT /v1/llm/budget`).
    pub budget_micros: Option<i64>,
    pub budget_usd: Option<f64>,
    /// Error spans are also filed as error events (source `llm`); on unless turned off.
    pub errors_as_issues: bool,
    pub updated_at: Option<i64>,
}

/// `PUT /v1/llm/settings`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    /// Project slug (a pinned token's own project when absent).
    #[serde(default)]
    pub project: Option<String>,
    /// none | metadata_only | full, or `default` (or null) to follow the server's default;
    /// left out: unchanged.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub content_storage: Option<Option<String>>,
    /// File the project's error spans as error events (source `llm`) too; left out: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors_as_issues: Option<bool>,
}

/// A field that is present (possibly `null`) as `Some`, absent as `None` (via `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Settings of every project the caller reads (`project=`: that one; unknown → 404).
pub fn settings(
    conn: &Connection,
    p: &LlmParams,
    default: ContentStorage,
) -> Result<Vec<ProjectSettings>, StoreError> {
    p.only(&[])?;
    let mut args = Vec::new();
    let filter = p.project_sql("pr.id", &mut args);
    let sql = format!(
        "SELECT pr.id, s.content, s.budget_micros, s.updated_at,
                COALESCE(s.errors_as_issues, 1)
         FROM projects pr LEFT JOIN llm_settings s ON s.project_id = pr.id
         WHERE 1 = 1{filter} ORDER BY pr.id"
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(project_settings(
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(4)?,
            r.get(3)?,
            default,
        ))
    })?;
    let out = rows.collect::<Result<Vec<_>, _>>()?;
    all_found(p, &out)?;
    Ok(out)
}

/// One project's settings as they apply, from its stored row (all `None` without one).
pub(crate) fn project_settings(
    project: String,
    content: Option<String>,
    budget: Option<i64>,
    errors_as_issues: bool,
    updated_at: Option<i64>,
    default: ContentStorage,
) -> ProjectSettings {
    let own = content.as_deref().and_then(parse_policy);
    ProjectSettings {
        project,
        content_storage_source: if own.is_some() { "project" } else { "default" }.into(),
        content_storage: policy_name(own.unwrap_or(default)).to_string(),
        budget_micros: budget,
        budget_usd: budget.map(super::llm_usage::micros_to_usd),
        errors_as_issues,
        updated_at,
    }
}

/// 404 naming the first project asked for (`project=`) that is not among `found`.
pub(crate) fn all_found(p: &LlmParams, found: &[ProjectSettings]) -> Result<(), StoreError> {
    if let Some(wanted) = &p.projects {
        if let Some(missing) = wanted
            .iter()
            .find(|w| !found.iter().any(|s| &s.project == *w))
        {
            return Err(StoreError::NotFound(format!("no project `{missing}`")));
        }
    }
    Ok(())
}

/// Sets (or resets to the default) one project's content policy.
pub fn put_settings(
    conn: &Connection,
    p: &LlmParams,
    update: &SettingsUpdate,
    default: ContentStorage,
) -> Result<ProjectSettings, StoreError> {
    let (project, change) = settings_change(p, update)?;
    ensure_project(conn, project)?;
    conn.execute(
        "INSERT INTO llm_settings (project_id, content, errors_as_issues, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (project_id) DO UPDATE SET
             content = CASE WHEN ?5 THEN excluded.content ELSE content END,
             errors_as_issues = COALESCE(?3, errors_as_issues),
             updated_at = excluded.updated_at",
        params![
            project,
            change.content,
            change.errors_as_issues,
            now_ms(),
            change.set_content
        ],
    )?;
    Ok(settings(conn, &params_for(p, project), default)?.remove(0))
}

/// A checked settings change.
pub(crate) struct SettingsChange<'a> {
    /// Whether the content policy changes (to `content`; `None`: the server's default).
    pub set_content: bool,
    pub content: Option<&'a str>,
    pub errors_as_issues: Option<bool>,
}

/// The project a settings change is for and the change, checked.
pub(crate) fn settings_change<'a>(
    p: &'a LlmParams,
    update: &'a SettingsUpdate,
) -> Result<(&'a str, SettingsChange<'a>), StoreError> {
    let project = p.one_project()?;
    let set_content = update.content_storage.is_some();
    let content = match update
        .content_storage
        .as_ref()
        .map(|c| c.as_deref().map(str::trim))
    {
        None | Some(None) | Some(Some("default")) => None,
        Some(Some(c)) if parse_policy(c).is_some() => Some(c),
        Some(Some(_)) => {
            return Err(invalid(
                "content_storage",
                "must be none, metadata_only, full or default",
            ))
        }
    };
    if !set_content && update.errors_as_issues.is_none() {
        return Err(invalid(
            "content_storage",
            "nothing to change: give content_storage and/or errors_as_issues",
        ));
    }
    Ok((
        project,
        SettingsChange {
            set_content,
            content,
            errors_as_issues: update.errors_as_issues,
        },
    ))
}

/// The parameters that read back one project's settings after a change.
pub(crate) fn params_for(p: &LlmParams, project: &str) -> LlmParams {
    LlmParams::new([], Some(vec![project.to_string()]), p.now)
}

pub(crate) fn no_project(project: &str) -> StoreError {
    StoreError::NotFound(format!("no project `{project}`"))
}

fn ensure_project(conn: &Connection, project: &str) -> Result<(), StoreError> {
    let found = conn
        .query_row(
            "SELECT 1 FROM projects WHERE id = ?1",
            [project],
            |_| Ok(()),
        )
        .optional()?;
    found.ok_or_else(|| no_project(project))
}

/// A price override, USD per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PriceOverrideRow {
    /// `null`: a global override (every project without its own).
    pub project: Option<String>,
    pub model: String,
    pub input_mtok: f64,
    pub output_mtok: f64,
    /// `null`: cache reads cost the input price.
    pub cache_read_mtok: Option<f64>,
    /// `null`: cache writes cost the input price.
    pub cache_write_mtok: Option<f64>,
    pub updated_at: i64,
}

/// `PUT /v1/llm/prices`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceUpdate {
    /// Project slug; absent (for a token not pinned to a project): a global override, which
    /// needs the `admin` scope.
    #[serde(default)]
    pub project: Option<String>,
    /// Model name as clients send it: matched ignoring case, and also when a call's model is
    /// this name plus a date suffix (`gpt-4o` covers `gpt-4o-2024-08-06`), never by prefix.
    pub model: String,
    /// USD per million input tokens.
    pub input: f64,
    /// USD per million output tokens.
    pub output: f64,
    #[serde(default)]
    pub cache_read: Option<f64>,
    #[serde(default)]
    pub cache_write: Option<f64>,
}

/// What one model costs for a project, and which rule said so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ModelCost {
    pub model: String,
    /// The provider given with the question, if any.
    pub provider: Option<String>,
    /// The project whose overrides were considered (`null`: global ones only).
    pub project: Option<String>,
    /// false: no price is known — calls are stored with cost `null` ("unpriced").
    pub priced: bool,
    /// table | global_override | project_override.
    pub source: Option<String>,
    /// The table's provider id (table matches).
    pub matched_provider: Option<String>,
    /// The table's model id, or the override's model name.
    pub matched_model: Option<String>,
    /// The rule that matched, in words.
    pub rule: Option<String>,
    pub input_mtok: Option<f64>,
    pub output_mtok: Option<f64>,
    pub cache_read_mtok: Option<f64>,
    pub cache_write_mtok: Option<f64>,
}

/// `GET /v1/llm/prices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Prices {
    /// The shipped genai-prices table's version and model count.
    pub table_version: String,
    pub table_models: usize,
    /// Global overrides and those of the projects read.
    pub overrides: Vec<PriceOverrideRow>,
    /// With `model=`: what it costs.
    pub model: Option<ModelCost>,
}

/// Overrides visible to the caller: global ones and those of the projects it reads.
pub fn overrides(conn: &Connection, p: &LlmParams) -> Result<Vec<PriceOverrideRow>, StoreError> {
    Ok(override_rows(conn, p.projects.as_deref())?)
}

/// Global overrides and those of `projects` (`None`: every override).
pub fn override_rows(
    conn: &Connection,
    projects: Option<&[String]>,
) -> rusqlite::Result<Vec<PriceOverrideRow>> {
    let scope = LlmParams::new([], projects.map(<[String]>::to_vec), 0);
    let mut args = Vec::new();
    let theirs = scope.project_sql("project_id", &mut args);
    let mut st = conn.prepare_cached(&format!(
        "SELECT project_id, model, input_mtok, output_mtok, cache_read_mtok, cache_write_mtok,
                updated_at
         FROM llm_prices WHERE project_id = '' OR (1 = 1{theirs}) ORDER BY project_id, model"
    ))?;
    let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(PriceOverrideRow {
            project: override_scope(r.get(0)?),
            model: r.get(1)?,
            input_mtok: r.get(2)?,
            output_mtok: r.get(3)?,
            cache_read_mtok: r.get(4)?,
            cache_write_mtok: r.get(5)?,
            updated_at: r.get(6)?,
        })
    })?;
    rows.collect()
}

#[cfg(feature = "llm-tracing")]
impl PriceOverrideRow {
    /// As the pricer takes it.
    pub fn to_override(&self) -> crate::llm::pricing::PriceOverride {
        crate::llm::pricing::PriceOverride {
            project_id: self.project.clone(),
            model: self.model.clone(),
            price: crate::llm::pricing::ModelPrice {
                input_mtok: self.input_mtok,
                output_mtok: self.output_mtok,
                cache_read_mtok: self.cache_read_mtok,
                cache_write_mtok: self.cache_write_mtok,
            },
        }
    }
}

/// The overrides, and with `model=` what that model costs (for `project=` or the caller's one
/// project; otherwise global overrides and the table).
#[cfg(feature = "llm-tracing")]
pub fn prices(conn: &Connection, p: &LlmParams) -> Result<Prices, StoreError> {
    p.only(&["model", "provider"])?;
    let overrides = overrides(conn, p)?;
    Ok(prices_answer(p, overrides))
}

/// The answer of `GET /v1/llm/prices` from the overrides the caller sees.
#[cfg(feature = "llm-tracing")]
pub(crate) fn prices_answer(p: &LlmParams, overrides: Vec<PriceOverrideRow>) -> Prices {
    use crate::llm::pricing;
    let table = pricing::table();
    let model = match p.str("model") {
        None => None,
        Some(m) => {
            let project = match p.projects.as_deref() {
                Some([one]) => Some(one.clone()),
                _ => None,
            };
            // What the caller sees is what applies: its project's overrides and global ones.
            let visible: Vec<_> = overrides
                .iter()
                .map(PriceOverrideRow::to_override)
                .collect();
            let usage = pricing::Usage::default();
            let hit = pricing::resolve(
                &visible,
                project.as_deref().unwrap_or(""),
                p.str("provider"),
                m,
                &usage,
                p.now,
            );
            Some(ModelCost {
                model: m.to_string(),
                provider: p.str("provider").map(String::from),
                project,
                priced: hit.is_some(),
                source: hit.as_ref().map(|h| h.source.as_str().to_string()),
                matched_provider: hit.as_ref().and_then(|h| h.provider.clone()),
                matched_model: hit.as_ref().map(|h| h.model_id.clone()),
                rule: hit.as_ref().map(|h| h.rule.clone()),
                input_mtok: hit.as_ref().map(|h| h.price.input_mtok),
                output_mtok: hit.as_ref().map(|h| h.price.output_mtok),
                cache_read_mtok: hit.as_ref().and_then(|h| h.price.cache_read_mtok),
                cache_write_mtok: hit.as_ref().and_then(|h| h.price.cache_write_mtok),
            })
        }
    };
    Prices {
        table_version: table.version().to_string(),
        table_models: table.len().1,
        overrides,
        model,
    }
}

/// Most a price may be, USD per million tokens (the dearest listed models cost a few hundred).
pub const MAX_MTOK: f64 = 100_000.0;

fn price_field(field: &str, v: Option<f64>) -> Result<Option<f64>, StoreError> {
    match v {
        Some(x) if !x.is_finite() || !(0.0..=MAX_MTOK).contains(&x) => Err(invalid(
            field,
            format!("must be a number from 0 to {MAX_MTOK} (USD per million tokens)"),
        )),
        other => Ok(other),
    }
}

/// The project an override write is for: `Some(slug)`, or `None` for a global override.
fn override_project(p: &LlmParams) -> Result<Option<&str>, StoreError> {
    match p.projects.as_deref() {
        None => Ok(None),
        Some([one]) => Ok(Some(one.as_str())),
        Some(_) => Err(invalid("project", "one project at a time")),
    }
}

/// Sets an override (replacing one for the same project and model).
pub fn set_price(
    conn: &Connection,
    p: &LlmParams,
    u: &PriceUpdate,
) -> Result<PriceOverrideRow, StoreError> {
    let row = checked_price(p, u)?;
    if let Some(pr) = &row.project {
        ensure_project(conn, pr)?;
    }
    conn.execute(
        "INSERT INTO llm_prices (project_id, model, input_mtok, output_mtok, cache_read_mtok,
             cache_write_mtok, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (project_id, model) DO UPDATE SET model = excluded.model,
             input_mtok = excluded.input_mtok, output_mtok = excluded.output_mtok,
             cache_read_mtok = excluded.cache_read_mtok,
             cache_write_mtok = excluded.cache_write_mtok, updated_at = excluded.updated_at",
        params![
            row.project.as_deref().unwrap_or(""),
            row.model,
            row.input_mtok,
            row.output_mtok,
            row.cache_read_mtok,
            row.cache_write_mtok,
            row.updated_at
        ],
    )?;
    Ok(row)
}

/// The override an update asks for, checked, as it is stored (`updated_at`: now).
pub(crate) fn checked_price(
    p: &LlmParams,
    u: &PriceUpdate,
) -> Result<PriceOverrideRow, StoreError> {
    let model = u.model.trim();
    if model.is_empty() || model.chars().count() > 200 {
        return Err(invalid("model", "must be 1 to 200 characters"));
    }
    let input = price_field("input", Some(u.input))?.unwrap_or_default();
    let output = price_field("output", Some(u.output))?.unwrap_or_default();
    let cache_read = price_field("cache_read", u.cache_read)?;
    let cache_write = price_field("cache_write", u.cache_write)?;
    let project = override_project(p)?;
    Ok(PriceOverrideRow {
        project: project.map(String::from),
        model: model.to_string(),
        input_mtok: input,
        output_mtok: output,
        cache_read_mtok: cache_read,
        cache_write_mtok: cache_write,
        updated_at: now_ms(),
    })
}

/// A stored `project_id` as the API shows it (`''`, a global override: `None`).
pub(crate) fn override_scope(project_id: String) -> Option<String> {
    (!project_id.is_empty()).then_some(project_id)
}

/// What a removal removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PriceRemoved {
    pub project: Option<String>,
    pub model: String,
    pub removed: bool,
}

/// Removes an override (`model=`, for `project=` or the global one); 404 when there is none.
pub fn delete_price(conn: &Connection, p: &LlmParams) -> Result<PriceRemoved, StoreError> {
    let (project, model) = price_removal(p)?;
    let n = conn.execute(
        "DELETE FROM llm_prices WHERE project_id = ?1 AND model = ?2",
        params![project.unwrap_or(""), model],
    )?;
    removed(project, model, n as u64)
}

/// The override a removal names: (project, `None` for the global one; model).
pub(crate) fn price_removal(p: &LlmParams) -> Result<(Option<&str>, String), StoreError> {
    p.only(&["model"])?;
    let model = p.required("model")?.trim().to_string();
    Ok((override_project(p)?, model))
}

/// The answer of a removal that deleted `n` rows (none: 404).
pub(crate) fn removed(
    project: Option<&str>,
    model: String,
    n: u64,
) -> Result<PriceRemoved, StoreError> {
    if n == 0 {
        return Err(StoreError::NotFound(format!(
            "no price override for `{model}` {}",
            match project {
                Some(p) => format!("in project `{p}`"),
                None => "(global)".into(),
            }
        )));
    }
    Ok(PriceRemoved {
        project: project.map(String::from),
        model,
        removed: true,
    })
}
