//! Delivery: turns fired alerts into Slack messages, signed webhook POSTs and emails, off the
//! ingest path, through a bounded queue, with bounded retries (5xx, 429, timeouts, connection
//! errors; never 4xx) and a delivery log. Webhook targets are resolved first and refused when
//! they point at loopback, private, link-local or unspecified addresses, unless
//! `alerting.allow_private_targets`; the request then goes to the address that was checked.
//!
//! [`check_channel`] runs the same checks when a rule is created or changed, so a channel that
//! could never deliver (email without SMTP, a private address while private targets are off) is
//! refused with the reason the delivery would have failed with.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use tokio::sync::{mpsc, Semaphore};
use tokio_util::task::TaskTracker;

use super::Channel;
use crate::config::{Config, SmtpConfig};
use crate::store::{self, now_ms};

/// Attempts per delivery (the first try and up to three retries).
pub const MAX_ATTEMPTS: u32 = 4;
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries waiting; more are dropped (and logged as such).
pub const QUEUE: usize = 1024;
/// Alerts listed in full in a digest; the rest are counted.
const DIGEST_LINES: usize = 20;

/// One fired alert.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub rule_id: i64,
    pub rule_name: String,
    /// new_issue | regression | threshold | spike | test | llm_cost_spike | llm_cost_threshold |
    /// llm_error_rate | llm_latency | llm_budget | llm_budget_forecast
    pub kind: String,
    pub project_id: String,
    pub fingerprint: Option<String>,
    pub error_type: Option<String>,
    pub message: Option<String>,
    pub source: Option<String>,
    pub environment: Option<String>,
    pub release: Option<String>,
    pub route: Option<String>,
    /// Events behind the alert (in the window, or in the flush).
    pub count: u64,
    /// Why it fired, in words.
    pub reason: String,
    pub link: String,
    pub fired_at: i64,
}

/// What one channel receives: one alert, or a digest of several from the same flush.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub rule_id: Option<i64>,
    pub channel: Channel,
    pub alerts: Vec<Alert>,
}

impl Outgoing {
    pub fn title(&self) -> String {
        match self.alerts.as_slice() {
            [] => "bloop alert".into(),
            [a] => match a.kind.as_str() {
                "new_issue" => format!(
                    "New issue in {}: {}",
                    a.project_id,
                    a.error_type.as_deref().unwrap_or("error")
                ),
                "regression" => format!(
                    "Regression in {}: {}",
                    a.project_id,
                    a.error_type.as_deref().unwrap_or("error")
                ),
                "threshold" => format!("Threshold reached in {}: {}", a.project_id, a.reason),
                "spike" => format!("Error spike in {}: {}", a.project_id, a.reason),
                _ => format!("Test alert from bloop rule \"{}\"", a.rule_name),
            },
            many => format!(
                "{} alerts from rule \"{}\" ({})",
                many.len(),
                many[0].rule_name,
                many[0].kind.replace('_', " ")
            ),
        }
    }

    /// Plain-text body: one block per alert, the first `DIGEST_LINES` of a digest.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for a in self.alerts.iter().take(DIGEST_LINES) {
            let head = match (&a.error_type, &a.message) {
                (Some(t), Some(m)) => format!("{t}: {m}"),
                _ => a.reason.clone(),
            };
            out.push_str(&format!("• {head}\n"));
            let mut facts = vec![format!("project {}", a.project_id)];
            for (k, v) in [
                ("environment", &a.environment),
                ("release", &a.release),
                ("source", &a.source),
                ("route", &a.route),
            ] {
                if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                    facts.push(format!("{k} {v}"));
                }
            }
            facts.push(format!("{} events", a.count));
            out.push_str(&format!(
                "  {} — {}\n  {}\n",
                facts.join(", "),
                a.reason,
                a.link
            ));
        }
        if self.alerts.len() > DIGEST_LINES {
            out.push_str(&format!("…and {} more\n", self.alerts.len() - DIGEST_LINES));
        }
        out
    }
}

/// Slack mrkdwn needs `&`, `<` and `>` escaped; everything in an alert is attacker-controlled.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The documented webhook body.
pub fn webhook_body(o: &Outgoing) -> serde_json::Value {
    json!({
        "event": if o.alerts.len() > 1 { "alert.digest" } else { "alert" },
        "title": o.title(),
        "rule_id": o.rule_id,
        "count": o.alerts.len(),
        "alerts": o.alerts,
        "sent_at": now_ms(),
    })
}

/// Whether outbound alerts may go to `ip`.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80)
        }
    }
}

/// Why a target URL cannot be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TargetError {
    /// Never: not an http(s) URL with a host.
    Invalid(String),
    /// Never while `alerting.allow_private_targets` is off: a loopback/private address.
    Refused(String),
    /// Not now: the name does not resolve (it may later).
    Unresolved(String),
}

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetError::Invalid(m) | TargetError::Refused(m) | TargetError::Unresolved(m) => {
                f.write_str(m)
            }
        }
    }
}

fn refused(host: &str, ip: IpAddr) -> TargetError {
    TargetError::Refused(format!(
        "refused: {host} resolves to {ip} (loopback/private/link-local); set alerting.allow_private_targets to allow it"
    ))
}

/// Resolves `url`'s host and checks every address; returns the host and the address to use.
async fn resolve_checked(
    url: &str,
    allow_private: bool,
) -> Result<(reqwest::Url, String, SocketAddr), TargetError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| TargetError::Invalid(format!("invalid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(TargetError::Invalid(
            "only http and https targets are allowed".into(),
        ));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| TargetError::Invalid("URL has no host".into()))?
        .to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let bare = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    // `localhost` and its subdomains are loopback whatever a resolver says (RFC 6761).
    if !allow_private && (bare == "localhost" || bare.ends_with(".localhost")) {
        return Err(refused(&host, IpAddr::from([127, 0, 0, 1])));
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare.as_str(), port))
        .await
        .map_err(|e| TargetError::Unresolved(format!("cannot resolve {host}: {e}")))?
        .collect();
    let first = *addrs
        .first()
        .ok_or_else(|| TargetError::Unresolved(format!("{host} has no address")))?;
    if !allow_private {
        if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(refused(&host, bad.ip()));
        }
    }
    Ok((parsed, bare, first))
}

/// How long [`check_channel`] waits for a name to resolve; a name that does not resolve in time
/// (or at all) is not refused: it may resolve when an alert fires.
const CHECK_RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why `channel` could never deliver from a server with `config`, by the checks delivery makes:
/// email needs `smtp.enabled` (and a valid `smtp.from`); a Slack or webhook URL must be http(s)
/// with a host, and while `alerting.allow_private_targets` is off must not resolve to a loopback,
/// private or link-local address.
pub async fn check_channel(channel: &Channel, config: &Config) -> Result<(), String> {
    let allow_private = config.alerting.allow_private_targets;
    match channel {
        Channel::Slack { webhook_url: url } | Channel::Webhook { url, .. } => {
            match tokio::time::timeout(CHECK_RESOLVE_TIMEOUT, resolve_checked(url, allow_private))
                .await
            {
                Ok(Err(e @ (TargetError::Invalid(_) | TargetError::Refused(_)))) => {
                    Err(e.to_string())
                }
                Ok(Ok(_) | Err(TargetError::Unresolved(_))) | Err(_) => Ok(()),
            }
        }
        Channel::Email { .. } => email_ready(&config.smtp).map(|_| ()),
    }
}

/// The sender address, when email can be sent at all.
fn email_ready(smtp: &SmtpConfig) -> Result<lettre::message::Mailbox, String> {
    if !smtp.enabled {
        return Err("email needs SMTP, and smtp.enabled is false".into());
    }
    smtp.from
        .parse()
        .map_err(|e| format!("smtp.from `{}`: {e}", smtp.from))
}

/// Outcome of one delivery.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Outcome {
    pub channel: String,
    pub target: String,
    pub ok: bool,
    pub attempts: u32,
    pub error: Option<String>,
}

enum Failure {
    /// Worth another try (5xx, 429, timeout, connection).
    Retry(String),
    Final(String),
}

/// Sends alerts; cheap to clone.
#[derive(Clone)]
pub struct Sender {
    inner: Arc<Inner>,
}

struct Inner {
    hmac_secret: String,
    smtp: SmtpConfig,
    allow_private: bool,
    pool: crate::store::Db,
    /// Base retry delay (tests shorten it).
    backoff: Duration,
}

impl Sender {
    pub fn new(config: &Config, pool: crate::store::Db) -> Self {
        Self {
            inner: Arc::new(Inner {
                hmac_secret: config.auth.hmac_secret.expose().to_string(),
                smtp: config.smtp.clone(),
                allow_private: config.alerting.allow_private_targets,
                pool,
                backoff: Duration::from_millis(500),
            }),
        }
    }

    async fn attempt(&self, o: &Outgoing) -> Result<(), Failure> {
        match &o.channel {
            Channel::Slack { webhook_url } => {
                let mut text = format!(
                    "*{}*\n{}",
                    slack_escape(&o.title()),
                    slack_escape(&o.text())
                );
                text.truncate(35_000);
                self.post(webhook_url, &json!({ "text": text }), None).await
            }
            Channel::Webhook { url, secret } => {
                let body = webhook_body(o);
                let key = secret.as_deref().unwrap_or(&self.inner.hmac_secret);
                self.post(url, &body, Some(key)).await
            }
            Channel::Email { to } => self.email(to, o).await,
        }
    }

    async fn post(
        &self,
        url: &str,
        body: &serde_json::Value,
        sign_with: Option<&str>,
    ) -> Result<(), Failure> {
        let (parsed, host, addr) = resolve_checked(url, self.inner.allow_private)
            .await
            .map_err(|e| Failure::Final(e.to_string()))?;
        let client = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .resolve(&host, addr)
            .user_agent(concat!("bloop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Failure::Final(e.to_string()))?;
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let mut req = client
            .post(parsed)
            .header("content-type", "application/json");
        if let Some(key) = sign_with {
            req = req
                .header(
                    "x-bloop-signature",
                    crate::signing::sign(key.as_bytes(), &bytes),
                )
                .header("x-bloop-event", body["event"].as_str().unwrap_or("alert"));
        }
        match req.body(bytes).send().await {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => {
                let code = r.status().as_u16();
                let msg = format!("receiver answered {code}");
                if code >= 500 || code == 429 {
                    Err(Failure::Retry(msg))
                } else {
                    Err(Failure::Final(msg))
                }
            }
            Err(e) if e.is_timeout() => Err(Failure::Retry("timed out".into())),
            Err(e) => Err(Failure::Retry(format!("request failed: {e}"))),
        }
    }

    async fn email(&self, to: &[String], o: &Outgoing) -> Result<(), Failure> {
        use lettre::message::header::ContentType;
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
        let smtp = &self.inner.smtp;
        let from = email_ready(smtp).map_err(Failure::Final)?;
        let mut builder = Message::builder()
            .from(from)
            .subject(format!("[bloop] {}", o.title()));
        for addr in to {
            builder = builder.to(addr
                .parse()
                .map_err(|e| Failure::Final(format!("{addr}: {e}")))?);
        }
        let msg = builder
            .header(ContentType::TEXT_PLAIN)
            .body(o.text())
            .map_err(|e| Failure::Final(e.to_string()))?;
        let mut transport = if smtp.starttls {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                .map_err(|e| Failure::Final(e.to_string()))?
        } else if smtp.port == 465 {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|e| Failure::Final(e.to_string()))?
        } else {
            // Plain SMTP, for a relay on localhost or a private network.
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
        }
        .port(smtp.port)
        .timeout(Some(ATTEMPT_TIMEOUT));
        if !smtp.username.is_empty() {
            transport = transport.credentials(Credentials::new(
                smtp.username.clone(),
                smtp.password.expose().to_string(),
            ));
        }
        transport.build().send(msg).await.map(|_| ()).map_err(|e| {
            if e.is_permanent() {
                Failure::Final(e.to_string())
            } else {
                Failure::Retry(e.to_string())
            }
        })
    }

    /// Delivers with retries and records the outcome in the delivery log.
    pub async fn deliver(&self, o: &Outgoing) -> Outcome {
        let mut attempts = 0;
        let mut error = None;
        while attempts < MAX_ATTEMPTS {
            attempts += 1;
            match self.attempt(o).await {
                Ok(()) => {
                    error = None;
                    break;
                }
                Err(Failure::Final(e)) => {
                    error = Some(e);
                    break;
                }
                Err(Failure::Retry(e)) => {
                    error = Some(e);
                    if attempts < MAX_ATTEMPTS {
                        tokio::time::sleep(self.inner.backoff * 2u32.pow(attempts - 1)).await;
                    }
                }
            }
        }
        let outcome = Outcome {
            channel: o.channel.kind().into(),
            target: o.channel.target(),
            ok: error.is_none(),
            attempts,
            error,
        };
        if let Some(e) = &outcome.error {
            tracing::warn!(channel = %outcome.channel, target = %outcome.target, attempts, error = %e, "alert delivery failed");
        }
        self.log(o, &outcome, if outcome.ok { "sent" } else { "failed" })
            .await;
        outcome
    }

    async fn log(&self, o: &Outgoing, outcome: &Outcome, status: &'static str) {
        let (rule, ch, target, title, attempts, err) = (
            o.rule_id,
            outcome.channel.clone(),
            outcome.target.clone(),
            o.title(),
            outcome.attempts,
            outcome.error.clone(),
        );
        let r = self
            .inner
            .pool
            .record_delivery(store::db::DeliveryRecord {
                rule_id: rule,
                channel: ch,
                target,
                title,
                status,
                attempts,
                error: err,
            })
            .await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "could not write the alert delivery log");
        }
    }
}

/// The bounded delivery queue and its worker.
pub struct Queue {
    pub tx: mpsc::Sender<Outgoing>,
}

/// Starts the delivery worker on `tasks`; it ends when every `Queue` sender is dropped.
pub fn start(sender: Sender, tasks: &TaskTracker) -> Queue {
    let (tx, mut rx) = mpsc::channel::<Outgoing>(QUEUE);
    let inner_tasks = TaskTracker::new();
    let limit = Arc::new(Semaphore::new(8));
    tasks.spawn(async move {
        while let Some(o) = rx.recv().await {
            // A slow receiver holds one of 8 slots, never the queue.
            let Ok(permit) = limit.clone().acquire_owned().await else {
                break;
            };
            let s = sender.clone();
            inner_tasks.spawn(async move {
                s.deliver(&o).await;
                drop(permit);
            });
        }
        inner_tasks.close();
        inner_tasks.wait().await;
    });
    Queue { tx }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_targets_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "100.64.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn slack_text_is_escaped() {
        assert_eq!(
            slack_escape("<img src=x> & <@U123>"),
            "&lt;img src=x&gt; &amp; &lt;@U123&gt;"
        );
    }
}
