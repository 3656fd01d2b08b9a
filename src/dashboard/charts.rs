//! Charts as inline SVG, drawn on the server: a sparkline per issue row and a trend chart with
//! axis labels. Colours come from the stylesheet (classes), so light and dark mode both work and
//! the CSP needs no inline styles. The stacked bars and span bars serve the LLM pages only.

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
        // A point inside a flat run (the same height on both sides) adds nothing to the line:
        // a quiet day draws in a few segments, and the issue list's rows stay small.
        let flat = i > 0 && i + 1 < pts.len() && pts[i - 1].1 == *y && pts[i + 1].1 == *y;
        if flat {
            continue;
        }
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
    sparkline_counts(&counts)
}

/// The most points a sparkline draws: 120 px hold no more.
const SPARK_POINTS: usize = 120;

/// A sparkline (120×28) of hourly counts, oldest first, with the total in its title. A longer
/// series is summed into buckets of whole hours counted back from the newest (so the last point
/// is never a partial bucket that looks like a drop): a 30-day series draws 121 points, not 722.
pub fn sparkline_counts(hourly: &[i64]) -> Markup {
    let total: i64 = hourly.iter().sum();
    let per = hourly.len().div_ceil(SPARK_POINTS).max(1);
    let mut counts: Vec<i64> = hourly.rchunks(per).map(|c| c.iter().sum()).collect();
    counts.reverse();
    let (w, h) = (120.0, 28.0);
    let (line, area) = paths(&points(&counts, w, h, 2.0), h);
    html! {
        svg.spark viewBox="0 0 120 28" preserveAspectRatio="none" role="img" {
            title { (total) " events in the last " (hourly.len()) " hours" }
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

/// Colour classes of stacked series (`s0`…`s7` in the stylesheet); the last one is "other".
#[cfg(feature = "llm-tracing")]
pub const SERIES_COLOURS: usize = 8;

/// One series of a stacked chart: its label, its colour (`s{colour}`, so that one model keeps
/// its colour from chart to chart) and a value per bucket (all series the same length).
#[cfg(feature = "llm-tracing")]
pub struct Stack {
    pub label: String,
    pub colour: usize,
    pub values: Vec<f64>,
}

/// A colour swatch for a legend.
#[cfg(feature = "llm-tracing")]
pub fn swatch(i: usize) -> Markup {
    html! {
        svg.swatch viewBox="0 0 10 10" aria-hidden="true" {
            rect class={ "s" (i % SERIES_COLOURS) } x="0" y="0" width="10" height="10" rx="2" {}
        }
    }
}

/// Stacked bars (one per bucket, one colour per series, bottom-up in the series' order) with a
/// legend giving each series' total through `fmt`. `from` and `to` label the time axis.
#[cfg(feature = "llm-tracing")]
pub fn stacked_bars(
    series: &[Stack],
    title: &str,
    fmt: &dyn Fn(f64) -> String,
    from: &str,
    to: &str,
) -> Markup {
    let n = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let totals: Vec<f64> = (0..n)
        .map(|i| series.iter().filter_map(|s| s.values.get(i)).sum())
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let (w, h) = (600.0, 140.0);
    let slot = if n > 0 { w / n as f64 } else { w };
    let gap = if slot > 4.0 { 1.0 } else { 0.0 };
    let grand: f64 = totals.iter().sum();
    // (x, y, height, series) of every non-empty piece.
    let mut rects: Vec<(f64, f64, f64, usize)> = Vec::new();
    if max > 0.0 {
        for (i, _) in totals.iter().enumerate() {
            let mut y = h;
            for s in series {
                let v = s.values.get(i).copied().unwrap_or(0.0);
                if v <= 0.0 {
                    continue;
                }
                let bh = (v / max * (h - 6.0)).max(0.5);
                y -= bh;
                rects.push((i as f64 * slot, y, bh, s.colour));
            }
        }
    }
    html! {
        svg.chart.stacked viewBox="0 0 600 140" preserveAspectRatio="none" role="img" {
            title { (title) ": " (fmt(grand)) " in all, peak " (fmt(max)) }
            line.axis x1="0" y1="139.5" x2="600" y2="139.5" {}
            @for (x, y, bh, k) in &rects {
                rect class={ "s" (k % SERIES_COLOURS) } x=(format!("{x:.2}")) y=(format!("{y:.2}"))
                    width=(format!("{:.2}", (slot - gap).max(0.5))) height=(format!("{bh:.2}")) {}
            }
        }
        div.chart-legend {
            span { (from) }
            span { "peak " (fmt(max)) " · " (fmt(grand)) " in all" }
            span { (to) }
        }
        @if !series.is_empty() {
            ul.legend {
                @for s in series {
                    li { (swatch(s.colour)) " " span.legend-label { (s.label) } " " span.muted { (fmt(s.values.iter().sum())) } }
                }
            }
        }
    }
}

/// One span's bar on a trace's time axis (0..1000 across the trace): its start and length, and
/// a tick where the first token came.
#[cfg(feature = "llm-tracing")]
pub fn span_bar(x: f64, width: f64, ttft_x: Option<f64>, error: bool) -> Markup {
    let width = width.max(2.0).min(1000.0 - x.min(998.0));
    html! {
        svg.span-bar viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true" {
            rect.track x="0" y="0" width="1000" height="10" {}
            rect class={ "bar" @if error { " bar-error" } } x=(format!("{:.1}", x.min(998.0))) y="1" width=(format!("{width:.1}")) height="8" rx="1" {}
            @if let Some(t) = ttft_x {
                rect.ttft x=(format!("{:.1}", t.clamp(0.0, 998.0))) y="0" width="3" height="10" {}
            }
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

    #[test]
    fn a_long_sparkline_sums_whole_buckets_back_from_the_newest_hour() {
        // 722 hours (a 30-day spike series): buckets of 7 hours, the oldest one partial. The
        // hours alternate so that no two neighbouring buckets are level (a flat run is drawn
        // by its ends only).
        let mut hourly: Vec<i64> = (0..722).map(|i| i % 2).collect();
        hourly[721] = 40;
        let s = sparkline_counts(&hourly).into_string();
        assert!(s.contains("400 events in the last 722 hours"), "{s}");
        let line = s.split("class=\"line\" d=\"").nth(1).unwrap();
        let line = &line[..line.find('"').unwrap()];
        // 722 = 103 × 7 + 1: 104 points, the last a full bucket holding the spike (the top).
        assert_eq!(line.matches(['M', 'L']).count(), 104, "{line}");
        assert!(line.ends_with(",2.0"), "{line}");
        let flat = sparkline_counts(&[0, 0, 0, 0, 5]).into_string();
        assert!(
            flat.contains(r#"class="line" d="M0.0,26.0 L90.0,26.0 L120.0,2.0""#),
            "a flat run is drawn by its ends: {flat}"
        );
        let short = sparkline_counts(&[0, 3, 0]).into_string();
        assert!(short.contains("3 events in the last 3 hours"));
        assert!(
            short.contains(r#"class="line" d="M0.0,26.0 L60.0,2.0 L120.0,26.0""#),
            "{short}"
        );
    }

    #[test]
    #[cfg(feature = "llm-tracing")]
    fn stacked_bars_stack_series_and_escape_labels() {
        let series = vec![
            Stack {
                label: "<b>gpt</b>".into(),
                colour: 0,
                values: vec![1.0, 0.0, 3.0],
            },
            Stack {
                label: "claude".into(),
                colour: 1,
                values: vec![1.0, 2.0, 0.0],
            },
        ];
        let fmt = |v: f64| format!("{v:.0}");
        let c = stacked_bars(&series, "calls", &fmt, "3 h ago", "now").into_string();
        // Two bars and a legend swatch each; the second bucket's piece sits on nothing.
        assert_eq!(c.matches("<rect class=\"s0\"").count(), 3, "{c}");
        assert_eq!(c.matches("<rect class=\"s1\"").count(), 3, "{c}");
        assert!(
            c.contains(r#"<rect class="s1" x="200.00" y="50.67""#),
            "{c}"
        );
        assert!(c.contains("peak 3 · 7 in all"), "{c}");
        assert!(c.contains("&lt;b&gt;gpt&lt;/b&gt;") && !c.contains("<b>"));
        let empty = stacked_bars(&[], "calls", &fmt, "a", "b").into_string();
        assert!(empty.contains("0 in all"));
    }
}
