"""The book's interactive demos, each defined once and rendered live or static.

>>> from peakdata.demos import GaussianLoopDemo
>>> GaussianLoopDemo().show()   # doctest: +SKIP
"""

from ._base import SITE_BUILD_ENV, Choice, Demo, Explorable, LivePanel, Series, Slider
from .bias import TemperatureBiasDemo
from .gaussian import GaussianLoopDemo
from .tails import TailsDemo
from .text import TextCollapseDemo
from .twod import KDELoopDemo
from .workflows import WorkflowsDemo

#: Every demo of the book, in chapter order (benchmarks and tests iterate over it).
ALL_DEMOS = (
    GaussianLoopDemo,
    WorkflowsDemo,
    TailsDemo,
    TextCollapseDemo,
    KDELoopDemo,
    TemperatureBiasDemo,
)

__all__ = [
    "ALL_DEMOS",
    "SITE_BUILD_ENV",
    "Choice",
    "Demo",
    "Explorable",
    "GaussianLoopDemo",
    "KDELoopDemo",
    "LivePanel",
    "Series",
    "Slider",
    "TailsDemo",
    "TemperatureBiasDemo",
    "TextCollapseDemo",
    "WorkflowsDemo",
]
