from django.urls import path

from chats import views

urlpatterns = [
    path("c/<str:token>/", views.chat_link, name="chat-link"),
    path("c/<str:token>/updates/", views.chat_updates, name="chat-updates"),
    path(
        "c/<str:token>/media/<int:message_id>/<str:ref>/", views.attachment, name="chat-attachment"
    ),
    path("c/<str:token>/share/", views.create_share_link, name="create-share-link"),
    path(
        "c/<str:token>/share/<int:share_id>/revoke/",
        views.revoke_share_link,
        name="revoke-share-link",
    ),
    path("s/<str:token>/", views.shared_conversation, name="shared-conversation"),
    path("s/<str:token>/updates/", views.shared_updates, name="shared-updates"),
]
