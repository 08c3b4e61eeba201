//! leadgate-server: the backend service and the `leadgate` CLI.
