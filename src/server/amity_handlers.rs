//! One handler per Amity chat event, each logging the event name and, where the event has
//! one, the channel id (for message events, the message's `channelId`).

use webhook_core::amity::{
    Amity, ChannelData, ChannelDidAddUsers, ChannelDidBan, ChannelDidClose, ChannelDidCreate,
    ChannelDidJoin, ChannelDidLeave, ChannelDidRemoveUsers, ChannelDidUpdate, ChannelDidUpdateMeta,
    MessageData, MessageDidAddReaction, MessageDidClearFlag, MessageDidCreate, MessageDidDelete,
    MessageDidFlag, MessageDidRemoveReaction, MessageDidUnflag, MessageDidUpdate, ModerationDidBan,
    UserData, UserDidClearFlag, UserDidCreate, UserDidFlag, UserDidUnflag, UserDidUpdate,
};
use webhook_core::{DeliveryInfo, Dispatcher, RegistrationError, Shared, webhook_handler};

use super::Demo;

/// Every handler of this module, collected: no list to keep in step with the functions.
pub(super) fn register(
    dispatcher: Dispatcher<Amity, Demo>,
) -> Result<Dispatcher<Amity, Demo>, RegistrationError> {
    dispatcher.linked_handlers_in(module_path!())
}

fn channel_of(data: &ChannelData) -> Option<&str> {
    data.first_channel()
        .map(|channel| channel.channel_id.as_str())
}

fn message_channel_of(data: &MessageData) -> Option<&str> {
    data.first_message()
        .map(|message| message.channel_id.as_str())
}

fn users_of(data: &UserData) -> String {
    let ids: Vec<&str> = data
        .users
        .iter()
        .map(|user| user.user_id.as_str())
        .collect();
    ids.join(",")
}

#[webhook_handler]
async fn on_channel_did_add_users(
    ev: ChannelDidAddUsers,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidAddUsers::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_ban(
    ev: ChannelDidBan,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidBan::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_close(
    ev: ChannelDidClose,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidClose::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_create(
    ev: ChannelDidCreate,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidCreate::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_join(
    ev: ChannelDidJoin,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidJoin::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_leave(
    ev: ChannelDidLeave,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidLeave::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_remove_users(
    ev: ChannelDidRemoveUsers,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidRemoveUsers::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_update(
    ev: ChannelDidUpdate,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidUpdate::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_update_meta(
    ev: ChannelDidUpdateMeta,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidUpdateMeta::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_add_reaction(
    ev: MessageDidAddReaction,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(
        MessageDidAddReaction::NAME,
        message_channel_of(&ev.data),
        &info,
    )
    .await
}

#[webhook_handler]
async fn on_message_did_clear_flag(
    ev: MessageDidClearFlag,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(
        MessageDidClearFlag::NAME,
        message_channel_of(&ev.data),
        &info,
    )
    .await
}

#[webhook_handler]
async fn on_message_did_create(
    ev: MessageDidCreate,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidCreate::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_delete(
    ev: MessageDidDelete,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidDelete::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_flag(
    ev: MessageDidFlag,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidFlag::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_remove_reaction(
    ev: MessageDidRemoveReaction,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(
        MessageDidRemoveReaction::NAME,
        message_channel_of(&ev.data),
        &info,
    )
    .await
}

#[webhook_handler]
async fn on_message_did_unflag(
    ev: MessageDidUnflag,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidUnflag::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_update(
    ev: MessageDidUpdate,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidUpdate::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_clear_flag(
    ev: UserDidClearFlag,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidClearFlag::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_create(
    ev: UserDidCreate,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidCreate::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_flag(
    ev: UserDidFlag,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidFlag::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_unflag(
    ev: UserDidUnflag,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidUnflag::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_update(
    ev: UserDidUpdate,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidUpdate::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_moderation_did_ban(
    ev: ModerationDidBan,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(ModerationDidBan::NAME, &users_of(&ev.data), &info)
        .await
}

/// A post as the example server reads it: the few fields it logs, in a type of its own.
#[derive(Debug, Clone, serde::Deserialize)]
pub(super) struct PostCreated {
    /// The event's data (`null` or `""` read as empty, as the crate's own types do).
    #[serde(default, deserialize_with = "webhook_core::lenient::empty_as_default")]
    pub(super) data: PostCreatedData,
}

/// The `data` of [`PostCreated`].
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(super) struct PostCreatedData {
    /// The posts created (one post alone, or `null`, read as a list).
    #[serde(default, deserialize_with = "webhook_core::lenient::one_or_many")]
    pub(super) posts: Vec<CreatedPost>,
}

/// One post of [`PostCreatedData`].
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreatedPost {
    /// The community or user feed it was posted to.
    #[serde(default)]
    pub(super) target_id: Option<String>,
}

/// A social event the crate has a type for, read here into the server's own type: how an
/// application takes an event in the shape it wants.
#[webhook_handler(event = "v3.post.didCreate")]
async fn on_post_created(
    ev: PostCreated,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    let post = ev.data.posts.first();
    demo.handled(
        "v3.post.didCreate",
        post.and_then(|post| post.target_id.as_deref()),
        &info,
    )
    .await
}
