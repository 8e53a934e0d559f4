"""The book's plotting style: Okabe-Ito colours (safe for colour-blind readers), opaque
white backgrounds so figures stay readable in the site's dark mode, units on every axis."""

from __future__ import annotations

import matplotlib as mpl

#: Okabe & Ito (2008) palette, distinguishable under the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#7f7f7f",
}

RC = {
    "figure.figsize": (7.0, 3.8),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.grid": True,
    "grid.color": "#dddddd",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "axes.prop_cycle": mpl.cycler(
        color=[PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple")]
    ),
}


def use() -> None:
    """Apply the book's style to matplotlib (call once, in a notebook's setup cell)."""
    mpl.rcParams.update(RC)
