"""The book's interactive demos, each defined once and rendered live or static.

>>> from peakdata.demos import GaussianLoopDemo
>>> GaussianLoopDemo().show()   # doctest: +SKIP
"""

from ._base import SITE_BUILD_ENV, Choice, Demo, Explorable, LivePanel, Series, Slider
from .gaussian import GaussianLoopDemo

__all__ = [
    "SITE_BUILD_ENV",
    "Choice",
    "Demo",
    "Explorable",
    "GaussianLoopDemo",
    "LivePanel",
    "Series",
    "Slider",
]
