"""Clinical sign-off: reviewers, signed approvals bound to exact outputs, policy, audit log."""
