"""Scale-out: resumable runs, Celery workers, the shared host limiter (govsite.work)."""
