//! Peer review: who reviews whose work.
//!
//! After an assignment's due date, each submission gets `per_work` reviewers
//! drawn at random from the people in the pool, never its own author and
//! never a member of its author's team, with everyone's number of reviews as
//! even as the teams allow (within one of each other whenever that is
//! possible at all; see [`allocate`]).
//!
//! The allocation is a pure function of its input and a seed, so a test (or
//! a facilitator re-running it) gets the same answer for the same draw.

use std::collections::HashSet;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// Someone who may review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub id: String,
    pub team: Option<String>,
}

/// A piece of work to be reviewed: a submission, with who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    pub id: String,
    /// The person who submitted it, or every member of the submitting team.
    pub authors: Vec<String>,
    /// The team it was written by or in, whose members may not review it.
    pub team: Option<String>,
}

/// Whether `reviewer` may review `work`: not theirs, not their team's.
pub fn eligible(work: &Work, reviewer: &Reviewer) -> bool {
    let own = work.authors.contains(&reviewer.id);
    let own_team = work.team.is_some() && work.team == reviewer.team;
    !own && !own_team
}

/// Who reviews what.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allocation {
    /// `(work id, reviewer id)`.
    pub pairs: Vec<(String, String)>,
    /// Works that got fewer than the reviewers asked for, because too few
    /// people may review them.
    pub short: Vec<String>,
}

/// Draws `per_work` reviewers for each work.
///
/// Rounds go over every work once, hardest first (the one with the fewest
/// people allowed to review it), and give it the least-loaded allowed
/// reviewer not already on it, ties broken by a shuffle. A repair pass then
/// hands reviews from busier to idler reviewers along chains that keep every
/// rule, until no chain helps: loads then differ by at most one whenever
/// the teams allow it at all (they may not: when individual work is done in
/// teams of 3 and 2, the 2 must share the reviews of the 3's three works).
pub fn allocate(works: &[Work], reviewers: &[Reviewer], per_work: usize, seed: u64) -> Allocation {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..reviewers.len()).collect();
    order.shuffle(&mut rng);
    // rank[r]: the shuffled position, the tie-breaker between equal loads.
    let mut rank = vec![0; reviewers.len()];
    for (position, r) in order.iter().enumerate() {
        rank[*r] = position;
    }
    let allowed: Vec<Vec<usize>> =
        works.iter().map(|w| (0..reviewers.len()).filter(|r| eligible(w, &reviewers[*r])).collect()).collect();
    let mut hardest_first: Vec<usize> = (0..works.len()).collect();
    hardest_first.shuffle(&mut rng);
    hardest_first.sort_by_key(|w| allowed[*w].len());

    let mut load = vec![0usize; reviewers.len()];
    let mut on: Vec<HashSet<usize>> = vec![HashSet::new(); works.len()];
    for _ in 0..per_work {
        for &w in &hardest_first {
            let pick = allowed[w].iter().copied().filter(|r| !on[w].contains(r)).min_by_key(|r| (load[*r], rank[*r]));
            if let Some(r) = pick {
                on[w].insert(r);
                load[r] += 1;
            }
        }
    }
    repair(&allowed, &mut on, &mut load);

    let mut pairs = Vec::new();
    let mut short = Vec::new();
    for (w, work) in works.iter().enumerate() {
        let mut chosen: Vec<usize> = on[w].iter().copied().collect();
        chosen.sort_by_key(|r| rank[*r]);
        pairs.extend(chosen.iter().map(|r| (work.id.clone(), reviewers[*r].id.clone())));
        if chosen.len() < per_work {
            short.push(work.id.clone());
        }
    }
    Allocation { pairs, short }
}

/// Evens out the loads: while some reviewer can hand a review to someone at
/// least two reviews less busy, directly or along a chain (A gives work 1 to
/// B, who gives work 2 to C...), do it. With no such chain left the
/// allocation is as even as the rules allow in every sense at once: the
/// busiest reviewer has as little as possible and the idlest as much
/// (Harvey, Ladner, Lovász and Tamir, "Semi-matchings for bipartite graphs
/// and load balancing", 2006), so loads are within one of each other
/// whenever any allocation has them so.
fn repair(allowed: &[Vec<usize>], on: &mut [HashSet<usize>], load: &mut [usize]) {
    let reviewers = load.len();
    // The works each reviewer is on, kept in step with `on`.
    let mut works_of: Vec<Vec<usize>> = vec![Vec::new(); reviewers];
    for (w, set) in on.iter().enumerate() {
        for r in set {
            works_of[*r].push(w);
        }
    }
    // Each hand-over lowers the sum of squared loads, so this ends.
    'improve: loop {
        let mut starts: Vec<usize> = (0..reviewers).collect();
        starts.sort_by_key(|r| std::cmp::Reverse(load[*r]));
        for &start in &starts {
            if load[start] < 2 {
                break;
            }
            // Breadth-first over "x hands work w to y".
            let mut came_from: Vec<Option<(usize, usize)>> = vec![None; reviewers];
            let mut seen = vec![false; reviewers];
            seen[start] = true;
            let mut queue = std::collections::VecDeque::from([start]);
            while let Some(x) = queue.pop_front() {
                for &w in &works_of[x] {
                    for &y in &allowed[w] {
                        if seen[y] || on[w].contains(&y) {
                            continue;
                        }
                        seen[y] = true;
                        came_from[y] = Some((x, w));
                        if load[y] + 2 <= load[start] {
                            hand_over(y, &came_from, on, &mut works_of);
                            load[start] -= 1;
                            load[y] += 1;
                            continue 'improve;
                        }
                        queue.push_back(y);
                    }
                }
            }
        }
        return;
    }
}

/// Applies the chain that ends at `end`: each giver's work moves to the next.
fn hand_over(end: usize, came_from: &[Option<(usize, usize)>], on: &mut [HashSet<usize>], works_of: &mut [Vec<usize>]) {
    let mut y = end;
    while let Some((x, w)) = came_from[y] {
        on[w].remove(&x);
        on[w].insert(y);
        works_of[x].retain(|v| *v != w);
        works_of[y].push(w);
        y = x;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn people(sizes: &[usize]) -> Vec<Reviewer> {
        let mut out = Vec::new();
        for (t, size) in sizes.iter().enumerate() {
            for i in 0..*size {
                out.push(Reviewer { id: format!("p{t}-{i}"), team: Some(format!("t{t}")) });
            }
        }
        out
    }

    fn loads(a: &Allocation, reviewers: &[Reviewer]) -> Vec<usize> {
        let mut by: HashMap<&str, usize> = reviewers.iter().map(|r| (r.id.as_str(), 0)).collect();
        for (_, r) in &a.pairs {
            *by.get_mut(r.as_str()).expect("a known reviewer") += 1;
        }
        by.into_values().collect()
    }

    /// The rules every allocation keeps, whatever the sizes: nobody reviews
    /// their own or their team's work or the same work twice, and every work
    /// gets `n` reviewers unless fewer than `n` people may review it.
    fn check_rules(works: &[Work], reviewers: &[Reviewer], n: usize, a: &Allocation) -> Result<(), TestCaseError> {
        let by_id: HashMap<&str, &Reviewer> = reviewers.iter().map(|r| (r.id.as_str(), r)).collect();
        for work in works {
            let on: Vec<&str> = a.pairs.iter().filter(|(w, _)| *w == work.id).map(|(_, r)| r.as_str()).collect();
            let distinct: HashSet<&str> = on.iter().copied().collect();
            prop_assert_eq!(distinct.len(), on.len(), "a reviewer twice on {}", work.id);
            for r in &on {
                prop_assert!(eligible(work, by_id[r]), "{} may not review {}", r, work.id);
            }
            let possible = reviewers.iter().filter(|r| eligible(work, r)).count();
            prop_assert_eq!(on.len(), n.min(possible), "{} reviewers on {}", on.len(), work.id);
            prop_assert_eq!(a.short.contains(&work.id), possible < n);
        }
        Ok(())
    }

    fn spread(l: &[usize]) -> usize {
        l.iter().max().copied().unwrap_or(0) - l.iter().min().copied().unwrap_or(0)
    }

    /// Whether any allocation puts every reviewer within one review of every
    /// other, worked out independently of [`allocate`]: a flow in which each
    /// work gets exactly as many reviewers as it can and each reviewer between
    /// floor and ceiling of the average (a flow with lower bounds, solved as
    /// a max-flow from a super source).
    fn even_spread_possible(works: &[Work], reviewers: &[Reviewer], n: usize) -> bool {
        let needs: Vec<usize> =
            works.iter().map(|w| n.min(reviewers.iter().filter(|r| eligible(w, r)).count())).collect();
        let total: usize = needs.iter().sum();
        if reviewers.is_empty() {
            return total == 0;
        }
        let (low, high) = (total / reviewers.len(), total.div_ceil(reviewers.len()));
        // Nodes: 0 super source, 1 super sink, 2 s, 3 t, works, reviewers.
        let (w0, r0) = (4, 4 + works.len());
        let mut flow = Flow::new(r0 + reviewers.len());
        let mut excess = vec![0i64; r0 + reviewers.len()];
        for (w, work) in works.iter().enumerate() {
            excess[w0 + w] += needs[w] as i64;
            excess[2] -= needs[w] as i64;
            for (r, reviewer) in reviewers.iter().enumerate() {
                if eligible(work, reviewer) {
                    flow.edge(w0 + w, r0 + r, 1);
                }
            }
        }
        for r in 0..reviewers.len() {
            flow.edge(r0 + r, 3, (high - low) as i64);
            excess[3] += low as i64;
            excess[r0 + r] -= low as i64;
        }
        flow.edge(3, 2, i64::MAX / 4);
        let mut wanted = 0;
        for (v, e) in excess.iter().enumerate() {
            if *e > 0 {
                flow.edge(0, v, *e);
                wanted += e;
            } else if *e < 0 {
                flow.edge(v, 1, -e);
            }
        }
        flow.max(0, 1) == wanted
    }

    /// A plain augmenting-path max-flow, small and obviously right.
    struct Flow {
        edges: Vec<(usize, i64)>,
        out: Vec<Vec<usize>>,
    }

    impl Flow {
        fn new(nodes: usize) -> Self {
            Self { edges: Vec::new(), out: vec![Vec::new(); nodes] }
        }

        fn edge(&mut self, from: usize, to: usize, capacity: i64) {
            self.out[from].push(self.edges.len());
            self.edges.push((to, capacity));
            self.out[to].push(self.edges.len());
            self.edges.push((from, 0));
        }

        fn max(&mut self, source: usize, sink: usize) -> i64 {
            let mut total = 0;
            loop {
                let mut via: Vec<Option<usize>> = vec![None; self.out.len()];
                let mut queue = std::collections::VecDeque::from([source]);
                let mut reached = false;
                while let Some(v) = queue.pop_front() {
                    for &e in &self.out[v] {
                        let (to, cap) = self.edges[e];
                        if cap > 0 && to != source && via[to].is_none() {
                            via[to] = Some(e);
                            if to == sink {
                                reached = true;
                                break;
                            }
                            queue.push_back(to);
                        }
                    }
                    if reached {
                        break;
                    }
                }
                if !reached {
                    return total;
                }
                let mut push = i64::MAX;
                let mut v = sink;
                while let Some(e) = via[v] {
                    push = push.min(self.edges[e].1);
                    v = self.edges[e ^ 1].0;
                }
                let mut v = sink;
                while let Some(e) = via[v] {
                    self.edges[e].1 -= push;
                    self.edges[e ^ 1].1 += push;
                    v = self.edges[e ^ 1].0;
                }
                total += push;
            }
        }
    }

    proptest! {
        /// Individual work, no teams: everyone who submitted reviews, and the
        /// loads are always within one.
        #[test]
        fn individual_work_is_reviewed_evenly(people_count in 2usize..40, n in 1usize..5, seed in any::<u64>()) {
            let reviewers: Vec<Reviewer> =
                (0..people_count).map(|i| Reviewer { id: format!("p{i}"), team: None }).collect();
            let works: Vec<Work> = reviewers
                .iter()
                .map(|r| Work { id: format!("w-{}", r.id), authors: vec![r.id.clone()], team: None })
                .collect();
            let a = allocate(&works, &reviewers, n, seed);
            check_rules(&works, &reviewers, n, &a)?;
            prop_assert!(spread(&loads(&a, &reviewers)) <= 1, "loads {:?}", loads(&a, &reviewers));
        }

        /// Any team sizes, people without a team, people who did not submit,
        /// individual or team work: the rules always hold, and the loads are
        /// within one whenever any allocation could have them so.
        #[test]
        fn reviews_are_as_even_as_the_teams_allow(
            sizes in proptest::collection::vec(1usize..7, 0..7), loners in 0usize..6,
            submitted in proptest::collection::vec(any::<bool>(), 0..40), team_work in any::<bool>(),
            n in 1usize..5, seed in any::<u64>(),
        ) {
            let mut reviewers = people(&sizes);
            reviewers.extend((0..loners).map(|i| Reviewer { id: format!("solo{i}"), team: None }));
            let mut works: Vec<Work> = Vec::new();
            for (r, did) in reviewers.iter().zip(submitted.iter().chain(std::iter::repeat(&true))) {
                if !did {
                    continue;
                }
                match (&r.team, team_work) {
                    // One submission per team, by all of its members.
                    (Some(team), true) => {
                        if !works.iter().any(|w| w.team.as_ref() == Some(team)) {
                            let authors = reviewers.iter().filter(|m| m.team.as_ref() == Some(team)).map(|m| m.id.clone()).collect();
                            works.push(Work { id: format!("w-{team}"), authors, team: Some(team.clone()) });
                        }
                    }
                    _ => works.push(Work { id: format!("w-{}", r.id), authors: vec![r.id.clone()], team: r.team.clone() }),
                }
            }
            let a = allocate(&works, &reviewers, n, seed);
            check_rules(&works, &reviewers, n, &a)?;
            if even_spread_possible(&works, &reviewers, n) {
                prop_assert!(spread(&loads(&a, &reviewers)) <= 1, "sizes {:?} loads {:?}", sizes, loads(&a, &reviewers));
            }
        }
    }

    #[test]
    fn the_checker_knows_an_uneven_case_from_an_even_one() {
        // Individual work in teams of 3 and 2: the 2 share the 3's three works.
        let uneven = people(&[3, 2]);
        let works = |rs: &[Reviewer]| -> Vec<Work> {
            rs.iter()
                .map(|r| Work { id: format!("w-{}", r.id), authors: vec![r.id.clone()], team: r.team.clone() })
                .collect()
        };
        assert!(!even_spread_possible(&works(&uneven), &uneven, 1));
        let even = people(&[3, 3]);
        assert!(even_spread_possible(&works(&even), &even, 1));
        let a = allocate(&works(&even), &even, 1, 3);
        assert!(spread(&loads(&a, &even)) <= 1);
    }

    #[test]
    fn the_same_seed_gives_the_same_allocation_and_another_seed_may_not() {
        let reviewers: Vec<Reviewer> = (0..12).map(|i| Reviewer { id: format!("p{i}"), team: None }).collect();
        let works: Vec<Work> = reviewers
            .iter()
            .map(|r| Work { id: format!("w-{}", r.id), authors: vec![r.id.clone()], team: None })
            .collect();
        let a = allocate(&works, &reviewers, 2, 7);
        assert_eq!(a, allocate(&works, &reviewers, 2, 7));
        assert!((0..20).any(|seed| allocate(&works, &reviewers, 2, seed) != a), "the draw is random");
    }

    #[test]
    fn a_lone_reviewer_reviews_all_of_a_big_team_when_nobody_else_may() {
        // Teams of 1 and 4, individual work: only the loner may review the
        // four, and the spread cannot be within one; every work is still covered.
        let reviewers = people(&[1, 4]);
        let works: Vec<Work> = reviewers
            .iter()
            .map(|r| Work { id: format!("w-{}", r.id), authors: vec![r.id.clone()], team: r.team.clone() })
            .collect();
        let a = allocate(&works, &reviewers, 1, 1);
        assert!(a.short.is_empty());
        assert_eq!(a.pairs.iter().filter(|(_, r)| r == "p0-0").count(), 4);
    }
}
