//! The issue list's filter choices (releases, environments) per project selection, kept for a
//! short while: computing them walks every issue, the list itself does not. Server state, read
//! by the dashboard.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Filter choices (releases, environments) for the issue list, per project selection, kept for
/// 30 s: computing them walks every issue, the list itself does not.
#[derive(Default)]
pub struct FilterCache(std::sync::Mutex<HashMap<Option<String>, Cached>>);

type Cached = (Instant, Arc<Filters>);

pub struct Filters {
    pub releases: Vec<String>,
    pub environments: Vec<String>,
}

const FILTER_TTL: Duration = Duration::from_secs(30);

impl FilterCache {
    pub fn get(&self, key: &Option<String>) -> Option<Arc<Filters>> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .filter(|(t, _)| t.elapsed() < FILTER_TTL)
            .map(|(_, f)| f.clone())
    }

    pub fn put(&self, key: Option<String>, f: Arc<Filters>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= 256 {
            map.clear();
        }
        map.insert(key, (Instant::now(), f));
    }
}
