//! Signature verification: the seed's vector, every error kind, key rotation, both Amity
//! schemes and the rule for deliveries carrying both headers.

use http::{HeaderMap, HeaderValue};
use webhook_core::amity::Amity;
use webhook_core::talkplus::TalkPlus;
use webhook_core::verify::MalformedReason;
use webhook_core::{
    DeliveryError, PayloadError, Provider, SignatureScheme, Verifier, VerifyError, amity, talkplus,
};

const SEED_KEY: &str = "92935b03e231483fc2cf75d9020f7e492c8fd9c7481eb4c79620ace7fe207d81";
const SEED_SIGNATURE: &str = "i7a/Z+7iS1P6kNpnmw6P0ZSmq83LGnrtacwaffTvIdo=";
const SEED_BODY: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/talkplus/captured_channel_added.json"
));
const AMITY_BODY: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/amity/channel.didAddUsers.json"
));

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
    map
}

fn talkplus_verifier() -> Verifier<TalkPlus> {
    TalkPlus::verifier([SEED_KEY]).expect("valid configuration")
}

#[test]
fn seed_vector_verifies() {
    assert_eq!(
        talkplus::SIGNATURE.sign(SEED_KEY.as_bytes(), SEED_BODY),
        SEED_SIGNATURE
    );
    let verified = talkplus_verifier().verify(
        &headers(&[("x-talkplus-signature", SEED_SIGNATURE)]),
        SEED_BODY,
    );
    assert_eq!(verified, Ok(talkplus::SIGNATURE));
}

#[test]
fn seed_delivery_is_received_and_parsed() {
    let head = headers(&[("x-talkplus-signature", SEED_SIGNATURE)]);
    let delivery = TalkPlus::receive(&talkplus_verifier(), &head, SEED_BODY).expect("authentic");
    assert_eq!(delivery.event_name, "channel_added");
    // TalkPlus sends no delivery id; a retry carries the same signature.
    assert_eq!(delivery.delivery_id.as_deref(), Some(SEED_SIGNATURE));
    let ev = delivery
        .parse_as::<talkplus::ChannelAdded>()
        .expect("it is a channel_added")
        .expect("parses");
    assert_eq!(ev.channel.id, "webhook_test");
    assert!(delivery.parse_as::<talkplus::ChannelRemoved>().is_none());
}

#[test]
fn every_one_byte_alteration_is_a_mismatch() {
    let verifier = talkplus_verifier();
    let head = headers(&[("x-talkplus-signature", SEED_SIGNATURE)]);
    for index in 0..SEED_BODY.len() {
        let mut altered = SEED_BODY.to_vec();
        altered[index] ^= 0x01;
        assert_eq!(
            verifier.verify(&head, &altered),
            Err(VerifyError::Mismatch {
                header: "x-talkplus-signature"
            }),
            "byte {index} altered"
        );
    }
    let mut longer = SEED_BODY.to_vec();
    longer.push(b' ');
    assert!(
        verifier.verify(&head, &longer).is_err(),
        "a trailing space changes the body"
    );
}

#[test]
fn missing_header() {
    let err = talkplus_verifier().verify(&HeaderMap::new(), SEED_BODY);
    assert_eq!(
        err,
        Err(VerifyError::Missing {
            expected: vec!["x-talkplus-signature"]
        })
    );
    // A header of another platform is not a TalkPlus signature.
    let err = talkplus_verifier().verify(
        &headers(&[("x-amity-signature", SEED_SIGNATURE)]),
        SEED_BODY,
    );
    assert!(matches!(err, Err(VerifyError::Missing { .. })));
}

#[test]
fn malformed_headers() {
    let verifier = talkplus_verifier();
    let check = |value: &str, reason: MalformedReason| {
        assert_eq!(
            verifier.verify(&headers(&[("x-talkplus-signature", value)]), SEED_BODY),
            Err(VerifyError::Malformed {
                header: "x-talkplus-signature",
                reason
            }),
            "value {value:?}"
        );
    };
    check("not base64 at all!", MalformedReason::NotBase64);
    check(
        "",
        MalformedReason::WrongLength {
            expected: 32,
            actual: 0,
        },
    );
    check(
        "i7a/Z+7iS1P6kNpnmw6P0ZSmq83LGnrtacwaffTvIdo",
        MalformedReason::NotBase64,
    ); // padding removed
    check(
        "AAAAAAAAAAAAAAAAAAAAAA==",
        MalformedReason::WrongLength {
            expected: 32,
            actual: 16,
        },
    );

    let repeated = headers(&[
        ("x-talkplus-signature", SEED_SIGNATURE),
        ("x-talkplus-signature", SEED_SIGNATURE),
    ]);
    assert_eq!(
        verifier.verify(&repeated, SEED_BODY),
        Err(VerifyError::Malformed {
            header: "x-talkplus-signature",
            reason: MalformedReason::Repeated
        })
    );

    let amity = Amity::verifier(["secret"]).expect("valid");
    let legacy = |value: &str| amity.verify(&headers(&[("X-EKO-Signature", value)]), AMITY_BODY);
    let malformed = |reason| {
        Err(VerifyError::Malformed {
            header: "x-eko-signature",
            reason,
        })
    };
    let hex = amity::LEGACY_SIGNATURE.sign(b"secret", AMITY_BODY);
    assert_eq!(
        legacy(&hex["sha1=".len()..]),
        malformed(MalformedReason::MissingPrefix("sha1="))
    );
    assert_eq!(
        legacy("sha256=00"),
        malformed(MalformedReason::MissingPrefix("sha1="))
    );
    assert_eq!(legacy("sha1=zz"), malformed(MalformedReason::NotHex));
    assert_eq!(legacy("sha1=abc"), malformed(MalformedReason::NotHex));
    assert_eq!(
        legacy("sha1=00ff"),
        malformed(MalformedReason::WrongLength {
            expected: 20,
            actual: 2
        })
    );
}

#[test]
fn mismatch() {
    let signed_with_other_key = talkplus::SIGNATURE.sign(b"another app's key", SEED_BODY);
    assert_eq!(
        talkplus_verifier().verify(
            &headers(&[("x-talkplus-signature", &signed_with_other_key)]),
            SEED_BODY
        ),
        Err(VerifyError::Mismatch {
            header: "x-talkplus-signature"
        })
    );
    // The key string itself, not its hex decoding, is the key: a verifier keyed with the
    // decoded bytes rejects the seed's authentic delivery.
    let hex_decoded_key = hex::decode(SEED_KEY).expect("hex");
    let misconfigured = TalkPlus::verifier([hex_decoded_key]).expect("valid key");
    assert_eq!(
        misconfigured.verify(
            &headers(&[("x-talkplus-signature", SEED_SIGNATURE)]),
            SEED_BODY
        ),
        Err(VerifyError::Mismatch {
            header: "x-talkplus-signature"
        })
    );
}

#[test]
fn rotation_accepts_old_and_new_keys() {
    let verifier = TalkPlus::verifier(["old-key", "new-key"]).expect("valid");
    for key in ["old-key", "new-key"] {
        let head = headers(&[(
            "x-talkplus-signature",
            &talkplus::SIGNATURE.sign(key.as_bytes(), SEED_BODY),
        )]);
        assert_eq!(
            verifier.verify(&head, SEED_BODY),
            Ok(talkplus::SIGNATURE),
            "{key}"
        );
    }
    let head = headers(&[(
        "x-talkplus-signature",
        &talkplus::SIGNATURE.sign(b"retired-key", SEED_BODY),
    )]);
    assert_eq!(
        verifier.verify(&head, SEED_BODY),
        Err(VerifyError::Mismatch {
            header: "x-talkplus-signature"
        })
    );
}

#[test]
fn amity_current_and_legacy_schemes() {
    let verifier = Amity::verifier(["old-secret", "secret"]).expect("valid");
    let current = amity::SIGNATURE.sign(b"secret", AMITY_BODY);
    let legacy = amity::LEGACY_SIGNATURE.sign(b"secret", AMITY_BODY);
    assert!(
        legacy.starts_with("sha1=") && legacy.len() == 45,
        "{legacy}"
    );

    assert_eq!(
        verifier.verify(&headers(&[("x-amity-signature", &current)]), AMITY_BODY),
        Ok(amity::SIGNATURE)
    );
    assert_eq!(
        verifier.verify(&headers(&[("X-EKO-Signature", &legacy)]), AMITY_BODY),
        Ok(amity::LEGACY_SIGNATURE)
    );
    // Hex digits in either case.
    assert_eq!(
        verifier.verify(
            &headers(&[(
                "X-EKO-Signature",
                &format!("sha1={}", legacy[5..].to_uppercase())
            )]),
            AMITY_BODY
        ),
        Ok(amity::LEGACY_SIGNATURE)
    );
    // The old secret verifies under both schemes too.
    let old_legacy = amity::LEGACY_SIGNATURE.sign(b"old-secret", AMITY_BODY);
    assert_eq!(
        verifier.verify(&headers(&[("x-eko-signature", &old_legacy)]), AMITY_BODY),
        Ok(amity::LEGACY_SIGNATURE)
    );
}

#[test]
fn when_both_headers_are_present_the_current_one_decides() {
    let verifier = Amity::verifier(["secret"]).expect("valid");
    let good_current = amity::SIGNATURE.sign(b"secret", AMITY_BODY);
    let good_legacy = amity::LEGACY_SIGNATURE.sign(b"secret", AMITY_BODY);
    let bad_current = amity::SIGNATURE.sign(b"forger", AMITY_BODY);
    let bad_legacy = amity::LEGACY_SIGNATURE.sign(b"forger", AMITY_BODY);

    let both = |current: &str, legacy: &str| {
        verifier.verify(
            &headers(&[("X-EKO-Signature", legacy), ("x-amity-signature", current)]),
            AMITY_BODY,
        )
    };
    assert_eq!(both(&good_current, &bad_legacy), Ok(amity::SIGNATURE));
    assert_eq!(
        both(&bad_current, &good_legacy),
        Err(VerifyError::Mismatch {
            header: "x-amity-signature"
        })
    );
    assert_eq!(
        both("%%%", &good_legacy),
        Err(VerifyError::Malformed {
            header: "x-amity-signature",
            reason: MalformedReason::NotBase64
        })
    );
}

#[test]
fn legacy_scheme_can_be_turned_off() {
    let strict = Amity::verifier_with([amity::SIGNATURE], ["secret"]).expect("valid");
    let legacy = amity::LEGACY_SIGNATURE.sign(b"secret", AMITY_BODY);
    assert_eq!(
        strict.verify(&headers(&[("x-eko-signature", &legacy)]), AMITY_BODY),
        Err(VerifyError::Missing {
            expected: vec!["x-amity-signature"]
        })
    );
    let current = amity::SIGNATURE.sign(b"secret", AMITY_BODY);
    assert_eq!(
        strict.verify(&headers(&[("x-amity-signature", &current)]), AMITY_BODY),
        Ok(amity::SIGNATURE)
    );
    let schemes: Vec<SignatureScheme> = strict.schemes().collect();
    assert_eq!(schemes, [amity::SIGNATURE]);
}

#[test]
fn nothing_is_parsed_before_verification() {
    let verifier = talkplus_verifier();
    let not_json = b"this is not JSON";
    // Unsigned garbage is unauthorized, not a bad payload.
    assert_eq!(
        TalkPlus::receive(&verifier, &HeaderMap::new(), not_json).err(),
        Some(DeliveryError::Unauthorized(VerifyError::Missing {
            expected: vec!["x-talkplus-signature"]
        }))
    );
    // Signed garbage is a bad payload.
    let head = headers(&[(
        "x-talkplus-signature",
        &talkplus::SIGNATURE.sign(SEED_KEY.as_bytes(), not_json),
    )]);
    assert!(matches!(
        TalkPlus::receive(&verifier, &head, not_json),
        Err(DeliveryError::BadPayload(PayloadError::NotJson { .. }))
    ));
    let not_utf8 = b"{\"event\":\"message\xff\"}";
    let head = headers(&[(
        "x-talkplus-signature",
        &talkplus::SIGNATURE.sign(SEED_KEY.as_bytes(), not_utf8),
    )]);
    assert!(matches!(
        TalkPlus::receive(&verifier, &head, not_utf8),
        Err(DeliveryError::BadPayload(PayloadError::NotUtf8 {
            offset: 17
        }))
    ));
}

#[test]
fn amity_delivery_id_is_the_request_id() {
    let verifier = Amity::verifier(["secret"]).expect("valid");
    let head = headers(&[(
        "x-amity-signature",
        &amity::SIGNATURE.sign(b"secret", AMITY_BODY),
    )]);
    let delivery = Amity::receive(&verifier, &head, AMITY_BODY).expect("authentic");
    assert_eq!(delivery.event_name, "channel.didAddUsers");
    assert_eq!(
        delivery.delivery_id.as_deref(),
        Some("5c01045b8350df000fdff589")
    );
    assert_eq!(delivery.scheme, amity::SIGNATURE);
}

#[test]
fn keys_never_appear_in_debug_output() {
    let verifier = Amity::verifier(["hunter2-secret"]).expect("valid");
    let head = headers(&[(
        "x-amity-signature",
        &amity::SIGNATURE.sign(b"hunter2-secret", AMITY_BODY),
    )]);
    let delivery = Amity::receive(&verifier, &head, AMITY_BODY).expect("authentic");
    for shown in [
        format!("{verifier:?}"),
        format!("{delivery:?}"),
        format!("{:?}", webhook_core::SigningKey::from("hunter2-secret")),
    ] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
