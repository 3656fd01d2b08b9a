//! Statistics for comparing prompt versions (A/B arms): per-arm summaries built from what SQL can
//! return, Welch's t-test for means (latency, cost per request), the two-proportion z-test for
//! rates (errors), and the display of p-values.
//!
//! Every function here is total: degenerate inputs (too few samples, zero variance, no successes,
//! non-finite sums) give a [`TestResult`] with `p_value: None` and a note saying why, never a
//! panic, a division by zero or a NaN.
//!
//! p-values come from `statrs`' survival functions (`sf`), not `1 - cdf`, so small p-values keep
//! their precision. The Student t survival function is built on the regularised incomplete beta,
//! which loses accuracy in extreme tails and at very large ν; p-values below 1e-6 are therefore
//! shown as "< 1e-6" by [`format_p`].

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Significance level used for [`TestResult::significant`].
pub const ALPHA: f64 = 0.05;

/// Below this many samples in either arm, a Welch result is labelled exploratory: latency and
/// cost are right-skewed, and the t approximation for their means needs tens of samples per arm.
pub const WELCH_MIN_N: u64 = 30;

/// The two-proportion z-test is valid when each arm has at least this many successes and this
/// many failures; below it the result is labelled exploratory.
pub const PROPORTION_MIN_COUNT: u64 = 5;

/// p-values below this are shown as "< 1e-6" (the tails of the t distribution are not accurate
/// enough to say more).
pub const P_DISPLAY_FLOOR: f64 = 1e-6;

/// Note attached to Welch results computed from fewer than [`WELCH_MIN_N`] samples in an arm.
pub const NOTE_FEW_SAMPLES: &str = "few samples: exploratory";

/// Note attached to z-test results below the [`PROPORTION_MIN_COUNT`] threshold.
pub const NOTE_FEW_PROPORTION: &str = "fewer than 5 successes or failures per arm: exploratory";

/// Running summary of one metric in one arm: count, mean and sample variance (divisor n − 1).
///
/// Built from n, Σx and Σx² (what SQL can return: `COUNT(x)`, `SUM(x)`, `SUM(x*x)`) or from the
/// values themselves. With n = 0 the mean is 0; with n < 2 the variance is 0 (undefined, and
/// [`welch`] refuses such an arm anyway).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Summary {
    pub n: u64,
    pub mean: f64,
    pub variance: f64,
}

impl Summary {
    /// Summary from n, Σx and Σx².
    ///
    /// The centred sum of squares is Σx² − mean·Σx. It suffers cancellation when the spread is
    /// small next to the mean, so anything at or below the rounding noise of Σx² (n·ε·Σx², which
    /// includes every negative result) is taken as exactly 0: the information was lost when the
    /// sums were accumulated and a noise-level "variance" would make [`welch`] report an absurd t.
    /// Non-finite inputs give a non-finite mean or variance, which [`welch`] reports as n/a.
    pub fn from_sums(n: u64, sum: f64, sum_sq: f64) -> Summary {
        if n == 0 {
            return Summary {
                n,
                mean: 0.0,
                variance: 0.0,
            };
        }
        let nf = n as f64;
        let mean = sum / nf;
        if n < 2 {
            return Summary {
                n,
                mean,
                variance: 0.0,
            };
        }
        let centred = sum_sq - mean * sum;
        let noise = nf * f64::EPSILON * sum_sq.abs();
        let variance = if !centred.is_finite() || !noise.is_finite() {
            // NaN or infinite sums: keep them visible (NaN/∞) so that `welch` reports n/a.
            centred / (nf - 1.0)
        } else if centred <= noise {
            0.0
        } else {
            centred / (nf - 1.0)
        };
        Summary { n, mean, variance }
    }

    /// Summary of the values, two-pass (mean first, then squared deviations from it), which is
    /// exact for constant data and does not suffer the cancellation of [`Summary::from_sums`].
    pub fn from_values(xs: &[f64]) -> Summary {
        let n = xs.len() as u64;
        if n == 0 {
            return Summary {
                n,
                mean: 0.0,
                variance: 0.0,
            };
        }
        let nf = n as f64;
        let mean = xs.iter().sum::<f64>() / nf;
        if n < 2 {
            return Summary {
                n,
                mean,
                variance: 0.0,
            };
        }
        // Deviations, with the compensation term Σd (0 in exact arithmetic) that corrects the
        // rounding of the mean ("corrected two-pass algorithm", Chan, Golub & LeVeque).
        let (ss, sd) = xs.iter().fold((0.0_f64, 0.0_f64), |(ss, sd), &x| {
            let d = x - mean;
            (ss + d * d, sd + d)
        });
        let centred = ss - sd * sd / nf;
        let variance = if centred.is_nan() {
            f64::NAN
        } else {
            centred.max(0.0) / (nf - 1.0)
        };
        Summary { n, mean, variance }
    }
}

/// Outcome of a two-sided test.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TestResult {
    /// t (Welch) or z (proportions); None when it cannot be computed.
    pub statistic: Option<f64>,
    /// Welch–Satterthwaite degrees of freedom ν; None for the z-test.
    pub df: Option<f64>,
    /// Two-sided p-value; None when the test cannot be computed.
    pub p_value: Option<f64>,
    /// p < [`ALPHA`]; None when there is no p-value.
    pub significant: Option<bool>,
    /// Why the test is n/a, or that the result is exploratory (below the validity thresholds).
    pub note: Option<String>,
}

impl TestResult {
    fn not_available(note: String) -> TestResult {
        TestResult {
            statistic: None,
            df: None,
            p_value: None,
            significant: None,
            note: Some(note),
        }
    }

    fn computed(statistic: f64, df: Option<f64>, p: f64, note: Option<String>) -> TestResult {
        let p = p.clamp(0.0, 1.0);
        TestResult {
            statistic: Some(statistic),
            df,
            p_value: Some(p),
            significant: Some(p < ALPHA),
            note,
        }
    }
}

/// Welch's t-test (unequal variances), two-sided, of H0: mean(a) = mean(b).
///
/// t = (x̄a − x̄b) / √(sa²/na + sb²/nb), ν = (sa²/na + sb²/nb)² / [(sa²/na)²/(na−1) + (sb²/nb)²/(nb−1)],
/// p = 2·P(T_ν > |t|) computed with the survival function of StudentsT(0, 1, ν).
///
/// n < 2 in either arm, both variances 0, or non-finite summaries → p None with a note (when both
/// variances are 0 the note says whether the means differ). Fewer than [`WELCH_MIN_N`] samples in
/// an arm → computed, with the note [`NOTE_FEW_SAMPLES`].
pub fn welch(a: &Summary, b: &Summary) -> TestResult {
    if a.n < 2 || b.n < 2 {
        return TestResult::not_available(format!(
            "n/a: Welch's t-test needs at least 2 samples per arm (have {} and {})",
            a.n, b.n
        ));
    }
    let finite = |s: &Summary| s.mean.is_finite() && s.variance.is_finite() && s.variance >= 0.0;
    if !finite(a) || !finite(b) {
        return TestResult::not_available("n/a: non-finite mean or variance".to_string());
    }
    if a.variance == 0.0 && b.variance == 0.0 {
        let note = if a.mean == b.mean {
            format!(
                "n/a: both arms have zero variance and equal means ({})",
                a.mean
            )
        } else {
            format!(
                "n/a: both arms have zero variance but the means differ ({} vs {}); \
                 no t-test is possible",
                a.mean, b.mean
            )
        };
        return TestResult::not_available(note);
    }

    let (na, nb) = (a.n as f64, b.n as f64);
    let (qa, qb) = (a.variance / na, b.variance / nb);
    let se2 = qa + qb;
    let t = (a.mean - b.mean) / se2.sqrt();
    // ν in terms of each arm's share of se², so that neither se²² nor (s²/n)² can underflow or
    // overflow: ν = 1 / [ra²/(na−1) + rb²/(nb−1)] with ra + rb = 1. It lies between
    // min(na, nb) − 1 and na + nb − 2.
    let (ra, rb) = (qa / se2, qb / se2);
    let df = 1.0 / (ra * ra / (na - 1.0) + rb * rb / (nb - 1.0));
    if !t.is_finite() || !df.is_finite() || df <= 0.0 {
        return TestResult::not_available(format!(
            "n/a: t or degrees of freedom not finite (t = {t}, ν = {df})"
        ));
    }
    let dist = match StudentsT::new(0.0, 1.0, df) {
        Ok(d) => d,
        Err(e) => {
            return TestResult::not_available(format!(
                "n/a: Student t distribution with ν = {df} unavailable: {e}"
            ))
        }
    };
    let p = 2.0 * dist.sf(t.abs());
    if !p.is_finite() {
        return TestResult::not_available(format!("n/a: p-value not finite (t = {t}, ν = {df})"));
    }
    let note = (a.n < WELCH_MIN_N || b.n < WELCH_MIN_N).then(|| NOTE_FEW_SAMPLES.to_string());
    TestResult::computed(t, Some(df), p, note)
}

/// Two-proportion z-test with the pooled standard error, two-sided, of H0: x1/n1 = x2/n2, with x
/// successes out of n trials in each arm.
///
/// p̂ = (x1 + x2)/(n1 + n2), SE = √(p̂(1−p̂)(1/n1 + 1/n2)), z = (x1/n1 − x2/n2)/SE,
/// p = 2·P(Z > |z|) computed with the survival function of Normal(0, 1).
///
/// An empty arm, x > n, or pooled p̂ of 0 or 1 (SE = 0) → p None with a note. Any arm with fewer
/// than [`PROPORTION_MIN_COUNT`] successes or failures → computed, with the note
/// [`NOTE_FEW_PROPORTION`].
pub fn two_proportions(x1: u64, n1: u64, x2: u64, n2: u64) -> TestResult {
    if n1 == 0 || n2 == 0 {
        return TestResult::not_available(format!(
            "n/a: an arm has no trials (n1 = {n1}, n2 = {n2})"
        ));
    }
    if x1 > n1 || x2 > n2 {
        return TestResult::not_available(format!(
            "n/a: more successes than trials ({x1}/{n1}, {x2}/{n2})"
        ));
    }
    // u128 so that the totals cannot overflow.
    let successes = u128::from(x1) + u128::from(x2);
    let trials = u128::from(n1) + u128::from(n2);
    if successes == 0 {
        return TestResult::not_available(
            "n/a: no successes in either arm (pooled rate 0, standard error 0)".to_string(),
        );
    }
    if successes == trials {
        return TestResult::not_available(
            "n/a: every trial succeeded in both arms (pooled rate 1, standard error 0)".to_string(),
        );
    }

    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let pooled = successes as f64 / trials as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n2f)).sqrt();
    let z = (x1 as f64 / n1f - x2 as f64 / n2f) / se;
    if !z.is_finite() {
        return TestResult::not_available(format!("n/a: z not finite (standard error {se})"));
    }
    let dist = match Normal::new(0.0, 1.0) {
        Ok(d) => d,
        Err(e) => {
            return TestResult::not_available(format!("n/a: normal distribution unavailable: {e}"))
        }
    };
    let p = 2.0 * dist.sf(z.abs());
    if !p.is_finite() {
        return TestResult::not_available(format!("n/a: p-value not finite (z = {z})"));
    }
    let min_count = x1.min(n1 - x1).min(x2).min(n2 - x2);
    let note = (min_count < PROPORTION_MIN_COUNT).then(|| NOTE_FEW_PROPORTION.to_string());
    TestResult::computed(z, None, p, note)
}

/// How a p-value is shown: "n/a" for None (or a non-finite value), "< 1e-6" below 1e-6, else
/// plain decimal with 3 significant digits ("0.0734", "0.500", "1.00").
pub fn format_p(p: Option<f64>) -> String {
    let Some(p) = p.filter(|p| p.is_finite()) else {
        return "n/a".to_string();
    };
    if p < P_DISPLAY_FLOOR {
        return "< 1e-6".to_string();
    }
    // The decimal exponent after rounding to 3 significant digits (so 0.09996 → 1.00e-1, not
    // 9.996e-2), from which the number of decimals follows.
    let sci = format!("{p:.2e}");
    let exponent = sci
        .split_once('e')
        .and_then(|(_, e)| e.parse::<i32>().ok())
        .unwrap_or(0);
    let decimals = usize::try_from(2 - exponent).unwrap_or(0);
    format!("{p:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tol: f64) -> bool {
        (actual - expected).abs() <= tol
    }

    #[test]
    fn welch_t2_nu10_known_p() {
        // Equal n = 6 and equal variance 3: s²/n = 0.5 per arm, se² = 1, so t = (2 − 0)/1 = 2 and
        // ν = 1² / (0.5²/5 + 0.5²/5) = 1 / 0.1 = 10.
        // Two-sided p = I_{10/(10+4)}(5, 1/2) = 0.0733880347707… (regularised incomplete beta).
        let a = Summary {
            n: 6,
            mean: 2.0,
            variance: 3.0,
        };
        let b = Summary {
            n: 6,
            mean: 0.0,
            variance: 3.0,
        };
        let r = welch(&a, &b);
        let t = r.statistic.unwrap();
        let df = r.df.unwrap();
        let p = r.p_value.unwrap();
        assert!(close(t, 2.0, 1e-12), "t = {t}");
        assert!(close(df, 10.0, 1e-9), "df = {df}");
        assert!(close(p, 0.073_388_034_770_740_4, 1e-9), "p = {p}");
        assert_eq!(r.significant, Some(false));
        assert_eq!(r.note.as_deref(), Some(NOTE_FEW_SAMPLES));
        assert_eq!(format_p(r.p_value), "0.0734");

        // Swapping the arms flips the sign of t and keeps p.
        let r2 = welch(&b, &a);
        assert!(close(r2.statistic.unwrap(), -2.0, 1e-12));
        assert!(close(r2.p_value.unwrap(), p, 1e-15));
    }

    #[test]
    fn welch_unequal_variances_and_sizes() {
        // a: n = 5, mean 10, s² = 4 → Σx = 50, Σx² = (n−1)s² + n·mean² = 16 + 500 = 516.
        // b: n = 10, mean 7, s² = 9 → Σx = 70, Σx² = 81 + 490 = 571.
        // s²/n: 4/5 = 0.8 and 9/10 = 0.9; se² = 1.7.
        // t = (10 − 7)/√1.7 = 3/1.303840481… = 2.300894966542111…
        // ν = 1.7² / (0.8²/4 + 0.9²/9) = 2.89 / (0.16 + 0.09) = 2.89 / 0.25 = 11.56.
        // Two-sided p (incomplete beta, 30 digits) = 0.040898041418424…
        let a = Summary::from_sums(5, 50.0, 516.0);
        let b = Summary::from_sums(10, 70.0, 571.0);
        assert!(close(a.variance, 4.0, 1e-12) && close(b.variance, 9.0, 1e-12));
        let r = welch(&a, &b);
        let t = r.statistic.unwrap();
        let df = r.df.unwrap();
        let p = r.p_value.unwrap();
        assert!(close(t, 2.300_894_966_542_111, 1e-10), "t = {t}");
        assert!(close(df, 11.56, 1e-9), "df = {df}");
        assert!(close(p, 0.040_898_041_418_424, 1e-8), "p = {p}");
        assert_eq!(r.significant, Some(true));
        assert_eq!(r.note.as_deref(), Some(NOTE_FEW_SAMPLES));
    }

    #[test]
    fn welch_large_arms_have_no_note() {
        let a = Summary {
            n: 40,
            mean: 100.0,
            variance: 400.0,
        };
        let b = Summary {
            n: 50,
            mean: 100.0,
            variance: 900.0,
        };
        let r = welch(&a, &b);
        assert_eq!(r.statistic, Some(0.0));
        assert_eq!(r.p_value, Some(1.0));
        assert_eq!(r.significant, Some(false));
        assert_eq!(r.note, None);
    }

    #[test]
    fn welch_tiny_p_keeps_precision() {
        // t = 20 with ν ≈ 98: 1 − cdf would cancel to 0; the survival function does not.
        let a = Summary {
            n: 50,
            mean: 20.0,
            variance: 25.0,
        };
        let b = Summary {
            n: 50,
            mean: 0.0,
            variance: 25.0,
        };
        let r = welch(&a, &b);
        let p = r.p_value.unwrap();
        assert!(close(r.statistic.unwrap(), 20.0, 1e-12));
        assert!(p > 0.0 && p < 1e-30, "p = {p}");
        assert_eq!(format_p(r.p_value), "< 1e-6");
    }

    #[test]
    fn welch_one_zero_variance_arm() {
        // a: s²/n = 0, b: s²/n = 4/4 = 1 → se² = 1, t = (5 − 3)/1 = 2, ν = 1/(0 + 1/3) = 3.
        let a = Summary {
            n: 10,
            mean: 5.0,
            variance: 0.0,
        };
        let b = Summary {
            n: 4,
            mean: 3.0,
            variance: 4.0,
        };
        let r = welch(&a, &b);
        assert!(close(r.statistic.unwrap(), 2.0, 1e-12));
        assert!(close(r.df.unwrap(), 3.0, 1e-12));
        assert!(r.p_value.is_some());
    }

    #[test]
    fn welch_needs_two_samples_per_arm() {
        let one = Summary::from_values(&[3.0]);
        let many = Summary::from_values(&[1.0, 2.0, 3.0]);
        for r in [welch(&one, &many), welch(&many, &one)] {
            assert_eq!(r.statistic, None);
            assert_eq!(r.df, None);
            assert_eq!(r.p_value, None);
            assert_eq!(r.significant, None);
            assert!(r.note.unwrap().contains("at least 2 samples"));
        }
        let empty = Summary::from_sums(0, 0.0, 0.0);
        assert_eq!(welch(&empty, &empty).p_value, None);
    }

    #[test]
    fn welch_zero_variance_both_arms() {
        let a = Summary::from_values(&[0.1, 0.1, 0.1]);
        let b = Summary::from_values(&[0.2, 0.2]);
        let r = welch(&a, &b);
        assert_eq!(r.p_value, None);
        assert_eq!(r.statistic, None);
        let note = r.note.unwrap();
        assert!(
            note.contains("zero variance") && note.contains("means differ"),
            "{note}"
        );

        let r = welch(&a, &a);
        assert_eq!(r.p_value, None);
        let note = r.note.unwrap();
        assert!(
            note.contains("zero variance") && note.contains("equal means"),
            "{note}"
        );

        // The same constant data through SQL-style sums: rounding noise must not become a variance.
        let s = Summary::from_sums(3, 0.1 + 0.1 + 0.1, 0.01 + 0.01 + 0.01);
        let t = Summary::from_sums(7, 7.0 * 0.7, 7.0 * 0.49);
        assert_eq!(s.variance, 0.0);
        assert_eq!(t.variance, 0.0);
        assert_eq!(welch(&s, &t).p_value, None);
    }

    #[test]
    fn welch_non_finite_is_na() {
        let bad = Summary::from_sums(3, f64::NAN, 1.0);
        let good = Summary::from_values(&[1.0, 2.0, 3.0]);
        let r = welch(&bad, &good);
        assert_eq!(r.p_value, None);
        assert!(r.note.unwrap().contains("non-finite"));
        let inf = Summary::from_sums(3, 3.0, f64::INFINITY);
        assert_eq!(welch(&inf, &good).p_value, None);
    }

    #[test]
    fn two_proportions_known_values() {
        // 45/100 vs 30/100: p̂1 = 0.45, p̂2 = 0.30, pooled p̂ = 75/200 = 0.375.
        // p̂(1 − p̂) = 0.375 · 0.625 = 0.234375; × (1/100 + 1/100) = 0.0046875.
        // SE = √0.0046875 = 0.068465319688145…; z = 0.15 / SE = 2.190890230020664….
        // Two-sided p = erfc(z/√2) = 0.028459736916310….
        let r = two_proportions(45, 100, 30, 100);
        let z = r.statistic.unwrap();
        let p = r.p_value.unwrap();
        assert!(close(z, 2.190_890_230_020_664, 1e-12), "z = {z}");
        // statrs' erfc agrees to about 1e-12 here.
        assert!(close(p, 0.028_459_736_916_310, 1e-10), "p = {p}");
        assert_eq!(r.df, None);
        assert_eq!(r.significant, Some(true));
        assert_eq!(r.note, None);
        assert_eq!(format_p(r.p_value), "0.0285");

        let r2 = two_proportions(30, 100, 45, 100);
        assert!(close(r2.statistic.unwrap(), -z, 1e-12));
        assert!(close(r2.p_value.unwrap(), p, 1e-15));
    }

    #[test]
    fn two_proportions_pooled_zero_or_one() {
        let r = two_proportions(0, 50, 0, 80);
        assert_eq!(r.statistic, None);
        assert_eq!(r.p_value, None);
        assert_eq!(r.significant, None);
        assert!(r.note.unwrap().contains("pooled rate 0"));

        let r = two_proportions(50, 50, 80, 80);
        assert_eq!(r.p_value, None);
        assert!(r.note.unwrap().contains("pooled rate 1"));
    }

    #[test]
    fn two_proportions_invalid_input() {
        assert!(two_proportions(1, 0, 1, 10)
            .note
            .unwrap()
            .contains("no trials"));
        assert!(two_proportions(11, 10, 1, 10)
            .note
            .unwrap()
            .contains("more successes than trials"));
        assert_eq!(
            two_proportions(u64::MAX, u64::MAX, 0, u64::MAX)
                .p_value
                .map(|p| p < 1e-6),
            Some(true)
        );
    }

    #[test]
    fn two_proportions_few_counts_is_exploratory() {
        // 3 successes in arm 1: computed, but flagged.
        let r = two_proportions(3, 100, 20, 100);
        assert!(r.p_value.is_some());
        assert_eq!(r.note.as_deref(), Some(NOTE_FEW_PROPORTION));
        // 98/100 leaves 2 failures: also flagged.
        let r = two_proportions(98, 100, 80, 100);
        assert!(r.p_value.is_some());
        assert_eq!(r.note.as_deref(), Some(NOTE_FEW_PROPORTION));
        // 5 of each everywhere: valid.
        let r = two_proportions(5, 10, 5, 10);
        assert_eq!(r.note, None);
        assert_eq!(r.statistic, Some(0.0));
        assert_eq!(r.p_value, Some(1.0));
    }

    #[test]
    fn format_p_cases() {
        assert_eq!(format_p(None), "n/a");
        assert_eq!(format_p(Some(f64::NAN)), "n/a");
        assert_eq!(format_p(Some(0.0)), "< 1e-6");
        assert_eq!(format_p(Some(9.99e-7)), "< 1e-6");
        assert_eq!(format_p(Some(1e-6)), "0.00000100");
        assert_eq!(format_p(Some(0.000_012_345)), "0.0000123");
        assert_eq!(format_p(Some(0.073_388)), "0.0734");
        assert_eq!(format_p(Some(0.028_459_7)), "0.0285");
        assert_eq!(format_p(Some(0.049_96)), "0.0500");
        assert_eq!(format_p(Some(0.099_96)), "0.100");
        assert_eq!(format_p(Some(0.5)), "0.500");
        assert_eq!(format_p(Some(0.123_45)), "0.123");
        assert_eq!(format_p(Some(0.999_9)), "1.00");
        assert_eq!(format_p(Some(1.0)), "1.00");
    }

    #[test]
    fn from_sums_equals_from_values() {
        let sets: [&[f64]; 5] = [
            &[1.0, 2.0, 3.0, 4.0, 5.0],
            &[120.5, 98.25, 310.0, 87.75, 1500.0, 101.0, 99.5],
            &[0.001, 0.0025, 0.0011, 0.004],
            &[-3.0, 3.0],
            &[42.0],
        ];
        for xs in sets {
            let v = Summary::from_values(xs);
            let s = Summary::from_sums(
                xs.len() as u64,
                xs.iter().sum(),
                xs.iter().map(|x| x * x).sum(),
            );
            assert_eq!(v.n, s.n);
            assert!(
                close(v.mean, s.mean, 1e-12 * v.mean.abs().max(1.0)),
                "{v:?} {s:?}"
            );
            assert!(
                close(v.variance, s.variance, 1e-9 * v.variance.max(1e-12)),
                "{v:?} {s:?}"
            );
        }
        // Known values: 1..=5 has mean 3 and sample variance 10/4 = 2.5.
        assert_eq!(
            Summary::from_values(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            Summary {
                n: 5,
                mean: 3.0,
                variance: 2.5
            }
        );
        assert_eq!(
            Summary::from_values(&[]),
            Summary {
                n: 0,
                mean: 0.0,
                variance: 0.0
            }
        );
        assert_eq!(Summary::from_sums(1, 7.0, 49.0).variance, 0.0);
    }

    #[test]
    fn serializes() {
        let r = two_proportions(45, 100, 30, 100);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["df"], serde_json::Value::Null);
        assert_eq!(json["significant"], serde_json::Value::Bool(true));
        let s = serde_json::to_value(Summary::from_values(&[1.0, 3.0])).unwrap();
        assert_eq!(s["n"], 2);
    }
}
