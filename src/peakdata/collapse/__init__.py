"""Model collapse: models trained, generation after generation, on their own output.

One module per loop, each with its simulation (vectorised over seeds), its closed forms and the
published results it reproduces (a ``reproductions()`` function, collected by
``python -m peakdata.reproduce``):

gaussian
    The Gaussian fit-then-sample loop (Shumailov et al. 2024).
discrete
    Categories resampled from themselves (Wright-Fisher drift): the tails go first.
text
    An n-gram language model retrained on its own Shakespeare (uses ``peakdata.text``).
bias
    Loops that amplify a majority: sampling at low temperature, a classifier labelling its own data.
"""

from .gaussian import ESTIMATORS, GaussianChain, gaussian_chain, gaussian_chain_theory

__all__ = ["ESTIMATORS", "GaussianChain", "gaussian_chain", "gaussian_chain_theory"]
