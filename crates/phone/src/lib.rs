//! leadgate-phone: compact phone engine (edge-grade checks issue).
