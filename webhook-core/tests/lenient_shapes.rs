//! Every shape PLATFORMS.md lists as varying is accepted; what cannot be read is an error
//! naming the JSON path and the expected type.

use serde_json::json;
use webhook_core::PayloadError;
use webhook_core::amity::{self, AmityEvent};
use webhook_core::talkplus::{self, ChannelType, MessageType, Reaction, TalkPlusEvent};

fn talkplus_deleted(sender: &str) -> String {
    let sender = if sender.is_empty() {
        String::new()
    } else {
        format!(r#""sender":{sender},"#)
    };
    format!(
        r#"{{"event":"message_deleted","appId":"a","channel":{{"id":"c"}},{sender}"message":{{"id":"m"}}}}"#
    )
}

#[test]
fn optional_sender_absent_null_or_empty_is_none() {
    for sender in ["", "null", "{}"] {
        let ev = talkplus::MessageDeleted::parse(&talkplus_deleted(sender))
            .unwrap_or_else(|err| panic!("sender {sender:?}: {err}"));
        assert_eq!(ev.sender, None, "sender {sender:?}");
        assert_eq!(ev.message.id, "m");
    }
    let ev = talkplus::MessageDeleted::parse(&talkplus_deleted(r#"{"id":"u1"}"#)).expect("valid");
    assert_eq!(ev.sender.map(|user| user.id).as_deref(), Some("u1"));
}

fn amity_channel_event(channel: &str, adder: &str) -> String {
    format!(
        r#"{{"event":"channel.didAddUsers","data":{{"channel":{channel},"adderId":{adder},"userIds":["C"]}}}}"#
    )
}

#[test]
fn amity_channel_object_or_array() {
    let one =
        amity::ChannelDidAddUsers::parse(&amity_channel_event(r#"{"channelId":"c1"}"#, r#""B""#))
            .expect("object");
    assert_eq!(one.data.channel.len(), 1);
    assert_eq!(one.data.channel[0].channel_id, "c1");

    let many = amity::ChannelDidAddUsers::parse(&amity_channel_event(
        r#"[{"channelId":"c1"},{"channelId":"c2"}]"#,
        r#""B""#,
    ))
    .expect("array");
    let ids: Vec<&str> = many
        .data
        .channel
        .iter()
        .map(|c| c.channel_id.as_str())
        .collect();
    assert_eq!(ids, ["c1", "c2"]);
}

#[test]
fn amity_adder_id_string_or_array() {
    for adder in [r#""B""#, r#"["B"]"#] {
        let ev =
            amity::ChannelDidAddUsers::parse(&amity_channel_event("{}", adder)).expect("valid");
        assert_eq!(ev.data.adder_id, ["B"], "adderId {adder}");
    }
    let ev = amity::ChannelDidAddUsers::parse(&amity_channel_event("{}", r#"["B","D"]"#))
        .expect("valid");
    assert_eq!(ev.data.adder_id, ["B", "D"]);
}

#[test]
fn reactions_in_all_three_documented_shapes() {
    let body = json!({
        "event": "reaction_added", "channel": {"id": "c"}, "user": {"id": "u"},
        "message": {"id": "m", "reactions": {
            "sample": "user123",
            "js_docs": ["user1", "user2"],
            "rest_docs": 3,
        }},
        "reaction": "sample",
    })
    .to_string();
    let ev = talkplus::ReactionAdded::parse(&body).expect("valid");
    let reactions = &ev.message.reactions;
    assert_eq!(
        reactions["sample"],
        Reaction::Users(vec!["user123".to_owned()])
    );
    assert_eq!(reactions["js_docs"].users(), ["user1", "user2"]);
    assert_eq!(reactions["js_docs"].count(), 2);
    assert_eq!(reactions["rest_docs"], Reaction::Count(3));
    assert_eq!(reactions["rest_docs"].count(), 3);
}

#[test]
fn data_and_metadata_hold_any_json() {
    for data in [
        json!({"k": {"nested": [1, 2]}}),
        json!([1, "x"]),
        json!(7),
        json!(null),
        json!("s"),
    ] {
        let body =
            json!({"event": "channel_added", "channel": {"id": "c", "data": data}}).to_string();
        let ev = talkplus::ChannelAdded::parse(&body).expect("any JSON in data");
        assert_eq!(ev.channel.data, data);

        let body = json!({"event": "user.didUpdate", "data": {"users": [{"userId": "u", "metadata": data}]}})
            .to_string();
        let ev = amity::UserDidUpdate::parse(&body).expect("any JSON in metadata");
        assert_eq!(ev.data.users[0].metadata, data);
    }
}

#[test]
fn new_enum_values_are_kept() {
    let body = json!({"event": "message", "channel": {"id": "c", "type": "superPrivate"},
        "message": {"id": "m", "type": "poll", "fileUrl": "https://f"}})
    .to_string();
    let ev = talkplus::MessageSent::parse(&body).expect("valid");
    assert_eq!(
        ev.channel.channel_type,
        Some(ChannelType::Other("superPrivate".into()))
    );
    assert_eq!(
        ev.message.message_type,
        Some(MessageType::Other("poll".into()))
    );
    assert_eq!(
        ev.message.message_type.as_ref().map(MessageType::as_str),
        Some("poll")
    );
    assert_eq!(ev.message.file_url.as_deref(), Some("https://f"));

    for (text, known) in [
        ("invitationOnly", ChannelType::InvitationOnly),
        ("private", ChannelType::Private),
    ] {
        assert_eq!(ChannelType::from(text), known);
    }
    for (text, known) in [
        ("admin_hidden", MessageType::AdminHidden),
        ("hidden", MessageType::Hidden),
    ] {
        assert_eq!(MessageType::from(text), known);
    }

    let body = json!({"event": "channel.didCreate", "data": {"channel": {"channelId": "c", "type": "megagroup"}}})
        .to_string();
    let ev = amity::ChannelDidCreate::parse(&body).expect("valid");
    assert_eq!(
        ev.data.channel[0].channel_type,
        Some(amity::ChannelType::Other("megagroup".into()))
    );
}

#[test]
fn unknown_fields_and_null_scalars_are_ignored() {
    let body = json!({"event": "member_banned", "brandNew": {"x": 1}, "channel": {"id": "c",
        "isFrozen": null, "members": null, "ownerId": null, "futureField": [1]},
        "users": [{"id": "u", "unheardOf": true}]})
    .to_string();
    let ev = talkplus::MemberBanned::parse(&body).expect("valid");
    assert!(!ev.channel.is_frozen);
    assert!(ev.channel.members.is_empty());
    assert_eq!(ev.users[0].id, "u");

    // The hashflag spelling of the seed and the hashFlag of the specification.
    for key in ["hashflag", "hashFlag"] {
        let body = json!({"event": "user.didFlag", "data": {"users": [{"userId": "u", key: {"bits": 1}}]}})
            .to_string();
        let ev = amity::UserDidFlag::parse(&body).expect("valid");
        assert_eq!(ev.data.users[0].hash_flag, json!({"bits": 1}), "{key}");
    }
}

#[test]
fn unknown_events_keep_name_and_body() {
    let body = r#"{"event":"channel_archived","appId":"a","channel":{"id":"c"}}"#;
    match TalkPlusEvent::parse("channel_archived", body).expect("unknown is not an error") {
        TalkPlusEvent::Unknown(unknown) => {
            assert_eq!(unknown.name, "channel_archived");
            assert_eq!(unknown.raw["channel"]["id"], "c");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    // Names outside the specification, shaped like the ones in it.
    for name in [
        "follow.didFollow",
        "poll.didClose",
        "v3.story.didCreate",
        "v4.post.didCreate",
        "v3.community.didArchive",
        "video-streaming.didPause",
        "push-notification/story.created",
    ] {
        assert!(!amity::EVENT_NAMES.contains(&name), "{name} has a type");
        let body = json!({"event": name, "data": {"anything": [1]}}).to_string();
        let ev = AmityEvent::parse(name, &body).expect("unknown is not an error");
        assert_eq!(ev.name(), name);
        assert!(matches!(ev, AmityEvent::Unknown(ref u) if u.raw["data"]["anything"][0] == 1));
    }
}

#[test]
fn a_required_object_that_is_a_string_names_path_and_type() {
    let err =
        talkplus::MemberBanned::parse(r#"{"event":"member_banned","channel":"lobby","users":[]}"#)
            .expect_err("channel must be an object");
    let PayloadError::InvalidShape {
        event,
        path,
        reason,
    } = &err
    else {
        panic!("expected InvalidShape, got {err:?}")
    };
    assert_eq!(event, "member_banned");
    assert_eq!(path, "channel");
    assert!(reason.contains("expected struct Channel"), "{reason}");
    assert!(
        err.to_string()
            .contains("`member_banned` payload at `channel`"),
        "{err}"
    );

    let err = talkplus::ChannelAdded::parse(
        r#"{"event":"channel_added","channel":{"id":"c","members":[{"id":"u","createdAt":"yesterday"}]}}"#,
    )
    .expect_err("a timestamp must be a number");
    assert!(
        matches!(&err, PayloadError::InvalidShape { path, reason, .. }
            if path == "channel.members[0].createdAt" && reason.contains("expected i64")),
        "{err:?}"
    );

    let err = amity::ChannelDidAddUsers::parse(
        r#"{"event":"channel.didAddUsers","data":{"channel":"c1"}}"#,
    )
    .expect_err("a channel must be an object");
    assert!(
        matches!(&err, PayloadError::InvalidShape { path, reason, .. }
            if path == "data.channel" && reason.contains("expected struct Channel")),
        "{err:?}"
    );

    let err = talkplus::MemberBanned::parse(r#"{"event":"member_banned","users":[]}"#)
        .expect_err("channel is required");
    assert!(
        matches!(&err, PayloadError::InvalidShape { reason, .. } if reason.contains("missing field `channel`")),
        "{err:?}"
    );
}

#[test]
fn a_body_that_is_not_json_is_an_error() {
    for body in ["", "not json", "{\"event\":", "[1,2"] {
        let err = talkplus::MemberBanned::parse(body).expect_err("not JSON");
        assert!(
            matches!(err, PayloadError::NotJson { .. }),
            "{body:?}: {err:?}"
        );
        let err = TalkPlusEvent::parse("brand_new", body).expect_err("not JSON even when unknown");
        assert!(
            matches!(err, PayloadError::NotJson { .. }),
            "{body:?}: {err:?}"
        );
    }
}

/// An Amity user with `fields` (a JSON object's inside) in a `user.didFlag` body.
fn amity_user(fields: &str) -> Result<amity::UserDidFlag, PayloadError> {
    amity::UserDidFlag::parse(&format!(
        r#"{{"event":"user.didFlag","data":{{"users":[{{"userId":"u",{fields}}}]}}}}"#
    ))
}

#[test]
fn both_spellings_of_a_field_on_one_object_first_one_wins() {
    let ev = amity_user(r#""hashFlag":{"bits":1},"hashflag":{"bits":2}"#).expect("both spellings");
    assert_eq!(ev.data.users[0].hash_flag, json!({"bits": 1}));
    let ev = amity_user(r#""hashflag":{"bits":2},"hashFlag":{"bits":1}"#).expect("both spellings");
    assert_eq!(ev.data.users[0].hash_flag, json!({"bits": 2}));
    // The later spelling is skipped unread: not even its shape matters.
    let ev = amity_user(r#""hashFlag":null,"hashflag":{"bits":2}"#).expect("both spellings");
    assert_eq!(ev.data.users[0].hash_flag, json!(null));

    // Written out: `json!` would sort the keys.
    let body = r#"{"event":"message.didFlag","data":{"messages":[{"messageId":"m","hashflag":{"bits":3},"hashFlag":{"bits":4}}]}}"#;
    let ev = amity::MessageDidFlag::parse(body).expect("both spellings");
    assert_eq!(ev.data.messages[0].hash_flag, json!({"bits": 3}));

    for (first, second, winner) in [("channel", "channels", "c1"), ("channels", "channel", "c1")] {
        let body = format!(
            r#"{{"event":"channel.didCreate","data":{{"{first}":[{{"channelId":"c1"}}],"{second}":"not even a channel"}}}}"#
        );
        let ev =
            amity::ChannelDidCreate::parse(&body).unwrap_or_else(|err| panic!("{body}: {err}"));
        assert_eq!(ev.data.channel.len(), 1);
        assert_eq!(ev.data.channel[0].channel_id, winner);
    }

    let body = r#"{"event":"message.didCreate","data":{"message":{"messageId":"one"},"messages":[{"messageId":"two"}]}}"#;
    let ev = amity::MessageDidCreate::parse(body).expect("both spellings");
    assert_eq!(ev.data.messages.len(), 1);
    assert_eq!(ev.data.messages[0].message_id, "one");

    let body =
        r#"{"event":"user.didUpdate","data":{"users":[{"userId":"a"}],"user":{"userId":"b"}}}"#;
    let ev = amity::UserDidUpdate::parse(body).expect("both spellings");
    let ids: Vec<&str> = ev.data.users.iter().map(|u| u.user_id.as_str()).collect();
    assert_eq!(ids, ["a"]);

    let body = r#"{"event":"v3.post.didAddReaction","data":{"reactor":{"userPublicId":"bob","userPublicIdId":"someone else"}}}"#;
    let ev = amity::PostDidAddReaction::parse(body).expect("both spellings");
    let reactor = ev.data.reactor.expect("reactor");
    assert_eq!(reactor.user_public_id.as_deref(), Some("bob"));
}

#[test]
fn each_spelling_alone_is_read() {
    for key in ["hashFlag", "hashflag"] {
        let body = json!({"event": "v3.comment.didFlag", "data": {
            "comments": [{"commentId": "c", key: {"bits": 5}}],
            "posts": [],
        }})
        .to_string();
        let ev = amity::CommentDidFlag::parse(&body).expect("one spelling");
        assert_eq!(ev.data.comments[0].hash_flag, json!({"bits": 5}), "{key}");
    }
    let body = r#"{"event":"v3.post.didAddReaction","data":{"reactor":{"userPublicIdId":"bob"}}}"#;
    let ev = amity::PostDidAddReaction::parse(body).expect("spec spelling");
    assert_eq!(
        ev.data.reactor.and_then(|r| r.user_public_id).as_deref(),
        Some("bob")
    );
    // Keys written with escapes are still recognised.
    let ev = amity_user(r#""hash\u0046lag":{"bits":6}"#).expect("escaped key");
    assert_eq!(ev.data.users[0].hash_flag, json!({"bits": 6}));
}

#[test]
fn hash_flag_null_parses() {
    for key in ["hashFlag", "hashflag"] {
        let ev = amity_user(&format!(r#""{key}":null"#)).expect("null hashFlag");
        assert_eq!(ev.data.users[0].hash_flag, json!(null), "{key}");
    }
    let ev = amity::MessageDidCreate::parse(
        r#"{"event":"message.didCreate","data":{"messages":[{"messageId":"m","hashFlag":null}]}}"#,
    )
    .expect("null hashFlag");
    assert_eq!(ev.data.messages[0].hash_flag, json!(null));
}

#[test]
fn an_empty_string_where_an_optional_object_is_expected_reads_as_absent() {
    let ev = talkplus::MessageDeleted::parse(&talkplus_deleted(r#""""#)).expect("sender \"\"");
    assert_eq!(ev.sender, None);
    let body = json!({"event": "message", "channel": {"id": "c", "lastMessage": ""},
        "sender": "", "message": {"id": "m"}})
    .to_string();
    let ev = talkplus::MessageSent::parse(&body).expect("empty strings");
    assert_eq!((ev.sender, ev.channel.last_message), (None, None));

    let body = json!({"event": "message.didAddReaction", "data": {
        "messages": [{"messageId": "m", "latestReaction": ""}], "reactor": ""}})
    .to_string();
    let ev = amity::MessageDidAddReaction::parse(&body).expect("empty strings");
    assert_eq!(ev.data.reactor, None);
    assert_eq!(ev.data.messages[0].latest_reaction, None);

    let body = json!({"event": "channel.didUpdate", "data": {"channel": [{"channelId": "c",
        "avatar": {"fileId": "f", "attributes": ""}}]}})
    .to_string();
    let ev = amity::ChannelDidUpdate::parse(&body).expect("empty strings");
    let avatar = ev.data.channel[0].avatar.as_ref().expect("avatar");
    assert_eq!((avatar.file_id.as_str(), &avatar.attributes), ("f", &None));

    // An event's whole data sent as "" reads as empty, as null does.
    let ev = amity::PollDidVote::parse(r#"{"event":"poll.didVote","data":""}"#).expect("data \"\"");
    assert_eq!(ev.data, amity::PollData::default());

    // Any other string is still wrong, and says where.
    let err = talkplus::MessageDeleted::parse(&talkplus_deleted(r#""u1""#))
        .expect_err("a sender is an object");
    assert!(
        matches!(&err, PayloadError::InvalidShape { path, reason, .. }
            if path == "sender" && reason.contains("expected struct User")),
        "{err:?}"
    );
}

#[test]
fn numbers_sent_as_strings_parse_as_numbers() {
    let body = json!({"event": "channel_added", "channel": {"id": "c", "memberCount": "3",
        "maxMemberCount": " 100 ", "createdAt": "1583921400000", "updatedAt": 5.0,
        "members": [{"id": "u", "muteExpiresAt": "1716873953000"}]}})
    .to_string();
    let ev = talkplus::ChannelAdded::parse(&body).expect("numbers as strings");
    assert_eq!(ev.channel.member_count, Some(3));
    assert_eq!(ev.channel.max_member_count, Some(100));
    assert_eq!(ev.channel.created_at, Some(1_583_921_400_000));
    assert_eq!(ev.channel.updated_at, Some(5));
    assert_eq!(
        ev.channel.members[0].mute_expires_at,
        Some(1_716_873_953_000)
    );

    let body = json!({"event": "channel.didCreate", "data": {"channel": [{"channelId": "c",
        "memberCount": "3", "messageCount": "-1", "rateLimitWindow": "1e3",
        "autoDeleteMessageByFlagLimit": "2.5"}]}})
    .to_string();
    let ev = amity::ChannelDidCreate::parse(&body).expect("numbers as strings");
    let channel = &ev.data.channel[0];
    assert_eq!(channel.member_count, Some(3));
    assert_eq!(channel.message_count, Some(-1));
    assert_eq!(channel.rate_limit_window, Some(1000));
    assert_eq!(channel.auto_delete_message_by_flag_limit, Some(2.5));
}

#[test]
fn a_string_that_is_no_number_stays_an_error_with_its_path() {
    let err = talkplus::ChannelAdded::parse(
        r#"{"event":"channel_added","channel":{"id":"c","memberCount":"three"}}"#,
    )
    .expect_err("not a number");
    assert!(
        matches!(&err, PayloadError::InvalidShape { path, reason, .. }
            if path == "channel.memberCount" && reason.contains("\"three\"")),
        "{err:?}"
    );

    for (count, what) in [
        (r#""3.5""#, "a fraction"),
        (r#""""#, "empty"),
        ("3.5", "a fraction"),
    ] {
        let body = format!(
            r#"{{"event":"channel.didCreate","data":{{"channel":[{{"channelId":"c","memberCount":{count}}}]}}}}"#
        );
        let err = amity::ChannelDidCreate::parse(&body).expect_err(what);
        assert!(
            matches!(&err, PayloadError::InvalidShape { path, reason, .. }
                if path == "data.channel[0].memberCount" && reason.contains("expected i64")),
            "{count}: {err:?}"
        );
    }

    let err = amity::PollDidVote::parse(
        r#"{"event":"poll.didVote","data":{"polls":[{"answers":[{"voteCount":"many"}]}]}}"#,
    )
    .expect_err("not a number");
    assert!(
        matches!(&err, PayloadError::InvalidShape { path, reason, .. }
            if path == "data.polls[0].answers[0].voteCount" && reason.contains("a number")),
        "{err:?}"
    );
}

#[test]
fn half_of_an_emoji_escaped_alone_is_read_as_the_replacement_character() {
    // What JavaScript's `JSON.stringify` writes for text cut between the two halves of a
    // UTF-16 pair: valid JSON, but no Rust string can hold it as it is.
    let body = r#"{"event":"message","appId":"a","channel":{"id":"c"},"message":{"id":"m","text":"cut \ud83d"}}"#;
    match TalkPlusEvent::parse("message", body).expect("read") {
        TalkPlusEvent::MessageSent(ev) => {
            assert_eq!(ev.message.text.as_deref(), Some("cut \u{fffd}"));
        }
        other => panic!("expected a message, got {other:?}"),
    }
    let body = r#"{"event":"channel.didArchive","data":{"preview":"\ude00 cut"}}"#;
    match AmityEvent::parse("channel.didArchive", body).expect("read") {
        AmityEvent::Unknown(unknown) => assert_eq!(unknown.raw["data"]["preview"], "\u{fffd} cut"),
        other => panic!("expected an unknown event, got {other:?}"),
    }
}
