"""Check results as the TUI shows them: one ✓/✗ line per check, the reasons and the hint of a
failing one below it. Lessons and the quiz's fix questions use the same lines (the CLI keeps the
plain `[pass]`/`[FAIL]` form of `learning.checks.results_summary`, which pipes and greps well)."""

from __future__ import annotations

from rich.text import Text

from k8snet_tutor.learning.checks import CheckResult


def append_check(
    text: Text, result: CheckResult, max_reasons: int | None = None, more: str = ""
) -> None:
    """Append one check: `✓ description`, or `✗ description` with its reasons (at most
    `max_reasons`, then "... N more" and `more`) and its hint."""
    if result.passed:
        text.append(" ✓ ", style="bold green")
        text.append(result.description + "\n")
        return
    text.append(" ✗ ", style="bold red")
    text.append(result.description + "\n", style="bold")
    reasons = result.reasons if max_reasons is None else result.reasons[:max_reasons]
    for reason in reasons:
        text.append(f"   • {reason}\n", style="dim")
    hidden = len(result.reasons) - len(reasons)
    if hidden:
        text.append(f"   ... {hidden} more{more}\n", style="dim")
    if result.hint:
        text.append(f"   hint: {result.hint}\n", style="italic")
