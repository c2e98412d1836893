//! The chat fan-out load generator: CLIENTS WebSocket clients follow one channel while
//! messages are posted into it at RATE per second for SECONDS; it measures the rate
//! sustained and, for each message, the fan-out latency from the moment its post was
//! sent to the moment the last client received it (p50, p99, max).
//!
//! Targets, each measured in the same run on the same machine:
//! - `chat`: `chat` processes (PROCESSES of them, 1 on SQLite by default, or on the
//!   PostgreSQL database `--database`), clients spread over them, posts sent to the
//!   first: the journal, the policy and the audit record on every post and every read;
//! - `peer`: a bare axum WebSocket broadcast in this process (a post is handed to every
//!   socket from memory): the ceiling for fan-out on this machine.
//!
//! `bash benches/cli/chat_fanout.sh` runs both and prints the figures.

// A measuring tool, like a test: a failure anywhere is the run's end, said loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::routing::{get, post};
use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::sync::broadcast;

#[derive(Debug, Clone)]
struct Args {
    target: String,
    clients: usize,
    rate: u64,
    seconds: u64,
    processes: usize,
    database: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        target: "chat".into(),
        clients: 1000,
        rate: 2000,
        seconds: 10,
        processes: 1,
        database: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--target" => args.target = value,
            "--clients" => args.clients = value.parse().expect("--clients N"),
            "--rate" => args.rate = value.parse().expect("--rate N"),
            "--seconds" => args.seconds = value.parse().expect("--seconds N"),
            "--processes" => args.processes = value.parse().expect("--processes N"),
            "--database" => args.database = Some(value),
            other => panic!("unknown flag {other}; see the file's doc"),
        }
    }
    args
}

/// A `chat` process, killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
    passwords: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(database: &str) -> Server {
    let bin = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("chat");
    let address: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut child = Command::new(&bin)
        .args([
            "--database",
            database,
            "--tenant",
            "fanout",
            "--listen",
            &address.to_string(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "cannot start {}: {err} (cargo build --release -p chat)",
                bin.display()
            )
        });
    let mut passwords = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("member ") {
            passwords.push((
                rest.split_whitespace().next().unwrap().to_owned(),
                rest.rsplit(' ').next().unwrap().to_owned(),
            ));
        }
        if line.starts_with("chat is serving") {
            break;
        }
    }
    Server {
        child,
        address,
        passwords,
    }
}

/// An HTTP/1.1 connection kept alive.
struct Http {
    reader: tokio::io::BufReader<tokio::net::TcpStream>,
    address: SocketAddr,
}

impl Http {
    async fn connect(address: SocketAddr) -> Http {
        let stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Http {
            reader: tokio::io::BufReader::new(stream),
            address,
        }
    }

    /// Status, headers and body.
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &str,
    ) -> (u16, String, String) {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
            self.address,
            body.len()
        );
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .unwrap();
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await.unwrap();
        let status = head
            .split_whitespace()
            .nth(1)
            .unwrap_or("0")
            .parse()
            .unwrap_or(0);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }
}

struct Session {
    headers: String,
    cookie: String,
}

async fn sign_in(server: &Server, member: &str) -> Session {
    let password = &server
        .passwords
        .iter()
        .find(|(m, _)| m == member)
        .unwrap()
        .1;
    let mut http = Http::connect(server.address).await;
    let body = format!(r#"{{"member": {member}, "password": "{password}"}}"#);
    let (status, head, body) = http.call("POST", "/api/session", "", &body).await;
    assert_eq!(status, 200, "{body}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie:")
                .then(|| l[11..].trim().split(';').next().unwrap().to_owned())
        })
        .unwrap();
    let csrf = serde_json::from_str::<serde_json::Value>(&body).unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_owned();
    Session {
        headers: format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"),
        cookie,
    }
}

/// What every client and poster writes down.
struct Tally {
    base: Instant,
    posted: Vec<AtomicU64>,
    received: Vec<AtomicU32>,
    last: Vec<AtomicU64>,
    post_latency: Vec<AtomicU64>,
}

impl Tally {
    fn now(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// A message's number from its text `m<i>`, found in a frame.
    fn heard(&self, frame: &str) {
        let Some(start) = frame.find("\"text\":\"m") else {
            return;
        };
        let digits: String = frame[start + 9..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(i) = digits.parse::<usize>()
            && i < self.received.len()
        {
            self.received[i].fetch_add(1, Ordering::Relaxed);
            self.last[i].fetch_max(self.now(), Ordering::Relaxed);
        }
    }
}

async fn client(url: String, cookie: Option<String>, tally: Arc<Tally>, ready: Arc<AtomicU32>) {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request().unwrap();
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ready.fetch_add(1, Ordering::Relaxed);
    while let Some(Ok(frame)) = socket.next().await {
        if let tokio_tungstenite::tungstenite::Message::Text(text) = frame {
            tally.heard(&text);
        }
    }
}

/// The peer: a post is handed to every socket from memory.
async fn peer() -> SocketAddr {
    let (sender, _) = broadcast::channel::<String>(65536);
    async fn live(
        State(sender): State<broadcast::Sender<String>>,
        upgrade: WebSocketUpgrade,
    ) -> axum::response::Response {
        let mut told = sender.subscribe();
        upgrade.on_upgrade(move |mut socket: WebSocket| async move {
            while let Ok(text) = told.recv().await {
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
        })
    }
    async fn posted(State(sender): State<broadcast::Sender<String>>, body: String) -> &'static str {
        let _ = sender.send(body);
        "{}"
    }
    let app = axum::Router::new()
        .route("/live", get(live))
        .route("/post", post(posted))
        .with_state(sender);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1e6
}

#[tokio::main]
async fn main() {
    let args = args();
    let messages = usize::try_from(args.rate * args.seconds).unwrap();
    let tally = Arc::new(Tally {
        base: Instant::now(),
        posted: (0..messages).map(|_| AtomicU64::new(0)).collect(),
        received: (0..messages).map(|_| AtomicU32::new(0)).collect(),
        last: (0..messages).map(|_| AtomicU64::new(0)).collect(),
        post_latency: (0..messages).map(|_| AtomicU64::new(0)).collect(),
    });
    let ready = Arc::new(AtomicU32::new(0));
    let dir = tempfile::tempdir().unwrap();
    let mut servers = Vec::new();
    // Where clients follow, and how a post is sent.
    let (urls, cookie, post_to, post_path, post_headers): (
        Vec<String>,
        Option<String>,
        SocketAddr,
        String,
        String,
    );
    if args.target == "peer" {
        let address = peer().await;
        urls = vec![format!("ws://{address}/live")];
        cookie = None;
        post_to = address;
        post_path = "/post".into();
        post_headers = String::new();
    } else {
        let database = args
            .database
            .clone()
            .unwrap_or_else(|| format!("sqlite:{}", dir.path().join("chat.db").display()));
        for _ in 0..args.processes {
            servers.push(start(&database));
        }
        let last = servers.last().unwrap();
        let alva = sign_in(last, "1").await;
        let bo = sign_in(last, "2").await;
        let mut http = Http::connect(servers[0].address).await;
        let (_, _, list) = http.call("GET", "/api/channels", &bo.headers, "").await;
        let list: serde_json::Value = serde_json::from_str(&list).unwrap();
        let general = list[0]["id"].as_str().unwrap().to_owned();
        let (_, _, view) = http
            .call("GET", &format!("/api/channels/{general}"), &bo.headers, "")
            .await;
        let next: u64 = serde_json::from_str::<serde_json::Value>(&view).unwrap()["next_seq"]
            .as_u64()
            .unwrap();
        urls = servers
            .iter()
            .map(|s| {
                format!(
                    "ws://{}/api/channels/{general}/live?after={next}",
                    s.address
                )
            })
            .collect();
        cookie = Some(bo.cookie);
        post_to = servers[0].address;
        post_path = format!("/api/channels/{general}/messages");
        post_headers = alva.headers;
    }
    for n in 0..args.clients {
        tokio::spawn(client(
            urls[n % urls.len()].clone(),
            cookie.clone(),
            Arc::clone(&tally),
            Arc::clone(&ready),
        ));
    }
    let connect_by = Instant::now() + Duration::from_secs(60);
    while (ready.load(Ordering::Relaxed) as usize) < args.clients && Instant::now() < connect_by {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connected = ready.load(Ordering::Relaxed) as usize;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Posters: 32 kept-alive connections, each message sent at its time.
    let posters = 32;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for p in 0..posters {
        let tally = Arc::clone(&tally);
        let (path, headers) = (post_path.clone(), post_headers.clone());
        let rate = args.rate;
        tasks.push(tokio::spawn(async move {
            let mut http = Http::connect(post_to).await;
            let mut failed = 0;
            for i in (p..messages).step_by(posters) {
                let due = start + Duration::from_nanos(i as u64 * 1_000_000_000 / rate);
                tokio::time::sleep_until(due.into()).await;
                tally.posted[i].store(tally.now(), Ordering::Relaxed);
                let body = if path == "/post" {
                    format!(r#"{{"seq":{i},"event":{{"text":"m{i}"}}}}"#)
                } else {
                    format!(r#"{{"text": "m{i}"}}"#)
                };
                let (status, _, _) = http.call("POST", &path, &headers, &body).await;
                tally.post_latency[i].store(
                    tally.now() - tally.posted[i].load(Ordering::Relaxed),
                    Ordering::Relaxed,
                );
                failed += usize::from(status != 200);
            }
            failed
        }));
    }
    let mut failed = 0;
    for task in tasks {
        failed += task.await.unwrap();
    }
    let posting = start.elapsed();
    // Wait for the last deliveries.
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until
        && tally
            .received
            .iter()
            .any(|r| (r.load(Ordering::Relaxed) as usize) < connected)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let complete = tally
        .received
        .iter()
        .filter(|r| r.load(Ordering::Relaxed) as usize >= connected)
        .count();
    let mut fanout: Vec<u64> = (0..messages)
        .filter(|&i| tally.received[i].load(Ordering::Relaxed) as usize >= connected)
        .map(|i| {
            tally.last[i]
                .load(Ordering::Relaxed)
                .saturating_sub(tally.posted[i].load(Ordering::Relaxed))
        })
        .collect();
    fanout.sort_unstable();
    let mut posts: Vec<u64> = tally
        .post_latency
        .iter()
        .map(|l| l.load(Ordering::Relaxed))
        .collect();
    posts.sort_unstable();
    let report = serde_json::json!({
        "target": args.target,
        "processes": if args.target == "peer" { 1 } else { args.processes },
        "database": if args.target == "peer" { "none".to_owned() } else { args.database.clone().map_or("sqlite".into(), |d| d.split(':').next().unwrap_or("").to_owned()) },
        "clients": connected,
        "offered_per_s": args.rate,
        "messages": messages,
        "sustained_per_s": messages as f64 / posting.as_secs_f64(),
        "failed_posts": failed,
        "delivered_to_all": complete,
        "fanout_ms": {"p50": percentile(&fanout, 0.5), "p99": percentile(&fanout, 0.99), "max": percentile(&fanout, 1.0)},
        "post_ms": {"p50": percentile(&posts, 0.5), "p99": percentile(&posts, 0.99)},
    });
    println!("{report}");
    drop(servers);
}
