//! Micro-benchmarks of the ingest hot path: signature check, parse + validate, scrubbing,
//! fingerprint, and one writer flush of 500 events (fresh and repeated fingerprints).
//! Run: `cargo bench --bench core`.

use std::sync::Arc;

use bloop::config::IngestConfig;
use bloop::pipeline::{write_batch, Accepted};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

fn body(i: usize) -> String {
    serde_json::json!({
        "timestamp": 1_700_000_000_000i64 + i as i64,
        "source": "api",
        "environment": "production",
        "release": "1.4.2",
        "app_version": "1.4.2",
        "route_or_procedure": format!("GET /api/items/{}", i % 20),
        "error_type": "DatabaseError",
        "message": format!("Connection refused at 10.0.{}.{}:5432 after {} ms (request 3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f)", i % 250, i % 200, i),
        "stack": format!("at Pool.connect (/app/node_modules/pg-pool/index.js:45:11)\nat UserRepo.find{} (/app/src/repo/user.js:88:17)\nat handler (/app/src/routes/users.js:23:9)", i % 1000),
        "http_status": 500,
        "request_id": format!("req-{i}"),
        "metadata": {"region": "eu-west-1", "attempt": i % 3, "pool": "primary"}
    })
    .to_string()
}

fn bench_signature(c: &mut Criterion) {
    let cache = bloop::ingest::KeyCache::new("bench-secret");
    let b = body(1);
    let sig = bloop::signing::sign(b"bench-secret", b.as_bytes());
    c.bench_function("signature_check_600B", |bench| {
        bench.iter(|| cache.authenticate(b.as_bytes(), Some(&sig), None, 0))
    });
}

fn bench_parse(c: &mut Criterion) {
    let caps = IngestConfig::default();
    let b = body(1);
    c.bench_function("parse_validate_600B", |bench| {
        bench.iter(|| bloop::event::parse_event(b.as_bytes(), &caps))
    });
}

fn bench_fingerprint(c: &mut Criterion) {
    let caps = IngestConfig::default();
    let e = bloop::event::parse_event(body(7).as_bytes(), &caps).expect("valid");
    c.bench_function("fingerprint_compute", |bench| {
        bench.iter(|| {
            bloop::fingerprint::compute(
                &e.source,
                &e.error_type,
                e.route_or_procedure.as_deref().unwrap_or(""),
                &e.message,
                e.stack.as_deref(),
            )
        })
    });
    c.bench_function("normalize_message", |bench| {
        bench.iter(|| bloop::fingerprint::normalize_message(&e.message))
    });
}

/// A typical event for scrubbing: a ~100-character message, a ~1 KB stack, metadata with ten
/// keys, one nested object and a header list. `secrets` puts a password, a bearer token, a card
/// number and a provider key in it (each rule replaces something); without, nothing changes.
fn scrub_event(secrets: bool) -> bloop::event::Event {
    let frame = |i: usize| {
        format!(
            "    at Service.method{i} (/app/src/services/orders/handler{i}.js:{}:17)\n",
            40 + i
        )
    };
    let stack: String = (0..14).map(frame).collect();
    let (message, auth, note) = if secrets {
        (
            "Payment declined for card 4111 1111 1111 1111 (order 98231, retry 2 of 3, gateway eu-1)",
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "key sk-ant-api03-Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE used",
        )
    } else {
        (
            "Payment declined for order 98231 by the gateway (retry 2 of 3, region eu-west-1, code 51)",
            "application/json",
            "customer asked for a refund after the second attempt",
        )
    };
    let body = serde_json::json!({
        "timestamp": 1_700_000_000_000i64, "error_type": "PaymentError", "source": "api",
        "message": message,
        "stack": stack,
        "metadata": {
            "region": "eu-west-1", "attempt": 2, "pool": "primary", "order_id": "ord_98231",
            "user": {"id": "u_123", "plan": "pro", "password": if secrets { "hunter2" } else { "" }},
            "headers": [["Accept", "application/json"], ["Authorization", auth],
                        ["User-Agent", "bloop-bench/1.0"]],
            "note": note, "gateway": "adyen", "amount": 1999, "currency": "EUR"
        }
    });
    let caps = IngestConfig {
        max_stack_bytes: 8192,
        ..IngestConfig::default()
    };
    bloop::event::parse_event(body.to_string().as_bytes(), &caps).expect("valid")
}

fn bench_scrub(c: &mut Criterion) {
    let scrubber = bloop::scrub::Scrubber::new(&bloop::config::ScrubbingConfig::default(), b"k");
    for (name, secrets) in [("scrub_event_clean", false), ("scrub_event_secrets", true)] {
        let e = scrub_event(secrets);
        c.bench_function(name, |bench| {
            bench.iter_batched_ref(|| e.clone(), |e| scrubber.event(e), BatchSize::SmallInput)
        });
    }
}

fn accepted(n: usize, kinds: usize) -> Vec<Arc<Accepted>> {
    let caps = IngestConfig::default();
    let project: Arc<str> = Arc::from("default");
    (0..n)
        .map(|i| {
            let event = bloop::event::parse_event(body(i).as_bytes(), &caps).expect("valid");
            Arc::new(Accepted {
                project_id: project.clone(),
                fingerprint: format!("{:016x}", i % kinds),
                received_at: 1_700_000_000_000 + i as i64,
                max_age_ms: Accepted::DEFAULT_MAX_AGE_MS,
                event,
            })
        })
        .collect()
}

fn bench_flush(c: &mut Criterion) {
    let mut group = c.benchmark_group("flush_500");
    group.sample_size(20);
    for (name, kinds) in [
        ("repeated_fingerprints_20", 20),
        ("fresh_fingerprints", usize::MAX),
        ("kinds_1000", 1000),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = bloop::store::open(&dir.path().join("bench.db")).expect("open");
        let mut cache = bloop::store::ingest::IssueCache::default();
        bloop::store::tune_writer(&conn).expect("tune");
        let mut round = 0usize;
        group.bench_function(name, |bench| {
            bench.iter_batched(
                || {
                    round += 1;
                    let mut batch = accepted(500, kinds.min(1000));
                    if kinds == 1000 {
                        // The load benchmark's shape: 1,000 kinds, each flush a different slice.
                        for (i, a) in batch.iter_mut().enumerate() {
                            Arc::get_mut(a).expect("unshared").fingerprint =
                                format!("{:016x}", (round * 500 + i * 7) % 1000);
                        }
                    }
                    if kinds == usize::MAX {
                        for (i, a) in batch.iter_mut().enumerate() {
                            Arc::get_mut(a).expect("unshared").fingerprint =
                                format!("{round:08x}{i:08x}");
                        }
                    }
                    batch
                },
                |batch| write_batch(&mut conn, &mut cache, &batch, 5, false).expect("flush"),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_signature,
    bench_parse,
    bench_scrub,
    bench_fingerprint,
    bench_flush
);
criterion_main!(benches);
