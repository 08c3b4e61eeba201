//! leadgate-sandbox: see DESIGN.md; filled in by its issue.
