from django.urls import path

from analytics import views

urlpatterns = [
    path("messages/", views.message_analysis, name="analytics-messages"),
    path("messages/<slug:tab>.csv", views.message_analysis_csv, name="analytics-messages-csv"),
    path("messages/columns/", views.choose_columns, name="analytics-columns"),
    path("words/", views.word_analysis, name="analytics-words"),
    path("words/phrases.csv", views.word_analysis_csv, name="analytics-words-csv"),
    path("words/phrase/", views.phrase_detail, name="analytics-phrase"),
    path("words/phrase.csv", views.phrase_detail_csv, name="analytics-phrase-csv"),
    path("csat/", views.csat, name="analytics-csat"),
    path("csat/<slug:table>.csv", views.csat_csv, name="analytics-csat-csv"),
    path("agents/", views.agents, name="analytics-agents"),
    path("agents/<slug:table>.csv", views.agents_csv, name="analytics-agents-csv"),
]
