//! The client against the simulator in-process: every operation, end to end.

use bcc_keypair_client::{Client, Error, ListKeypairs, Transport};
use bcc_keypair_model::{
    ErrorCode, InstanceId, KeypairDescription, KeypairId, KeypairName, PublicKey,
};
use bcc_keypair_sim::Simulator;
use futures_util::TryStreamExt;

use crate::support::{
    ECDSA_PUBLIC_KEY, InProcess, RSA_PUBLIC_KEY, config, control, simulator,
    unknown_ids_are_answered,
};

/// Seeds two Linux instances, `i-run00001` (running) and `i-stop0001` (stopped).
pub(crate) async fn seed_instances(sim: &Simulator) {
    control(
        sim,
        http::Method::POST,
        "/__sim/instances",
        &format!(
            r#"{{"instances":[{{"instanceId":"i-run00001","osType":"linux","status":"Running","accessKeyId":"{ak}"}},
                         {{"instanceId":"i-stop0001","osType":"linux","status":"Stopped","accessKeyId":"{ak}"}}]}}"#,
            ak = crate::support::ACCESS_KEY
        ),
    )
    .await;
}

fn name(text: &str) -> KeypairName {
    KeypairName::new(text).expect("name")
}

/// Runs all nine operations through `client` against a freshly seeded simulator.
pub(crate) async fn tour<T: Transport>(client: &Client<T>) {
    let created_id = tour_create(client).await;
    let imported_id = tour_import(client).await;
    tour_list(client, &imported_id).await;
    // get: no private key.
    let fetched = client.get_keypair(&created_id).await.expect("get");
    assert_eq!(
        (fetched.name.as_str(), fetched.private_key.as_deref()),
        ("tour-created", None)
    );
    tour_attach_and_detach(client, &created_id).await;
    tour_rename_and_describe(client, &created_id).await;
    tour_delete(client, &created_id).await;
}

/// The tour's first key pair, made by the service; its id.
async fn tour_create<T: Transport>(client: &Client<T>) -> KeypairId {
    // create: the service makes the key pair and returns its private key once.
    let created = client
        .create_keypair(name("tour-created"))
        .description(KeypairDescription::new("made by the tour").expect("desc"))
        .send()
        .await
        .expect("create");
    assert!(
        created.keypair_id.starts_with("k-"),
        "{}",
        created.keypair_id
    );
    assert_eq!(created.description, "made by the tour");
    assert_eq!(created.region_id, "bj");
    assert!(
        created
            .private_key
            .as_deref()
            .is_some_and(|k| k.contains("PRIVATE KEY"))
    );
    KeypairId::new(created.keypair_id.clone()).expect("id")
}

/// Two imported key pairs (RSA, then ECDSA) and a refused duplicate; the RSA one's id.
async fn tour_import<T: Transport>(client: &Client<T>) -> String {
    let imported = client
        .import_keypair(
            name("tour-imported"),
            PublicKey::parse(RSA_PUBLIC_KEY).expect("key"),
        )
        .send()
        .await
        .expect("import");
    assert_eq!(imported.private_key, None);
    assert_eq!(
        imported.finger_print,
        PublicKey::parse(RSA_PUBLIC_KEY).expect("key").fingerprint()
    );
    let again = client
        .import_keypair(
            name("tour-imported-2"),
            PublicKey::parse(RSA_PUBLIC_KEY).expect("key"),
        )
        .send()
        .await
        .expect_err("duplicate public key");
    assert_eq!(again.code(), Some(&ErrorCode::KeypairPublicKeyExist));
    client
        .import_keypair(
            name("tour-ecdsa"),
            PublicKey::parse(ECDSA_PUBLIC_KEY).expect("key"),
        )
        .send()
        .await
        .expect("import ecdsa");
    imported.keypair_id
}

/// Paging by marker, the all-pages stream and the name filter over the three key pairs.
async fn tour_list<T: Transport>(client: &Client<T>, imported_id: &str) {
    // list: one page of 2, then the rest by marker, then all pages through the stream.
    let first = client
        .list_keypairs(&ListKeypairs::new().max_keys(2))
        .await
        .expect("list");
    assert_eq!(first.keypairs.len(), 2);
    assert!(first.is_truncated);
    let marker = first.next_marker.clone().expect("next marker");
    let rest = client
        .list_keypairs(&ListKeypairs::new().marker(marker).max_keys(2))
        .await
        .expect("list rest");
    assert_eq!(rest.keypairs.len(), 1);
    assert!(!rest.is_truncated);
    let all: Vec<_> = client
        .list_all_keypairs_from(ListKeypairs::new().max_keys(1))
        .try_collect()
        .await
        .expect("stream");
    let mut names: Vec<&str> = all.iter().map(|k| k.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["tour-created", "tour-ecdsa", "tour-imported"]);
    let filtered: Vec<_> = client
        .list_all_keypairs(Some("tour-imported".to_owned()))
        .try_collect()
        .await
        .expect("filtered");
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].keypair_id, imported_id);
}

/// Attach to both seeded instances, the errors while bound, detach.
async fn tour_attach_and_detach<T: Transport>(client: &Client<T>, created_id: &KeypairId) {
    let instances = [
        InstanceId::new("i-run00001").expect("i"),
        InstanceId::new("i-stop0001").expect("i"),
    ];
    client
        .attach_keypair(created_id, &instances)
        .await
        .expect("attach");
    assert_eq!(
        client
            .get_keypair(created_id)
            .await
            .expect("get")
            .instance_count,
        2
    );
    let in_use = client.delete_keypair(created_id).await.expect_err("in use");
    assert_eq!(in_use.code(), Some(&ErrorCode::DeleteKeypairInUse));
    let unknown = client
        .attach_keypair(created_id, &[InstanceId::new("i-missing1").expect("i")])
        .await
        .expect_err("unknown instance");
    assert_eq!(unknown.code(), Some(&ErrorCode::InstanceNotExist));
    client
        .detach_keypair(created_id, &instances)
        .await
        .expect("detach");
    assert_eq!(
        client
            .get_keypair(created_id)
            .await
            .expect("get")
            .instance_count,
        0
    );
}

/// Rename, update and clear the description.
async fn tour_rename_and_describe<T: Transport>(client: &Client<T>, created_id: &KeypairId) {
    // rename and update description (an empty description clears it)
    client
        .rename_keypair(created_id, name("tour-renamed"))
        .await
        .expect("rename");
    client
        .update_keypair_description(
            created_id,
            KeypairDescription::new("new words").expect("desc"),
        )
        .await
        .expect("update description");
    let changed = client.get_keypair(created_id).await.expect("get");
    assert_eq!(
        (changed.name.as_str(), changed.description.as_str()),
        ("tour-renamed", "new words")
    );
    client
        .update_keypair_description(created_id, KeypairDescription::new("").expect("desc"))
        .await
        .expect("clear description");
    assert_eq!(
        client
            .get_keypair(created_id)
            .await
            .expect("get")
            .description,
        ""
    );
}

/// Delete, then the id is gone with a full service error.
async fn tour_delete<T: Transport>(client: &Client<T>, created_id: &KeypairId) {
    // delete, then the id is gone.
    client.delete_keypair(created_id).await.expect("delete");
    let gone = client.get_keypair(created_id).await.expect_err("deleted");
    assert_eq!(gone.code(), Some(&ErrorCode::KeypairNotExist));
    let service = gone.as_service().expect("service error");
    assert_eq!(service.status, 404);
    assert!(
        service
            .request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "request id present"
    );
    assert!(
        gone.to_string()
            .starts_with("Keypair.KeypairNotExist (404): "),
        "{gone}"
    );
}

#[tokio::test]
async fn all_nine_operations_in_process() {
    let sim = simulator();
    seed_instances(&sim).await;
    let client = Client::new(config("http://127.0.0.1:8080"), InProcess(sim));
    tour(&client).await;
}

#[tokio::test]
async fn escaped_ids_reach_the_simulator_and_verify() {
    // Ids with reserved and non-ASCII characters are valid ids that do not exist: the
    // simulator must verify the signature (else SignatureDoesNotMatch) and answer 404.
    let client = Client::new(config("http://127.0.0.1:8080"), InProcess(simulator()));
    let ids = ["k-a:b~c*d", "测试", "a b", "a%2Fb", "..", "k-a/b"];
    unknown_ids_are_answered(&client, &ids, "测 试+x").await;
}

#[tokio::test]
async fn wrong_credentials_are_a_service_error() {
    let config = config("http://127.0.0.1:8080");
    let wrong = bcc_keypair_client::Config::new(
        config.endpoint().clone(),
        bcc_keypair_client::Credentials::new(crate::support::ACCESS_KEY, "not-the-secret"),
    )
    .with_clock(std::sync::Arc::new(bcc_keypair_client::FixedClock::new(
        crate::support::capture_time(),
    )));
    let error = Client::new(wrong, InProcess(simulator()))
        .list_keypairs(&ListKeypairs::new())
        .await
        .expect_err("bad signature");
    assert_eq!(error.code(), Some(&ErrorCode::SignatureDoesNotMatch));
    assert!(matches!(error, Error::Service(_)));
}

#[tokio::test]
async fn shared_transports_through_the_blanket_impls() {
    let sim = simulator();
    let shared = std::sync::Arc::new(InProcess(sim.clone()));
    let by_arc = Client::new(config("http://127.0.0.1:8080"), shared.clone());
    let by_ref = Client::new(config("http://127.0.0.1:8080"), shared.as_ref());
    let by_box = Client::new(config("http://127.0.0.1:8080"), Box::new(InProcess(sim)));
    let created = by_arc
        .create_keypair(name("shared"))
        .send()
        .await
        .expect("create through Arc");
    let id = KeypairId::new(created.keypair_id).expect("id");
    assert_eq!(
        by_ref.get_keypair(&id).await.expect("get through &T").name,
        "shared"
    );
    by_box
        .delete_keypair(&id)
        .await
        .expect("delete through Box");
}
