//! One handler per TalkPlus event, each logging the event name and channel id.

use webhook_core::talkplus::{
    ChannelAdded, ChannelChanged, ChannelRemoved, MemberAdded, MemberBanned, MemberLeft,
    MemberMuted, MemberUnbanned, MemberUnmuted, MessageDeleted, MessageSent, ReactionAdded,
    ReactionDeleted, TalkPlus, UserBlocked, UserUnblocked,
};
use webhook_core::{DeliveryInfo, Dispatcher, Event, State, webhook_handler};

use super::Demo;

pub(super) fn register(dispatcher: Dispatcher<TalkPlus, Demo>) -> Dispatcher<TalkPlus, Demo> {
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
async fn on_message(
    ev: MessageSent,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageSent::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_message_deleted(
    ev: MessageDeleted,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDeleted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_reaction_added(
    ev: ReactionAdded,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ReactionAdded::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_reaction_deleted(
    ev: ReactionDeleted,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ReactionDeleted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_channel_added(
    ev: ChannelAdded,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelAdded::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_channel_changed(
    ev: ChannelChanged,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelChanged::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_channel_removed(
    ev: ChannelRemoved,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelRemoved::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_added(
    ev: MemberAdded,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberAdded::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_left(
    ev: MemberLeft,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberLeft::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_muted(
    ev: MemberMuted,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberMuted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_unmuted(
    ev: MemberUnmuted,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberUnmuted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_banned(
    ev: MemberBanned,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberBanned::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_unbanned(
    ev: MemberUnbanned,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberUnbanned::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_user_blocked(
    ev: UserBlocked,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    let users = format!("{}>{}", ev.user.id, ev.blocked_user.id);
    demo.handled_users(UserBlocked::NAME, &users, &info).await
}

#[webhook_handler]
async fn on_user_unblocked(
    ev: UserUnblocked,
    State(demo): State<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    let users = format!("{}>{}", ev.user.id, ev.blocked_user.id);
    demo.handled_users(UserUnblocked::NAME, &users, &info).await
}
