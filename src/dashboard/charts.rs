//! Charts as inline SVG, drawn on the server: a sparkline per issue row and a trend chart with
//! axis labels. Colours come from the stylesheet (classes), so light and dark mode both work and
//! the CSP needs no inline styles.

use maud::{html, Markup};

use crate::store::issues::HourCount;

fn points(counts: &[i64], w: f64, h: f64, pad: f64) -> Vec<(f64, f64)> {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = counts.len().max(2) as f64 - 1.0;
    counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let x = i as f64 * w / n;
            let y = pad + (h - 2.0 * pad) * (1.0 - c as f64 / max);
            (x, y)
        })
        .collect()
}

fn paths(pts: &[(f64, f64)], h: f64) -> (String, String) {
    let mut line = String::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        line.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }));
    }
    let area = match (pts.first(), pts.last()) {
        (Some(f), Some(l)) => format!("{line} L{:.1},{h:.1} L{:.1},{h:.1} Z", l.0, f.0),
        _ => String::new(),
    };
    (line, area)
}

/// A 24-hour sparkline (120×28) with the total in its title.
pub fn sparkline(trend: &[HourCount]) -> Markup {
    let counts: Vec<i64> = trend.iter().map(|h| h.count).collect();
    let total: i64 = counts.iter().sum();
    let (w, h) = (120.0, 28.0);
    let (line, area) = paths(&points(&counts, w, h, 2.0), h);
    html! {
        svg.spark viewBox="0 0 120 28" preserveAspectRatio="none" role="img" {
            title { (total) " events in the last " (counts.len()) " hours" }
            path.area d=(area) {}
            path.line d=(line) {}
        }
    }
}

/// A trend chart with the peak and the time range labelled. `bucket_hours` groups hourly counts
/// (24 for a 30-day view by day).
pub fn trend_chart(trend: &[HourCount], bucket_hours: usize, label: &str) -> Markup {
    let counts: Vec<i64> = trend
        .chunks(bucket_hours.max(1))
        .map(|c| c.iter().map(|h| h.count).sum())
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0);
    let total: i64 = counts.iter().sum();
    let (w, h) = (600.0, 140.0);
    let (line, area) = paths(&points(&counts, w, h, 6.0), h);
    html! {
        svg.chart viewBox="0 0 600 140" preserveAspectRatio="none" role="img" {
            title { (total) " events, " (label) }
            line.axis x1="0" y1="139" x2="600" y2="139" {}
            path.area d=(area) {}
            path.line d=(line) {}
        }
        div.chart-legend {
            span { (label) " ago" }
            span { "peak " (max) " · " (total) " in all" }
            span { "now" }
        }
    }
}

/// A horizontal share bar for breakdown tables.
pub fn share_bar(count: i64, max: i64) -> Markup {
    let w = if max > 0 {
        (count as f64 / max as f64 * 100.0).max(1.0)
    } else {
        0.0
    };
    html! {
        svg viewBox="0 0 100 10" preserveAspectRatio="none" {
            rect.bg x="0" y="0" width="100" height="10" rx="2" {}
            rect.fg x="0" y="0" width=(format!("{w:.1}")) height="10" rx="2" {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_is_svg_with_the_total() {
        let t: Vec<HourCount> = (0..24)
            .map(|i| HourCount {
                hour_bucket: i * 3_600_000,
                count: i % 3,
            })
            .collect();
        let s = sparkline(&t).into_string();
        assert!(s.starts_with("<svg class=\"spark\""));
        assert!(s.contains("24 events in the last 24 hours"));
        assert!(s.contains("d=\"M0.0,"));
        let c = trend_chart(&t, 1, "24h").into_string();
        assert!(c.contains("peak 2 · 24 in all"), "{c}");
    }
}
