//! The store as the server sees it: one handle, SQLite (the default: a pool of readers over the
//! file) or PostgreSQL (`database.url`), with one async method per use case. A method runs the
//! SQLite query functions on a pooled connection off the runtime, or the Postgres ones.
//!
//! Use cases not yet written for PostgreSQL go through [`with_conn`], which refuses on
//! PostgreSQL with [`StoreError::Unsupported`] (HTTP 501) naming what was asked for.

use std::collections::HashMap;

use deadpool_sqlite::Pool;
use rusqlite::Connection;

use super::alerts::{self, Delivery, NewRule, Rule};
use super::issues::{
    self, HourCount, IssueDetail, IssueQuery, IssueRow, Occurrence, ReleaseSummary, Stats,
    StatusChangeResult,
};
use super::keys::{self, KeyRow, Rotated};
use super::pg::{self, Pg};
use super::projects::{self, CreatedProject, Deleted, Project};
use super::tokens::{self, CreatedToken, Scope, Token};
use super::users::{self, CreatedInvite, Invite, OwnedPasskey, PasskeyInfo, Role, User};
use super::StoreError;
use crate::search::Status;

/// The database behind a server. Cheap to clone.
#[derive(Clone)]
pub enum Db {
    Sqlite(Pool),
    Postgres(Pg),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Db::Sqlite(_) => f.write_str("Db::Sqlite"),
            Db::Postgres(pg) => write!(f, "Db::Postgres({})", pg.url()),
        }
    }
}

impl Db {
    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Ingest keys usable at `now` (for the key cache).
    pub async fn usable_keys(&self, now: i64) -> Result<Vec<KeyRow>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| super::keys::usable(c, now)).await,
            Db::Postgres(pg) => pg::keys::usable(pg, now).await,
        }
    }

    /// Whether `key` is an ingest key usable at `now`.
    pub async fn key_is_usable(&self, key: &str, now: i64) -> Result<bool, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                let key = key.to_string();
                run(pool, move |c| super::keys::is_usable(c, &key, now)).await
            }
            Db::Postgres(pg) => pg::keys::is_usable(pg, key, now).await,
        }
    }
}

impl Db {
    /// Whether the database takes a write now (SQLite: the write lock can be had within a
    /// second; PostgreSQL: the server answers and is not a read-only standby).
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, |c| Ok(super::check_writable(c)?)).await,
            Db::Postgres(pg) => {
                let c = pg.client().await?;
                let st = c.prepare_cached("SELECT pg_is_in_recovery()").await?;
                let standby: bool = c.query_one(&st, &[]).await?.get(0);
                if standby {
                    return Err(StoreError::Postgres {
                        code: None,
                        message: "the server is a read-only standby".into(),
                    });
                }
                Ok(())
            }
        }
    }

    /// The runtime settings whose key starts with `prefix`.
    pub async fn settings_with_prefix(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                let prefix = prefix.to_string();
                run(pool, move |c| super::settings_with_prefix(c, &prefix)).await
            }
            Db::Postgres(pg) => pg::settings::with_prefix(pg, prefix).await,
        }
    }

    /// Sets (`Some`) or clears (`None`) a runtime setting.
    pub async fn set_setting(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => {
                let (key, value) = (key.to_string(), value.map(str::to_string));
                run(pool, move |c| super::set_setting(c, &key, value.as_deref())).await
            }
            Db::Postgres(pg) => pg::settings::set(pg, key, value).await,
        }
    }

    /// The setting's value, storing `value` first when there is none.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                let (key, value) = (key.to_string(), value.to_string());
                run(pool, move |c| {
                    c.execute(
                        "INSERT INTO settings (key, value) VALUES (?1, ?2)
                         ON CONFLICT (key) DO NOTHING",
                        [&key, &value],
                    )?;
                    Ok(super::setting(c, &key)?.unwrap_or(value))
                })
                .await
            }
            Db::Postgres(pg) => pg::settings::get_or_insert(pg, key, value).await,
        }
    }
}

/// Issues.
impl Db {
    /// One page of issues matching `q`, and how many match.
    pub async fn list_issues(&self, q: IssueQuery) -> Result<(Vec<IssueRow>, i64), StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::list(c, &q)).await,
            Db::Postgres(pg) => pg::issues::list(pg, &q).await,
        }
    }

    /// The issue `fp` among `projects` (None: any).
    pub async fn find_issue(
        &self,
        projects: Option<Vec<String>>,
        fp: String,
    ) -> Result<IssueRow, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::find(c, projects.as_deref(), &fp)).await,
            Db::Postgres(pg) => pg::issues::find(pg, projects.as_deref(), &fp).await,
        }
    }

    pub async fn issue_detail(&self, issue: IssueRow) -> Result<IssueDetail, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::detail(c, issue)).await,
            Db::Postgres(pg) => pg::issues::detail(pg, issue).await,
        }
    }

    pub async fn occurrences(
        &self,
        issue_id: i64,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Occurrence>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    issues::occurrences(c, issue_id, limit, offset)
                })
                .await
            }
            Db::Postgres(pg) => pg::issues::occurrences(pg, issue_id, limit, offset).await,
        }
    }

    pub async fn trend(
        &self,
        issue_id: i64,
        hours: u32,
        now: i64,
    ) -> Result<Vec<HourCount>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::trend(c, issue_id, hours, now)).await,
            Db::Postgres(pg) => pg::issues::trend(pg, issue_id, hours, now).await,
        }
    }

    pub async fn trends(
        &self,
        q: IssueQuery,
        hours: u32,
        now: i64,
    ) -> Result<Vec<HourCount>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::trends(c, &q, hours, now)).await,
            Db::Postgres(pg) => pg::issues::trends(pg, &q, hours, now).await,
        }
    }

    /// Changes statuses, all or none, recorded under `actor`.
    pub async fn set_statuses(
        &self,
        changes: Vec<(i64, Status, Option<String>)>,
        actor: String,
    ) -> Result<Vec<StatusChangeResult>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::set_statuses(c, &changes, &actor)).await,
            Db::Postgres(pg) => pg::issues::set_statuses(pg, &changes, &actor).await,
        }
    }

    pub async fn releases(
        &self,
        projects: Option<Vec<String>>,
        limit: u32,
    ) -> Result<Vec<ReleaseSummary>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    issues::releases(c, projects.as_deref(), limit)
                })
                .await
            }
            Db::Postgres(pg) => pg::issues::releases(pg, projects.as_deref(), limit).await,
        }
    }

    pub async fn stats(
        &self,
        projects: Option<Vec<String>>,
        now: i64,
    ) -> Result<Stats, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| issues::stats(c, projects.as_deref(), now)).await
            }
            Db::Postgres(pg) => pg::issues::stats(pg, projects.as_deref(), now).await,
        }
    }
}

/// Projects, keys and tokens.
impl Db {
    pub async fn list_projects(&self, only: Option<String>) -> Result<Vec<Project>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| projects::list(c, only.as_deref())).await,
            Db::Postgres(pg) => pg::projects::list(pg, only.as_deref()).await,
        }
    }

    pub async fn project(&self, id: String) -> Result<Project, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| projects::get(c, &id)).await,
            Db::Postgres(pg) => pg::projects::get(pg, &id).await,
        }
    }

    /// Creates a project with its first ingest key.
    pub async fn create_project(
        &self,
        name: String,
        slug: Option<String>,
    ) -> Result<CreatedProject, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    projects::create_with_key(c, &name, slug.as_deref())
                })
                .await
            }
            Db::Postgres(pg) => pg::projects::create_with_key(pg, &name, slug.as_deref()).await,
        }
    }

    /// Renames a project and/or sets its retention (`Some(None)` clears it).
    pub async fn update_project(
        &self,
        id: String,
        name: Option<String>,
        retention_days: Option<Option<u32>>,
    ) -> Result<Project, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    let mut p = projects::get(c, &id)?;
                    if let Some(name) = &name {
                        p = projects::rename(c, &id, name)?;
                    }
                    if let Some(days) = retention_days {
                        p = projects::set_retention(c, &id, days)?;
                    }
                    Ok(p)
                })
                .await
            }
            Db::Postgres(pg) => {
                let mut p = pg::projects::get(pg, &id).await?;
                if let Some(name) = &name {
                    p = pg::projects::rename(pg, &id, name).await?;
                }
                if let Some(days) = retention_days {
                    p = pg::projects::set_retention(pg, &id, days).await?;
                }
                Ok(p)
            }
        }
    }

    pub async fn delete_project(&self, id: String) -> Result<Deleted, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| projects::delete(c, &id)).await,
            Db::Postgres(pg) => pg::projects::delete(pg, &id).await,
        }
    }

    /// A project's keys (the project must exist), DSN keys with their DSN.
    pub async fn project_keys(
        &self,
        id: String,
        public_url: String,
    ) -> Result<Vec<KeyRow>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    projects::get(c, &id)?;
                    let mut rows = keys::list(c, Some(&id))?;
                    for k in &mut rows {
                        keys::fill_dsn(c, k, &public_url)?;
                    }
                    Ok(rows)
                })
                .await
            }
            Db::Postgres(pg) => {
                pg::projects::get(pg, &id).await?;
                let mut rows = pg::keys::list(pg, Some(&id)).await?;
                for k in &mut rows {
                    pg::keys::fill_dsn(pg, k, &public_url).await?;
                }
                Ok(rows)
            }
        }
    }

    /// Every key (of one project, when given), revoked ones included.
    pub async fn keys(&self, project: Option<String>) -> Result<Vec<KeyRow>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| keys::list(c, project.as_deref())).await,
            Db::Postgres(pg) => pg::keys::list(pg, project.as_deref()).await,
        }
    }

    pub async fn create_key(
        &self,
        project: String,
        name: String,
        kind: String,
        public_url: String,
    ) -> Result<KeyRow, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    let mut k = keys::create_kind(c, &project, &name, &kind)?;
                    keys::fill_dsn(c, &mut k, &public_url)?;
                    Ok(k)
                })
                .await
            }
            Db::Postgres(pg) => {
                let mut k = pg::keys::create(pg, &project, &name, &kind).await?;
                pg::keys::fill_dsn(pg, &mut k, &public_url).await?;
                Ok(k)
            }
        }
    }

    pub async fn key(&self, id: i64) -> Result<KeyRow, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| keys::get(c, id)).await,
            Db::Postgres(pg) => pg::keys::get(pg, id).await,
        }
    }

    pub async fn rotate_key(
        &self,
        id: i64,
        grace_ms: i64,
        name: Option<String>,
    ) -> Result<Rotated, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    keys::rotate(c, id, grace_ms, name.as_deref())
                })
                .await
            }
            Db::Postgres(pg) => pg::keys::rotate(pg, id, grace_ms, name.as_deref()).await,
        }
    }

    pub async fn revoke_key(&self, id: i64, at: i64) -> Result<KeyRow, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| keys::revoke_at(c, id, at)).await,
            Db::Postgres(pg) => pg::keys::revoke_at(pg, id, at).await,
        }
    }

    pub async fn tokens(&self, project: Option<String>) -> Result<Vec<Token>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| tokens::list(c, project.as_deref())).await,
            Db::Postgres(pg) => pg::tokens::list(pg, project.as_deref()).await,
        }
    }

    pub async fn create_token(
        &self,
        name: String,
        scopes: Vec<Scope>,
        project: Option<String>,
        expires_at: Option<i64>,
    ) -> Result<CreatedToken, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    tokens::create(c, &name, &scopes, project.as_deref(), expires_at)
                })
                .await
            }
            Db::Postgres(pg) => {
                pg::tokens::create(pg, &name, &scopes, project.as_deref(), expires_at).await
            }
        }
    }

    pub async fn token(&self, id: i64) -> Result<Token, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| tokens::get(c, id)).await,
            Db::Postgres(pg) => pg::tokens::get(pg, id).await,
        }
    }

    pub async fn revoke_token(&self, id: i64) -> Result<Token, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| tokens::revoke(c, id)).await,
            Db::Postgres(pg) => pg::tokens::revoke(pg, id).await,
        }
    }

    /// The usable token a bearer string names.
    pub async fn authenticate_token(
        &self,
        bearer: String,
        now: i64,
    ) -> Result<Option<Token>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| tokens::authenticate(c, &bearer, now)).await,
            Db::Postgres(pg) => pg::tokens::authenticate(pg, &bearer, now).await,
        }
    }

    pub async fn touch_token(&self, id: i64, now: i64) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| tokens::touch(c, id, now)).await,
            Db::Postgres(pg) => pg::tokens::touch(pg, id, now).await,
        }
    }

    /// The project of a usable DSN key, with its DSN number.
    pub async fn dsn_project(
        &self,
        key: String,
        now: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| keys::dsn_project(c, &key, now)).await,
            Db::Postgres(pg) => pg::keys::dsn_project(pg, &key, now).await,
        }
    }
}

/// Triage: assignees, notes, the timeline.
impl Db {
    pub async fn assign(
        &self,
        issue_id: i64,
        user: Option<String>,
        actor: String,
    ) -> Result<IssueRow, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    super::triage::assign(c, issue_id, user.as_deref(), &actor)
                })
                .await
            }
            Db::Postgres(pg) => pg::triage::assign(pg, issue_id, user.as_deref(), &actor).await,
        }
    }

    pub async fn add_note(
        &self,
        issue_id: i64,
        text: String,
        author: String,
    ) -> Result<super::triage::Note, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    super::triage::add_note(c, issue_id, &text, &author)
                })
                .await
            }
            Db::Postgres(pg) => pg::triage::add_note(pg, issue_id, &text, &author).await,
        }
    }

    pub async fn notes(
        &self,
        issue_id: i64,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<super::triage::Note>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    super::triage::notes(c, issue_id, limit, offset)
                })
                .await
            }
            Db::Postgres(pg) => pg::triage::notes(pg, issue_id, limit, offset).await,
        }
    }

    pub async fn timeline(
        &self,
        issue_id: i64,
    ) -> Result<Vec<super::triage::HistoryEntry>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| super::triage::timeline(c, issue_id)).await,
            Db::Postgres(pg) => pg::triage::timeline(pg, issue_id).await,
        }
    }
}

/// What the dashboard's issue list shows beside the rows.
impl Db {
    /// Every project as (id, name), oldest first.
    pub async fn project_names(&self) -> Result<Vec<(String, String)>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, |c| projects::names(c)).await,
            Db::Postgres(pg) => pg::issues::project_names(pg).await,
        }
    }

    /// Hourly counts of each issue of a page for the last `hours` hours, zero-filled.
    pub async fn trends_by_issue(
        &self,
        ids: Vec<i64>,
        hours: u32,
        now: i64,
    ) -> Result<HashMap<i64, Vec<HourCount>>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| issues::trends_by_issue(c, &ids, hours, now)).await
            }
            Db::Postgres(pg) => pg::issues::trends_by_issue(pg, &ids, hours, now).await,
        }
    }

    /// Affected users of each issue of a page: (count, whether only the newest were read).
    pub async fn users_by_issue(
        &self,
        ids: Vec<i64>,
        limit: u32,
    ) -> Result<HashMap<i64, (i64, bool)>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::users_by_issue(c, &ids, limit)).await,
            Db::Postgres(pg) => pg::issues::users_by_issue(pg, &ids, limit).await,
        }
    }

    /// The environments seen in `projects` (None = all), most events first.
    pub async fn environments(
        &self,
        projects: Option<Vec<String>>,
    ) -> Result<Vec<String>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| issues::environments(c, projects.as_deref())).await
            }
            Db::Postgres(pg) => pg::issues::environments(pg, projects.as_deref()).await,
        }
    }

    /// One stored event of an issue (latest, oldest or by id) with its neighbours.
    pub async fn walk(
        &self,
        issue_id: i64,
        pick: issues::Pick,
    ) -> Result<Option<issues::EventWalk>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| issues::walk(c, issue_id, pick)).await,
            Db::Postgres(pg) => pg::issues::walk(pg, issue_id, pick).await,
        }
    }

    /// Whether any issue exists at all.
    pub async fn any_issue(&self) -> Result<bool, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, |c| issues::any(c)).await,
            Db::Postgres(pg) => pg::issues::any(pg).await,
        }
    }
}

/// Dashboard users, invites, passkeys and sessions.
impl Db {
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, |c| users::count(c)).await,
            Db::Postgres(pg) => pg::users::count(&pg.client().await?).await,
        }
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, |c| users::list(c)).await,
            Db::Postgres(pg) => pg::users::list(pg).await,
        }
    }

    /// A user by numeric id or by name (case-insensitive).
    pub async fn find_user(&self, who: String) -> Result<User, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::find(c, &who)).await,
            Db::Postgres(pg) => pg::users::find(pg, &who).await,
        }
    }

    /// Changes a user's role; the last admin cannot be demoted.
    pub async fn set_user_role(&self, id: i64, role: Role) -> Result<User, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::set_role(c, id, role)).await,
            Db::Postgres(pg) => pg::users::set_role(pg, id, role).await,
        }
    }

    /// Removes a user (their passkeys and sessions go too); the last admin stays.
    pub async fn remove_user(&self, id: i64) -> Result<User, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::remove(c, id)).await,
            Db::Postgres(pg) => pg::users::remove(pg, id).await,
        }
    }

    pub async fn create_invite(
        &self,
        role: Role,
        created_by: String,
        ttl_ms: i64,
        now: i64,
    ) -> Result<CreatedInvite, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    users::create_invite(c, role, &created_by, ttl_ms, now)
                })
                .await
            }
            Db::Postgres(pg) => pg::users::create_invite(pg, role, &created_by, ttl_ms, now).await,
        }
    }

    /// On a database without users, a new first-admin setup link (replacing an unused one).
    pub async fn setup_invite(&self, now: i64) -> Result<Option<CreatedInvite>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::setup_invite(c, now)).await,
            Db::Postgres(pg) => pg::users::setup_invite(pg, now).await,
        }
    }

    pub async fn pending_invites(&self, now: i64) -> Result<Vec<Invite>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::pending_invites(c, now)).await,
            Db::Postgres(pg) => pg::users::pending_invites(pg, now).await,
        }
    }

    pub async fn revoke_invite(&self, id: i64) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::revoke_invite(c, id)).await,
            Db::Postgres(pg) => pg::users::revoke_invite(pg, id).await,
        }
    }

    /// The invite a token names, if it is unused and unexpired.
    pub async fn check_invite(
        &self,
        token: String,
        now: i64,
    ) -> Result<Option<Invite>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::check_invite(c, &token, now)).await,
            Db::Postgres(pg) => pg::users::check_invite(&pg.client().await?, &token, now).await,
        }
    }

    /// For the start of a registration: the invite is usable and the name free.
    pub async fn check_registration(
        &self,
        invite: String,
        name: String,
        now: i64,
    ) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    users::check_registration(c, &invite, &name, now)
                })
                .await
            }
            Db::Postgres(pg) => pg::users::check_registration(pg, &invite, &name, now).await,
        }
    }

    /// Consumes the invite, creates the user with their first passkey and starts a session;
    /// returns the user and the session cookie value.
    pub async fn register(
        &self,
        invite: String,
        name: String,
        handle: String,
        passkey: OwnedPasskey,
        session_ttl_ms: i64,
        now: i64,
    ) -> Result<(User, String), StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    let user = users::register(c, &invite, &name, &handle, &passkey.as_new(), now)?;
                    let token = users::create_session(c, user.id, session_ttl_ms, now)?;
                    Ok((user, token))
                })
                .await
            }
            Db::Postgres(pg) => {
                pg::users::register(
                    pg,
                    &invite,
                    &name,
                    &handle,
                    &passkey.as_new(),
                    session_ttl_ms,
                    now,
                )
                .await
            }
        }
    }

    pub async fn add_passkey(
        &self,
        user_id: i64,
        passkey: OwnedPasskey,
        now: i64,
    ) -> Result<i64, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    users::add_passkey(c, user_id, &passkey.as_new(), now)
                })
                .await
            }
            Db::Postgres(pg) => pg::users::add_passkey(pg, user_id, &passkey.as_new(), now).await,
        }
    }

    pub async fn passkeys(&self, user_id: i64) -> Result<Vec<PasskeyInfo>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::passkeys(c, user_id)).await,
            Db::Postgres(pg) => pg::users::passkeys(pg, user_id).await,
        }
    }

    /// The stored credential JSON of every passkey of a user.
    pub async fn passkey_json(&self, user_id: i64) -> Result<Vec<String>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::passkey_json(c, user_id)).await,
            Db::Postgres(pg) => pg::users::passkey_json(pg, user_id).await,
        }
    }

    /// Removes one of a user's passkeys; the last one stays.
    pub async fn remove_passkey(&self, user_id: i64, id: i64) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::remove_passkey(c, user_id, id)).await,
            Db::Postgres(pg) => pg::users::remove_passkey(pg, user_id, id).await,
        }
    }

    /// For sign-in: the user a handle names and their stored passkey with this credential id.
    pub async fn login_credential(
        &self,
        handle: String,
        cred_id: String,
    ) -> Result<Option<(User, i64, String)>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| users::login_credential(c, &handle, &cred_id)).await
            }
            Db::Postgres(pg) => pg::users::login_credential(pg, &handle, &cred_id).await,
        }
    }

    /// After a sign-in: records it (the passkey's new state when `json`) and starts a session;
    /// returns the session cookie value.
    pub async fn record_login(
        &self,
        user_id: i64,
        passkey_id: i64,
        json: Option<String>,
        session_ttl_ms: i64,
        now: i64,
    ) -> Result<String, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    users::record_login(c, user_id, passkey_id, json.as_deref(), now)?;
                    users::create_session(c, user_id, session_ttl_ms, now)
                })
                .await
            }
            Db::Postgres(pg) => {
                pg::users::record_login(
                    pg,
                    user_id,
                    passkey_id,
                    json.as_deref(),
                    session_ttl_ms,
                    now,
                )
                .await
            }
        }
    }

    /// The user a session cookie belongs to, if the session is live.
    pub async fn session_user(&self, token: String, now: i64) -> Result<Option<User>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::session_user(c, &token, now)).await,
            Db::Postgres(pg) => pg::users::session_user(pg, &token, now).await,
        }
    }

    pub async fn delete_session(&self, token: String) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| users::delete_session(c, &token)).await,
            Db::Postgres(pg) => pg::users::delete_session(pg, &token).await,
        }
    }
}

/// Alert rules and their delivery log.
impl Db {
    pub async fn alert_rules(&self, project: Option<String>) -> Result<Vec<Rule>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::list(c, project.as_deref())).await,
            Db::Postgres(pg) => pg::alerts::list(pg, project.as_deref()).await,
        }
    }

    pub async fn alert_rule(&self, id: i64) -> Result<Rule, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::get(c, id)).await,
            Db::Postgres(pg) => pg::alerts::get(pg, id).await,
        }
    }

    pub async fn create_alert_rule(&self, rule: NewRule) -> Result<Rule, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::create(c, &rule)).await,
            Db::Postgres(pg) => pg::alerts::create(pg, &rule).await,
        }
    }

    /// Replaces rule `id` (its cooldowns are kept).
    pub async fn update_alert_rule(&self, id: i64, rule: NewRule) -> Result<Rule, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::update(c, id, &rule)).await,
            Db::Postgres(pg) => pg::alerts::update(pg, id, &rule).await,
        }
    }

    pub async fn set_alert_rule_enabled(&self, id: i64, on: bool) -> Result<Rule, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::set_enabled(c, id, on)).await,
            Db::Postgres(pg) => pg::alerts::set_enabled(pg, id, on).await,
        }
    }

    pub async fn delete_alert_rule(&self, id: i64) -> Result<Rule, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::delete(c, id)).await,
            Db::Postgres(pg) => pg::alerts::delete(pg, id).await,
        }
    }

    /// The last deliveries of rule `id`, newest first.
    pub async fn alert_deliveries(&self, id: i64) -> Result<Vec<Delivery>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::deliveries(c, id)).await,
            Db::Postgres(pg) => pg::alerts::deliveries(pg, Some(id), alerts::DELIVERIES_KEPT).await,
        }
    }

    /// The last `limit` deliveries of every rule, newest first.
    pub async fn recent_deliveries(&self, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| alerts::recent_deliveries(c, limit)).await,
            Db::Postgres(pg) => pg::alerts::deliveries(pg, None, limit).await,
        }
    }

    /// The last delivery of each rule to each of its channels, newest first.
    pub async fn last_deliveries(&self) -> Result<Vec<Delivery>, StoreError> {
        match self {
            Db::Sqlite(pool) => run(pool, |c| alerts::last_deliveries(c)).await,
            Db::Postgres(pg) => pg::alerts::last_deliveries(pg).await,
        }
    }

    /// Appends one delivery attempt to the log.
    pub async fn record_delivery(&self, d: DeliveryRecord) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    alerts::record_delivery(
                        c,
                        d.rule_id,
                        &d.channel,
                        &d.target,
                        &d.title,
                        d.status,
                        d.attempts,
                        d.error.as_deref(),
                    )
                })
                .await
            }
            Db::Postgres(pg) => {
                let c = pg.client().await?;
                pg::alerts::record_delivery(
                    &c,
                    d.rule_id,
                    &d.channel,
                    &d.target,
                    &d.title,
                    d.status,
                    d.attempts,
                    d.error.as_deref(),
                )
                .await
            }
        }
    }
}

/// One delivery attempt, as [`Db::record_delivery`] logs it.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub rule_id: Option<i64>,
    pub channel: String,
    pub target: String,
    pub title: String,
    pub status: &'static str,
    pub attempts: u32,
    pub error: Option<String>,
}

/// Source maps.
impl Db {
    /// Stores uploaded maps of `project` and `release` (see `sourcemap::store::put`).
    pub async fn put_sourcemaps(
        &self,
        project: String,
        release: String,
        uploads: Vec<crate::sourcemap::upload::Upload>,
        limits: crate::sourcemap::store::Limits,
        now: i64,
    ) -> Result<Vec<crate::sourcemap::store::Stored>, crate::sourcemap::SourcemapError> {
        use crate::sourcemap::store as sm;
        match self {
            Db::Sqlite(pool) => {
                let obj = pool.get().await.map_err(StoreError::from)?;
                obj.interact(move |c| sm::put(c, &project, &release, &uploads, limits, now))
                    .await
                    .map_err(StoreError::from)?
            }
            Db::Postgres(pg) => {
                pg::sourcemaps::put(pg, &project, &release, &uploads, limits, now).await
            }
        }
    }

    pub async fn sourcemaps(
        &self,
        project: String,
        release: Option<String>,
    ) -> Result<Vec<crate::sourcemap::store::Stored>, StoreError> {
        use crate::sourcemap::store as sm;
        match self {
            Db::Sqlite(pool) => run(pool, move |c| sm::list(c, &project, release.as_deref())).await,
            Db::Postgres(pg) => pg::sourcemaps::list(pg, &project, release.as_deref()).await,
        }
    }

    /// Deletes one map by id, or every map of a release.
    pub async fn delete_sourcemaps(
        &self,
        project: String,
        id: Option<i64>,
        release: Option<String>,
    ) -> Result<Vec<crate::sourcemap::store::Stored>, StoreError> {
        use crate::sourcemap::store as sm;
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    sm::delete(c, &project, id, release.as_deref())
                })
                .await
            }
            Db::Postgres(pg) => pg::sourcemaps::delete(pg, &project, id, release.as_deref()).await,
        }
    }

    /// For each release the project's usable maps (id, name, release); for each debug ID the
    /// newest map with it. One trip to the database.
    #[allow(clippy::type_complexity)]
    pub async fn sourcemap_lookup(
        &self,
        project: String,
        releases: Vec<String>,
        debug_ids: Vec<String>,
    ) -> Result<
        (
            Vec<(String, Vec<(i64, String, String)>)>,
            Vec<(String, Option<i64>)>,
        ),
        StoreError,
    > {
        use crate::sourcemap::store as sm;
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    let mut cats = Vec::new();
                    for r in releases {
                        let rows = sm::catalog(c, &project, &r)?;
                        cats.push((r, rows));
                    }
                    let mut dbg = Vec::new();
                    for d in debug_ids {
                        let id = sm::by_debug_id(c, &project, &d)?;
                        dbg.push((d, id));
                    }
                    Ok((cats, dbg))
                })
                .await
            }
            Db::Postgres(pg) => pg::sourcemaps::lookup(pg, &project, &releases, &debug_ids).await,
        }
    }

    /// Stored maps' bytes, expanded (`None` for one deleted meanwhile), each with its own
    /// outcome.
    #[allow(clippy::type_complexity)]
    pub async fn sourcemap_data(
        &self,
        ids: Vec<i64>,
    ) -> Result<Vec<(i64, Result<Option<Vec<u8>>, StoreError>)>, StoreError> {
        use crate::sourcemap::store as sm;
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    Ok(ids.into_iter().map(|id| (id, sm::load(c, id))).collect())
                })
                .await
            }
            Db::Postgres(pg) => pg::sourcemaps::load(&pg.client().await?, &ids).await,
        }
    }
}

/// Retention.
impl Db {
    /// Days raw events are kept by default: the runtime setting, else `configured`.
    pub async fn retention_days(&self, configured: u32) -> Result<u32, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| crate::retention::default_days(c, configured)).await
            }
            Db::Postgres(pg) => pg::retention::default_days(pg, configured).await,
        }
    }

    /// Removes raw events past retention (`days` overrides every project's), within `project`
    /// when given; `dry_run` counts instead.
    pub async fn prune(
        &self,
        cfg: crate::config::RetentionConfig,
        days: Option<u32>,
        project: Option<String>,
        dry_run: bool,
    ) -> Result<crate::retention::PruneReport, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                run(pool, move |c| {
                    crate::retention::prune(
                        c,
                        &cfg,
                        &crate::retention::PruneOptions {
                            days,
                            project: project.as_deref(),
                            dry_run,
                        },
                        |_| {},
                    )
                })
                .await
            }
            Db::Postgres(pg) => {
                let opts = crate::retention::PruneOptions {
                    days,
                    project: project.as_deref(),
                    dry_run,
                };
                pg::retention::prune(pg, &cfg, &opts, |_| {}).await
            }
        }
    }
}

/// Runs `f` on a pooled SQLite connection off the async runtime.
async fn run<T, F>(pool: &Pool, f: F) -> Result<T, StoreError>
where
    F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    let obj = pool.get().await?;
    obj.interact(f).await?
}

/// Runs `f` on a pooled SQLite connection; on PostgreSQL, refuses with
/// [`StoreError::Unsupported`] naming the caller (for what is not yet written for PostgreSQL).
pub async fn with_conn<T, F>(db: &Db, f: F) -> Result<T, StoreError>
where
    F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    match db {
        Db::Sqlite(pool) => run(pool, f).await,
        Db::Postgres(_) => Err(unsupported::<F>()),
    }
}

/// The refusal for a use case `F` (a closure inside the caller) has no PostgreSQL side for.
pub fn unsupported<F>() -> StoreError {
    let name = std::any::type_name::<F>();
    let what = name
        .split("::{{closure}}")
        .next()
        .unwrap_or(name)
        .trim_start_matches("bloop::");
    StoreError::Unsupported(format!(
        "not available on PostgreSQL yet ({what}); use a SQLite database (database.path) for it"
    ))
}

impl Db {
    /// An LLM query or change: `lite` on a pooled SQLite connection, or `pg` on PostgreSQL,
    /// with the same parameters (the handlers, pages and CLI all come through here).
    pub async fn llm<T, F, G, Fut>(
        &self,
        p: super::llm_query::LlmParams,
        lite: F,
        pg: G,
    ) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection, &super::llm_query::LlmParams) -> Result<T, StoreError>
            + Send
            + 'static,
        G: FnOnce(Pg, super::llm_query::LlmParams) -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
        T: Send + 'static,
    {
        match self {
            Db::Sqlite(pool) => run(pool, move |c| lite(c, &p)).await,
            Db::Postgres(db) => pg(db.clone(), p).await,
        }
    }
}

/// The PostgreSQL side of an LLM query that is not written yet: 501 naming it.
pub async fn pg_todo<T>(what: &str) -> Result<T, StoreError> {
    Err(StoreError::Unsupported(format!(
        "not available on PostgreSQL yet ({what}); use a SQLite database (database.path) for it"
    )))
}

#[cfg(feature = "llm-tracing")]
impl Db {
    /// Whether LLM trace `id` of `project` is stored.
    pub async fn llm_trace_exists(&self, project: &str, id: &str) -> Result<bool, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                let (p, i) = (project.to_string(), id.to_string());
                run(pool, move |c| Ok(super::traces::exists(c, &p, &i)?)).await
            }
            Db::Postgres(pg) => pg::llm_write::trace_exists(pg, project, id).await,
        }
    }
}

impl Db {
    /// Release `release` of `projects` (None = all) with its hourly events over `hours`;
    /// `None` when no event named it.
    pub async fn release_detail(
        &self,
        projects: Option<Vec<String>>,
        release: &str,
        hours: u32,
        now: i64,
    ) -> Result<Option<super::releases::ReleaseDetail>, StoreError> {
        match self {
            Db::Sqlite(pool) => {
                let release = release.to_string();
                run(pool, move |c| {
                    super::releases::detail(c, projects.as_deref(), &release, hours, now)
                })
                .await
            }
            Db::Postgres(pg) => {
                pg::releases::detail(pg, projects.as_deref(), release, hours, now).await
            }
        }
    }
}
