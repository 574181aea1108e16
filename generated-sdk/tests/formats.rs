//! Models in self-describing serde formats other than JSON: CBOR writes a
//! map's length before its entries, so a struct must announce exactly the
//! fields it writes.

use clerk_backend_api::Nullable;
use clerk_backend_api::models::{CreateMachineTokenRequestBody, MachineToken};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn cbor_round_trip<T: Serialize + DeserializeOwned>(value: &T) -> T {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("encodes");
    ciborium::from_reader(bytes.as_slice()).expect("decodes what it encoded")
}

#[test]
fn absent_null_and_set_fields_round_trip_through_cbor() {
    let sparse = CreateMachineTokenRequestBody::new("mch_1");
    assert_eq!(cbor_round_trip(&sparse), sparse);
    let mixed = CreateMachineTokenRequestBody::new("mch_2")
        .expires_in_seconds(3600)
        .allowed_clock_skew(Nullable::Null);
    assert_eq!(cbor_round_trip(&mixed), mixed);
    let token: MachineToken =
        serde_json::from_str(r#"{"object": "machine_token", "jwt": "a.b.c"}"#).expect("valid");
    assert_eq!(cbor_round_trip(&token), token);
}

#[test]
fn the_announced_map_length_is_the_number_of_fields_written() {
    // One required field set, three optional ones absent: a map of one entry.
    let mut bytes = Vec::new();
    ciborium::into_writer(&CreateMachineTokenRequestBody::new("m"), &mut bytes).expect("encodes");
    // 0xA1: a CBOR map of exactly one pair.
    assert_eq!(bytes.first(), Some(&0xA1), "{bytes:02x?}");
}
