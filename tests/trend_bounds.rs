//! The trend's tau bounds against brute force: on random small corpora, the least and
//! greatest tau-b that `tau_bounds` finds are those of every completion enumerated one
//! by one, and its outer bounds (budget exceeded) contain them.

use proptest::prelude::*;
use thirdside::analysis::kendall_tau_b;
use thirdside::analysis::trend::bounds::{Domain, TAU_BOUNDS_BUDGET, tau_bounds};

/// Every completion's tau: each value on `grid` points per unit between its bounds.
fn brute_force(intervals: &[(f64, f64)], steps_per_unit: usize) -> (Option<f64>, Option<f64>) {
    let candidates: Vec<Vec<f64>> = intervals
        .iter()
        .map(|(l, h)| {
            let k = ((h - l) * steps_per_unit as f64).round() as usize;
            (0..=k)
                .map(|i| l + i as f64 / steps_per_unit as f64)
                .collect()
        })
        .collect();
    let x: Vec<f64> = (1..=intervals.len()).map(|i| i as f64).collect();
    let mut index = vec![0usize; intervals.len()];
    let (mut min, mut max): (Option<f64>, Option<f64>) = (None, None);
    loop {
        let y: Vec<f64> = index.iter().zip(&candidates).map(|(i, c)| c[*i]).collect();
        if let Ok(t) = kendall_tau_b(&x, &y) {
            min = Some(min.map_or(t, |m| m.min(t)));
            max = Some(max.map_or(t, |m| m.max(t)));
        }
        // Next completion, odometer order.
        let mut k = 0;
        loop {
            if k == index.len() {
                return (min, max);
            }
            index[k] += 1;
            if index[k] < candidates[k].len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

/// Up to 5 efforts, each with whole-number bounds in 0..=3.
fn corpus() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((0u8..=3, 0u8..=3), 2..=5).prop_map(|v| {
        v.into_iter()
            .map(|(a, b)| (f64::from(a.min(b)), f64::from(a.max(b))))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn level_bounds_are_those_of_every_completion(intervals in corpus()) {
        let b = tau_bounds(&intervals, Domain::Integers, TAU_BOUNDS_BUDGET);
        prop_assert!(b.exact);
        let (min, max) = brute_force(&intervals, 1);
        prop_assert!(close(b.min, min), "min {:?} vs {:?} on {:?}", b.min, min, intervals);
        prop_assert!(close(b.max, max), "max {:?} vs {:?} on {:?}", b.max, max, intervals);
    }

    #[test]
    fn total_bounds_are_those_of_every_completion(intervals in corpus()) {
        // Bounds are whole numbers, so any order of n reals in them is realised on a
        // grid of n + 1 points per unit.
        let b = tau_bounds(&intervals, Domain::Reals, TAU_BOUNDS_BUDGET);
        prop_assert!(b.exact);
        let (min, max) = brute_force(&intervals, intervals.len() + 1);
        prop_assert!(close(b.min, min), "min {:?} vs {:?} on {:?}", b.min, min, intervals);
        prop_assert!(close(b.max, max), "max {:?} vs {:?} on {:?}", b.max, max, intervals);
    }

    #[test]
    fn outer_bounds_contain_every_completion(intervals in corpus(), reals in any::<bool>()) {
        let (domain, grid) = if reals {
            (Domain::Reals, intervals.len() + 1)
        } else {
            (Domain::Integers, 1)
        };
        let b = tau_bounds(&intervals, domain, 0);
        let (min, max) = brute_force(&intervals, grid);
        if let (Some(outer), Some(true_min)) = (b.min, min) {
            prop_assert!(!b.exact);
            prop_assert!(outer <= true_min + 1e-9, "{outer} > {true_min} on {intervals:?}");
        }
        if let (Some(outer), Some(true_max)) = (b.max, max) {
            prop_assert!(outer >= true_max - 1e-9, "{outer} < {true_max} on {intervals:?}");
        }
        prop_assert_eq!(b.min.is_some(), min.is_some());
    }
}

#[test]
fn seven_efforts_with_any_intervals_fit_the_budget() {
    let intervals = vec![(0.0, 100.0); 7];
    let b = tau_bounds(&intervals, Domain::Reals, TAU_BOUNDS_BUDGET);
    assert!(b.exact);
    assert_eq!((b.min, b.max), (Some(-1.0), Some(1.0)));
}
