"""peakdata: the simulations behind the Peak Data book.

Modules
-------
collapse
    Models trained on their own output (model collapse), with closed-form predictions.
demos
    Interactive demos: a live ipywidgets panel and a kernel-free chart from one definition.
style
    The book's plotting style (colour-blind-safe, readable in dark mode).
"""

__version__ = "0.1.0"
