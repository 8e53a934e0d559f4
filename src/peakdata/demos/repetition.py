"""Interactive demo: what repeated data is worth (Muennighoff et al. 2023), and the loss it buys.

Three panels from one definition: the tokens a model sees over E epochs of U unique tokens
against what they are worth (the effective data D′) and its ceiling U(1 + R*); the loss of a
model of N parameters trained on them (L(N, D′)) against the loss with as many fresh tokens; and
the key numbers at the chosen number of epochs (a view slider: moving it recomputes nothing).
"""

from __future__ import annotations

from functools import lru_cache, partial

import numpy as np

from ..scaling import R_STAR_DATA, chinchilla_loss, effective_tokens, epoch_value
from ..style import PALETTE
from ._base import Demo, Lines, Readout, Series, Slider
from .scaling import sci

FIT = "besiroglu"
"""The fit of L(N, D) the loss panel uses (Besiroglu et al. 2024)."""
EPOCH_AXIS = tuple(float(f"{v:.4g}") for v in np.logspace(0.0, 2.0, 61))
"""x of both line panels: 1 to 100 epochs, log-spaced."""
EPOCHS = Slider("epochs", "epochs E", 1, 60, 1, 4)

_DATA = ("log_unique",)
_MODEL = ("log_unique", "log_params")


@lru_cache(maxsize=64)
def _numbers(log_unique: float, log_params: float) -> dict:
    """The readout at every value of the epochs slider."""
    unique, params = 10.0**log_unique, 10.0**log_params
    out = {}
    for e in EPOCHS.values():
        seen, worth = e * unique, effective_tokens(unique, e)
        loss = chinchilla_loss(params, worth, FIT)
        fresh = chinchilla_loss(params, seen, FIT)
        out[e] = (
            ("tokens seen, E·U", f"{sci(seen)}"),
            ("worth in fresh tokens, D′", f"{sci(worth)} ({worth / seen:.0%})"),
            ("one more epoch is worth", f"{epoch_value(unique, e) / unique:.0%} of a fresh one"),
            ("loss, repeated data", f"{loss:.3f} nats/token"),
            ("loss, as many fresh tokens", f"{fresh:.3f} nats/token"),
            ("loss lost to repetition", f"{loss - fresh:.3f} ({(loss - fresh) / fresh:.1%})"),
        )
    return out


# both panels: epochs on a log x axis, the chosen number marked; no minor ticks (as the static
# panel; on log axes they are most of a redraw)
_over_epochs = partial(
    Lines,
    x=EPOCH_AXIS,
    log_x=True,
    x_label="epochs E (passes over the data)",
    rule="epochs",
    rule_color=PALETTE["vermillion"],
    minor_ticks=False,
)


class RepetitionDemo(Demo):
    """Unique tokens, model size and epochs → effective tokens and the loss they imply."""

    title = "Repeating the data: what the epochs are worth"
    params = (
        Slider("log_unique", "unique tokens U (log₁₀ tokens)", 9.0, 13.0, 1.0, 11.0),
        Slider("log_params", "model size N (log₁₀ parameters)", 8.0, 12.0, 1.0, 10.0),
    )
    views = (EPOCHS,)
    panels = (
        _over_epochs(
            key="tokens",
            title="What the epochs are worth",
            series=(
                Series("seen", "tokens seen, E·U", PALETTE["grey"], (6, 3), 1.8, _DATA),
                Series("worth", "effective tokens D′", PALETTE["blue"], (), 2.4, _DATA),
                Series("ceiling", "ceiling U(1 + R*)", PALETTE["purple"], (2, 2), 2.0, _DATA),
            ),
            log_y=True,
            y_label="tokens",
        ),
        _over_epochs(
            key="losses",
            title="The loss they buy (Besiroglu et al. fit)",
            series=(
                Series("fresh", "as many fresh tokens", PALETTE["orange"], (6, 3), 2.0, _MODEL),
                Series("repeated", "repeated data, L(N, D′)", PALETTE["blue"], (), 2.4, _MODEL),
                Series("floor", "limit of repetition", PALETTE["purple"], (2, 2), 2.0, _MODEL),
            ),
            y_label="loss (nats per token)",
        ),
        Readout(key="numbers", title="At E epochs", depends_on=_MODEL, select="epochs"),
    )

    def compute(self, log_unique: float, log_params: float) -> dict:
        unique, params = 10.0**log_unique, 10.0**log_params
        epochs = np.asarray(EPOCH_AXIS)
        worth = effective_tokens(unique, epochs)
        ceiling = unique * (1 + R_STAR_DATA)
        return {
            "seen": epochs * unique,
            "worth": worth,
            "ceiling": np.full(epochs.shape, ceiling),
            "fresh": chinchilla_loss(params, epochs * unique, FIT),
            "repeated": chinchilla_loss(params, worth, FIT),
            "floor": np.full(epochs.shape, chinchilla_loss(params, ceiling, FIT)),
            "numbers": _numbers(log_unique, log_params),
        }

    def describe(self, values: dict, curves: dict) -> str:
        unique, params, e = (
            10.0 ** values["log_unique"],
            10.0 ** values["log_params"],
            values["epochs"],
        )
        seen, worth = e * unique, effective_tokens(unique, e)
        loss = chinchilla_loss(params, worth, FIT)
        fresh = chinchilla_loss(params, seen, FIT)
        return (
            f"{e} epochs over {sci(unique)} unique tokens show a model {sci(seen)} tokens, worth "
            f"{sci(worth)} fresh ones ({worth / seen:.0%}); one more epoch would add "
            f"{epoch_value(unique, e) / unique:.0%} of a fresh epoch. A model of {sci(params)} "
            f"parameters reaches a loss of {loss:.3f} nats per token, against {fresh:.3f} with "
            f"fresh data; no number of epochs takes the data past U(1 + R*) = "
            f"{sci(unique * (1 + R_STAR_DATA))} tokens."
        )
