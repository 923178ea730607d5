//! Orders items so each comes after everything it depends on, and finds cycles.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The evaluation order of `deps.len()` items, where `deps[i]` lists the items item `i`
/// depends on. Items are taken in declaration order whenever their dependencies allow,
/// so the order is stable. Returns the order of every item not caught in a cycle, and
/// each cycle found (as the items around it, in dependency order).
pub fn order(deps: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let n = deps.len();
    let mut waiting_on = vec![0usize; n];
    let mut dependents = vec![Vec::new(); n];
    for (item, its_deps) in deps.iter().enumerate() {
        waiting_on[item] = its_deps.len();
        for &d in its_deps {
            dependents[d].push(item);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&i| waiting_on[i] == 0)
        .map(Reverse)
        .collect();
    let mut ordered = Vec::with_capacity(n);
    while let Some(Reverse(item)) = ready.pop() {
        ordered.push(item);
        for &dependent in &dependents[item] {
            waiting_on[dependent] -= 1;
            if waiting_on[dependent] == 0 {
                ready.push(Reverse(dependent));
            }
        }
    }
    let mut placed = vec![false; n];
    for &i in &ordered {
        placed[i] = true;
    }
    (ordered, cycles(deps, &placed))
}

/// Finds the cycles among items that could not be placed: each is reported once;
/// items merely downstream of a cycle are not cycles themselves.
fn cycles(deps: &[Vec<usize>], placed: &[bool]) -> Vec<Vec<usize>> {
    let mut reported = placed.to_vec();
    let mut found = Vec::new();
    let mut on_path = vec![false; deps.len()];
    for start in 0..deps.len() {
        if reported[start] {
            continue;
        }
        let mut path = vec![start];
        on_path[start] = true;
        loop {
            let current = path[path.len() - 1];
            // Close a circle if one is in reach, else walk on through an item not yet
            // explained; an item stuck only behind reported circles ends the walk.
            if let Some(&back) = deps[current].iter().find(|&&d| on_path[d]) {
                let from = path.iter().position(|&p| p == back).unwrap_or(0);
                found.push(path[from..].to_vec());
                break;
            }
            let Some(&next) = deps[current].iter().find(|&&d| !reported[d]) else {
                break;
            };
            on_path[next] = true;
            path.push(next);
        }
        for &p in &path {
            reported[p] = true;
            on_path[p] = false;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_declaration_order_where_dependencies_allow() {
        // 0 depends on 2; 1 is free.
        let (order, cycles) = order(&[vec![2], vec![], vec![]]);
        assert_eq!(order, vec![1, 2, 0]);
        assert!(cycles.is_empty());
    }

    #[test]
    fn reports_each_cycle_once_and_not_its_dependents() {
        // 0 -> 1 -> 2 -> 0, and 3 depends on 0.
        let (order, cycles) = order(&[vec![1], vec![2], vec![0], vec![0], vec![]]);
        assert_eq!(order, vec![4]);
        assert_eq!(cycles, vec![vec![0, 1, 2]]);
    }

    #[test]
    fn a_second_cycle_behind_the_first_is_reported_too() {
        // 0 -> 0; 1 -> 0 and 2; 2 -> 1.
        let (_, cycles) = order(&[vec![0], vec![0, 2], vec![1]]);
        assert_eq!(cycles, vec![vec![0], vec![1, 2]]);
    }

    #[test]
    fn self_dependency_is_a_cycle() {
        let (_, cycles) = order(&[vec![0]]);
        assert_eq!(cycles, vec![vec![0]]);
    }
}
