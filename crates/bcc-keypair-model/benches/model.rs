//! Costs of the per-request model work a server does: body parsing and key validation.

use bcc_keypair_model::{
    ImportKeypairRequest, InstanceIdsRequest, KeypairName, ListKeypairsResponse, PublicKey,
    parse_body,
};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

const RSA_4096: &str = include_str!("../tests/data/keys/rsa-4096.pub");
const ECDSA_256: &str = include_str!("../tests/data/keys/ecdsa-256.pub");

fn public_keys(c: &mut Criterion) {
    c.bench_function("PublicKey::parse rsa-4096", |b| {
        b.iter(|| PublicKey::parse(black_box(RSA_4096)))
    });
    c.bench_function("PublicKey::parse ecdsa-256", |b| {
        b.iter(|| PublicKey::parse(black_box(ECDSA_256)))
    });
    let key = PublicKey::parse(RSA_4096).expect("committed key parses");
    c.bench_function("fingerprint rsa-4096", |b| {
        b.iter(|| black_box(&key).fingerprint())
    });
}

fn bodies(c: &mut Criterion) {
    let import = serde_json::json!({"name": "kp03", "description": "d", "publicKey": RSA_4096})
        .to_string()
        .into_bytes();
    c.bench_function("parse_body + validate import (rsa-4096)", |b| {
        b.iter(|| {
            parse_body::<ImportKeypairRequest>(black_box(&import))
                .and_then(|request| request.validate())
        })
    });
    let attach = br#"{"keypairId":"k-abc12345","instanceIds":["i-aaaa1111","i-bbbb2222"]}"#;
    c.bench_function("parse_body attach", |b| {
        b.iter(|| parse_body::<InstanceIdsRequest>(black_box(attach)))
    });
    c.bench_function("KeypairName::new 65 chars", |b| {
        let name = format!("k{}", "密".repeat(64));
        b.iter(|| KeypairName::new(black_box(name.as_str())))
    });
    let page = ListKeypairsResponse {
        max_keys: 1000,
        keypairs: (0..1000)
            .map(|n| bcc_keypair_model::KeypairModel {
                keypair_id: format!("k-{n:08}"),
                name: format!("kp{n}"),
                public_key: ECDSA_256.trim().to_owned(),
                region_id: "bj".to_owned(),
                created_time: "2026-11-24T10:00:00Z".to_owned(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    c.bench_function("serialize list page of 1000", |b| {
        b.iter(|| serde_json::to_vec(black_box(&page)))
    });
}

criterion_group!(benches, public_keys, bodies);
criterion_main!(benches);
