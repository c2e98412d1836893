//! A real browser for the services' page tests: Debian's headless `chromium`, driven
//! through `chromedriver` with fantoccini (feature `browser`).
//!
//! [`Browser::start`] finds both and starts chromedriver on a free port; each
//! [`Browser::session`] is a browser of its own, with its own cookies, so that a test
//! can sign two members in side by side. Where the browser is missing, `start` says so
//! on stderr and gives `None`, and the test passes having checked nothing; under
//! `ANDEL_REQUIRE_ALL=1` (CI) a missing browser fails it instead.
//!
//! ```no_run
//! # async fn test() {
//! let Some(browser) = andel_testkit::browser::Browser::start("the page test").await else {
//!     return; // said why on stderr
//! };
//! let alva = browser.session().await;
//! alva.goto("http://127.0.0.1:8080/").await.unwrap();
//! andel_testkit::browser::fill(&alva, "#signin-member", "1").await;
//! alva.close().await.unwrap();
//! # }
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub use fantoccini::{Client, Locator};

/// What to install where the browser is missing.
const INSTALL: &str = "apt-get install chromium chromium-driver";

/// chromedriver, running until dropped, and the chromium it drives.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    port: u16,
    chromium: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Starts chromedriver for `test`, or says on stderr why `test` is skipped and
    /// gives `None`.
    ///
    /// # Panics
    ///
    /// Under `ANDEL_REQUIRE_ALL=1` when chromium or chromedriver is missing, and when
    /// chromedriver does not listen within 10 seconds.
    pub async fn start(test: &str) -> Option<Browser> {
        let require = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
        let (Some(driver), Some(chromium)) = (
            find(&["chromedriver", "/usr/bin/chromedriver"]),
            find(&["chromium", "/usr/bin/chromium", "chromium-browser"]),
        ) else {
            assert!(
                !require,
                "{test} needs chromium and chromedriver ({INSTALL})"
            );
            eprintln!("skipped: {test} needs chromium and chromedriver ({INSTALL})");
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let browser = Browser {
            driver,
            port,
            chromium,
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Some(browser);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not listen on port {port}");
    }

    /// A new headless browser, 1400 by 1000, with cookies of its own.
    ///
    /// # Panics
    ///
    /// When chromedriver does not start it.
    pub async fn session(&self) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": self.chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap()
    }
}

/// Types `text` into the field `css` once it is there, replacing what it held.
///
/// # Panics
///
/// When the field does not come.
pub async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.wait().for_element(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks `css` once it is there.
///
/// # Panics
///
/// When it does not come.
pub async fn click(client: &Client, css: &str) {
    client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The first of `names` found on `PATH` or as a path.
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        let direct = PathBuf::from(name);
        if direct.is_absolute() && direct.exists() {
            return Some(direct);
        }
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.exists())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
