//! Run with `cargo run -p leadgate-protocol --example sign_and_verify`.
//! Signs an envelope body the way the edge does and verifies it the way the backend does.
use leadgate_protocol::{sign_envelope, verify_envelope};

fn main() {
    let body = br#"{"lead_id":"01HZY0000000000000000000AA","site":"acme"}"#;
    let headers = sign_envelope(b"edge-secret", "k1", 1_700_000_000, body);
    for (name, value) in headers.pairs() {
        println!("{name}: {value}");
    }
    let keys = [("k1", b"edge-secret".as_slice())];
    println!(
        "verified: {:?}",
        verify_envelope(&keys[..], &headers, body, 1_700_000_005)
    );
}
