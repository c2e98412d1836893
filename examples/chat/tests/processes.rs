//! Two `chat` processes on one PostgreSQL database: a message posted to one reaches a
//! client of the other, live; and when a process is killed under its clients, they
//! follow on from the other with nothing lost and nothing doubled. Needs
//! `ANDEL_TEST_POSTGRES`; says so and passes without it, unless `ANDEL_REQUIRE_ALL=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite;

/// A `chat` process, killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
    /// The passwords it printed, by member number.
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

/// Starts `chat` on `database`, tenant `tenant`, and waits until it serves.
fn start(database: &str, tenant: &str) -> Server {
    let address: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_chat"))
        .args([
            "--database",
            database,
            "--tenant",
            tenant,
            "--listen",
            &address.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut passwords = Vec::new();
    let mut hears = false;
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines {
        let line = line.unwrap();
        // "  member 1 (Alva): password XXXX"
        if let Some(rest) = line.trim().strip_prefix("member ") {
            let number = rest.split_whitespace().next().unwrap().to_owned();
            let password = rest.rsplit(' ').next().unwrap().to_owned();
            passwords.push((number, password));
        }
        hears |= line.starts_with("Other chat processes on this database deliver");
        if line.starts_with("chat is serving") {
            break;
        }
    }
    assert!(hears, "a chat process on PostgreSQL hears the others");
    Server {
        child,
        address,
        passwords,
    }
}

/// One HTTP/1.1 request: the status and the JSON answered.
async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    session: Option<&Session>,
    body: Option<Value>,
) -> (u16, Value, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(session) = session {
        request += &format!(
            "Cookie: {}\r\nX-CSRF-Token: {}\r\n",
            session.cookie, session.csrf
        );
    }
    request += "\r\n";
    request += &body;
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let json = serde_json::from_str(body).unwrap_or(Value::Null);
    (status, json, head.to_owned())
}

struct Session {
    cookie: String,
    csrf: String,
}

async fn sign_in(server: &Server, member: &str) -> Session {
    let password = &server
        .passwords
        .iter()
        .find(|(m, _)| m == member)
        .unwrap()
        .1;
    let (status, body, head) = http(
        server.address,
        "POST",
        "/api/session",
        None,
        Some(json!({"member": member.parse::<u32>().unwrap(), "password": password})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    Session {
        cookie,
        csrf: body["csrf"].as_str().unwrap().to_owned(),
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn follow(address: SocketAddr, session: &Session, channel: &str, after: u64) -> Socket {
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{address}/api/channels/{channel}/live?after={after}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", session.cookie.parse().unwrap());
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

/// The next entry on `socket`, or `None` when it closed.
async fn next_entry(socket: &mut Socket) -> Option<Value> {
    let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("an entry within 10 s")?;
    match message {
        Ok(tungstenite::Message::Text(text)) => Some(serde_json::from_str(&text).unwrap()),
        Ok(tungstenite::Message::Close(_)) | Err(_) => None,
        Ok(other) => panic!("{other:?}"),
    }
}

async fn post(server: &Server, session: &Session, channel: &str, text: &str) {
    let path = format!("/api/channels/{channel}/messages");
    let (status, body, _) = http(
        server.address,
        "POST",
        &path,
        Some(session),
        Some(json!({"text": text})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn two_processes_deliver_to_each_others_clients() {
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        let required = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "ANDEL_REQUIRE_ALL=1 needs ANDEL_TEST_POSTGRES for the two-process chat test"
        );
        eprintln!(
            "note: skipping the PostgreSQL two-process chat test: set ANDEL_TEST_POSTGRES to run it"
        );
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let tenant = format!("chat-two-{}-{nanos}", std::process::id());
    let one = start(&url, &tenant);
    // The second start gives the demo's members fresh passwords: sign in with those.
    let two = start(&url, &tenant);
    let alva = sign_in(&two, "1").await;
    let bo = sign_in(&two, "2").await;
    let (_, channels, _) = http(one.address, "GET", "/api/channels", Some(&bo), None).await;
    let general = channels[0]["id"].as_str().unwrap().to_owned();

    // Bo follows on process two from the start; Alva posts to process one.
    let mut socket = follow(two.address, &bo, &general, 0).await;
    assert_eq!(next_entry(&mut socket).await.unwrap()["seq"], 0);
    assert_eq!(next_entry(&mut socket).await.unwrap()["seq"], 1);
    post(&one, &alva, &general, "from process one").await;
    let heard = next_entry(&mut socket).await.unwrap();
    assert_eq!(
        (heard["seq"].as_u64(), heard["event"]["text"].as_str()),
        (Some(2), Some("from process one"))
    );

    // Process two dies under Bo; Alva posts on; Bo follows on from process one.
    drop(two);
    assert!(
        next_entry(&mut socket).await.is_none(),
        "the socket closes with its process"
    );
    post(&one, &alva, &general, "while you were away").await;
    post(&one, &alva, &general, "and this").await;
    let mut socket = follow(one.address, &bo, &general, 3).await;
    let missed = [
        next_entry(&mut socket).await.unwrap(),
        next_entry(&mut socket).await.unwrap(),
    ];
    assert_eq!(
        missed
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [3, 4]
    );
    assert_eq!(missed[1]["event"]["text"], "and this");
    post(&one, &alva, &general, "live again").await;
    assert_eq!(
        next_entry(&mut socket).await.unwrap()["seq"],
        5,
        "nothing doubled"
    );
}
