//! One handler per Amity chat event, each logging the event name and, where the event has
//! one, the channel id (for message events, the message's `channelId`).

use webhook_core::amity::{
    Amity, ChannelData, ChannelDidAddUsers, ChannelDidBan, ChannelDidClose, ChannelDidCreate,
    ChannelDidJoin, ChannelDidLeave, ChannelDidRemoveUsers, ChannelDidUpdate, ChannelDidUpdateMeta,
    MessageData, MessageDidAddReaction, MessageDidClearFlag, MessageDidCreate, MessageDidDelete,
    MessageDidFlag, MessageDidRemoveReaction, MessageDidUnflag, MessageDidUpdate, ModerationDidBan,
    UserData, UserDidClearFlag, UserDidCreate, UserDidFlag, UserDidUnflag, UserDidUpdate,
};
use webhook_core::{DeliveryInfo, Dispatcher, Event, State, webhook_handler};

use super::Demo;

pub(super) fn register(dispatcher: Dispatcher<Amity, Demo>) -> Dispatcher<Amity, Demo> {
    dispatcher
        .handler(on_channel_did_add_users)
        .handler(on_channel_did_ban)
        .handler(on_channel_did_close)
        .handler(on_channel_did_create)
        .handler(on_channel_did_join)
        .handler(on_channel_did_leave)
        .handler(on_channel_did_remove_users)
        .handler(on_channel_did_update)
        .handler(on_channel_did_update_meta)
        .handler(on_message_did_add_reaction)
        .handler(on_message_did_clear_flag)
        .handler(on_message_did_create)
        .handler(on_message_did_delete)
        .handler(on_message_did_flag)
        .handler(on_message_did_remove_reaction)
        .handler(on_message_did_unflag)
        .handler(on_message_did_update)
        .handler(on_user_did_clear_flag)
        .handler(on_user_did_create)
        .handler(on_user_did_flag)
        .handler(on_user_did_unflag)
        .handler(on_user_did_update)
        .handler(on_moderation_did_ban)
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
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidAddUsers::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_ban(
    ev: ChannelDidBan,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidBan::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_close(
    ev: ChannelDidClose,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidClose::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_create(
    ev: ChannelDidCreate,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidCreate::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_join(
    ev: ChannelDidJoin,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidJoin::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_leave(
    ev: ChannelDidLeave,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidLeave::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_remove_users(
    ev: ChannelDidRemoveUsers,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidRemoveUsers::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_update(
    ev: ChannelDidUpdate,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidUpdate::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_channel_did_update_meta(
    ev: ChannelDidUpdateMeta,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelDidUpdateMeta::NAME, channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_add_reaction(
    ev: MessageDidAddReaction,
    State(demo): State<Demo>,
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
    State(demo): State<Demo>,
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
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidCreate::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_delete(
    ev: MessageDidDelete,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidDelete::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_flag(
    ev: MessageDidFlag,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidFlag::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_remove_reaction(
    ev: MessageDidRemoveReaction,
    State(demo): State<Demo>,
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
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidUnflag::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_message_did_update(
    ev: MessageDidUpdate,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDidUpdate::NAME, message_channel_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_clear_flag(
    ev: UserDidClearFlag,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidClearFlag::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_create(
    ev: UserDidCreate,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidCreate::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_flag(
    ev: UserDidFlag,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidFlag::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_unflag(
    ev: UserDidUnflag,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidUnflag::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_user_did_update(
    ev: UserDidUpdate,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(UserDidUpdate::NAME, &users_of(&ev.data), &info)
        .await
}

#[webhook_handler]
async fn on_moderation_did_ban(
    ev: ModerationDidBan,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled_users(ModerationDidBan::NAME, &users_of(&ev.data), &info)
        .await
}
