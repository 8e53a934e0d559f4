"""Model collapse: models trained, generation after generation, on their own output.

One module per loop, each with its simulation (vectorised over seeds), its closed forms and the
published results it reproduces (a ``reproductions()`` function, collected by
``python -m peakdata.reproduce``):

gaussian
    The Gaussian fit-then-sample loop (Shumailov et al. 2024).
"""

from .gaussian import ESTIMATORS, GaussianChain, gaussian_chain, gaussian_chain_theory

__all__ = ["ESTIMATORS", "GaussianChain", "gaussian_chain", "gaussian_chain_theory"]
