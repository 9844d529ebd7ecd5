from django.urls import path

from ingest import api, views

urlpatterns = [
    path("api/v1/import", api.import_view, name="api-import"),
    path("api/v1/schema.json", api.schema_view, name="api-schema"),
    path("b/<slug:business>/jobs/", views.jobs, name="business-jobs"),
    path("b/<slug:business>/jobs/<int:job_id>/retry/", views.retry, name="business-job-retry"),
]
