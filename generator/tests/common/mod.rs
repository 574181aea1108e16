//! Helpers shared by the change report's tests.

/// How many entries a Markdown report's lines account for: the sum of the
/// counts in the rule ids each line ends with (`[rule, 3 other-rule]`).
pub fn markdown_entries(markdown: &str) -> usize {
    markdown
        .lines()
        .filter(|line| line.starts_with("- "))
        .filter_map(|line| {
            line.rsplit_once(" [")
                .map(|(_, ids)| ids.trim_end_matches(']'))
        })
        .flat_map(|ids| ids.split(", "))
        .map(|id| match id.split_once(' ') {
            Some((n, _)) => n.parse::<usize>().expect("a count before the rule id"),
            None => 1,
        })
        .sum()
}
