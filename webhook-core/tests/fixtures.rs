//! Every sample payload of the two seed documents parses into its typed event, with the
//! values the sample holds.

use serde_json::json;
use webhook_core::amity::{self, AmityEvent};
use webhook_core::talkplus::{self, ChannelType, MessageType, Reaction, TalkPlusEvent};
use webhook_core::{Event, PayloadError, ProviderEvent};

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $path))
    };
}

fn parse<E: Event>(body: &str) -> E {
    E::parse(body).unwrap_or_else(|err| panic!("{} sample: {err}", E::NAME))
}

/// The channel every TalkPlus sample carries.
fn check_sample_channel(channel: &talkplus::Channel) {
    assert_eq!(channel.id, "YOUR_CHANNEL_ID");
    assert_eq!(channel.name.as_deref(), Some("YOUR_CHANNEL_NAME"));
    assert_eq!(channel.owner_id.as_deref(), Some("user123"));
    assert_eq!(channel.channel_type, Some(ChannelType::Public));
    assert!(!channel.is_frozen);
    assert_eq!(channel.member_count, Some(1));
    assert_eq!(channel.max_member_count, Some(100));
    assert_eq!(channel.data["someMetaKey2"], "someMetaValue2");
    assert_eq!(channel.members.len(), 1);
    assert_eq!(channel.members[0].id, "user123");
    assert_eq!(channel.members[0].last_sent_at, Some(1_603_244_275_376));
    assert_eq!(channel.created_at, Some(0));
}

/// The message of the TalkPlus message and reaction samples.
fn check_sample_message(message: &talkplus::Message) {
    assert_eq!(message.id, "sdf2l5s9j");
    assert_eq!(message.channel_id, "YOUR_CHANNEL_ID");
    assert_eq!(message.user_id, "user123");
    assert_eq!(message.message_type, Some(MessageType::Text));
    assert_eq!(message.text.as_deref(), Some("Hello world"));
    assert_eq!(message.data, json!({"customField": "customData"}));
    assert_eq!(message.created_at, Some(1_583_921_400));
}

#[test]
fn talkplus_message() {
    let ev: talkplus::MessageSent = parse(fixture!("talkplus/message.json"));
    assert_eq!(ev.app_id, "YOUR_APP_ID");
    check_sample_channel(&ev.channel);
    let last = ev
        .channel
        .last_message
        .as_deref()
        .expect("sample has a last message");
    check_sample_message(last);
    assert_eq!(ev.channel.image_url.as_deref(), Some("image url"));
    let sender = ev.sender.expect("sample has a sender");
    assert_eq!(sender.id, "user123");
    assert_eq!(sender.updated_at, Some(1_583_924_400));
    check_sample_message(&ev.message);
}

#[test]
fn talkplus_message_deleted() {
    let ev: talkplus::MessageDeleted = parse(fixture!("talkplus/message_deleted.json"));
    check_sample_channel(&ev.channel);
    assert_eq!(ev.sender.map(|user| user.id).as_deref(), Some("user123"));
    check_sample_message(&ev.message);
}

#[test]
fn talkplus_reactions() {
    let added: talkplus::ReactionAdded = parse(fixture!("talkplus/reaction_added.json"));
    check_sample_channel(&added.channel);
    check_sample_message(&added.message);
    assert_eq!(added.user.id, "user123");
    assert_eq!(added.reaction, "happy");
    assert_eq!(
        added.message.reactions.get("happy"),
        Some(&Reaction::Users(vec!["user123".to_owned()]))
    );

    let deleted: talkplus::ReactionDeleted = parse(fixture!("talkplus/reaction_deleted.json"));
    assert_eq!(deleted.reaction, "sad");
    assert_eq!(deleted.message.reactions["happy"].count(), 1);
}

#[test]
fn talkplus_channel_events() {
    let added: talkplus::ChannelAdded = parse(fixture!("talkplus/channel_added.json"));
    check_sample_channel(&added.channel);
    assert_eq!(added.channel.last_message, None);
    let changed: talkplus::ChannelChanged = parse(fixture!("talkplus/channel_changed.json"));
    check_sample_channel(&changed.channel);
    let removed: talkplus::ChannelRemoved = parse(fixture!("talkplus/channel_removed.json"));
    check_sample_channel(&removed.channel);
    // The channel_removed sample has no invitation code at all.
    assert_eq!(removed.channel.invitation_code, None);
}

#[test]
fn talkplus_member_events() {
    let added: talkplus::MemberAdded = parse(fixture!("talkplus/member_added.json"));
    check_sample_channel(&added.channel);
    assert_eq!(added.users.len(), 1);
    assert_eq!(added.users[0].id, "user123");

    let left: talkplus::MemberLeft = parse(fixture!("talkplus/member_left.json"));
    let muted: talkplus::MemberMuted = parse(fixture!("talkplus/member_muted.json"));
    let unmuted: talkplus::MemberUnmuted = parse(fixture!("talkplus/member_unmuted.json"));
    let banned: talkplus::MemberBanned = parse(fixture!("talkplus/member_banned.json"));
    let unbanned: talkplus::MemberUnbanned = parse(fixture!("talkplus/member_unbanned.json"));
    for (channel, users) in [
        (&left.channel, &left.users),
        (&muted.channel, &muted.users),
        (&unmuted.channel, &unmuted.users),
        (&banned.channel, &banned.users),
        (&unbanned.channel, &unbanned.users),
    ] {
        check_sample_channel(channel);
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].id, "user456");
        assert_eq!(users[0].created_at, Some(1_583_921_400));
    }
    assert_eq!(
        muted.channel.members[0].mute_expires_at,
        Some(1_716_873_953_000)
    );
}

#[test]
fn talkplus_block_events() {
    let blocked: talkplus::UserBlocked = parse(fixture!("talkplus/user_blocked.json"));
    assert_eq!(blocked.app_id, "YOUR_APP_ID");
    assert_eq!(blocked.user.id, "user123");
    assert_eq!(blocked.blocked_user.id, "user456");
    assert_eq!(
        blocked.blocked_user.profile_image_url.as_deref(),
        Some("http://cnd.test.com/456.jpg")
    );
    let unblocked: talkplus::UserUnblocked = parse(fixture!("talkplus/user_unblocked.json"));
    assert_eq!(unblocked.user.id, "user123");
    assert_eq!(unblocked.blocked_user.id, "user456");
}

#[test]
fn talkplus_captured_body_keeps_every_field() {
    let body = fixture!("talkplus/captured_channel_added.json");
    assert_eq!(body.len(), 846, "the captured body must stay byte-for-byte");
    let ev: talkplus::ChannelAdded = parse(body);
    assert_eq!(ev.app_id, "34f633c9-b012-4ca9-b453-2a4a460f464a");
    let channel = &ev.channel;
    assert_eq!(channel.id, "webhook_test");
    assert_eq!(channel.category.as_deref(), Some("categoryA"));
    assert_eq!(channel.subcategory.as_deref(), Some("subcategoryB"));
    assert_eq!(channel.private_tag.as_deref(), Some(""));
    assert_eq!(channel.push_notification_disabled, Some(false));
    assert_eq!(channel.push_notification_sound_aos.as_deref(), Some(""));
    assert_eq!(channel.private_data, serde_json::Value::Null);
    assert_eq!(channel.last_sent_at, Some(1_699_606_164_578));
    assert_eq!(channel.data, json!({"test": "1"}));
    let member = &channel.members[0];
    assert_eq!(member.id, "test1");
    assert_eq!(member.disable_push_notification, Some(false));
    assert_eq!(member.member_info, json!({}));
    assert_eq!(member.created_at, Some(1_697_797_296_688));
}

#[test]
fn every_talkplus_sample_reaches_its_enum_variant() {
    let samples = [
        fixture!("talkplus/message.json"),
        fixture!("talkplus/message_deleted.json"),
        fixture!("talkplus/reaction_added.json"),
        fixture!("talkplus/reaction_deleted.json"),
        fixture!("talkplus/channel_added.json"),
        fixture!("talkplus/channel_changed.json"),
        fixture!("talkplus/channel_removed.json"),
        fixture!("talkplus/member_added.json"),
        fixture!("talkplus/member_left.json"),
        fixture!("talkplus/member_muted.json"),
        fixture!("talkplus/member_unmuted.json"),
        fixture!("talkplus/member_banned.json"),
        fixture!("talkplus/member_unbanned.json"),
        fixture!("talkplus/user_blocked.json"),
        fixture!("talkplus/user_unblocked.json"),
    ];
    assert_eq!(samples.len(), talkplus::EVENT_NAMES.len());
    for (name, body) in talkplus::EVENT_NAMES.iter().zip(samples) {
        let ev = TalkPlusEvent::parse(name, body).expect("sample parses");
        assert_eq!(ev.name(), *name);
        assert!(!matches!(ev, TalkPlusEvent::Unknown(_)), "{name} is known");
    }
}

fn check_seed_channel(channel: &amity::Channel) {
    assert_eq!(channel.channel_id, "testWebhook");
    assert_eq!(channel.channel_type, Some(amity::ChannelType::Standard));
    assert!(!channel.is_distinct);
    assert_eq!(channel.rate_limit_window, Some(1000));
    assert_eq!(
        channel.created_at.as_deref(),
        Some("2018-11-30T09:35:23.815Z")
    );
    assert_eq!(channel.member_count, Some(0));
}

#[test]
fn amity_message_did_create() {
    let ev: amity::MessageDidCreate = parse(fixture!("amity/message.didCreate.json"));
    assert_eq!(ev.request_id.as_deref(), Some("5c01045b8350df000fdff589"));
    assert_eq!(ev.webhook_id.as_deref(), Some("5c0103408350df000fdff588"));
    let message = ev.data.first_message().expect("one message");
    assert_eq!(message.message_id, "92cf42892b2164461619444efef60e49");
    assert_eq!(message.channel_id, "testWebhook");
    assert_eq!(message.user_id, "global-admin");
    assert_eq!(message.message_type, Some(amity::MessageType::Text));
    assert_eq!(message.data, json!({"text": "test"}));
    assert_eq!(message.channel_segment, Some(1));
    assert_eq!(
        message.hash_flag,
        json!({"bits": 0, "hashes": 0, "hash": []})
    );
    assert_eq!(ev.data.users.len(), 1);
    assert_eq!(
        ev.data.users[0].display_name.as_deref(),
        Some("Global Admin")
    );
    assert_eq!(ev.data.users[0].roles, ["global-admin"]);
}

#[test]
fn amity_channel_did_create() {
    let ev: amity::ChannelDidCreate = parse(fixture!("amity/channel.didCreate.json"));
    check_seed_channel(ev.data.first_channel().expect("one channel"));
    assert_eq!(ev.data.user_ids, ["A"]);
    assert_eq!(ev.data.users[0].user_id, "A");
}

#[test]
fn amity_channel_did_join() {
    let ev: amity::ChannelDidJoin = parse(fixture!("amity/channel.didJoin.json"));
    check_seed_channel(ev.data.first_channel().expect("one channel"));
    assert_eq!(ev.data.user_ids, ["B"]);
    assert_eq!(ev.data.users[0].display_name.as_deref(), Some("User B"));
}

#[test]
fn amity_channel_did_add_users() {
    let ev: amity::ChannelDidAddUsers = parse(fixture!("amity/channel.didAddUsers.json"));
    check_seed_channel(ev.data.first_channel().expect("one channel"));
    assert_eq!(ev.data.adder_id, ["B"]);
    assert_eq!(ev.data.user_ids, ["C"]);
    let ids: Vec<&str> = ev.data.users.iter().map(|u| u.user_id.as_str()).collect();
    assert_eq!(ids, ["C", "B"]);
}

#[test]
fn every_amity_sample_reaches_its_enum_variant() {
    for (name, body) in [
        (
            "message.didCreate",
            fixture!("amity/message.didCreate.json"),
        ),
        (
            "channel.didCreate",
            fixture!("amity/channel.didCreate.json"),
        ),
        ("channel.didJoin", fixture!("amity/channel.didJoin.json")),
        (
            "channel.didAddUsers",
            fixture!("amity/channel.didAddUsers.json"),
        ),
    ] {
        let ev = AmityEvent::parse(name, body).expect("sample parses");
        assert_eq!(ev.name(), name);
        assert!(!matches!(ev, AmityEvent::Unknown(_)), "{name} is known");
    }
}

#[test]
fn fixtures_are_what_the_readme_says() {
    // The message.didCreate sample's wrong event name was corrected.
    let body: serde_json::Value =
        serde_json::from_str(fixture!("amity/message.didCreate.json")).expect("JSON");
    assert_eq!(body["event"], "message.didCreate");
    // A fixture that fails to parse as its declared event would be a wrong fixture.
    let err = amity::ChannelDidJoin::parse(r#"{"event":"channel.didJoin","data":"x"}"#)
        .expect_err("data must be an object");
    assert!(matches!(err, PayloadError::InvalidShape { .. }));
}
