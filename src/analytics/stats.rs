//! The statistics the insights are made of, on plain numbers: no database in here, so the
//! reference tests and both engines share one definition of each.

/// Mean and population standard deviation of `n` values (zero-filled: hours without events are
/// in `n` and add nothing to the sums) from their sum and sum of squares.
pub fn mean_sd(sum: f64, sum_sq: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 0.0);
    }
    let mean = sum / n;
    // Rounding can leave a hair below zero for constant series.
    let var = (sum_sq / n - mean * mean).max(0.0);
    (mean, var.sqrt())
}

/// The smallest standard deviation a z-score divides by: one event per hour. A baseline with
/// no variation (all zeros, or the same count every hour) would otherwise make any change an
/// infinite z; with the floor, `z` is the excess over the mean in events.
pub const MIN_SD: f64 = 1.0;

/// How many standard deviations `x` lies above `mean` (the deviation floored at [`MIN_SD`]).
pub fn zscore(x: f64, mean: f64, sd: f64) -> f64 {
    (x - mean) / sd.max(MIN_SD)
}

/// A series centred on its mean and scaled to length 1, so that Pearson's r of two series is
/// the dot product of theirs ([`Unit::r`]): the means and norms are computed once per series
/// instead of once per pair. `None` when the series does not vary.
pub struct Unit(Vec<f64>);

impl Unit {
    pub fn new(v: &[f64]) -> Option<Unit> {
        if v.len() < 2 {
            return None;
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let centred: Vec<f64> = v.iter().map(|x| x - mean).collect();
        let norm = centred.iter().map(|d| d * d).sum::<f64>().sqrt();
        (norm > 0.0).then(|| Unit(centred.into_iter().map(|d| d / norm).collect()))
    }

    /// Pearson's r with `other` (a series of the same length).
    pub fn r(&self, other: &Unit) -> f64 {
        let dot: f64 = self.0.iter().zip(&other.0).map(|(a, b)| a * b).sum();
        dot.clamp(-1.0, 1.0)
    }
}

/// The `p`-th percentile (0..=100) of sorted values, interpolated linearly between the two
/// nearest ranks (the definition of DuckDB's `quantile_cont` and NumPy's default). 0 when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let rank = (p / 100.0).clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = rank.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            let frac = rank - lo as f64;
            sorted[lo] + (sorted[hi] - sorted[lo]) * frac
        }
    }
}

/// The connected groups of `n` items joined by `edges` (pairs of indexes), each sorted, groups
/// of one left out; in order of their smallest member.
pub fn clusters(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for &(a, b) in edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        let g = *slot.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// Rounds for a JSON answer (two decimals are what a person reads; the rest is noise).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pearson's correlation by its textbook definition (the reference for [`Unit::r`]).
    pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
        let n = a.len().min(b.len());
        if n < 2 {
            return None;
        }
        let (a, b) = (&a[..n], &b[..n]);
        let ma = a.iter().sum::<f64>() / n as f64;
        let mb = b.iter().sum::<f64>() / n as f64;
        let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
        for (x, y) in a.iter().zip(b) {
            let (dx, dy) = (x - ma, y - mb);
            sab += dx * dy;
            saa += dx * dx;
            sbb += dy * dy;
        }
        if saa <= 0.0 || sbb <= 0.0 {
            return None;
        }
        Some((sab / (saa.sqrt() * sbb.sqrt())).clamp(-1.0, 1.0))
    }

    #[test]
    fn mean_and_deviation_count_the_zero_hours() {
        // 0, 0, 3, 1 → mean 1, variance (1 + 1 + 4 + 0) / 4 = 1.5
        let (m, sd) = mean_sd(4.0, 10.0, 4.0);
        assert!((m - 1.0).abs() < 1e-12);
        assert!((sd - 1.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(mean_sd(0.0, 0.0, 0.0), (0.0, 0.0));
    }

    #[test]
    fn a_flat_baseline_divides_by_one_event() {
        assert_eq!(zscore(7.0, 2.0, 0.0), 5.0);
        assert_eq!(zscore(7.0, 2.0, 2.5), 2.0);
    }

    #[test]
    fn pearson_of_shapes() {
        let a = [0.0, 1.0, 5.0, 0.0, 2.0];
        let b: Vec<f64> = a.iter().map(|x| x * 3.0 + 1.0).collect();
        assert!((pearson(&a, &b).unwrap() - 1.0).abs() < 1e-12);
        let c: Vec<f64> = a.iter().map(|x| -x).collect();
        assert!((pearson(&a, &c).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&a, &[2.0; 5]), None);
    }

    #[test]
    fn unit_series_give_pearsons_r() {
        let series: Vec<Vec<f64>> = vec![
            vec![0.0, 1.0, 5.0, 0.0, 2.0, 0.0],
            vec![3.0, 0.0, 0.0, 7.0, 1.0, 1.0],
            vec![0.0, 2.0, 9.0, 1.0, 2.0, 0.0],
            vec![4.0; 6],
        ];
        for a in &series {
            for b in &series {
                let unit = Unit::new(a).zip(Unit::new(b)).map(|(x, y)| x.r(&y));
                match (pearson(a, b), unit) {
                    (Some(p), Some(u)) => assert!((p - u).abs() < 1e-12, "{a:?} {b:?}"),
                    (p, u) => assert_eq!(p.is_none(), u.is_none(), "{a:?} {b:?}"),
                }
            }
        }
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [0.0, 0.0, 1.0, 4.0, 10.0];
        assert_eq!(percentile(&v, 50.0), 1.0);
        assert!((percentile(&v, 90.0) - 7.6).abs() < 1e-9);
        assert_eq!(percentile(&v, 100.0), 10.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn clusters_join_through_pairs() {
        let g = clusters(6, &[(0, 3), (3, 5), (1, 2)]);
        assert_eq!(g, vec![vec![0, 3, 5], vec![1, 2]]);
    }
}
