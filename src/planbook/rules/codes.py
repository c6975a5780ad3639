"""Every rule's code, name, severity and switches, without importing the rule modules.

A run whose plans the cache answers for never needs a rule's check, only which rules are on
(`select`, `ignore`, defaults) and which need git history. Importing the eleven family
modules (their patterns, the doc types and plan facts they read) costs more than the rest of
such a run, so this table says what they would. Written by `make docs`
(`planbook.docs.write_codes_table`) from the rules themselves; a test fails when it differs.
"""

from __future__ import annotations

# code → (name, default severity, on by default, needs git history)
CATALOG: dict[str, tuple[str, str, bool, bool]] = {
    "AP001": ("status-transition", "error", True, True),
    "AP002": ("approval-not-recorded", "error", True, True),
    "AP003": ("done-with-open-work", "error", True, False),
    "AP004": ("work-before-approval", "error", True, True),
    "CK001": ("missing-checklist-item", "error", True, False),
    "CK002": ("unchecked-when-done", "error", True, False),
    "FM001": ("missing-frontmatter", "error", True, False),
    "FM002": ("unterminated-frontmatter", "error", True, False),
    "FM003": ("yaml-syntax-error", "error", True, False),
    "FM004": ("frontmatter-not-mapping", "error", True, False),
    "FM005": ("duplicate-key", "error", True, False),
    "FM006": ("required-field-missing", "error", True, False),
    "FM007": ("invalid-field-value", "error", True, False),
    "FM008": ("updated-before-created", "error", True, False),
    "FM009": ("date-in-future", "error", True, False),
    "FM010": ("wrong-doc-type", "error", True, False),
    "FM011": ("yaml-type-trap", "error", True, False),
    "FM012": ("value-cut-by-comment", "error", True, False),
    "FM013": ("unknown-key", "warning", True, False),
    "FM014": ("yaml-alias-bomb", "error", True, False),
    "GT001": ("created-after-first-commit", "error", True, True),
    "GT002": ("updated-not-bumped", "error", True, True),
    "GT003": ("version-not-bumped", "warning", True, True),
    "GT004": ("unknown-plan-dependency", "error", True, False),
    "GT005": ("plan-dependency-cycle", "error", True, False),
    "GT006": ("duplicate-plan-id", "error", True, False),
    "IO001": ("unreadable-file", "error", True, False),
    "IO002": ("not-text", "error", True, False),
    "IO003": ("markdown-too-deep", "error", True, False),
    "PB001": ("unused-suppression", "warning", True, False),
    "PB002": ("internal-error", "error", True, False),
    "RF001": ("unknown-task-dependency", "error", True, False),
    "RF002": ("dependency-cycle", "error", True, False),
    "RF003": ("unknown-test-reference", "error", True, False),
    "RF004": ("broken-link", "error", True, False),
    "SQ001": ("sequence-mismatch", "error", True, False),
    "SQ002": ("sequence-extra-wait", "warning", True, False),
    "ST001": ("missing-section", "error", True, False),
    "ST002": ("section-out-of-order", "error", True, False),
    "ST003": ("empty-section", "error", True, False),
    "ST004": ("section-numbering", "error", True, False),
    "ST005": ("leftover-template", "warning", True, False),
    "ST006": ("phase-incomplete", "error", True, False),
    "ST007": ("broken-code-fence", "error", True, False),
    "ST008": ("missing-title", "error", True, False),
    "TB001": ("missing-column", "error", True, False),
    "TB002": ("invalid-id", "error", True, False),
    "TB003": ("duplicate-id", "error", True, False),
    "TB004": ("value-not-allowed", "error", True, False),
    "TB005": ("empty-cell", "error", True, False),
    "TR001": ("done-task-without-commit", "warning", False, True),
    "TR002": ("unknown-citation", "error", True, True),
    "TR003": ("test-not-implemented", "warning", True, False),
    "TR004": ("criterion-not-met", "error", True, False),
}

# the rules `planbook fix` has a fixer for (`fix.FIXERS`)
FIXABLE: tuple[str, ...] = (
    "FM003", "FM007", "FM011", "FM012", "GT002", "GT003", "ST004", "TB004",
)

