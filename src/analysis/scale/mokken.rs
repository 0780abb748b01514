//! Loevinger's H of a set of dichotomous items, as in Mokken scale analysis, and the
//! pairs of items whose given order the responses break.
//!
//! The responses are a matrix of items × respondents, each cell met (`Some(true)`),
//! unmet (`Some(false)`) or not observed (`None`). For each pair of items only the
//! respondents who answered both count (n of them). The pair is ordered by the share
//! met among those: the *easier* item is the one met more often. A **Guttman error** is
//! a respondent for whom the easier item is unmet while the harder is met; under
//! independence n · (1 − p_easy) · p_hard errors are **expected**. Then
//!
//! - H = 1 − Σ observed / Σ expected, over the pairs whose expected count is above 0;
//! - H_i, item i's own coefficient, is the same sum over the pairs that include i.
//!
//! H is 1 when no respondent makes a Guttman error, near 0 when the items are as
//! independent as chance, negative when errors are more common than chance. Mokken's
//! threshold for a scale is H ≥ 0.3 ([`MOKKEN_THRESHOLD`]). When two items are met
//! equally often the observed errors are the same whichever is called easier.
//!
//! [`order_violations`] instead takes the order given with the items (their level):
//! for every pair of items at different levels it counts the respondents with the
//! lower-level item unmet and the higher-level item met.
//!
//! Pure functions of the matrix; they know nothing of rubrics and decide nothing about
//! what a coefficient means.

/// Mokken's lower bound of H for a (weak) scale.
pub const MOKKEN_THRESHOLD: f64 = 0.3;

/// One item's responses, one per respondent.
pub type Responses = [Option<bool>];

/// Loevinger's H of a set of items, with each item's H_i.
#[derive(Debug, Clone, PartialEq)]
pub struct Loevinger {
    /// H of the whole set, or `None` when no pair has expected errors.
    pub h: Option<f64>,
    /// H_i per item, in the items' order; `None` when none of its pairs has expected
    /// errors.
    pub items: Vec<Option<f64>>,
    /// Σ observed Guttman errors over the pairs counted.
    pub observed: u64,
    /// Σ expected Guttman errors over the pairs counted.
    pub expected: f64,
}

/// Observed and expected Guttman errors of one pair of items.
fn pair(a: &Responses, b: &Responses) -> (u64, f64) {
    let (mut n, mut met_a, mut met_b, mut a_only, mut b_only) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for (x, y) in a.iter().zip(b) {
        if let (Some(x), Some(y)) = (x, y) {
            n += 1;
            met_a += u64::from(*x);
            met_b += u64::from(*y);
            a_only += u64::from(*x && !*y);
            b_only += u64::from(!*x && *y);
        }
    }
    if n == 0 {
        return (0, 0.0);
    }
    let (p_a, p_b) = (met_a as f64 / n as f64, met_b as f64 / n as f64);
    // The easier item is met more often: an error is the easier unmet, the harder met.
    let (observed, p_easy, p_hard) = if met_a >= met_b {
        (b_only, p_a, p_b)
    } else {
        (a_only, p_b, p_a)
    };
    (observed, n as f64 * (1.0 - p_easy) * p_hard)
}

/// The items grouped by their responses: each distinct row once, with the items that
/// have it. A pair's counts depend only on the two rows, so the pairwise sums run over
/// the distinct rows, each pair weighted by how many item pairs share it: with few
/// respondents there are few distinct rows however many items there are (a criterion
/// of 16,000 levels coded for two cases was quadratic in its items).
struct Classes<'a> {
    /// Each distinct row, in the order its first item comes.
    rows: Vec<&'a Responses>,
    /// The items of each row, in the items' order.
    members: Vec<Vec<usize>>,
}

fn classes<'a>(items: &[&'a Responses]) -> Classes<'a> {
    let mut index: std::collections::HashMap<&'a Responses, usize> =
        std::collections::HashMap::new();
    let mut found = Classes {
        rows: Vec::new(),
        members: Vec::new(),
    };
    for (i, row) in items.iter().enumerate() {
        let class = *index.entry(row).or_insert_with(|| {
            found.rows.push(row);
            found.members.push(Vec::new());
            found.rows.len() - 1
        });
        found.members[class].push(i);
    }
    found
}

/// Loevinger's H and every H_i of `items` (each a row of responses, all of the same
/// length; shorter rows count as not observed beyond their end).
pub fn loevinger(items: &[&Responses]) -> Loevinger {
    let classes = classes(items);
    let p = classes.rows.len();
    // Per distinct row: the errors of the pairs that include one of its items.
    let mut per_class = vec![(0u64, 0.0f64); p];
    let (mut observed, mut expected) = (0u64, 0.0f64);
    for c in 0..p {
        for d in c..p {
            let (mc, md) = (
                classes.members[c].len() as u64,
                classes.members[d].len() as u64,
            );
            // Item pairs with these rows, and how many of them each item is in.
            let (pairs, of_c, of_d) = if c == d {
                (mc * (mc - 1) / 2, mc - 1, 0)
            } else {
                (mc * md, md, mc)
            };
            if pairs == 0 {
                continue;
            }
            let (o, e) = pair(classes.rows[c], classes.rows[d]);
            if e > 0.0 {
                observed += o * pairs;
                expected += e * pairs as f64;
                per_class[c].0 += o * of_c;
                per_class[c].1 += e * of_c as f64;
                if c != d {
                    per_class[d].0 += o * of_d;
                    per_class[d].1 += e * of_d as f64;
                }
            }
        }
    }
    let mut per_item = vec![(0u64, 0.0f64); items.len()];
    for (class, members) in classes.members.iter().enumerate() {
        for i in members {
            per_item[*i] = per_class[class];
        }
    }
    let h = |o: u64, e: f64| (e > 0.0).then(|| 1.0 - o as f64 / e);
    Loevinger {
        h: h(observed, expected),
        items: per_item.into_iter().map(|(o, e)| h(o, e)).collect(),
        observed,
        expected,
    }
}

/// A pair of items whose given order some respondents break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Violation {
    /// Index of the item at the lower level.
    pub lower: usize,
    /// Index of the item at the higher level.
    pub higher: usize,
    /// Respondents with the lower item unmet and the higher met.
    pub count: u64,
}

/// The pairs of items at different `levels` (one per item) that some respondent breaks
/// (the lower-level item unmet, the higher-level met), in the items' order. Counted per
/// pair of distinct rows, so only the item pairs of rows that some respondent breaks
/// are visited.
pub fn order_violations(items: &[&Responses], levels: &[usize]) -> Vec<Violation> {
    let classes = classes(items);
    let mut out = Vec::new();
    for (c, low) in classes.rows.iter().enumerate() {
        for (d, high) in classes.rows.iter().enumerate() {
            let count = low
                .iter()
                .zip(high.iter())
                .filter(|(a, b)| **a == Some(false) && **b == Some(true))
                .count() as u64;
            if count == 0 {
                continue;
            }
            for i in &classes.members[c] {
                for j in &classes.members[d] {
                    if let (Some(li), Some(lj)) = (levels.get(*i), levels.get(*j))
                        && li < lj
                    {
                        out.push(Violation {
                            lower: *i,
                            higher: *j,
                            count,
                        });
                    }
                }
            }
        }
    }
    out.sort_unstable_by_key(|v| (v.lower, v.higher));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: Option<bool> = Some(true);
    const N: Option<bool> = Some(false);
    const U: Option<bool> = None;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    /// A perfect Guttman pattern: no errors, H = 1 for the set and every item.
    #[test]
    fn a_perfect_scale_has_h_one() {
        let a = [N, Y, Y, Y];
        let b = [N, N, Y, Y];
        let c = [N, N, N, Y];
        let l = loevinger(&[&a, &b, &c]);
        assert_eq!(l.observed, 0);
        // Expected: AB 4·(1/4)·(1/2) = 0.5, AC 4·(1/4)·(1/4) = 0.25, BC 4·(1/2)·(1/4) = 0.5.
        assert!((l.expected - 1.25).abs() < 1e-12);
        assert!(close(l.h, 1.0));
        assert!(l.items.iter().all(|h| close(*h, 1.0)));
        assert!(order_violations(&[&a, &b, &c], &[1, 2, 3]).is_empty());
    }

    /// Two independent items: one error where one is expected, H = 0.
    #[test]
    fn independent_items_have_h_zero() {
        let a = [Y, N, Y, N];
        let b = [N, Y, Y, N];
        let l = loevinger(&[&a, &b]);
        assert_eq!(l.observed, 1);
        assert!((l.expected - 1.0).abs() < 1e-12);
        assert!(close(l.h, 0.0));
        assert_eq!(
            order_violations(&[&a, &b], &[1, 2]),
            vec![Violation {
                lower: 0,
                higher: 1,
                count: 1
            }]
        );
    }

    /// Worked by hand, with one response not observed:
    /// AB (4 cases, p 3/4 and 3/4): 1 error, 0.75 expected;
    /// AC (5 cases, p 4/5 and 2/5): 0 errors, 0.4 expected;
    /// BC (4 cases, p 3/4 and 1/2): 1 error, 0.5 expected.
    /// H = 1 − 2/1.65; H_A = 1 − 1/1.15; H_B = 1 − 2/1.25; H_C = 1 − 1/0.9.
    #[test]
    fn a_hand_computed_matrix_with_a_missing_response() {
        let a = [Y, Y, N, Y, Y];
        let b = [Y, N, Y, Y, U];
        let c = [N, Y, N, Y, N];
        let l = loevinger(&[&a, &b, &c]);
        assert_eq!(l.observed, 2);
        assert!((l.expected - 1.65).abs() < 1e-12);
        assert!(close(l.h, 1.0 - 2.0 / 1.65));
        assert!(close(l.items[0], 1.0 - 1.0 / 1.15));
        assert!(close(l.items[1], 1.0 - 2.0 / 1.25));
        assert!(close(l.items[2], 1.0 - 1.0 / 0.9));
        let v = order_violations(&[&a, &b, &c], &[1, 2, 3]);
        assert_eq!(
            v,
            vec![
                Violation {
                    lower: 0,
                    higher: 1,
                    count: 1
                },
                Violation {
                    lower: 1,
                    higher: 2,
                    count: 1
                }
            ]
        );
        // Items on the same level are in no order.
        assert_eq!(order_violations(&[&a, &b, &c], &[1, 1, 1]), vec![]);
    }

    /// Items met by everyone (or no one) expect no errors: H is undefined.
    #[test]
    fn items_without_variation_have_no_h() {
        let a = [Y, Y, Y];
        let b = [N, Y, N];
        let l = loevinger(&[&a, &b]);
        assert_eq!(l.h, None);
        assert_eq!(l.items, vec![None, None]);
        let l = loevinger(&[&a]);
        assert_eq!(l.h, None);
        let l = loevinger(&[&[U, U][..], &[Y, N][..]]);
        assert_eq!(l.h, None);
    }

    /// Errors more common than chance give a negative H.
    #[test]
    fn a_reversed_order_gives_a_negative_h() {
        // Within pairs both items are met equally often, and every response disagrees.
        let a = [Y, N, Y, N];
        let b = [N, Y, N, Y];
        let l = loevinger(&[&a, &b]);
        assert_eq!(l.observed, 2);
        assert!(close(l.h, 1.0 - 2.0 / 1.0));
    }

    /// The definitions, pair by pair: what the grouped sums must equal.
    fn pairwise(
        items: &[&Responses],
        levels: &[usize],
    ) -> (u64, f64, Vec<(u64, f64)>, Vec<Violation>) {
        let k = items.len();
        let mut per_item = vec![(0u64, 0.0f64); k];
        let (mut observed, mut expected) = (0u64, 0.0f64);
        for i in 0..k {
            for j in i + 1..k {
                let (o, e) = pair(items[i], items[j]);
                if e > 0.0 {
                    observed += o;
                    expected += e;
                    for m in [i, j] {
                        per_item[m].0 += o;
                        per_item[m].1 += e;
                    }
                }
            }
        }
        let mut violations = Vec::new();
        for i in 0..k {
            for j in 0..k {
                let (Some(li), Some(lj)) = (levels.get(i), levels.get(j)) else {
                    continue;
                };
                if li >= lj {
                    continue;
                }
                let count = items[i]
                    .iter()
                    .zip(items[j])
                    .filter(|(a, b)| **a == Some(false) && **b == Some(true))
                    .count() as u64;
                if count > 0 {
                    violations.push(Violation {
                        lower: i,
                        higher: j,
                        count,
                    });
                }
            }
        }
        (observed, expected, per_item, violations)
    }

    proptest::proptest! {
        /// Grouping the items by their rows changes nothing: many items, few
        /// respondents (so rows repeat), some responses not observed, some rows shorter.
        #[test]
        fn grouped_sums_are_the_pairwise_definitions(
            rows in proptest::collection::vec(proptest::collection::vec(0u8..3, 0..4), 0..40),
            levels in proptest::collection::vec(0usize..5, 0..40),
        ) {
            let rows: Vec<Vec<Option<bool>>> = rows
                .iter()
                .map(|r| r.iter().map(|v| match v { 0 => Some(false), 1 => Some(true), _ => None }).collect())
                .collect();
            let items: Vec<&Responses> = rows.iter().map(Vec::as_slice).collect();
            let (observed, expected, per_item, violations) = pairwise(&items, &levels);
            let l = loevinger(&items);
            proptest::prop_assert_eq!(l.observed, observed);
            proptest::prop_assert!((l.expected - expected).abs() <= 1e-9 * expected.abs().max(1.0));
            for (got, (o, e)) in l.items.iter().zip(&per_item) {
                let want = (*e > 0.0).then(|| 1.0 - *o as f64 / *e);
                proptest::prop_assert_eq!(got.is_some(), want.is_some());
                if let (Some(g), Some(w)) = (got, want) {
                    proptest::prop_assert!((g - w).abs() <= 1e-9, "{} against {}", g, w);
                }
            }
            proptest::prop_assert_eq!(order_violations(&items, &levels), violations);
        }
    }
}
