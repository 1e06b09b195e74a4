//! One handler per TalkPlus event, each logging the event name and channel id.

use webhook_core::talkplus::{
    ChannelAdded, ChannelChanged, ChannelRemoved, MemberAdded, MemberBanned, MemberLeft,
    MemberMuted, MemberUnbanned, MemberUnmuted, MessageDeleted, MessageSent, ReactionAdded,
    ReactionDeleted, TalkPlus, UserBlocked, UserUnblocked,
};
use webhook_core::{Dispatcher, Event, webhook_handler};

use super::handled;

pub(super) fn register(dispatcher: Dispatcher<TalkPlus>) -> Dispatcher<TalkPlus> {
    dispatcher
        .handler(on_message)
        .handler(on_message_deleted)
        .handler(on_reaction_added)
        .handler(on_reaction_deleted)
        .handler(on_channel_added)
        .handler(on_channel_changed)
        .handler(on_channel_removed)
        .handler(on_member_added)
        .handler(on_member_left)
        .handler(on_member_muted)
        .handler(on_member_unmuted)
        .handler(on_member_banned)
        .handler(on_member_unbanned)
        .handler(on_user_blocked)
        .handler(on_user_unblocked)
}

#[webhook_handler]
async fn on_message(ev: MessageSent) {
    handled(MessageSent::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_message_deleted(ev: MessageDeleted) {
    handled(MessageDeleted::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_reaction_added(ev: ReactionAdded) {
    handled(ReactionAdded::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_reaction_deleted(ev: ReactionDeleted) {
    handled(ReactionDeleted::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_channel_added(ev: ChannelAdded) {
    handled(ChannelAdded::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_channel_changed(ev: ChannelChanged) {
    handled(ChannelChanged::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_channel_removed(ev: ChannelRemoved) {
    handled(ChannelRemoved::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_member_added(ev: MemberAdded) {
    handled(MemberAdded::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_member_left(ev: MemberLeft) {
    handled(MemberLeft::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_member_muted(ev: MemberMuted) {
    handled(MemberMuted::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_member_unmuted(ev: MemberUnmuted) {
    handled(MemberUnmuted::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned) {
    handled(MemberBanned::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_member_unbanned(ev: MemberUnbanned) {
    handled(MemberUnbanned::NAME, Some(&ev.channel.id));
}

#[webhook_handler]
async fn on_user_blocked(ev: UserBlocked) {
    tracing::info!(event = UserBlocked::NAME, user = %ev.user.id, blocked_user = %ev.blocked_user.id, "handled");
}

#[webhook_handler]
async fn on_user_unblocked(ev: UserUnblocked) {
    tracing::info!(event = UserUnblocked::NAME, user = %ev.user.id, blocked_user = %ev.blocked_user.id, "handled");
}
