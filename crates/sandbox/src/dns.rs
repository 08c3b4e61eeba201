//! A tiny UDP DNS stand-in for MX lookups, so the MX client's hard timeout and every
//! answer kind can be tested without the internet. Answers by the queried domain's
//! first label:
//!
//! | domain starts with | answer |
//! |---|---|
//! | `nomx.` | NOERROR, no MX records (NODATA) |
//! | `nullmx.` | the RFC 7505 null MX (`0 .`): accepts no mail |
//! | `nxdomain.` | NXDOMAIN |
//! | `servfail.` | SERVFAIL |
//! | `slow.` | never answers (the client must time out) |
//! | anything else | `10 mx1.<domain>`, `20 mx2.<domain>` |

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::MX;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::UdpSocket;

/// A running DNS stand-in; stops when dropped.
#[derive(Debug)]
pub struct DnsHandle {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl DnsHandle {
    /// Where it listens (UDP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for DnsHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Builds the answer to one query, or None to stay silent (`slow.`).
pub fn answer(query: &Message) -> Option<Message> {
    let q = query.queries().first()?;
    let name = q
        .name()
        .to_ascii()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let first = name.split('.').next().unwrap_or("");
    if first == "slow" {
        return None;
    }
    let mut resp = Message::new();
    resp.set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(query.op_code())
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(true)
        .set_authoritative(true);
    resp.add_query(q.clone());
    match first {
        "nxdomain" => {
            resp.set_response_code(ResponseCode::NXDomain);
        }
        "servfail" => {
            resp.set_response_code(ResponseCode::ServFail);
        }
        "nomx" => {}
        _ if q.query_type() != RecordType::MX => {}
        "nullmx" => {
            resp.add_answer(Record::from_rdata(
                q.name().clone(),
                300,
                RData::MX(MX::new(0, Name::root())),
            ));
        }
        _ => {
            for (pref, host) in [(10u16, "mx1"), (20, "mx2")] {
                if let Ok(exchange) = Name::from_ascii(format!("{host}.{name}.")) {
                    resp.add_answer(Record::from_rdata(
                        q.name().clone(),
                        300,
                        RData::MX(MX::new(pref, exchange)),
                    ));
                }
            }
        }
    }
    Some(resp)
}

/// Starts the DNS stand-in on `addr` (UDP; port 0 picks one).
pub async fn spawn(addr: SocketAddr) -> std::io::Result<DnsHandle> {
    let socket = Arc::new(UdpSocket::bind(addr).await?);
    let addr = socket.local_addr()?;
    let task = tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
                continue;
            };
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            if let Some(resp) = answer(&query) {
                if let Ok(bytes) = resp.to_vec() {
                    let _ = socket.send_to(&bytes, peer).await;
                }
            }
        }
    });
    Ok(DnsHandle { addr, task })
}
