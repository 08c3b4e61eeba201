//! leadgate-wasm: see DESIGN.md; filled in by its issue.
