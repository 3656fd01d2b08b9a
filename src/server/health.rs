//! `GET /health`: queue depth, drops by reason, age of the last flush, and whether the database
//! can be written. 503 only when it cannot; a queue under pressure is reported, not failed.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::AppState;
use crate::pipeline::DropReason;
use crate::store::now_ms;

/// A flush this recent counts as proof that the database is writable.
const RECENT_FLUSH_MS: i64 = 5_000;

pub(super) async fn health(State(st): State<AppState>) -> (StatusCode, Json<Value>) {
    let last_flush = st.pipeline.stats.last_flush_ms.load(Ordering::Relaxed);
    let flush_error = st.pipeline.stats.flush_error();
    // A writer that committed moments ago proves the database takes writes; probing for the
    // write lock then would only compete with it (and lose under load, reporting a false 503).
    let recently_written = last_flush > 0 && now_ms() - last_flush < RECENT_FLUSH_MS;
    let db_error = if flush_error.is_some() || recently_written {
        None
    } else {
        st.db.check_writable().await.err().map(|e| e.to_string())
    };
    let db_ok = db_error.is_none() && flush_error.is_none();
    let stats = &st.pipeline.stats;
    #[allow(unused_mut)]
    let mut body = json!({
        "status": if db_ok { "ok" } else { "unhealthy" },
        "version": env!("CARGO_PKG_VERSION"),
        "db_ok": db_ok,
        "db_error": db_error.or(flush_error),
        "queue_depth": st.pipeline.queue_depth(),
        "queue_capacity": st.pipeline.capacity(),
        "dropped": {
            "queue_full": stats.dropped(DropReason::QueueFull),
            "rate_limited": stats.dropped(DropReason::RateLimited),
        },
        "events_written": stats.written.load(Ordering::Relaxed),
        "database": {"backend": st.db.backend(), "role": st.role.as_str()},
        "flushes": {
            "count": stats.flush_times.count(),
            "p50_ms_under": stats.flush_times.quantile_ms(0.5),
            "p99_ms_under": stats.flush_times.quantile_ms(0.99),
            "conflicts_retried": stats.conflicts.load(Ordering::Relaxed),
        },
        "last_flush_age_ms": (last_flush > 0).then(|| now_ms() - last_flush),
        "uptime_secs": st.started.elapsed().as_secs(),
        "connections": st.connections.stats(),
        "sentry": st.sentry_stats.json(),
        "sourcemap_cache_bytes": st.sourcemaps.cached_bytes(),
    });
    // Trace ingest, when it is on: its own queue and what the writer committed of it.
    #[cfg(feature = "llm-tracing")]
    if let Some(q) = &st.pipeline.llm {
        body["llm"] = json!({
            "queue_depth": q.depth(),
            "traces_written": q.stats.traces_written.load(Ordering::Relaxed),
            "spans_written": q.stats.spans_written.load(Ordering::Relaxed),
            "refused_full": q.stats.refused_full.load(Ordering::Relaxed),
            "proxy": super::proxy::health(&st.proxy),
        });
    }
    let code = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
