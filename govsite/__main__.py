"""`python -m govsite` runs the command line."""

from govsite.cli import app

app(prog_name="govsite")
