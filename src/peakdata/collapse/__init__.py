"""Model collapse: models trained, generation after generation, on their own output.

One module per loop, each with its simulation (vectorised over seeds), its closed forms and the
published results it reproduces (a ``reproductions()`` function, collected by
``python -m peakdata.reproduce``):

gaussian
    The Gaussian fit-then-sample loop (Shumailov et al. 2024), with the replace, accumulate and
    accumulate-subsample workflows and fresh real data.
fixed_real
    The Gaussian loop anchored by a fixed real set plus synthetic data (Bertrand et al. 2024):
    the error stays bounded, with a closed form.
regression
    Linear regression trained on its own labels: replace grows linearly, accumulate stays bounded.
discrete
    Categories resampled from themselves (Wright-Fisher drift): the tails go first.
text
    An n-gram language model retrained on its own Shakespeare (uses ``peakdata.text``).
twod
    Recursive fits in two dimensions: a Gaussian mixture (EM) and a kernel density estimate.
bias
    Loops that amplify a majority: sampling at low temperature, a classifier labelling its own data.
"""

from .bias import classifier_chain, temperature_chain
from .discrete import discrete_chain, zipf_probs
from .fixed_real import FixedRealChain, fixed_real_chain, fixed_real_limit, fixed_real_theory
from .gaussian import (
    ESTIMATORS,
    GaussianChain,
    gaussian_chain,
    gaussian_chain_theory,
    gaussian_workflow_theory,
)
from .regression import linear_regression_chain, linear_regression_theory
from .text import TextChain, text_chain, unigram_expectations
from .twod import gmm_chain, kde_chain

__all__ = [
    "ESTIMATORS",
    "FixedRealChain",
    "GaussianChain",
    "TextChain",
    "classifier_chain",
    "discrete_chain",
    "fixed_real_chain",
    "fixed_real_limit",
    "fixed_real_theory",
    "gaussian_chain",
    "gaussian_chain_theory",
    "gaussian_workflow_theory",
    "gmm_chain",
    "kde_chain",
    "linear_regression_chain",
    "linear_regression_theory",
    "temperature_chain",
    "text_chain",
    "unigram_expectations",
    "zipf_probs",
]
