//! leadgate-worker: the Cloudflare Worker; filled in by its issue.
