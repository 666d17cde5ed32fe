"""Scale-out: resumable runs and Celery workers that audit one site each.

`census --resume` finishes an interrupted run from the store alone (`runplan`, `runstate`);
`census --workers` has a coordinator enqueue one task per site (`coordinator`) for
`govsite worker` processes (`app`, `tasks`, `command`), which keep every host's manners
across processes through Redis (`limiter`) and never audit one site twice at once
(`claims`). With `--split-pages`, a large site is crawled in sections, one task each
(`sections`, `split`), and assembled into one snapshot (`assemble`). docs/scaling.md tells the
whole story.
"""
