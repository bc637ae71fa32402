"""When a source was published, and whether a dated milestone was over by then: a fact of that source, not
a plan (dashboard.model.chronology builds its rules on these)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dashboard.data.parsing import PartialDate


@dataclass(frozen=True)
class SourceDate:
    """When a source was published: a day range (exact when both ends agree) and why."""

    earliest: datetime.date
    latest: datetime.date
    label: str  # as people say it: « 2020 »
    basis: str = ""

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest


def is_reported(milestone: PartialDate, published: datetime.date) -> bool:
    """True when the whole period the date stands for is over before the source was published."""
    return datetime.date(*milestone.latest()) < published


def reported(date: PartialDate | None, published: datetime.date | None) -> bool:
    """``is_reported`` where either may be missing: no date, or no dated source, is never a fact."""
    return date is not None and published is not None and is_reported(date, published)
