//! leadgate-providers: see DESIGN.md; filled in by its issue.
