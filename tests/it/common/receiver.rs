//! A local HTTP receiver standing in for Slack and webhook targets: records every request (with
//! when it arrived) and answers with scripted replies: a status, or no answer at all.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
    /// When the request reached the receiver.
    pub at: Instant,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// A header's value as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy)]
enum Reply {
    Status(u16),
    /// Holds the request for a minute: the sender's timeout fires first.
    Hang,
}

#[derive(Clone, Default)]
struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
    hang: Arc<AtomicBool>,
}

pub struct Receiver {
    pub url: String,
    shared: Shared,
    _thread: std::thread::JoinHandle<()>,
}

impl Receiver {
    pub fn start() -> Self {
        let shared = Shared::default();
        let s = shared.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
                    let s = s.clone();
                    async move {
                        s.got.lock().unwrap().push(Received {
                            headers,
                            body,
                            at: Instant::now(),
                        });
                        let next = s.script.lock().unwrap().pop_front();
                        let reply = match next {
                            Some(r) => r,
                            None if s.hang.load(Ordering::Relaxed) => Reply::Hang,
                            None => Reply::Status(200),
                        };
                        let code = match reply {
                            Reply::Status(code) => code,
                            Reply::Hang => {
                                tokio::time::sleep(Duration::from_secs(60)).await;
                                200
                            }
                        };
                        StatusCode::from_u16(code).unwrap()
                    }
                });
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        Self {
            url: format!("http://{addr}/hook"),
            shared,
            _thread: thread,
        }
    }

    /// Statuses for the next requests, in order (then 200).
    pub fn script(&self, codes: &[u16]) {
        self.shared
            .script
            .lock()
            .unwrap()
            .extend(codes.iter().map(|&c| Reply::Status(c)));
    }

    /// The next request gets no answer (for a minute), then the script goes on.
    pub fn hang_next(&self) {
        self.shared.script.lock().unwrap().push_back(Reply::Hang);
    }

    /// Every request from now on (after the script) gets no answer.
    pub fn hang(&self, on: bool) {
        self.shared.hang.store(on, Ordering::Relaxed);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (or `timeout`), returns them.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n || start.elapsed() > timeout {
                return got;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
