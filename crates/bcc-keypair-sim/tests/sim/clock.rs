//! `/__sim/clock` and the builder's clock settings: the record time (`createdTime`,
//! journal times) and the signature time move independently.

use bcc_keypair_sim::RecordTime;
use chrono::TimeZone as _;
use http::Method;

use crate::support::*;

#[tokio::test]
async fn a_signature_clock_moved_past_the_window_makes_a_fresh_request_expired() {
    let h = harness();
    h.call(Method::GET, "/v2/keypair", "").await.ok();
    let shown = h
        .control(
            Method::POST,
            "/__sim/clock",
            r#"{"signatureOffsetSecs":1801}"#,
        )
        .await
        .ok();
    assert_eq!(shown.json["signatureOffsetSecs"], 1801);
    assert_eq!(shown.json["signatureTime"], "2026-11-24T10:30:01Z");
    // Signed at the clock's time, judged 1,801 s later: past the 1,800 s window
    // (auth-v1.md §8 step 4, errors.md §4 row 4).
    let expired = h.call(Method::GET, "/v2/keypair", "").await;
    expired.error(400, "RequestExpired");
    assert_eq!(
        expired.json["message"],
        "Request has expired. Timestamp date is 2026-11-24T10:00:00Z."
    );
    // The record time did not move.
    let shown = h.control(Method::GET, "/__sim/clock", "").await.ok();
    assert_eq!(shown.json["recordTime"], "2026-11-24T10:00:00Z");
    assert_eq!(shown.json["frozen"], false);
    // 1,800 s is still inside the window; DELETE puts the signature time back.
    h.control(
        Method::POST,
        "/__sim/clock",
        r#"{"signatureOffsetSecs":1800}"#,
    )
    .await
    .ok();
    h.call(Method::GET, "/v2/keypair", "").await.ok();
    h.control(
        Method::POST,
        "/__sim/clock",
        r#"{"signatureOffsetSecs":-3600}"#,
    )
    .await
    .ok();
    h.call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "RequestExpired");
    let shown = h.control(Method::DELETE, "/__sim/clock", "").await.ok();
    assert_eq!(shown.json["signatureOffsetSecs"], 0);
    h.call(Method::GET, "/v2/keypair", "").await.ok();
}

#[tokio::test]
async fn a_frozen_record_time_gives_two_creates_the_same_created_time() {
    // The live clock: the builder's default, so the record time moves between creates.
    let h = Harness::new(
        builder()
            .clock(std::sync::Arc::new(bcc_keypair_sim::SystemClock))
            .verify_signatures(false)
            .build()
            .unwrap(),
    );
    let shown = h
        .control(
            Method::POST,
            "/__sim/clock",
            r#"{"recordTime":"2030-05-06T07:08:09Z","frozen":true}"#,
        )
        .await
        .ok();
    assert_eq!(shown.json["recordTime"], "2030-05-06T07:08:09Z");
    assert_eq!(shown.json["frozen"], true);
    let first = h.create("first").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = h.create("second").await;
    let created = |id: String| {
        let h = &h;
        async move {
            h.get(&id).await.ok().json["keypair"]["createdTime"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(created(first).await, "2030-05-06T07:08:09Z");
    assert_eq!(created(second).await, "2030-05-06T07:08:09Z");
    // The journal writes the record time too.
    let journal = h.control(Method::GET, "/__sim/requests", "").await.ok();
    let times: Vec<&str> = journal.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["time"].as_str().unwrap())
        .collect();
    assert!(!times.is_empty());
    assert!(
        times.iter().all(|t| t.starts_with("2030-05-06T07:08:09")),
        "{times:?}"
    );
    // Unfrozen, it runs on from where it stood.
    let shown = h
        .control(Method::POST, "/__sim/clock", r#"{"frozen":false}"#)
        .await
        .ok();
    assert_eq!(shown.json["frozen"], false);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let third = h.create("third").await;
    assert_ne!(created(third).await, "2030-05-06T07:08:09Z");
}

#[tokio::test]
async fn the_builder_sets_both_times_at_start() {
    let frozen_at = chrono::Utc.with_ymd_and_hms(2027, 2, 3, 4, 5, 6).unwrap();
    let h = Harness::new(
        builder()
            .record_time(RecordTime::FrozenAt(frozen_at))
            .signature_clock_offset(chrono::Duration::seconds(7200))
            .build()
            .unwrap(),
    );
    let shown = h.control(Method::GET, "/__sim/clock", "").await.ok();
    assert_eq!(shown.json["recordTime"], "2027-02-03T04:05:06Z");
    assert_eq!(shown.json["frozen"], true);
    assert_eq!(shown.json["signatureOffsetSecs"], 7200);
    assert_eq!(shown.json["clockTime"], "2026-11-24T10:00:00Z");
    h.call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "RequestExpired");
}

#[tokio::test]
async fn bad_clock_settings_are_refused_and_change_nothing() {
    let h = harness();
    for body in [
        r#"{"recordTime":"yesterday"}"#,
        r#"{"signatureOffsetSecs":999999999999}"#,
        r#"{"frozen":"yes"}"#,
    ] {
        let reply = h.control(Method::POST, "/__sim/clock", body).await;
        assert_eq!(reply.status, 400, "{body}: {reply:?}");
    }
    h.control(Method::POST, "/__sim/clock", "[]")
        .await
        .error(400, "MalformedJSON");
    let shown = h.control(Method::GET, "/__sim/clock", "").await.ok();
    assert_eq!(shown.json["signatureOffsetSecs"], 0);
    assert_eq!(shown.json["recordTime"], "2026-11-24T10:00:00Z");
}
