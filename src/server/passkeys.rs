//! Passkey ceremonies and sessions (webauthn-rs): registration from a setup or invite link,
//! sign-in with discoverable credentials (no credential ids are handed to strangers), extra
//! passkeys for a signed-in user, and sign-out. Ceremony state lives in memory for five
//! minutes; every endpoint here is rate limited per client IP (429) and must be called from the
//! dashboard's own origin.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::{json, Value};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use super::auth::{check_same_origin, session_cookie, Caller, SESSION_COOKIE};
use super::error::{json_body, ApiError};
use super::AppState;
use crate::config::AuthConfig;
use crate::store::now_ms;
use crate::store::users::{self, OwnedPasskey};

/// How long a started ceremony may take.
const CEREMONY_TTL: Duration = Duration::from_secs(300);
/// Bound on ceremonies in flight (memory); the oldest expired ones go first.
const MAX_CEREMONIES: usize = 10_000;

enum Ceremony {
    Register {
        state: PasskeyRegistration,
        invite: String,
        name: String,
        handle: Uuid,
    },
    AddPasskey {
        state: PasskeyRegistration,
        user_id: i64,
        name: String,
    },
    Login {
        state: DiscoverableAuthentication,
    },
}

/// The relying party, the ceremonies in flight and the sign-in rate limiter.
pub struct PasskeyAuth {
    webauthn: Webauthn,
    ceremonies: Mutex<HashMap<String, (Instant, Ceremony)>>,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    secure_cookie: bool,
    session_ttl_ms: i64,
}

impl PasskeyAuth {
    /// Fails when `auth.rp_id` is not the host (or a parent domain) of `auth.rp_origin`.
    pub fn new(cfg: &AuthConfig) -> Result<Self, String> {
        let origin =
            Url::parse(&cfg.rp_origin).map_err(|e| format!("auth.rp_origin: not a URL ({e})"))?;
        let webauthn = WebauthnBuilder::new(&cfg.rp_id, &origin)
            .map_err(|_| {
                format!(
                    "auth.rp_id: `{}` must be the host of auth.rp_origin (`{}`) or a parent domain of it",
                    cfg.rp_id, cfg.rp_origin
                )
            })?
            .rp_name("bloop")
            .build()
            .map_err(|e| format!("auth: {e}"))?;
        let quota = Quota::per_second(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN));
        Ok(Self {
            webauthn,
            ceremonies: Mutex::new(HashMap::new()),
            limiter: RateLimiter::keyed(quota),
            secure_cookie: origin.scheme() == "https",
            session_ttl_ms: i64::try_from(cfg.session_ttl_secs.saturating_mul(1000))
                .unwrap_or(i64::MAX / 2),
        })
    }

    fn put(&self, c: Ceremony) -> String {
        let id = hex::encode(users::new_handle());
        let mut map = self.ceremonies.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_CEREMONIES {
            map.retain(|_, (t, _)| t.elapsed() < CEREMONY_TTL);
            if map.len() >= MAX_CEREMONIES {
                if let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, (t, _))| *t)
                    .map(|(k, _)| k.clone())
                {
                    map.remove(&oldest);
                }
            }
        }
        map.insert(id.clone(), (Instant::now(), c));
        id
    }

    fn take(&self, id: &str) -> Result<Ceremony, ApiError> {
        let mut map = self.ceremonies.lock().unwrap_or_else(|p| p.into_inner());
        match map.remove(id) {
            Some((t, c)) if t.elapsed() < CEREMONY_TTL => Ok(c),
            _ => Err(ApiError::bad_request(
                "ceremony_expired",
                "this sign-in attempt expired or is unknown; start again",
            )
            .field("ceremony")),
        }
    }

    /// The `Set-Cookie` value that starts a session.
    pub fn session_cookie(&self, token: &str) -> String {
        format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
            self.session_ttl_ms / 1000,
            if self.secure_cookie { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that ends one.
    pub fn clear_cookie(&self) -> String {
        format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            if self.secure_cookie { "; Secure" } else { "" }
        )
    }
}

/// Rate limit and same-origin check shared by every ceremony endpoint.
fn gate(st: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Result<(), ApiError> {
    let ip = st.limiter.client_ip(peer, headers);
    if st.passkeys.limiter.check_key(&ip).is_err() {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many sign-in attempts from this address; wait a few seconds",
        ));
    }
    check_same_origin(headers, &st.config.auth.rp_origin)
}

fn webauthn_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "passkey_rejected",
        format!("the passkey was not accepted: {e}"),
    )
    .field("credential")
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "passkey ceremony failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the passkey ceremony failed on the server",
    )
}

/// Registration options as the browser needs them: passkeys are discoverable credentials, so
/// sign-in can work without a user name.
fn creation_options(ccr: &impl serde::Serialize) -> Result<Value, ApiError> {
    let mut v = serde_json::to_value(ccr).map_err(internal)?;
    if let Some(sel) = v
        .get_mut("publicKey")
        .and_then(|pk| pk.get_mut("authenticatorSelection"))
        .and_then(Value::as_object_mut)
    {
        sel.insert("residentKey".into(), json!("required"));
        sel.insert("requireResidentKey".into(), json!(true));
    }
    Ok(v)
}

fn cred_id_text(p: &Passkey) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(p.cred_id().as_ref())
}

fn with_cookie(cookie: String, body: Value) -> Response {
    let mut resp = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterStart {
    invite: String,
    name: String,
}

pub(super) async fn register_start(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    gate(&st, peer, &headers)?;
    let req: RegisterStart = json_body(&body)?;
    let name = users::validate_name(&req.name)?;
    st.db
        .check_registration(req.invite.clone(), name.clone(), now_ms())
        .await?;
    let handle = Uuid::from_bytes(users::new_handle());
    let (ccr, state) = st
        .passkeys
        .webauthn
        .start_passkey_registration(handle, &name, &name, None)
        .map_err(internal)?;
    let options = creation_options(&ccr)?;
    let ceremony = st.passkeys.put(Ceremony::Register {
        state,
        invite: req.invite,
        name,
        handle,
    });
    Ok(Json(json!({"ceremony": ceremony, "options": options})))
}

#[derive(Deserialize)]
struct Finish<C> {
    ceremony: String,
    credential: C,
    /// A label for the passkey ("laptop", "phone").
    #[serde(default)]
    passkey_name: Option<String>,
}

pub(super) async fn register_finish(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    gate(&st, peer, &headers)?;
    let req: Finish<RegisterPublicKeyCredential> = json_body(&body)?;
    let Ceremony::Register {
        state,
        invite,
        name,
        handle,
    } = st.passkeys.take(&req.ceremony)?
    else {
        return Err(
            ApiError::bad_request("wrong_ceremony", "not a registration").field("ceremony"),
        );
    };
    let passkey = st
        .passkeys
        .webauthn
        .finish_passkey_registration(&req.credential, &state)
        .map_err(webauthn_error)?;
    let json = serde_json::to_string(&passkey).map_err(internal)?;
    let cred_id = cred_id_text(&passkey);
    let label = req.passkey_name.unwrap_or_else(|| "first passkey".into());
    let ttl = st.passkeys.session_ttl_ms;
    let now = now_ms();
    let passkey = OwnedPasskey {
        cred_id,
        name: label,
        json,
    };
    let (user, token) = st
        .db
        .register(invite, name, handle.to_string(), passkey, ttl, now)
        .await?;
    tracing::info!(user = %user.name, role = %user.role, "user registered");
    Ok(with_cookie(
        st.passkeys.session_cookie(&token),
        json!({"user": user}),
    ))
}

pub(super) async fn login_start(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    gate(&st, peer, &headers)?;
    let (rcr, state) = st
        .passkeys
        .webauthn
        .start_discoverable_authentication()
        .map_err(internal)?;
    let mut options = serde_json::to_value(&rcr).map_err(internal)?;
    // A button press, not the autofill flow: let the browser show its passkey picker.
    if let Some(o) = options.as_object_mut() {
        o.remove("mediation");
    }
    let ceremony = st.passkeys.put(Ceremony::Login { state });
    Ok(Json(json!({"ceremony": ceremony, "options": options})))
}

fn sign_in_failed() -> ApiError {
    ApiError::unauthorized(
        "unknown_passkey",
        "this passkey does not belong to any user here",
    )
    .field("credential")
}

pub(super) async fn login_finish(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    gate(&st, peer, &headers)?;
    let req: Finish<PublicKeyCredential> = json_body(&body)?;
    let Ceremony::Login { state } = st.passkeys.take(&req.ceremony)? else {
        return Err(ApiError::bad_request("wrong_ceremony", "not a sign-in").field("ceremony"));
    };
    let (handle, cred_id) = st
        .passkeys
        .webauthn
        .identify_discoverable_authentication(&req.credential)
        .map_err(|_| sign_in_failed())?;
    let handle = handle.to_string();
    let cred_id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(cred_id);
    let found = st
        .db
        .login_credential(handle, cred_id)
        .await?
        .ok_or_else(sign_in_failed)?;
    let (user, passkey_id, json) = found;
    let mut passkey: Passkey = serde_json::from_str(&json).map_err(internal)?;
    let result = st
        .passkeys
        .webauthn
        .finish_discoverable_authentication(
            &req.credential,
            state,
            &[DiscoverableKey::from(&passkey)],
        )
        .map_err(webauthn_error)?;
    let updated = match passkey.update_credential(&result) {
        Some(true) => Some(serde_json::to_string(&passkey).map_err(internal)?),
        _ => None,
    };
    let ttl = st.passkeys.session_ttl_ms;
    let now = now_ms();
    let uid = user.id;
    let token = st
        .db
        .record_login(uid, passkey_id, updated, ttl, now)
        .await?;
    Ok(with_cookie(
        st.passkeys.session_cookie(&token),
        json!({"user": user}),
    ))
}

pub(super) async fn logout(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    gate(&st, peer, &headers)?;
    if let Some(token) = session_cookie(&headers) {
        st.db.delete_session(token).await?;
    }
    Ok(with_cookie(
        st.passkeys.clear_cookie(),
        json!({"status": "signed_out"}),
    ))
}

fn session_user(caller: &Caller) -> Result<&users::User, ApiError> {
    caller.user.as_ref().ok_or_else(|| {
        ApiError::bad_request(
            "session_required",
            "passkeys are managed from a dashboard session, not with a token",
        )
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AddStart {
    #[serde(default)]
    name: Option<String>,
}

pub(super) async fn add_start(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    caller: Caller,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    gate(&st, peer, &headers)?;
    let user = session_user(&caller)?.clone();
    let req: AddStart = super::error::json_body_or_default(&body)?;
    let uid = user.id;
    let existing = st.db.passkey_json(uid).await?;
    let exclude = existing
        .iter()
        .filter_map(|j| serde_json::from_str::<Passkey>(j).ok())
        .map(|p| p.cred_id().clone())
        .collect::<Vec<_>>();
    let handle = Uuid::parse_str(&user.handle).map_err(internal)?;
    let (ccr, state) = st
        .passkeys
        .webauthn
        .start_passkey_registration(handle, &user.name, &user.name, Some(exclude))
        .map_err(internal)?;
    let options = creation_options(&ccr)?;
    let ceremony = st.passkeys.put(Ceremony::AddPasskey {
        state,
        user_id: uid,
        name: req.name.unwrap_or_else(|| "passkey".into()),
    });
    Ok(Json(json!({"ceremony": ceremony, "options": options})))
}

pub(super) async fn add_finish(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    caller: Caller,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    gate(&st, peer, &headers)?;
    let me = session_user(&caller)?.id;
    let req: Finish<RegisterPublicKeyCredential> = json_body(&body)?;
    let Ceremony::AddPasskey {
        state,
        user_id,
        name,
    } = st.passkeys.take(&req.ceremony)?
    else {
        return Err(
            ApiError::bad_request("wrong_ceremony", "not a passkey addition").field("ceremony"),
        );
    };
    if user_id != me {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this ceremony belongs to another user",
        ));
    }
    let passkey = st
        .passkeys
        .webauthn
        .finish_passkey_registration(&req.credential, &state)
        .map_err(webauthn_error)?;
    let json = serde_json::to_string(&passkey).map_err(internal)?;
    let cred_id = cred_id_text(&passkey);
    let name = req.passkey_name.unwrap_or(name);
    let now = now_ms();
    let id = st
        .db
        .add_passkey(
            me,
            OwnedPasskey {
                cred_id,
                name,
                json,
            },
            now,
        )
        .await?;
    Ok(Json(json!({"id": id})))
}

pub(super) async fn remove_passkey(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let me = session_user(&caller)?.id;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_request("invalid_id", "must be an integer").field("id"))?;
    st.db.remove_passkey(me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
