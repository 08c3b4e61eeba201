//! `leadgate-sandbox`: every vendor stand-in on one port (default 127.0.0.1:8090), plus
//! the MX stand-in DNS server over UDP on the same port number.
//!
//! Run with `cargo run -p leadgate-sandbox -- --port 8090 [--host 127.0.0.1] [--no-dns]`.

use std::net::SocketAddr;

fn usage() -> ! {
    eprintln!("usage: leadgate-sandbox [--host 127.0.0.1] [--port 8090] [--no-dns]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut host = "127.0.0.1".to_owned();
    let mut port: u16 = 8090;
    let mut dns = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => {
                port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--host" => host = args.next().unwrap_or_else(|| usage()),
            "--no-dns" => dns = false,
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    let addr: SocketAddr = format!("{host}:{port}").parse().unwrap_or_else(|_| usage());
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("leadgate-sandbox: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    // Kept alive until main returns.
    let _dns = if dns {
        match leadgate_sandbox::dns::spawn(local).await {
            Ok(d) => {
                println!("leadgate-sandbox: MX stand-in DNS on udp://{}", d.addr());
                Some(d)
            }
            Err(e) => {
                eprintln!("leadgate-sandbox: DNS stand-in not started: {e}");
                None
            }
        }
    } else {
        None
    };
    println!("leadgate-sandbox: listening on http://{local}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = leadgate_sandbox::serve(
        listener,
        leadgate_sandbox::SandboxState::default(),
        shutdown,
    )
    .await
    {
        eprintln!("leadgate-sandbox: {e}");
        std::process::exit(1);
    }
}
