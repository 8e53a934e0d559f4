"""peakdata: the simulations behind the Peak Data book.

Modules
-------
scaling
    Scaling laws (Part I): the loss of N parameters on D tokens, the compute-optimal split,
    what repeated data is worth, and what training costs.
stock
    The stock of human text (Part I): when growing training sets reach it, with uncertainty;
    the training sets of real models.
collapse
    Models trained on their own output (model collapse), with closed-form predictions.
demos
    Interactive demos: a live ipywidgets panel and a kernel-free chart from one definition.
style
    The book's plotting style (colour-blind-safe, readable in dark mode).
"""

__version__ = "0.1.0"
