"""Work a request starts but does not wait for, such as an email that would otherwise tell, by
the time the answer takes, whether an address has an account."""

from functools import partial

from celery import Task
from django.conf import settings
from django.http import HttpResponse


def after_response(response: HttpResponse, task: Task, **kwargs) -> HttpResponse:
    """Have `task` run without `response` waiting for it. With a broker (CELERY_BROKER_URL) a
    worker takes it, and queueing it costs the same whatever it will do. Without one, tasks
    run in process: it runs once the response has been sent, when the server closes the
    response (`_resource_closers` is Django's own list of what closing runs, as FileResponse
    closes its file), in the same thread, so no connection or thread is left behind."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        response._resource_closers.append(partial(task.delay, **kwargs))  # type: ignore[attr-defined]
    else:
        task.delay(**kwargs)
    return response
