"""The store's tables for sites crawled in sections (`govsite.work.sections`).

A split site's plan, its sections' states and their parts are scratch for one run's site:
written by the workers while the site is being crawled, read once by the assembly, and the
parts' bytes dropped once the site's result is stored (the plan and the states stay, small,
as a record of how the site was cut). Kept apart from `models` so that the feature's tables
live beside its store methods (`section_store`); migration 0008_section_parts creates them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from govsite.store.models import Base


class SectionPlanRow(Base):
    """How a site of a run was cut into sections (gzip JSON, `SectionPlan.dumps`)."""

    __tablename__ = "section_plans"
    __table_args__ = (
        ForeignKeyConstraint(
            ["run_id", "site_code"], ["sites.run_id", "sites.site_code"], ondelete="CASCADE"
        ),
    )

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime]
    data: Mapped[bytes]


class SectionPartRow(Base):
    """One section of a split site: done once its part is stored (`done_at`).

    `visits` is what the part took of the site's page cap, `pages` the pages it kept.
    """

    __tablename__ = "section_parts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["run_id", "site_code"],
            ["section_plans.run_id", "section_plans.site_code"],
            ondelete="CASCADE",
        ),
    )

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    section: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    done_at: Mapped[datetime | None]
    visits: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)


class SectionChunkRow(Base):
    """One chunk of a section's stored part, in order (`seq` from 0; `work/parts.py`)."""

    __tablename__ = "section_chunks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["run_id", "site_code", "section"],
            ["section_parts.run_id", "section_parts.site_code", "section_parts.section"],
            ondelete="CASCADE",
        ),
    )

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    section: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes]
