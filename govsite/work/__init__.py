"""Scale-out: resumable runs and Celery workers that audit one site each.

`census --resume` finishes an interrupted run from the store alone (`runplan`, `runstate`);
`census --workers` has a coordinator enqueue one task per site (`coordinator`) for
`govsite worker` processes (`app`, `tasks`, `command`), which keep every host's manners
across processes through Redis (`limiter`) and never audit one site twice at once
(`claims`). docs/scaling.md tells the whole story.
"""
