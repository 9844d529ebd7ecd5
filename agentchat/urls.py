from django.urls import path

from agentchat import views

urlpatterns = [
    path("my-chats/", views.my_chats, name="my-chats"),
    path("teams/", views.team_chats, name="team-chats"),
    path("business/", views.business_chats, name="business-chats"),
    path("search/", views.search, name="business-search"),
]
