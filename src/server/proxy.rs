//! The LLM proxy's HTTP side: `/v1/proxy/openai/{*path}` and `/v1/proxy/anthropic/{*path}`,
//! every method. A call needs a bloop project key (`X-Bloop-Key`) — never an open relay — and
//! is forwarded with the provider's own credentials untouched; the answer comes back as the
//! provider sent it, streams relayed as they arrive. Traced calls (chat completions, responses,
//! messages) are recorded as a trace with one generation span once they end, through the trace
//! queue; recording never delays or fails the call.
//!
//! These routes sit outside the request timeout (an answer can take minutes); the provider's
//! answer must begin within `llm_tracing.proxy.upstream_timeout_secs`.

use super::error::ApiError;

#[cfg(not(feature = "llm-tracing"))]
mod off {
    pub async fn any() -> super::ApiError {
        super::super::traces::disabled()
    }
}

#[cfg(not(feature = "llm-tracing"))]
pub use off::{any as anthropic, any as openai};

#[cfg(feature = "llm-tracing")]
pub use on::{anthropic, openai, ProxyState};

#[cfg(feature = "llm-tracing")]
mod on {
    use std::num::NonZeroU32;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll};
    use std::time::{Duration, Instant};

    use axum::body::{Body, Bytes};
    use axum::extract::{Request, State};
    use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
    use axum::response::{IntoResponse, Response};
    use futures_core::Stream;
    use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::config::LlmProxyConfig;
    use crate::llm::cut;
    use crate::llm::proxy::{self as px, sse, Capture, Endpoint, Provider};
    use crate::llm::trace::{Inclusive, Span, Trace, MAX_ID_BYTES, MAX_LABEL_BYTES};
    use crate::pipeline::{LlmQueue, LlmRecord};
    use crate::server::AppState;
    use crate::store::now_ms;
    use crate::store::traces::Mode;
    use axum::http::StatusCode;

    /// 404 naming the provider that is not proxied here.
    fn provider_off(name: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "proxy_disabled",
            format!(
                "the {name} proxy is not enabled on this server (llm_tracing.proxy.enabled, \
                 llm_tracing.proxy.providers)"
            ),
        )
    }

    /// What the proxy keeps between calls: the upstream client, the per-key limiter, counters.
    pub struct ProxyState {
        client: reqwest::Client,
        limiter: Option<DefaultKeyedRateLimiter<String>>,
        pub stats: Arc<ProxyStats>,
    }

    /// Counters for `/health`.
    #[derive(Debug, Default)]
    pub struct ProxyStats {
        pub calls: AtomicU64,
        pub recorded: AtomicU64,
        /// Calls whose record could not be queued (the trace queue stayed full).
        pub capture_dropped: AtomicU64,
        pub upstream_failed: AtomicU64,
    }

    impl ProxyState {
        pub fn new(cfg: &LlmProxyConfig) -> Self {
            let client = reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(cfg.connect_timeout_secs))
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(Duration::from_secs(60))
                .build()
                .unwrap_or_default();
            let limiter = NonZeroU32::new(cfg.rate_limit_per_second).map(|rate| {
                let burst = NonZeroU32::new(cfg.rate_limit_burst).unwrap_or(rate);
                RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
            });
            Self {
                client,
                limiter,
                stats: Arc::default(),
            }
        }
    }

    pub async fn openai(State(st): State<AppState>, req: Request) -> Response {
        handle(st, Provider::OpenAi, req).await
    }

    pub async fn anthropic(State(st): State<AppState>, req: Request) -> Response {
        handle(st, Provider::Anthropic, req).await
    }

    fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// A context header under bloop's name or Helicone's, cut to `max` bytes.
    fn context(h: &HeaderMap, names: &[&str], max: usize) -> Option<String> {
        names
            .iter()
            .find_map(|n| header(h, n))
            .map(|v| cut(v, max).to_string())
    }

    /// The trace context a call carries in its headers.
    #[derive(Debug, Default)]
    struct Ctx {
        trace_id: Option<String>,
        session: Option<String>,
        user: Option<String>,
        name: Option<String>,
        prompt_name: Option<String>,
        prompt_version: Option<String>,
        properties: Map<String, Value>,
        sdk_retry: Option<String>,
    }

    impl Ctx {
        fn read(h: &HeaderMap) -> Self {
            let l = MAX_LABEL_BYTES;
            let mut properties = Map::new();
            for (name, value) in h {
                let n = name.as_str();
                let key = n
                    .strip_prefix("x-bloop-property-")
                    .or_else(|| n.strip_prefix("helicone-property-"));
                if let (Some(k), Ok(v)) = (key, value.to_str()) {
                    if !k.is_empty() && properties.len() < 50 {
                        properties.insert(cut(k, 128).to_string(), cut(v, l).into());
                    }
                }
            }
            Self {
                trace_id: context(h, &["x-bloop-trace-id"], MAX_ID_BYTES),
                session: context(h, &["x-bloop-session-id", "helicone-session-id"], l),
                user: context(h, &["x-bloop-user-id", "helicone-user-id"], l),
                name: context(h, &["x-bloop-trace-name", "helicone-session-name"], l),
                prompt_name: context(h, &["x-bloop-prompt-name", "helicone-prompt-id"], l),
                prompt_version: context(h, &["x-bloop-prompt-version"], l),
                properties,
                sdk_retry: header(h, "x-stainless-retry-count")
                    .filter(|v| *v != "0")
                    .map(|v| cut(v, 16).to_string()),
            }
        }
    }

    /// An answer given before the request body was read: the connection closes after it (the
    /// unread body cannot be skipped safely), and says so, so that no client sends its next
    /// request on it.
    fn unread(mut r: Response) -> Response {
        r.headers_mut().insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
        r
    }

    fn random_hex(bytes: usize) -> String {
        let mut b = vec![0u8; bytes];
        rand::fill(&mut b[..]);
        hex::encode(b)
    }

    async fn handle(st: AppState, provider: Provider, req: Request) -> Response {
        let Some(queue) = st.pipeline.llm.clone() else {
            return unread(super::super::traces::disabled().into_response());
        };
        let cfg = &st.config.llm_tracing.proxy;
        if !cfg.enabled || !cfg.providers.iter().any(|p| p == provider.name()) {
            return unread(provider_off(provider.name()).into_response());
        }
        let arrived = Instant::now();
        let started_at = now_ms();
        let (parts, body) = req.into_parts();
        let key = header(&parts.headers, "x-bloop-key");
        let project = match st.keys.key_or_reload(&st.db, key).await {
            Ok(p) => p,
            Err(e) => {
                return unread(
                    ApiError::unauthorized(
                        e.code(),
                        format!("{e}; the proxy needs the header X-Bloop-Key: <project key>"),
                    )
                    .into_response(),
                )
            }
        };
        let key = key.unwrap_or_default().to_string();
        if let Some(l) = &st.proxy.limiter {
            if l.check_key(&key).is_err() {
                let mut r = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "bloop_rate_limited",
                    "too many proxied calls for this bloop key; retry shortly \
                     (llm_tracing.proxy.rate_limit_per_second)",
                )
                .into_response();
                r.headers_mut()
                    .insert("retry-after", HeaderValue::from_static("1"));
                return unread(r);
            }
        }
        if let Some(r) = over_budget(&st, &queue, &project).await {
            return unread(r);
        }
        let limit = cfg.max_request_bytes;
        let too_large = || {
            let r = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("request body over llm_tracing.proxy.max_request_bytes ({limit} bytes)"),
            )
            .field("body")
            .limit(limit as u64)
            .into_response();
            unread(r)
        };
        let declared = header(&parts.headers, "content-length").and_then(|v| v.parse().ok());
        if declared.is_some_and(|n: usize| n > limit) {
            return too_large();
        }
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(e) => {
                let over = std::error::Error::source(&e)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
                return if over {
                    too_large()
                } else {
                    unread(
                        ApiError::bad_request("bad_body", "the request body could not be read")
                            .into_response(),
                    )
                };
            }
        };
        st.proxy.stats.calls.fetch_add(1, Ordering::Relaxed);

        let prefix = format!("/v1/proxy/{}/", provider.name());
        let path = parts.uri.path().strip_prefix(&prefix).unwrap_or("");
        let base = match provider {
            Provider::OpenAi => &cfg.openai_base_url,
            Provider::Anthropic => &cfg.anthropic_base_url,
        };
        let (url, rel) = px::upstream_url(base, path, parts.uri.query());
        let endpoint = (parts.method == Method::POST)
            .then(|| Endpoint::of(provider, &rel))
            .flatten();
        let (request, body) = match endpoint {
            Some(e) => {
                let (r, rewritten) = px::prepare(e, &bytes);
                (r, rewritten.map(Bytes::from).unwrap_or(bytes))
            }
            None => (px::Request::default(), bytes),
        };

        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &parts.headers {
            if px::forwarded_request_header(name.as_str()) {
                headers.append(name.clone(), value.clone());
            }
        }
        let method =
            reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).unwrap_or_default();
        let send = st
            .proxy
            .client
            .request(method, &url)
            .headers(headers)
            .body(body)
            .send();
        let recorder = endpoint.map(|endpoint| Recorder {
            queue: queue.clone(),
            stats: st.proxy.stats.clone(),
            wait: st.enqueue_wait,
            project: project.clone(),
            provider,
            endpoint,
            ctx: Ctx::read(&parts.headers),
            request: request.clone(),
            capture_prompt: cfg.capture_prompts,
            content_cap: st.config.llm_tracing.max_payload_bytes,
            arrived,
            started_at,
        });
        let timeout = Duration::from_secs(cfg.upstream_timeout_secs);
        let upstream = match tokio::time::timeout(timeout, send).await {
            Ok(Ok(r)) => r,
            failed => {
                st.proxy
                    .stats
                    .upstream_failed
                    .fetch_add(1, Ordering::Relaxed);
                let (status, code, message) = match &failed {
                    Err(_) => (
                        StatusCode::GATEWAY_TIMEOUT,
                        "upstream_timeout",
                        format!(
                            "{} did not answer within {} s (llm_tracing.proxy.upstream_timeout_secs)",
                            provider.name(),
                            timeout.as_secs()
                        ),
                    ),
                    Ok(Err(e)) if e.is_timeout() => (
                        StatusCode::GATEWAY_TIMEOUT,
                        "upstream_timeout",
                        format!("{}: connection timed out", provider.name()),
                    ),
                    Ok(Err(_)) => (
                        StatusCode::BAD_GATEWAY,
                        "upstream_unreachable",
                        format!("could not reach {} at its base URL", provider.name()),
                    ),
                    Ok(Ok(_)) => unreachable!("matched above"),
                };
                tracing::warn!(
                    provider = provider.name(),
                    code,
                    "proxied call failed upstream"
                );
                if let Some(r) = recorder {
                    let mut c = Capture::new(false, 0);
                    c.error = Some(message.clone());
                    r.record(c, status.as_u16(), Outcome::Error, None);
                }
                return ApiError::new(status, code, message).into_response();
            }
        };

        let status = upstream.status().as_u16();
        let sse = upstream
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("text/event-stream"));
        let edits = sse && request.injected_usage;
        let mut out = Response::builder().status(status);
        if let Some(h) = out.headers_mut() {
            for (name, value) in upstream.headers() {
                let n = name.as_str();
                // An edited stream is shorter than the provider said.
                if px::forwarded_response_header(n) && !(edits && n == "content-length") {
                    if let (Ok(n), Ok(v)) = (
                        HeaderName::from_bytes(n.as_bytes()),
                        HeaderValue::from_bytes(value.as_bytes()),
                    ) {
                        h.append(n, v);
                    }
                }
            }
        }
        // hyper stops polling a body once the declared length is written: the call then
        // ended whole even though the relay never saw the stream's end.
        let expected = if edits {
            None
        } else {
            upstream.content_length()
        };
        let stream = upstream.bytes_stream();
        let body = match recorder {
            None => Body::from_stream(stream),
            Some(recorder) => {
                let keep_text = cfg.capture_completions && (!sse || cfg.capture_streaming);
                Body::from_stream(Relay {
                    upstream: Box::pin(stream),
                    splitter: sse.then(sse::Splitter::new),
                    edits,
                    status,
                    capture: Capture::new(keep_text, st.config.llm_tracing.max_payload_bytes),
                    body: Vec::new(),
                    body_cap: st.config.llm_tracing.max_payload_bytes.max(1 << 20),
                    first_byte: None,
                    expected,
                    sent: 0,
                    recorder: Some(recorder),
                    done: false,
                })
            }
        };
        out.body(body)
            .unwrap_or_else(|_| ApiError::internal().into_response())
    }

    /// 429 `bloop_budget_exceeded` when the project enforces its monthly budget and has
    /// reached it. The spend is in memory ([`crate::llm::budget::SpendBook`]); the database is
    /// read only for a project not checked within `llm_tracing.cache_ttl_secs`. A failed read
    /// lets the call through: bloop's own trouble never fails a call.
    async fn over_budget(st: &AppState, queue: &LlmQueue, project: &Arc<str>) -> Option<Response> {
        let now = now_ms();
        let spend = match queue.spend.cached(project, now) {
            Some(s) => s,
            None => {
                let read = st
                    .db
                    .read_spend(queue.spend.clone(), project.to_string(), now)
                    .await;
                match read {
                    Ok(s) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "budget not checked: could not read the spend");
                        return None;
                    }
                }
            }
        };
        if !spend.exceeded() {
            return None;
        }
        let usd = |m: i64| m as f64 / 1e6;
        let budget = spend.budget_micros.unwrap_or_default();
        let resets = crate::store::llm_usage::utc(spend.month_end);
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({
                "error": format!(
                    "project {project} has spent ${:.2} of its ${:.2} budget for {}; the proxy \
                     refuses its calls until {resets} UTC (bloop llm budget set … --no-enforce \
                     lifts this)",
                    usd(spend.spent_micros),
                    usd(budget),
                    spend.month
                ),
                "code": "bloop_budget_exceeded",
                "project": &**project,
                "month": spend.month,
                "spent_usd": usd(spend.spent_micros),
                "budget_usd": usd(budget),
                "resets_at": iso_utc(spend.month_end),
            })),
        )
            .into_response();
        let wait = ((spend.month_end - now) / 1000).max(1);
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            r.headers_mut().insert("retry-after", v);
        }
        Some(r)
    }

    /// Epoch ms as `YYYY-MM-DDTHH:MM:00Z`.
    fn iso_utc(ms: i64) -> String {
        crate::store::llm_usage::utc(ms).replace(' ', "T") + ":00Z"
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Outcome {
        Done,
        Error,
        /// The client went away before the answer ended.
        Cancelled,
    }

    /// Everything needed to record a call once it ends.
    struct Recorder {
        queue: LlmQueue,
        stats: Arc<ProxyStats>,
        wait: Duration,
        project: Arc<str>,
        provider: Provider,
        endpoint: Endpoint,
        ctx: Ctx,
        request: px::Request,
        capture_prompt: bool,
        content_cap: usize,
        arrived: Instant,
        started_at: i64,
    }

    impl Recorder {
        /// Queues the call's trace (never waits on the caller: a task does).
        fn record(self, c: Capture, status: u16, outcome: Outcome, first_byte: Option<Instant>) {
            let latency = self.arrived.elapsed().as_millis() as i64;
            let ms = |t: Option<Instant>| {
                t.map(|t| t.saturating_duration_since(self.arrived).as_millis() as i64)
            };
            let failed = outcome == Outcome::Error || status >= 400 || c.error.is_some();
            let span_status = match outcome {
                Outcome::Cancelled => "cancelled",
                _ if failed => "error",
                _ => "ok",
            };
            let tokens = c.tokens.unwrap_or_default();
            let model = c.model.clone().or_else(|| self.request.model.clone());
            let provider = self.provider.name().to_string();
            let mut meta = Map::new();
            meta.insert("endpoint".into(), self.endpoint.label().into());
            meta.insert("upstream_status".into(), status.into());
            meta.insert("stream".into(), self.request.stream.into());
            if let Some(f) = &c.finish_reason {
                meta.insert("finish_reason".into(), cut(f, 64).into());
            }
            if tokens.reasoning > 0 {
                meta.insert("reasoning_tokens".into(), tokens.reasoning.into());
            }
            if let Some(t) = ms(first_byte) {
                meta.insert("ttfb_ms".into(), t.into());
            }
            if c.tokens.is_none() && !failed {
                meta.insert("usage".into(), "not reported".into());
            }
            if let Some(r) = &self.ctx.sdk_retry {
                meta.insert("sdk_retry".into(), r.as_str().into());
            }
            if c.truncated {
                meta.insert("completion_truncated".into(), true.into());
            }
            if !self.ctx.properties.is_empty() {
                meta.insert(
                    "properties".into(),
                    Value::Object(self.ctx.properties.clone()),
                );
            }
            let cap = |s: Option<String>| s.map(|s| cut(&s, self.content_cap).to_string());
            let span = Span {
                id: random_hex(8),
                parent_span_id: None,
                span_type: "generation".into(),
                name: self.endpoint.label().into(),
                input_includes_cache: Inclusive::decide(
                    Some(&provider),
                    model.as_deref(),
                    tokens.input,
                    tokens.cache_read,
                    tokens.cache_write,
                ),
                model: model.map(|m| cut(&m, MAX_LABEL_BYTES).to_string()),
                provider: Some(provider.clone()),
                input_tokens: tokens.input,
                output_tokens: tokens.output,
                cache_read_tokens: tokens.cache_read,
                cache_write_tokens: tokens.cache_write,
                cost_usd: None,
                latency_ms: Some(latency),
                time_to_first_token_ms: ms(c.first_token),
                status: span_status.into(),
                error_message: c.error.as_deref().map(|e| cut(e, 8192).to_string()),
                input: if self.capture_prompt {
                    cap(self.request.prompt.clone())
                } else {
                    None
                },
                output: cap(c.completion.filter(|t| !t.is_empty())),
                metadata: Some(Value::Object(meta).to_string()),
                started_at: self.started_at,
                ended_at: Some(self.started_at + latency),
            };
            let grouped = self.ctx.trace_id.is_some();
            let trace = Trace {
                id: self.ctx.trace_id.clone().unwrap_or_else(|| random_hex(16)),
                session_id: self.ctx.session.clone(),
                user_id: self.ctx.user.clone().or_else(|| {
                    self.request
                        .user
                        .as_deref()
                        .map(|u| cut(u, MAX_LABEL_BYTES).to_string())
                }),
                name: self
                    .ctx
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{provider} {}", self.endpoint.label())),
                status: match outcome {
                    Outcome::Cancelled => "cancelled".into(),
                    _ if failed => "error".into(),
                    _ => "completed".into(),
                },
                input: None,
                output: None,
                metadata: None,
                started_at: self.started_at,
                ended_at: Some(self.started_at + latency),
                prompt_name: self.ctx.prompt_name.clone(),
                prompt_version: self.ctx.prompt_version.clone(),
                spans: vec![span],
            };
            let record = LlmRecord::Trace {
                project: self.project.clone(),
                trace,
                mode: if grouped { Mode::Merge } else { Mode::Replace },
                received_at: now_ms(),
            };
            let (queue, stats, wait) = (self.queue, self.stats, self.wait);
            let queued = async move {
                match queue.submit(vec![record], wait).await {
                    Ok(()) => stats.recorded.fetch_add(1, Ordering::Relaxed),
                    Err(_) => {
                        tracing::warn!("proxied call not recorded: the trace queue stayed full");
                        stats.capture_dropped.fetch_add(1, Ordering::Relaxed)
                    }
                };
            };
            // Outside a runtime (never in the server) nothing could be queued.
            if let Ok(h) = tokio::runtime::Handle::try_current() {
                h.spawn(queued);
            }
        }
    }

    type Upstream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

    /// The answer's body on its way to the client: chunks pass as they arrive, read on the
    /// side; a stream the proxy asked usage of is passed as whole events, minus what the client
    /// did not ask for. Dropped early (the client went away): the upstream request is dropped
    /// with it and the call is recorded as cancelled.
    struct Relay {
        upstream: Upstream,
        splitter: Option<sse::Splitter>,
        edits: bool,
        status: u16,
        capture: Capture,
        /// A non-streamed answer, kept to read its usage at the end (up to `body_cap`).
        body: Vec<u8>,
        body_cap: usize,
        first_byte: Option<Instant>,
        /// The upstream's Content-Length, when the body passes unedited.
        expected: Option<u64>,
        /// Bytes handed to the client so far.
        sent: u64,
        recorder: Option<Recorder>,
        /// The upstream stream ended (it is not polled again).
        done: bool,
    }

    impl Relay {
        fn chunk(&mut self, chunk: Bytes) -> Bytes {
            let now = Instant::now();
            self.first_byte.get_or_insert(now);
            let Some(splitter) = &mut self.splitter else {
                if self.body.len() + chunk.len() <= self.body_cap {
                    self.body.extend_from_slice(&chunk);
                }
                return chunk;
            };
            let (capture, edits) = (&mut self.capture, self.edits);
            let Some(endpoint) = self.recorder.as_ref().map(|r| r.endpoint) else {
                return chunk;
            };
            if !edits {
                splitter.feed(&chunk, |e| {
                    capture.on_event(endpoint, &e, false, now);
                });
                return chunk;
            }
            let mut out = Vec::with_capacity(chunk.len());
            splitter.feed(&chunk, |e| {
                if !capture.on_event(endpoint, &e, true, now) {
                    match px::openai::strip_null_usage(&e.raw) {
                        Some(edited) => out.extend_from_slice(&edited),
                        None => out.extend_from_slice(&e.raw),
                    }
                }
            });
            Bytes::from(out)
        }

        fn finish(&mut self, outcome: Outcome) {
            if let Some(r) = self.recorder.take() {
                let mut c = std::mem::take(&mut self.capture);
                if self.splitter.is_none() {
                    c.on_body(r.endpoint, self.status, &self.body);
                } else if self.status >= 400 && c.error.is_none() {
                    c.error = Some(format!("HTTP {}", self.status));
                }
                r.record(c, self.status, outcome, self.first_byte);
            }
        }
    }

    impl Stream for Relay {
        type Item = reqwest::Result<Bytes>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            if self.done {
                return Poll::Ready(None);
            }
            loop {
                match self.upstream.as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(chunk))) => {
                        let out = self.chunk(chunk);
                        self.sent += out.len() as u64;
                        if !out.is_empty() {
                            return Poll::Ready(Some(Ok(out)));
                        }
                    }
                    Poll::Ready(Some(Err(e))) => {
                        if self.capture.error.is_none() {
                            self.capture.error = Some(format!("the answer broke off: {e}"));
                        }
                        self.done = true;
                        self.finish(Outcome::Error);
                        return Poll::Ready(Some(Err(e)));
                    }
                    Poll::Ready(None) => {
                        // An edited stream may hold the start of an event that never ended.
                        let edits = self.edits;
                        let rest = self
                            .splitter
                            .as_mut()
                            .filter(|_| edits)
                            .map(|s| Bytes::from(s.take_pending()))
                            .filter(|b| !b.is_empty());
                        self.done = true;
                        self.finish(Outcome::Done);
                        return Poll::Ready(rest.map(Ok));
                    }
                    Poll::Pending => return Poll::Pending,
                }
            }
        }
    }

    impl Drop for Relay {
        fn drop(&mut self) {
            let whole = self.capture.ended || self.expected.is_some_and(|n| self.sent >= n);
            self.finish(if whole {
                Outcome::Done
            } else {
                Outcome::Cancelled
            });
        }
    }

    /// For `/health`.
    pub fn health(st: &ProxyState) -> Value {
        let s = &st.stats;
        json!({
            "calls": s.calls.load(Ordering::Relaxed),
            "recorded": s.recorded.load(Ordering::Relaxed),
            "capture_dropped": s.capture_dropped.load(Ordering::Relaxed),
            "upstream_failed": s.upstream_failed.load(Ordering::Relaxed),
        })
    }
}

#[cfg(feature = "llm-tracing")]
pub use on::health;
