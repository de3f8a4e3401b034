//! Small SVG charts drawn on the server for the community health page: no
//! script, no external library, readable without colour (every mark has a
//! text label or a `<title>`), and sized by `viewBox` so they scale on a
//! phone.

use std::collections::BTreeSet;
use std::fmt::Write;

use stoa_core::health::Edge;

use super::escape;

/// Weekly posts as bars, oldest first; `labels` names each bar (its week),
/// `title` describes the chart to screen readers.
pub fn activity(weeks: &[i64], labels: &[String], title: &str) -> String {
    let (w, h, pad, base) = (600.0, 200.0, 24.0, 170.0);
    let max = weeks.iter().copied().max().unwrap_or(0).max(1) as f64;
    let slot = (w - 2.0 * pad) / weeks.len().max(1) as f64;
    let mut out = format!(
        r#"<svg class="chart chart-activity" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    let _ = write!(out, r#"<line class="axis" x1="{pad}" y1="{base}" x2="{}" y2="{base}"/>"#, w - pad);
    for (i, n) in weeks.iter().enumerate() {
        let bar = (*n as f64 / max) * (base - 30.0);
        let x = pad + i as f64 * slot + slot * 0.15;
        let label = labels.get(i).map(String::as_str).unwrap_or_default();
        let _ = write!(
            out,
            r#"<g><title>{}: {n}</title><rect class="bar" x="{x:.1}" y="{:.1}" width="{:.1}" height="{bar:.1}"/>"#,
            escape(label),
            base - bar,
            slot * 0.7
        );
        if *n > 0 {
            let _ = write!(
                out,
                r#"<text class="value" x="{:.1}" y="{:.1}" text-anchor="middle">{n}</text>"#,
                x + slot * 0.35,
                base - bar - 4.0
            );
        }
        let _ = write!(
            out,
            r#"<text class="label" x="{:.1}" y="{}" text-anchor="middle">{}</text></g>"#,
            x + slot * 0.35,
            base + 18.0,
            escape(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Who answered whom: people on a circle, an arrow from the one who
/// answered to the one answered, thicker for more answers.
pub fn network(edges: &[Edge], title: &str) -> String {
    let people: Vec<&str> =
        edges.iter().flat_map(|e| [e.from.as_str(), e.to.as_str()]).collect::<BTreeSet<_>>().into_iter().collect();
    let (size, center, radius) = (420.0, 210.0, 150.0);
    let at = |name: &str| {
        let i = people.iter().position(|p| *p == name).unwrap_or(0) as f64;
        let angle = std::f64::consts::TAU * i / people.len().max(1) as f64 - std::f64::consts::FRAC_PI_2;
        (center + radius * angle.cos(), center + radius * angle.sin())
    };
    let max = edges.iter().map(|e| e.count).max().unwrap_or(1).max(1) as f64;
    let mut out = format!(
        r#"<svg class="chart chart-network" viewBox="0 0 {size} {size}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    out.push_str(r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse"><path class="arrow-head" d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>"#);
    for e in edges {
        let ((x1, y1), (x2, y2)) = (at(&e.from), at(&e.to));
        // Stop short of the node so the arrow head shows; bend a little so
        // answers both ways do not overlap.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ex, ey) = (x2 - dx / len * 20.0, y2 - dy / len * 20.0);
        let (mx, my) = ((x1 + ex) / 2.0 - dy / len * 18.0, (y1 + ey) / 2.0 + dx / len * 18.0);
        let width = 1.0 + 4.0 * e.count as f64 / max;
        let _ = write!(
            out,
            r#"<path class="edge" d="M {x1:.1} {y1:.1} Q {mx:.1} {my:.1} {ex:.1} {ey:.1}" stroke-width="{width:.1}" marker-end="url(#arrow)"><title>{} → {}: {}</title></path>"#,
            escape(&e.from),
            escape(&e.to),
            e.count
        );
    }
    for name in &people {
        let (x, y) = at(name);
        let (lx, anchor) = if x < center - 1.0 {
            (x - 22.0, "end")
        } else if x > center + 1.0 {
            (x + 22.0, "start")
        } else {
            (x, "middle")
        };
        let ly = if (x - center).abs() <= 1.0 { if y < center { y - 22.0 } else { y + 30.0 } } else { y + 4.0 };
        let _ = write!(
            out,
            r#"<g><circle class="node" cx="{x:.1}" cy="{y:.1}" r="14"/><text class="name" x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}">@{}</text></g>"#,
            escape(name)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_and_every_edge_and_bar_is_drawn() {
        let edges = vec![
            Edge { from: "a<b".into(), to: "c".into(), count: 2 },
            Edge { from: "c".into(), to: "a<b".into(), count: 1 },
        ];
        let svg = network(&edges, "Who answered whom");
        assert!(!svg.contains("a<b") && svg.contains("a&lt;b"));
        assert_eq!(svg.matches("<path class=\"edge\"").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 2);
        let bars = activity(&[0, 3, 1], &["w1".into(), "w2".into(), "w3".into()], "Posts");
        assert_eq!(bars.matches("<rect").count(), 3);
        assert!(bars.contains(">3</text>"));
    }
}
