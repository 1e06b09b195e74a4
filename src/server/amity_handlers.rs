//! One handler per Amity chat event, each logging the event name and, where the event has
//! one, the channel id (for message events, the message's `channelId`).

use webhook_core::amity::{
    Amity, ChannelData, ChannelDidAddUsers, ChannelDidBan, ChannelDidClose, ChannelDidCreate,
    ChannelDidJoin, ChannelDidLeave, ChannelDidRemoveUsers, ChannelDidUpdate, ChannelDidUpdateMeta,
    MessageData, MessageDidAddReaction, MessageDidClearFlag, MessageDidCreate, MessageDidDelete,
    MessageDidFlag, MessageDidRemoveReaction, MessageDidUnflag, MessageDidUpdate, ModerationDidBan,
    UserData, UserDidClearFlag, UserDidCreate, UserDidFlag, UserDidUnflag, UserDidUpdate,
};
use webhook_core::{Dispatcher, Event, webhook_handler};

use super::handled;

pub(super) fn register(dispatcher: Dispatcher<Amity>) -> Dispatcher<Amity> {
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
async fn on_channel_did_add_users(ev: ChannelDidAddUsers) {
    handled(ChannelDidAddUsers::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_ban(ev: ChannelDidBan) {
    handled(ChannelDidBan::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_close(ev: ChannelDidClose) {
    handled(ChannelDidClose::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_create(ev: ChannelDidCreate) {
    handled(ChannelDidCreate::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_join(ev: ChannelDidJoin) {
    handled(ChannelDidJoin::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_leave(ev: ChannelDidLeave) {
    handled(ChannelDidLeave::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_remove_users(ev: ChannelDidRemoveUsers) {
    handled(ChannelDidRemoveUsers::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_update(ev: ChannelDidUpdate) {
    handled(ChannelDidUpdate::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_channel_did_update_meta(ev: ChannelDidUpdateMeta) {
    handled(ChannelDidUpdateMeta::NAME, channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_add_reaction(ev: MessageDidAddReaction) {
    handled(MessageDidAddReaction::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_clear_flag(ev: MessageDidClearFlag) {
    handled(MessageDidClearFlag::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_create(ev: MessageDidCreate) {
    handled(MessageDidCreate::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_delete(ev: MessageDidDelete) {
    handled(MessageDidDelete::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_flag(ev: MessageDidFlag) {
    handled(MessageDidFlag::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_remove_reaction(ev: MessageDidRemoveReaction) {
    handled(MessageDidRemoveReaction::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_unflag(ev: MessageDidUnflag) {
    handled(MessageDidUnflag::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_message_did_update(ev: MessageDidUpdate) {
    handled(MessageDidUpdate::NAME, message_channel_of(&ev.data));
}

#[webhook_handler]
async fn on_user_did_clear_flag(ev: UserDidClearFlag) {
    tracing::info!(event = UserDidClearFlag::NAME, users = %users_of(&ev.data), "handled");
}

#[webhook_handler]
async fn on_user_did_create(ev: UserDidCreate) {
    tracing::info!(event = UserDidCreate::NAME, users = %users_of(&ev.data), "handled");
}

#[webhook_handler]
async fn on_user_did_flag(ev: UserDidFlag) {
    tracing::info!(event = UserDidFlag::NAME, users = %users_of(&ev.data), "handled");
}

#[webhook_handler]
async fn on_user_did_unflag(ev: UserDidUnflag) {
    tracing::info!(event = UserDidUnflag::NAME, users = %users_of(&ev.data), "handled");
}

#[webhook_handler]
async fn on_user_did_update(ev: UserDidUpdate) {
    tracing::info!(event = UserDidUpdate::NAME, users = %users_of(&ev.data), "handled");
}

#[webhook_handler]
async fn on_moderation_did_ban(ev: ModerationDidBan) {
    tracing::info!(event = ModerationDidBan::NAME, users = %users_of(&ev.data), "handled");
}
