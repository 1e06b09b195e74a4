//! One handler per TalkPlus event, each logging the event name and channel id.

use webhook_core::talkplus::{
    ChannelAdded, ChannelChanged, ChannelRemoved, MemberAdded, MemberBanned, MemberLeft,
    MemberMuted, MemberUnbanned, MemberUnmuted, MessageDeleted, MessageSent, ReactionAdded,
    ReactionDeleted, TalkPlus, UserBlocked, UserUnblocked,
};
use webhook_core::{DeliveryInfo, Dispatcher, RegistrationError, Shared, webhook_handler};

use super::Demo;

/// Every handler of this module, collected: no list to keep in step with the functions.
pub(super) fn register(
    dispatcher: Dispatcher<TalkPlus, Demo>,
) -> Result<Dispatcher<TalkPlus, Demo>, RegistrationError> {
    dispatcher.linked_handlers_in(module_path!())
}

#[webhook_handler]
async fn on_message(
    ev: MessageSent,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageSent::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_message_deleted(
    ev: MessageDeleted,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MessageDeleted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_reaction_added(
    ev: ReactionAdded,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ReactionAdded::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_reaction_deleted(
    ev: ReactionDeleted,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ReactionDeleted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_channel_added(
    ev: ChannelAdded,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelAdded::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_channel_changed(
    ev: ChannelChanged,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelChanged::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_channel_removed(
    ev: ChannelRemoved,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(ChannelRemoved::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_added(
    ev: MemberAdded,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberAdded::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_left(
    ev: MemberLeft,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberLeft::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_muted(
    ev: MemberMuted,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberMuted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_unmuted(
    ev: MemberUnmuted,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberUnmuted::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_banned(
    ev: MemberBanned,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberBanned::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_member_unbanned(
    ev: MemberUnbanned,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    demo.handled(MemberUnbanned::NAME, Some(&ev.channel.id), &info)
        .await
}

#[webhook_handler]
async fn on_user_blocked(
    ev: UserBlocked,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    let users = format!("{}>{}", ev.user.id, ev.blocked_user.id);
    demo.handled_users(UserBlocked::NAME, &users, &info).await
}

#[webhook_handler]
async fn on_user_unblocked(
    ev: UserUnblocked,
    Shared(demo): Shared<Demo>,
    info: DeliveryInfo,
) -> Result<(), String> {
    let users = format!("{}>{}", ev.user.id, ev.blocked_user.id);
    demo.handled_users(UserUnblocked::NAME, &users, &info).await
}
