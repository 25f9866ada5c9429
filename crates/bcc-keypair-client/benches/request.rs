//! Cost of the client's plain steps: building and signing a request, reading responses.

use std::hint::black_box;

use bcc_keypair_client::operation::{self, ClientToken, ListKeypairs};
use bcc_keypair_client::request::signed_request;
use bcc_keypair_client::{Config, Credentials, Endpoint};
use bcc_keypair_model::{KeypairDescription, KeypairId, KeypairName};
use bytes::Bytes;
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

fn list_page(items: usize) -> Bytes {
    let keypair = r#"{"keypairId":"k-IyWRtII7","name":"instance-j93wzbn1","description":"d","publicKey":"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC test","regionId":"bj","fingerPrint":"3f:00:9a:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd","instanceCount":3,"createdTime":"2018-01-27T13:23:13Z","createTime":"2018-01-27T13:23:13Z"}"#;
    let items = vec![keypair; items].join(",");
    Bytes::from(format!(
        r#"{{"marker":"","isTruncated":true,"nextMarker":"k-xktdeMSf","maxKeys":1000,"keypairs":[{items}]}}"#
    ))
}

fn benches(c: &mut Criterion) {
    let config = Config::new(
        Endpoint::region("bj").expect("region"),
        Credentials::new(
            "0123456789abcdef0123456789abcdef",
            "fedcba9876543210fedcba9876543210",
        ),
    );
    let time = Utc
        .with_ymd_and_hms(2026, 11, 24, 10, 19, 55)
        .single()
        .expect("time");
    let name = KeypairName::new("kp01").expect("name");
    let description = KeypairDescription::new("desc 描述").expect("description");
    let token = ClientToken::new("4b8a3f5e-9d0c-4a6e-8f21-0c7d9e5b1a23");
    let id = KeypairId::new("k-abc12345").expect("id");

    c.bench_function("build and sign create", |b| {
        b.iter(|| {
            let request = operation::create_keypair_request(&name, Some(&description), &token)
                .expect("build");
            signed_request(black_box(&request), &config, time).expect("sign")
        });
    });
    c.bench_function("build and sign get", |b| {
        b.iter(|| {
            let request = operation::get_keypair_request(black_box(&id));
            signed_request(&request, &config, time).expect("sign")
        });
    });
    c.bench_function("build and sign list with parameters", |b| {
        let list = ListKeypairs::new()
            .marker("k-IyWRtII7")
            .max_keys(10)
            .name("my kp/1");
        b.iter(|| {
            let request = operation::list_keypairs_request(black_box(&list));
            signed_request(&request, &config, time).expect("sign")
        });
    });
    let page = http::Response::new(list_page(1000));
    c.bench_function("decode a list page of 1000", |b| {
        b.iter(|| operation::decode_list(black_box(&page)).expect("decode"));
    });
    let mut error = http::Response::new(Bytes::from_static(
        br#"{"requestId":"1234","code":"Keypair.KeypairNotExist","message":"Keypair not exist."}"#,
    ));
    *error.status_mut() = http::StatusCode::NOT_FOUND;
    c.bench_function("decode a service error", |b| {
        b.iter(|| operation::service_error(black_box(&error)));
    });
}

criterion_group!(client, benches);
criterion_main!(client);
