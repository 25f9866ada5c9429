//! Chaos against the `bcc-keypair-sim` binary: `kill -9` while writes are in flight, a
//! flood of silent connections under a descriptor limit, and 16 clients racing for the
//! same quota, public key, client token and key pair.
//!
//! Each scenario runs a few rounds here; `cargo xtask chaos` runs the same tests with more
//! rounds, named by environment variables (`BCC_CHAOS_KILL_CYCLES`, `BCC_CHAOS_FLOOD_ROUNDS`,
//! `BCC_CHAOS_RACE_ROUNDS`). Every scenario prints `chaos <name>: N passed, M failed` and
//! fails when M is not zero.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use bce_auth::{Credentials, SignableRequest, SigningSettings};
use serde_json::{Value, json};

use crate::binary::{start, start_with_fd_limit};
use crate::support::{AK, SK};

/// Rounds of a scenario: the environment variable when set, otherwise `short`.
fn rounds(variable: &str, short: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(short)
}

/// Passed and failed rounds of one scenario, with what went wrong.
struct Tally {
    name: &'static str,
    passed: usize,
    failures: Vec<String>,
}

impl Tally {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            passed: 0,
            failures: Vec::new(),
        }
    }

    fn record(&mut self, round: usize, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.passed += 1,
            Err(why) => self.failures.push(format!("round {round}: {why}")),
        }
    }

    #[track_caller]
    fn finish(self) {
        println!(
            "chaos {}: {} passed, {} failed",
            self.name,
            self.passed,
            self.failures.len()
        );
        assert!(self.failures.is_empty(), "{:#?}", self.failures);
    }
}

/// One signed request on a fresh connection: `(status, JSON body)`, or `None` when the
/// connection failed (the server was killed under it).
#[allow(clippy::disallowed_methods)] // the binary reads the wall clock, so must the signer
fn signed(addr: SocketAddr, method: &str, target: &str, body: &str) -> Option<(u16, Value)> {
    let host = addr.to_string();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs: Vec<(&str, Option<&str>)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (pair, None),
        })
        .collect();
    let length = body.len().to_string();
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/json"),
        ("content-length", length.as_str()),
    ];
    let request = SignableRequest {
        method,
        path,
        query: &pairs,
        headers: &headers,
    };
    let signed = bce_auth::sign(
        &request,
        &Credentials::new(AK, SK),
        chrono::Utc::now(),
        &SigningSettings::default(),
    )
    .ok()?;
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    for (name, value) in signed.headers() {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "authorization: {}\r\nconnection: close\r\n\r\n{body}",
        signed.authorization()
    ));
    exchange(addr, head.as_bytes())
}

/// An unsigned control request.
fn control(addr: SocketAddr, method: &str, path: &str, body: &str) -> Option<(u16, Value)> {
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, request.as_bytes())
}

fn exchange(addr: SocketAddr, request: &[u8]) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let status = std::str::from_utf8(&answer[..split])
        .ok()?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()?;
    let body = serde_json::from_slice(&answer[split + 4..]).unwrap_or(Value::Null);
    Some((status, body))
}

/// A fresh, valid `ssh-rsa` public key: a random odd 2,048-bit modulus passes every check
/// an import makes, and no two are alike, so each import is a new key pair.
fn fresh_public_key() -> String {
    let mut modulus: [u8; 256] = std::array::from_fn(|_| rand::random());
    modulus[0] |= 0x80;
    modulus[255] |= 1;
    let rsa = ssh_key::public::RsaPublicKey {
        e: ssh_key::Mpint::from_positive_bytes(&[1, 0, 1]).unwrap(),
        n: ssh_key::Mpint::from_positive_bytes(&modulus).unwrap(),
    };
    ssh_key::PublicKey::new(ssh_key::public::KeyData::Rsa(rsa), "chaos")
        .to_openssh()
        .unwrap()
}

fn import(addr: SocketAddr, name: &str, public_key: &str) -> Option<(u16, Value)> {
    let body = json!({ "name": name, "publicKey": public_key }).to_string();
    signed(addr, "PUT", "/v2/keypair?import", &body)
}

/// Writers importing key pairs until `stop`; every id answered 200 goes to `acknowledged`.
fn spawn_writers(
    addr: SocketAddr,
    stop: &Arc<AtomicBool>,
    acknowledged: &Arc<Mutex<Vec<String>>>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..4)
        .map(|writer| {
            let (stop, acknowledged) = (Arc::clone(stop), Arc::clone(acknowledged));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let name = format!("chaos-{writer}");
                    if let Some((200, body)) = import(addr, &name, &fresh_public_key()) {
                        let id = body["keypair"]["keypairId"].as_str().unwrap_or_default();
                        let id = id.to_owned();
                        acknowledged.lock().unwrap().push(id);
                    }
                }
            })
        })
        .collect()
}

/// After a restart: every acknowledged key pair is there, and the total is no smaller.
fn check_acknowledged(addr: SocketAddr, cycle: &[String], total: usize) -> Result<(), String> {
    for id in cycle {
        match signed(addr, "GET", &format!("/v2/keypair/{id}"), "") {
            Some((200, _)) => {}
            other => return Err(format!("acknowledged {id:?} lost: {other:?}")),
        }
    }
    let health = control(addr, "GET", "/__sim/health", "").ok_or("no health answer")?;
    let kept = health.1["keypairs"].as_u64().unwrap_or(0) as usize;
    if kept < total {
        return Err(format!("{kept} key pairs kept, {total} acknowledged"));
    }
    Ok(())
}

#[test]
fn kill_9_while_writing_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let args = [
        "--state-file",
        state.to_str().unwrap(),
        "--quota",
        "1000000",
    ];
    let mut tally = Tally::new("kill-9");
    let mut running = start(&args);
    let mut total = 0;
    for cycle in 0..rounds("BCC_CHAOS_KILL_CYCLES", 3) {
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let writers = spawn_writers(running.addr, &stop, &acknowledged);
        // Vary the moment of the kill so that it lands in different steps of a write.
        std::thread::sleep(Duration::from_millis(150 + (cycle as u64 * 37) % 200));
        running.kill();
        stop.store(true, Ordering::Relaxed);
        writers
            .into_iter()
            .for_each(|writer| writer.join().unwrap());
        let cycle_ids = std::mem::take(&mut *acknowledged.lock().unwrap());
        total += cycle_ids.len();
        running = start(&args);
        tally.record(cycle, check_acknowledged(running.addr, &cycle_ids, total));
    }
    println!("chaos kill-9: {total} acknowledged writes checked");
    tally.finish();
}

#[test]
fn a_flood_of_silent_connections_under_a_descriptor_limit_does_not_lock_out_clients() {
    let mut tally = Tally::new("half-open flood");
    for round in 0..rounds("BCC_CHAOS_FLOOD_ROUNDS", 1) {
        let running = start_with_fd_limit(256, &[]);
        let silent: Vec<TcpStream> = (0..300)
            .filter_map(|_| TcpStream::connect(running.addr).ok())
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        let answer = signed(running.addr, "GET", "/v2/keypair", "");
        let elapsed = started.elapsed();
        let outcome = match answer {
            Some((200, _)) if elapsed < Duration::from_secs(1) => Ok(()),
            other => Err(format!(
                "{} silent: {other:?} after {elapsed:?}",
                silent.len()
            )),
        };
        tally.record(round, outcome);
    }
    tally.finish();
}

/// Runs `call` on 16 threads released together; their answers in thread order.
fn race<T: Send + 'static>(call: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    const CLIENTS: usize = 16;
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let call = Arc::new(call);
    let threads: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (barrier, call) = (Arc::clone(&barrier), Arc::clone(&call));
            std::thread::spawn(move || {
                barrier.wait();
                call(client)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// How many answers had each status and code, e.g. `[(200, "", 5), (413, "…", 11)]`.
fn outcomes(answers: &[Option<(u16, Value)>]) -> Vec<(u16, String, usize)> {
    let mut counts: Vec<(u16, String, usize)> = Vec::new();
    for answer in answers {
        let (status, code) = answer
            .as_ref()
            .map_or((0, String::new()), |(status, body)| {
                (
                    *status,
                    body["code"].as_str().unwrap_or_default().to_owned(),
                )
            });
        match counts
            .iter_mut()
            .find(|(s, c, _)| *s == status && *c == code)
        {
            Some((_, _, count)) => *count += 1,
            None => counts.push((status, code, 1)),
        }
    }
    counts.sort_unstable();
    counts
}

fn expect(
    what: &str,
    answers: &[Option<(u16, Value)>],
    wanted: &[(u16, &str, usize)],
) -> Result<(), String> {
    let got = outcomes(answers);
    let wanted: Vec<(u16, String, usize)> = wanted
        .iter()
        .map(|(status, code, count)| (*status, (*code).to_owned(), *count))
        .collect();
    if got == wanted {
        Ok(())
    } else {
        Err(format!("{what}: answers {got:?}, expected {wanted:?}"))
    }
}

fn quota_race(addr: SocketAddr) -> Result<(), String> {
    control(addr, "POST", "/__sim/quota", r#"{"quota":5}"#).ok_or("quota not set")?;
    let answers = race(move |client| import(addr, &format!("q{client}"), &fresh_public_key()));
    expect(
        "16 imports under quota 5",
        &answers,
        &[(200, "", 5), (413, "Keypair.KeypairQuotaExceedLimit", 11)],
    )
}

fn duplicate_key_race(addr: SocketAddr) -> Result<(), String> {
    let key = Arc::new(fresh_public_key());
    let answers = race(move |client| import(addr, &format!("d{client}"), &key));
    expect(
        "16 imports of one key",
        &answers,
        &[(200, "", 1), (400, "Keypair.KeypairPublicKeyExist", 15)],
    )
}

fn client_token_race(addr: SocketAddr, round: usize) -> Result<(), String> {
    // Imports, not creates: a create waits for a fresh RSA key, and 16 of them would time
    // the key pool rather than the token bookkeeping.
    let target = format!("/v2/keypair?import&clientToken=race-{round}");
    let body = json!({ "name": "tok", "publicKey": fresh_public_key() }).to_string();
    let answers = race(move |_| signed(addr, "PUT", &target, &body));
    expect("16 imports with one token", &answers, &[(200, "", 16)])?;
    let mut ids: Vec<&str> = answers
        .iter()
        .flatten()
        .filter_map(|(_, body)| body["keypair"]["keypairId"].as_str())
        .collect();
    ids.dedup();
    if ids.len() == 1 {
        Ok(())
    } else {
        Err(format!("one client token gave the ids {ids:?}"))
    }
}

fn delete_race(addr: SocketAddr) -> Result<(), String> {
    let (_, created) = import(addr, "del", &fresh_public_key()).ok_or("import failed")?;
    let id = created["keypair"]["keypairId"]
        .as_str()
        .ok_or("no id")?
        .to_owned();
    let answers = race(move |_| signed(addr, "DELETE", &format!("/v2/keypair/{id}"), ""));
    expect(
        "16 deletes of one key pair",
        &answers,
        &[(200, "", 1), (404, "Keypair.KeypairNotExist", 15)],
    )
}

#[test]
fn sixteen_racing_clients_break_no_invariant() {
    let running = start(&[]);
    let addr = running.addr;
    let mut tally = Tally::new("16-client races");
    for round in 0..rounds("BCC_CHAOS_RACE_ROUNDS", 1) {
        let outcome = control(addr, "POST", "/__sim/reset", "")
            .ok_or_else(|| "reset failed".to_owned())
            .and_then(|_| quota_race(addr))
            .and_then(|()| control(addr, "POST", "/__sim/reset", "").ok_or("reset".into()))
            .and_then(|_| duplicate_key_race(addr))
            .and_then(|()| client_token_race(addr, round))
            .and_then(|()| delete_race(addr));
        tally.record(round, outcome);
    }
    drop(running);
    tally.finish();
}
