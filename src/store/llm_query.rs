//! What every LLM query shares: its parameters (checked by name, a bad one named in the error),
//! the time window it covers, and the projects it may read. The same [`LlmParams`] reach a query
//! from the API (`/v1/llm/…`) and from `bloop llm` on the local database, so both answer alike.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;

use super::StoreError;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// The query parameters of one LLM query, plus the projects the caller may read.
#[derive(Debug, Clone, Default)]
pub struct LlmParams {
    map: BTreeMap<String, String>,
    /// `None`: every project; else only these (a pinned token, or `project=`).
    pub projects: Option<Vec<String>>,
    pub now: i64,
}

/// A time window `[since, until)` in epoch ms.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Window {
    pub since: i64,
    pub until: i64,
}

/// `[from, to)` in epoch ms.
pub type Bounds = (i64, i64);

impl Window {
    /// The whole hours inside the window (for the hourly rollups), if any, and the partial
    /// hours at its edges (for the raw rows): together exactly the window.
    pub fn split(&self) -> (Option<Bounds>, Vec<Bounds>) {
        let h0 = (self.since + HOUR_MS - 1).div_euclid(HOUR_MS) * HOUR_MS;
        let h1 = self.until.div_euclid(HOUR_MS) * HOUR_MS;
        if h0 >= h1 {
            return (None, vec![(self.since, self.until)]);
        }
        let edges = [(self.since, h0), (h1, self.until)]
            .into_iter()
            .filter(|(a, b)| a < b)
            .collect();
        (Some((h0, h1)), edges)
    }

    /// The window widened to whole hours, as the hourly rollups see it.
    pub fn hours(&self) -> (i64, i64) {
        (
            self.since.div_euclid(HOUR_MS) * HOUR_MS,
            self.until.div_euclid(HOUR_MS) * HOUR_MS + HOUR_MS,
        )
    }
}

pub fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

impl LlmParams {
    /// Parameters as given (empty values count as absent). `projects` is what the caller may
    /// read; `project=` is not consulted here (the API resolves it against the caller first).
    pub fn new(
        map: impl IntoIterator<Item = (String, String)>,
        projects: Option<Vec<String>>,
        now: i64,
    ) -> Self {
        Self {
            map: map.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
            projects,
            now,
        }
    }

    /// Fails naming the first parameter not in `allowed` (`project` and `_`-prefixed cache
    /// busters are always allowed).
    pub fn only(&self, allowed: &[&str]) -> Result<(), StoreError> {
        for k in self.map.keys() {
            if k == "project" || k.starts_with('_') || allowed.contains(&k.as_str()) {
                continue;
            }
            return Err(invalid(
                k,
                format!(
                    "unknown parameter `{k}`; allowed: project, {}",
                    allowed.join(", ")
                ),
            ));
        }
        Ok(())
    }

    pub fn str(&self, k: &str) -> Option<&str> {
        self.map.get(k).map(String::as_str)
    }

    /// A required parameter.
    pub fn required(&self, k: &str) -> Result<&str, StoreError> {
        self.str(k)
            .ok_or_else(|| invalid(k, format!("`{k}` is required")))
    }

    /// One of `choices`, or `default` when absent.
    pub fn choice<'a>(
        &self,
        k: &str,
        choices: &[&'a str],
        default: &'a str,
    ) -> Result<&'a str, StoreError> {
        match self.str(k) {
            None => Ok(default),
            Some(v) => {
                choices.iter().copied().find(|c| *c == v).ok_or_else(|| {
                    invalid(k, format!("`{k}` must be one of {}", choices.join(", ")))
                })
            }
        }
    }

    /// An integer in `min..=max`.
    pub fn u32_in(&self, k: &str, min: u32, max: u32, default: u32) -> Result<u32, StoreError> {
        match self.str(k) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| invalid(k, format!("`{k}` must be an integer from {min} to {max}"))),
        }
    }

    /// A finite number ≥ 0.
    pub fn non_negative(&self, k: &str) -> Result<Option<f64>, StoreError> {
        match self.str(k) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(Some)
                .ok_or_else(|| invalid(k, format!("`{k}` must be a number ≥ 0"))),
        }
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`).
    pub fn bool(&self, k: &str) -> Result<Option<bool>, StoreError> {
        match self.str(k).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(None),
            Some(v) => match v.as_str() {
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(invalid(k, format!("`{k}` must be true or false"))),
            },
        }
    }

    /// A point in time: epoch ms (seconds below 10^11) or a duration back from now (`24h`).
    pub fn time(&self, k: &str) -> Result<Option<i64>, StoreError> {
        match self.str(k) {
            None => Ok(None),
            Some(v) => crate::timefmt::parse_time(v, self.now)
                .map(Some)
                .ok_or_else(|| {
                    invalid(
                        k,
                        format!("`{k}` must be epoch milliseconds or a duration like 24h, 7d"),
                    )
                }),
        }
    }

    /// `since` (default `default_ms` back from now) to `until` (default now); at most 400 days.
    pub fn window(&self, default_ms: i64) -> Result<Window, StoreError> {
        let until = self.time("until")?.unwrap_or(self.now);
        let since = self.time("since")?.unwrap_or(until - default_ms);
        if since >= until {
            return Err(invalid("since", "`since` must be before `until`"));
        }
        if until - since > 400 * DAY_MS {
            return Err(invalid("since", "the window is at most 400 days"));
        }
        Ok(Window { since, until })
    }

    /// ` AND {col} IN (?, …)` for the readable projects (empty for every project), its values
    /// pushed onto `args`.
    pub fn project_sql(&self, col: &str, args: &mut Vec<SqlValue>) -> String {
        match &self.projects {
            None => String::new(),
            Some(ps) => {
                let marks = vec!["?"; ps.len().max(1)].join(", ");
                if ps.is_empty() {
                    args.push(SqlValue::Null);
                }
                args.extend(ps.iter().map(|p| SqlValue::Text(p.clone())));
                format!(" AND {col} IN ({marks})")
            }
        }
    }

    /// The one project a write acts on: the only readable one, else `project=` must be given.
    pub fn one_project(&self) -> Result<&str, StoreError> {
        match self.projects.as_deref() {
            Some([p]) => Ok(p.as_str()),
            _ => Err(invalid("project", "`project` is required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kv: &[(&str, &str)]) -> LlmParams {
        LlmParams::new(
            kv.iter().map(|(k, v)| (k.to_string(), v.to_string())),
            None,
            10 * DAY_MS,
        )
    }

    #[test]
    fn a_split_window_is_whole_hours_and_its_edges() {
        let w = |since, until| Window { since, until };
        let h = HOUR_MS;
        assert_eq!(w(h, 3 * h).split(), (Some((h, 3 * h)), vec![]));
        assert_eq!(
            w(h + 5, 3 * h + 7).split(),
            (
                Some((2 * h, 3 * h)),
                vec![(h + 5, 2 * h), (3 * h, 3 * h + 7)]
            )
        );
        // Inside one hour, or across one boundary: edges only.
        assert_eq!(w(h + 5, h + 9).split(), (None, vec![(h + 5, h + 9)]));
        assert_eq!(
            w(h + 5, 2 * h + 9).split(),
            (None, vec![(h + 5, 2 * h + 9)])
        );
    }

    #[test]
    fn windows_default_and_refuse_nonsense() {
        let w = p(&[]).window(DAY_MS).unwrap();
        assert_eq!((w.since, w.until), (9 * DAY_MS, 10 * DAY_MS));
        let w = p(&[("since", "7d")]).window(DAY_MS).unwrap();
        assert_eq!(w.since, 3 * DAY_MS);
        assert!(p(&[("since", "1h"), ("until", "2h")])
            .window(DAY_MS)
            .is_err());
        let e = p(&[("since", "yesterday")]).window(DAY_MS).unwrap_err();
        assert!(e.to_string().starts_with("since:"), "{e}");
        assert_eq!(
            Window {
                since: 1,
                until: HOUR_MS + 1
            }
            .hours(),
            (0, 2 * HOUR_MS)
        );
    }

    #[test]
    fn unknown_parameters_and_bad_values_are_named() {
        assert!(p(&[("limit", "5")]).only(&["limit"]).is_ok());
        let e = p(&[("limt", "5")]).only(&["limit"]).unwrap_err();
        assert!(e.to_string().starts_with("limt:"), "{e}");
        assert!(p(&[("limit", "0")]).u32_in("limit", 1, 100, 20).is_err());
        assert_eq!(p(&[]).u32_in("limit", 1, 100, 20).unwrap(), 20);
        assert!(p(&[("min_cost", "-1")]).non_negative("min_cost").is_err());
        assert!(p(&[("min_cost", "NaN")]).non_negative("min_cost").is_err());
        assert_eq!(
            p(&[("by", "day")])
                .choice("by", &["hour", "day"], "hour")
                .unwrap(),
            "day"
        );
        assert!(p(&[("by", "week")])
            .choice("by", &["hour", "day"], "hour")
            .is_err());
    }

    #[test]
    fn project_filters_bind_every_project() {
        let mut args = Vec::new();
        let mut q = p(&[]);
        assert_eq!(q.project_sql("t.project_id", &mut args), "");
        q.projects = Some(vec!["a".into(), "b".into()]);
        assert_eq!(
            q.project_sql("t.project_id", &mut args),
            " AND t.project_id IN (?, ?)"
        );
        assert_eq!(args.len(), 2);
        assert_eq!(
            q.one_project().unwrap_err().to_string(),
            "project: `project` is required"
        );
    }
}
