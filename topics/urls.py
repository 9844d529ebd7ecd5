from django.urls import path

from topics import views

urlpatterns = [
    path("", views.topics_page, name="analytics-topics"),
    path("messages/", views.topic_messages, name="analytics-topic-messages"),
    path("messages.csv", views.topic_messages_csv, name="analytics-topics-csv"),
    path("compute/", views.compute_now, name="analytics-topics-compute"),
]
