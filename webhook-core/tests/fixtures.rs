//! Every sample payload of the two seed documents parses into its typed event, with the
//! values the sample holds.

use serde_json::json;
use webhook_core::amity::{self, AmityEvent};
use webhook_core::talkplus::{self, ChannelType, MessageType, Reaction, TalkPlusEvent};
use webhook_core::{Event, PayloadError};

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $path))
    };
}

fn parse<E: Event>(body: &str) -> E {
    let name = E::ROUTE.name().unwrap_or_default();
    E::from_body(name, body).unwrap_or_else(|err| panic!("{name} sample: {err}"))
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

/// A body built from Amity's specification, named after its `/webhook/...` path.
macro_rules! spec_fixture {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/amity/spec/",
            $path,
            ".json"
        ))
    };
}

/// The event name a spec path's delivery carries: v5 message events use the chat names.
fn event_name_of_spec_path(path: &str) -> &str {
    path.strip_prefix("v5.").unwrap_or(path)
}

/// Every spec fixture as `(spec path, body)`, read from the fixtures folder.
fn spec_fixtures() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("fixtures folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if let Some(relative) = path
                .strip_prefix(root)
                .ok()
                .and_then(|p| p.to_str())
                .and_then(|p| p.strip_suffix(".json"))
            {
                let body = std::fs::read_to_string(&path).expect("fixture");
                out.push((relative.replace('\\', "/"), body));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/amity/spec");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

#[test]
fn every_amity_event_has_a_spec_fixture_that_reaches_its_variant() {
    let fixtures = spec_fixtures();
    assert_eq!(fixtures.len(), 86, "one fixture per /webhook/ path");
    for (path, body) in &fixtures {
        let name = event_name_of_spec_path(path);
        let ev = AmityEvent::parse(name, body).unwrap_or_else(|err| panic!("{path}: {err}"));
        assert_eq!(ev.name(), name);
        assert!(!matches!(ev, AmityEvent::Unknown(_)), "{path} has no type");
    }
    for name in amity::EVENT_NAMES {
        assert!(
            fixtures
                .iter()
                .any(|(path, _)| event_name_of_spec_path(path) == *name),
            "{name} has no fixture"
        );
    }
}

fn check_spec_user(user: &amity::User) {
    assert_eq!(user.user_id, "alice");
    assert_eq!(user.display_name.as_deref(), Some("Alice"));
    assert_eq!(user.created_at.as_deref(), Some("2024-11-13T09:41:27.512Z"));
    assert_eq!(user.hash_flag, json!({"bits": 0, "hashes": 0, "hash": []}));
}

fn check_spec_file(file: &amity::File) {
    assert_eq!(file.file_id, "66aabbccddeeff0011223344");
    assert_eq!(file.file_type, Some(amity::FileType::Image));
    let attributes = file.attributes.as_ref().expect("attributes");
    assert_eq!(attributes.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(attributes.size, Some(482_113.0));
    let metadata = attributes.metadata.as_ref().expect("image metadata");
    assert_eq!(
        (metadata.width, metadata.height),
        (Some(1440.0), Some(1080.0))
    );
}

#[test]
fn spec_channel_fixtures() {
    let datas = [
        parse::<amity::ChannelDidAddUsers>(spec_fixture!("channel.didAddUsers")).data,
        parse::<amity::ChannelDidBan>(spec_fixture!("channel.didBan")).data,
        parse::<amity::ChannelDidClose>(spec_fixture!("channel.didClose")).data,
        parse::<amity::ChannelDidCreate>(spec_fixture!("channel.didCreate")).data,
        parse::<amity::ChannelDidJoin>(spec_fixture!("channel.didJoin")).data,
        parse::<amity::ChannelDidLeave>(spec_fixture!("channel.didLeave")).data,
        parse::<amity::ChannelDidRemoveUsers>(spec_fixture!("channel.didRemoveUsers")).data,
        parse::<amity::ChannelDidUpdate>(spec_fixture!("channel.didUpdate")).data,
        parse::<amity::ChannelDidUpdateMeta>(spec_fixture!("channel.didUpdateMeta")).data,
    ];
    for data in &datas {
        let channel = data.first_channel().expect("one channel");
        assert_eq!(channel.channel_id, "general");
        assert_eq!(channel.display_name.as_deref(), Some("General"));
        assert_eq!(channel.channel_type, Some(amity::ChannelType::Standard));
        assert_eq!(channel.member_count, Some(2));
        assert_eq!(channel.rate_limit_window, Some(1000));
        assert_eq!(channel.tags, ["hiking"]);
        check_spec_file(channel.avatar.as_ref().expect("avatar"));
    }
    let [add, ban, close, _, join, _, remove, update, _] = &datas;
    assert_eq!(add.adder_id, ["alice"]);
    assert_eq!(add.user_ids, ["bob"]);
    check_spec_user(&add.users[0]);
    assert_eq!(ban.actor_id, ["moderator-1"]);
    assert!(close.users.is_empty());
    assert_eq!(join.user_ids, ["bob"]);
    assert_eq!(remove.remover_id, ["alice"]);
    assert_eq!(update.user_id, ["alice"]);
}

#[test]
fn spec_message_fixtures() {
    let datas = [
        parse::<amity::MessageDidAddReaction>(spec_fixture!("message.didAddReaction")).data,
        parse::<amity::MessageDidClearFlag>(spec_fixture!("message.didClearflag")).data,
        parse::<amity::MessageDidCreate>(spec_fixture!("message.didCreate")).data,
        parse::<amity::MessageDidDelete>(spec_fixture!("message.didDelete")).data,
        parse::<amity::MessageDidFlag>(spec_fixture!("message.didFlag")).data,
        parse::<amity::MessageDidRemoveReaction>(spec_fixture!("message.didRemoveReaction")).data,
        parse::<amity::MessageDidUnflag>(spec_fixture!("message.didUnflag")).data,
        parse::<amity::MessageDidUpdate>(spec_fixture!("message.didUpdate")).data,
        parse::<amity::MessageDidCreate>(spec_fixture!("v5.message.didCreate")).data,
        parse::<amity::MessageDidDelete>(spec_fixture!("v5.message.didDelete")).data,
        parse::<amity::MessageDidUpdate>(spec_fixture!("v5.message.didUpdate")).data,
    ];
    for data in &datas {
        let message = data.first_message().expect("one message");
        assert_eq!(message.message_id, "9c1f3e2a7b6d4c5e8f0a1b2c");
        assert_eq!(message.channel_id, "general");
        assert_eq!(message.user_id, "alice");
        assert_eq!(message.message_type, Some(amity::MessageType::Text));
        assert_eq!(message.data, json!({"text": "Hello everyone!"}));
        assert_eq!(message.channel_segment, Some(15));
        assert_eq!(message.reactions, json!({"like": 1}));
        let mention = &message.mentionees[0];
        assert_eq!(mention.mentionee_type, Some(amity::MentioneeType::User));
        assert_eq!(mention.user_ids, ["bob"]);
        let latest = message.latest_reaction.as_ref().expect("latest reaction");
        assert_eq!(latest.reaction_name.as_deref(), Some("like"));
        assert_eq!(data.users.len(), 1);
        assert_eq!(data.users[0].user_id, "alice");
    }
    let reactor = datas[0]
        .reactor
        .as_ref()
        .expect("reaction events name the reactor");
    assert_eq!(reactor.reaction_name.as_deref(), Some("like"));
    assert_eq!(reactor.user_public_id.as_deref(), Some("bob"));
    check_spec_file(&datas[0].files[0]);

    for v5 in &datas[8..] {
        let feed = &v5.message_feeds[0];
        assert_eq!(feed.message_feed_id, "a85dca058f5b585f86a29f14");
        assert_eq!(feed.channel_id, "general");
        assert_eq!(feed.child_count, Some(15));
        assert_eq!(v5.reactions[0].reference_id, "9c1f3e2a7b6d4c5e8f0a1b2c");
        assert_eq!(
            v5.reactions[0].reactors[0].reaction_id,
            "66c0ffee0ddba11cafe0b0e2"
        );
        check_spec_file(&v5.files[0]);
    }
}

#[test]
fn spec_user_and_moderation_fixtures() {
    let datas = [
        parse::<amity::UserDidClearFlag>(spec_fixture!("user.didClearFlag")).data,
        parse::<amity::UserDidCreate>(spec_fixture!("user.didCreate")).data,
        parse::<amity::UserDidFlag>(spec_fixture!("user.didFlag")).data,
        parse::<amity::UserDidUnflag>(spec_fixture!("user.didUnflag")).data,
        parse::<amity::UserDidUpdate>(spec_fixture!("user.didUpdate")).data,
    ];
    for data in &datas {
        let user = &data.users[0];
        check_spec_user(user);
        assert_eq!(
            user.permissions,
            [
                amity::Permission::EditMessage,
                amity::Permission::DeleteMessage
            ]
        );
        assert_eq!(user.is_global_ban, Some(false));
        check_spec_file(&data.files[0]);
    }
    let ban = parse::<amity::ModerationDidBan>(spec_fixture!("moderation.didBan")).data;
    assert_eq!(ban.channel[0].channel_id, "general");
    assert_eq!(ban.user_id, ["alice"]);
    check_spec_user(&ban.users[0]);
}

#[test]
fn spec_post_fixtures() {
    let datas = [
        parse::<amity::PostDidAddReaction>(spec_fixture!("v3.post.didAddReaction")).data,
        parse::<amity::PostDidApprove>(spec_fixture!("v3.post.didApprove")).data,
        parse::<amity::PostDidCreate>(spec_fixture!("v3.post.didCreate")).data,
        parse::<amity::PostDidDecline>(spec_fixture!("v3.post.didDecline")).data,
        parse::<amity::PostDidDelete>(spec_fixture!("v3.post.didDelete")).data,
        parse::<amity::PostDidFlag>(spec_fixture!("v3.post.didFlag")).data,
        parse::<amity::PostDidRemoveReaction>(spec_fixture!("v3.post.didRemoveReaction")).data,
        parse::<amity::PostDidUnflag>(spec_fixture!("v3.post.didUnflag")).data,
        parse::<amity::PostDidUpdate>(spec_fixture!("v3.post.didUpdate")).data,
    ];
    for data in &datas {
        let post = data.first_post().expect("one post");
        assert_eq!(post.post_id, "6601a2b3c4d5e6f708192a3b");
        assert_eq!(post.posted_user_id.as_deref(), Some("alice"));
        assert_eq!(post.target_type, Some(amity::TargetType::User));
        assert_eq!(post.data_type, Some(amity::DataType::Text));
        let content = post.data.as_ref().expect("content");
        assert_eq!(content.text.as_deref(), Some("Hello everyone!"));
        assert_eq!(post.comments_count, Some(1));
        assert_eq!(data.comments[0].comment_id, "661122334455667788990aab");
        assert_eq!(data.communities[0].display_name.as_deref(), Some("Hikers"));
        assert_eq!(data.feeds[0].feed_type, Some(amity::FeedType::Published));
        assert_eq!(data.categories[0].name.as_deref(), Some("Outdoors"));
        assert_eq!(
            data.video_streamings[0].stream_id,
            "6523a1f0c2d94b7e8f1a2b3c"
        );
        check_spec_user(&data.users[0]);
    }
    assert!(datas[0].reactor.is_some() && datas[6].reactor.is_some());
    assert_eq!(datas[5].flagged_user_id.as_deref(), Some("bob"));
    assert_eq!(datas[7].flagged_user_id.as_deref(), Some("bob"));
}

#[test]
fn spec_comment_fixtures() {
    let datas = [
        parse::<amity::CommentDidAddReaction>(spec_fixture!("v3.comment.didAddReaction")).data,
        parse::<amity::CommentDidCreate>(spec_fixture!("v3.comment.didCreate")).data,
        parse::<amity::CommentDidDelete>(spec_fixture!("v3.comment.didDelete")).data,
        parse::<amity::CommentDidFlag>(spec_fixture!("v3.comment.didFlag")).data,
        parse::<amity::CommentDidRemoveReaction>(spec_fixture!("v3.comment.didRemoveReaction"))
            .data,
        parse::<amity::CommentDidReply>(spec_fixture!("v3.comment.didReply")).data,
        parse::<amity::CommentDidUnflag>(spec_fixture!("v3.comment.didUnflag")).data,
        parse::<amity::CommentDidUpdate>(spec_fixture!("v3.comment.didUpdate")).data,
    ];
    for data in &datas {
        let comment = data.first_comment().expect("one comment");
        assert_eq!(comment.comment_id, "661122334455667788990aab");
        assert_eq!(
            comment.reference_type,
            Some(amity::CommentReferenceType::Post)
        );
        assert_eq!(comment.data, json!({"text": "See you there!"}));
        assert_eq!(comment.data_types, [amity::DataType::Text]);
        assert_eq!(comment.attachments[0].file_id, "66aabbccddeeff0011223344");
        assert_eq!(comment.segment_number, Some(1));
        let member = &data.community_users[0];
        assert_eq!(member.community_membership, Some(amity::Membership::Member));
        assert_eq!(member.roles, ["community-moderator"]);
    }
    assert_eq!(
        datas[0].reactor.as_ref().map(|r| r.reaction_id.as_str()),
        Some("66c0ffee0ddba11cafe0b0e2")
    );
    assert_eq!(datas[3].flagged_user_id.as_deref(), Some("bob"));
}

#[test]
fn spec_community_fixtures() {
    let datas = [
        parse::<amity::CommunityDidAddUsers>(spec_fixture!("v3.community.didAddUsers")).data,
        parse::<amity::CommunityDidBan>(spec_fixture!("v3.community.didBan")).data,
        parse::<amity::CommunityDidCreate>(spec_fixture!("v3.community.didCreate")).data,
        parse::<amity::CommunityDidDelete>(spec_fixture!("v3.community.didDelete")).data,
        parse::<amity::CommunityDidJoin>(spec_fixture!("v3.community.didJoin")).data,
        parse::<amity::CommunityDidLeave>(spec_fixture!("v3.community.didLeave")).data,
        parse::<amity::CommunityDidRemoveUsers>(spec_fixture!("v3.community.didRemoveUsers")).data,
        parse::<amity::CommunityDidRoleChange>(spec_fixture!("v3.community.didRoleChange")).data,
        parse::<amity::CommunityDidUnban>(spec_fixture!("v3.community.didUnban")).data,
        parse::<amity::CommunityDidUpdate>(spec_fixture!("v3.community.didUpdate")).data,
    ];
    for data in &datas {
        let community = data.first_community().expect("one community");
        assert_eq!(community.community_id, "65f0e1d2c3b4a59687a1b2c3");
        assert_eq!(community.channel_id, "general");
        assert_eq!(community.members_count, Some(2));
        assert_eq!(community.is_public, Some(true));
        assert_eq!(
            community.notification_mode,
            Some(amity::NotificationMode::Default)
        );
        assert_eq!(data.community_users[0].user_id.as_deref(), Some("alice"));
        assert_eq!(data.feeds[0].post_count, Some(24.0));
        assert_eq!(data.categories[0].category_id, "64be1f6cb9b4106b5a6bbf40");
    }
}

#[test]
fn spec_follow_poll_and_video_fixtures() {
    let follows = [
        parse::<amity::FollowDidAcceptRequest>(spec_fixture!("follow.didAcceptRequest")).data,
        parse::<amity::FollowDidCancelRequest>(spec_fixture!("follow.didCancelRequest")).data,
        parse::<amity::FollowDidCreate>(spec_fixture!("follow.didCreate")).data,
        parse::<amity::FollowDidDeclineRequest>(spec_fixture!("follow.didDeclineRequest")).data,
        parse::<amity::FollowDidDeleteFollower>(spec_fixture!("follow.didDeleteFollower")).data,
        parse::<amity::FollowDidRequest>(spec_fixture!("follow.didRequest")).data,
        parse::<amity::FollowDidUnfollow>(spec_fixture!("follow.didUnfollow")).data,
    ];
    use amity::FollowStatus::{Accepted, None as NotFollowing, Pending};
    let statuses: Vec<_> = follows.iter().map(|f| f.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            Accepted,
            NotFollowing,
            Accepted,
            NotFollowing,
            NotFollowing,
            Pending,
            NotFollowing
        ]
        .map(Some)
    );
    for follow in &follows {
        assert_eq!(follow.from.as_deref(), Some("alice"));
        assert_eq!(follow.to.as_deref(), Some("bob"));
    }

    let polls = [
        parse::<amity::PollDidCreate>(spec_fixture!("poll.didCreate")).data,
        parse::<amity::PollDidUpdate>(spec_fixture!("poll.didUpdate")).data,
        parse::<amity::PollDidVote>(spec_fixture!("poll.didVote")).data,
    ];
    for data in &polls {
        let poll = data.first_poll().expect("one poll");
        assert_eq!(poll.poll_id, "66c0ffee0ddba11cafe0b0e1");
        let votes: Vec<_> = poll
            .answers
            .iter()
            .map(|a| (a.id.as_str(), a.vote_count))
            .collect();
        assert_eq!(votes, [("answer-1", Some(3.0)), ("answer-2", Some(1.0))]);
        assert_eq!(poll.closed_in, Some(86_400_000.0));
        check_spec_user(&data.users[0]);
    }

    use amity::StreamStatus::{Ended, Live, Recorded};
    for (data, status) in [
        (
            parse::<amity::VideoStreamingDidStart>(spec_fixture!("video-streaming.didStart")).data,
            Live,
        ),
        (
            parse::<amity::VideoStreamingDidStop>(spec_fixture!("video-streaming.didStop")).data,
            Ended,
        ),
        (
            parse::<amity::VideoStreamingDidRecord>(spec_fixture!("video-streaming.didRecord"))
                .data,
            Recorded,
        ),
    ] {
        let stream = data.first_stream().expect("one stream");
        assert_eq!(stream.status.as_ref(), Some(&status));
        assert_eq!(stream.is_live, Some(status == Live));
        assert_eq!(stream.resolution, Some(amity::Resolution::Sd));
        let streamer = stream.streamer_url.as_ref().expect("streamer URL");
        let parts = streamer.components.as_ref().expect("URL parts");
        assert_eq!(parts.app_name.as_deref(), Some("live"));
        let recorded = stream.recordings.first().and_then(|r| r.mp4.as_ref());
        assert_eq!(recorded.is_some(), status == Recorded);
        if let Some(mp4) = recorded {
            assert_eq!(mp4.duration, Some(1820.5));
        }
    }
}

#[test]
fn spec_push_notification_fixtures() {
    macro_rules! push {
        ($ty:ty, $path:literal) => {{
            let ev = parse::<$ty>(spec_fixture!($path));
            assert_eq!(ev.event_type.as_deref(), Some("push-notification.created"));
            assert_eq!(ev.id, "66d1e2f3a4b5c6d7e8f90a1b");
            assert_eq!(ev.sender_id.as_deref(), Some("alice"));
            assert_eq!(
                format!("push-notification/{}", ev.data.event_name),
                <$ty>::NAME
            );
            assert_eq!(ev.data.target_ids, ["bob"]);
            check_spec_user(&ev.data.users[0]);
            ev.data
        }};
    }
    for data in [
        push!(
            amity::PushChannelCreated,
            "push-notification/channel.created"
        ),
        push!(amity::PushChannelJoined, "push-notification/channel.joined"),
    ] {
        assert_eq!(data.channels[0].channel_id, "general");
    }
    for data in [
        push!(
            amity::PushCommentCreated,
            "push-notification/comment.created"
        ),
        push!(
            amity::PushCommentReacted,
            "push-notification/comment.reacted"
        ),
        push!(
            amity::PushCommentReplied,
            "push-notification/comment.replied"
        ),
        push!(
            amity::PushMentionCommentCreated,
            "push-notification/mention-comment.created"
        ),
        push!(
            amity::PushMentionCommentReplied,
            "push-notification/mention-comment.replied"
        ),
        push!(
            amity::PushMentionUserFeedCommentCreated,
            "push-notification/mention-user-feed-comment.created"
        ),
        push!(
            amity::PushMentionUserFeedCommentReplied,
            "push-notification/mention-user-feed-comment.replied"
        ),
    ] {
        assert_eq!(data.comments[0].comment_id, "661122334455667788990aab");
        assert_eq!(data.posts[0].post_id, "6601a2b3c4d5e6f708192a3b");
    }
    for data in [
        push!(
            amity::PushFollowAccepted,
            "push-notification/follow.accepted"
        ),
        push!(amity::PushFollowCreated, "push-notification/follow.created"),
        push!(
            amity::PushFollowRequested,
            "push-notification/follow.requested"
        ),
    ] {
        assert_eq!(data.follows[0].to.as_deref(), Some("bob"));
    }
    let message = push!(
        amity::PushMessageCreated,
        "push-notification/message.created"
    );
    assert_eq!(message.messages[0].channel_id, "general");
    for data in [
        push!(amity::PushPostApproved, "push-notification/post.approved"),
        push!(amity::PushPostCreated, "push-notification/post.created"),
        push!(
            amity::PushPostNeedReviewing,
            "push-notification/post.need-reviewing"
        ),
        push!(amity::PushPostReacted, "push-notification/post.reacted"),
        push!(
            amity::PushMentionPostCreated,
            "push-notification/mention-post.created"
        ),
        push!(
            amity::PushMentionUserFeedPostCreated,
            "push-notification/mention-user-feed-post.created"
        ),
    ] {
        assert_eq!(data.posts[0].post_id, "6601a2b3c4d5e6f708192a3b");
        assert_eq!(data.communities[0].community_id, "65f0e1d2c3b4a59687a1b2c3");
    }
    let video = push!(
        amity::PushVideoStreamingStarted,
        "push-notification/video-streaming.started"
    );
    assert_eq!(video.is_broadcast, Some(true));
    assert_eq!(
        video.video_streamings[0].status,
        Some(amity::StreamStatus::Live)
    );
}
