//! leadgate-protocol: see DESIGN.md; filled in by its issue.
