"""The book's interactive demos, each defined once and rendered live or static.

>>> from peakdata.demos import GaussianLoopDemo
>>> GaussianLoopDemo().show()   # doctest: +SKIP
"""

from ._base import (
    MARK_KINDS,
    MAX_PAGE_DATA_GZIP,
    SITE_BUILD_ENV,
    Choice,
    Demo,
    Explorable,
    Heatmap,
    Histogram,
    Lines,
    LivePanel,
    Mark,
    Overlay,
    Points,
    Readout,
    Series,
    Slider,
    Text,
)
from .bias import TemperatureBiasDemo
from .cost import CostDemo
from .detect import WatermarkDemo
from .distill import DistillDemo
from .gaussian import GaussianLoopDemo
from .prevent import PreventCollapseDemo
from .repetition import RepetitionDemo
from .scaling import ComputeOptimalDemo
from .stock import StockDemo
from .synth import SyntheticIrisDemo
from .synthtext import SyntheticTextDemo
from .tails import TailsDemo
from .text import TextCollapseDemo
from .twod import KDELoopDemo
from .workflows import WorkflowsDemo

#: Every demo of the book, in chapter order (benchmarks and tests iterate over it).
ALL_DEMOS = (
    # Part I: the peak
    ComputeOptimalDemo,
    StockDemo,
    RepetitionDemo,
    CostDemo,
    # Part II: synthetic data
    SyntheticIrisDemo,
    SyntheticTextDemo,
    DistillDemo,
    # Part III: collapse
    GaussianLoopDemo,
    WorkflowsDemo,
    TailsDemo,
    TextCollapseDemo,
    KDELoopDemo,
    TemperatureBiasDemo,
    # Part IV: living with synthetic data
    PreventCollapseDemo,
    WatermarkDemo,
)

__all__ = [
    "ALL_DEMOS",
    "MARK_KINDS",
    "MAX_PAGE_DATA_GZIP",
    "SITE_BUILD_ENV",
    "Choice",
    "ComputeOptimalDemo",
    "CostDemo",
    "Demo",
    "DistillDemo",
    "Explorable",
    "GaussianLoopDemo",
    "Heatmap",
    "Histogram",
    "KDELoopDemo",
    "Lines",
    "LivePanel",
    "Mark",
    "Overlay",
    "Points",
    "PreventCollapseDemo",
    "Readout",
    "RepetitionDemo",
    "Series",
    "Slider",
    "SyntheticIrisDemo",
    "SyntheticTextDemo",
    "StockDemo",
    "TailsDemo",
    "TemperatureBiasDemo",
    "Text",
    "TextCollapseDemo",
    "WatermarkDemo",
    "WorkflowsDemo",
]
